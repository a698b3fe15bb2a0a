import type { Call } from '../deps';
import { ConcurrencyError, StorageUnavailableError } from '../errors';
import type { GraphSession, WorkbookAddress } from '../graph/graphClient';
import type { Caller } from '../input/parseCaller';
import { sessionLogId } from './sessionKeys';
import { nextDueAt, type SessionRecord } from './sessionRecord';

export interface CreateSessionInput {
  readonly workbook: WorkbookAddress;
  readonly persistChanges: boolean;
  readonly idleTimeoutSeconds: number;
  readonly caller: Caller | undefined;
}

/**
 * Creates the session in Graph, then records it. If the record cannot be written, the Graph session is closed
 * again before the error is answered: the broker never leaves behind a session it does not know, which would hold
 * the workbook until Excel's idle expiry.
 */
export async function createSession(input: CreateSessionInput, { deps, log }: Call): Promise<GraphSession> {
  const session = await deps.graph.createSession(input.workbook, input.persistChanges);
  const now = deps.now();
  const fields: Omit<SessionRecord, 'dueAt'> = {
    ...input.workbook,
    sessionId: session.id,
    persistChanges: session.persistChanges,
    createdAt: now,
    lastCallerActivityAt: now,
    lastGraphContactAt: now,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    state: 'live',
    ...(input.caller ? { owner: input.caller.id, ownerName: input.caller.name } : {}),
  };
  try {
    await deps.store.insertSession({ ...fields, dueAt: nextDueAt(fields, deps.config) });
  } catch (error) {
    const session_ = sessionLogId(session.id);
    log.warn('Session record could not be written; closing the Graph session again.', { session: session_ });
    try {
      await deps.graph.closeSession(input.workbook, session.id);
    } catch (closeError) {
      // Nothing more can be done now: Excel ends it after its idle expiry (~5-7 min). Said loudly for the operator.
      log.error('Graph session left open after a failed record write.', {
        session: session_,
        reason: closeError instanceof Error ? closeError.message : 'unknown',
      });
    }
    throw error instanceof ConcurrencyError ? new StorageUnavailableError() : error;
  }
  log.info('Session created.', { session: sessionLogId(session.id), persistChanges: session.persistChanges });
  deps.telemetry.event('SessionCreated', {
    session: sessionLogId(session.id),
    persistChanges: session.persistChanges,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    owned: input.caller !== undefined,
  });
  return session;
}
