import { CLEANUP_CLOSE_BUDGET_MS } from '../budgets';
import { errorMessage } from '../errorMessage';
import { graphCallOptions, type Invocation } from '../deps';
import { ConcurrencyError, StorageUnavailableError } from '../errors';
import type { GraphSession } from '../graph/graphClient';
import type { WorkbookAddress } from '../workbookAddress';
import type { Caller } from '../input/requestHeaders';
import { sessionLogId } from '../store/sessionKeys';
import { sessionDueAt, type SessionRecord } from '../records/sessionRecord';

export interface NewSession {
  readonly workbook: WorkbookAddress;
  readonly session: GraphSession;
  readonly idleTimeoutSeconds: number;
  readonly caller: Caller | undefined;
  readonly idempotencyRowKey?: string;
}

/**
 * Records a session Graph just created. Recording it twice is fine (a long create may be finished by its caller's
 * poll and the sweep at once): the second insert finds the first. If the record cannot be written at all, the Graph
 * session is closed again before the error is answered: the broker never leaves behind a session it does not know,
 * which would hold the workbook until Excel's idle expiry.
 */
export async function recordNewSession(
  input: NewSession,
  invocation: Invocation,
  options: { readonly closeOnFailure?: boolean } = {},
): Promise<void> {
  const { deps, log } = invocation;
  const now = deps.now();
  const fields: Omit<SessionRecord, 'dueAt'> = {
    ...input.workbook,
    sessionId: input.session.id,
    persistChanges: input.session.persistChanges,
    createdAt: now,
    lastCallerActivityAt: now,
    lastGraphContactAt: now,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    state: 'live',
    ...(input.caller ? { owner: input.caller.id, ownerName: input.caller.name } : {}),
    ...(input.idempotencyRowKey ? { idempotencyRowKey: input.idempotencyRowKey } : {}),
  };
  const session = sessionLogId(input.session.id);
  try {
    await deps.store.insertSession({ ...fields, dueAt: sessionDueAt(fields, deps.config) });
  } catch (error) {
    if (error instanceof ConcurrencyError) return; // already recorded by whoever finished first
    if (options.closeOnFailure === false) throw asStorageUnavailable(error);
    log.warn('Session record could not be written; closing the Graph session again.', { session });
    try {
      await deps.graph.closeSession(
        input.workbook,
        input.session.id,
        await graphCallOptions(invocation, input.workbook, deps.now() + CLEANUP_CLOSE_BUDGET_MS),
      );
    } catch (closeError) {
      // Nothing more can be done now: Excel ends it after its idle expiry (~5-7 min). Said loudly for the operator.
      log.error('Graph session left open after a failed record write.', {
        session,
        reason: errorMessage(closeError),
      });
    }
    throw asStorageUnavailable(error);
  }
  log.info('Session created.', { session, persistChanges: input.session.persistChanges });
  deps.telemetry.event('SessionCreated', {
    session,
    persistChanges: input.session.persistChanges,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    owned: input.caller !== undefined,
  });
}

/** A failed record write as the caller hears it (503), keeping what failed as the cause. */
function asStorageUnavailable(error: unknown): StorageUnavailableError {
  return error instanceof StorageUnavailableError ? error : new StorageUnavailableError(undefined, { cause: error });
}
