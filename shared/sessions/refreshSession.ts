import type { Call } from '../deps';
import { SessionNotFoundError } from '../errors';
import type { WorkbookAddress } from '../graph/graphClient';
import type { Caller } from '../input/parseCaller';
import { ANSWER_BUDGET_MS } from './budgets';
import { findSession } from './findSession';
import { isSessionGone } from './sessionFate';
import { sessionLogId } from './sessionKeys';
import { updateSession } from './updateSession';

export interface SessionCallInput {
  readonly workbook: WorkbookAddress;
  readonly sessionId: string;
  readonly caller: Caller | undefined;
}

/**
 * The caller still wants the session: refresh it in Graph and restart both clocks. A session Graph reports gone is
 * recorded as expired and answered with 404 `invalidSessionReCreatable`, Graph's own signal to create a new one.
 */
export async function refreshSession(input: SessionCallInput, { deps, log }: Call): Promise<void> {
  const record = await findSession(deps, input.workbook, input.sessionId, input.caller);
  if (record.state !== 'live') throw new SessionNotFoundError();
  try {
    await deps.graph.refreshSession(input.workbook, input.sessionId, { deadline: deps.now() + ANSWER_BUDGET_MS });
  } catch (error) {
    if (!isSessionGone(error)) throw error;
    const endedAt = deps.now();
    await updateSession(deps, record, (current) =>
      current.state === 'live' ? { state: 'expired', endReason: 'expiredInGraph', endedAt } : undefined,
    );
    log.info('Session expired in Graph.', { session: sessionLogId(input.sessionId) });
    deps.telemetry.event('SessionExpired', { session: sessionLogId(input.sessionId), by: 'caller' });
    throw new SessionNotFoundError();
  }
  const now = deps.now();
  const final = await updateSession(deps, record, (current) =>
    current.state === 'live' ? { lastCallerActivityAt: now, lastGraphContactAt: now, deferredUntil: undefined } : undefined,
  );
  // Ended meanwhile (closed by its caller or the sweep while Graph answered): the caller must not believe it lives.
  if (final?.state !== 'live') throw new SessionNotFoundError();
  deps.telemetry.event('SessionRefreshed', { session: sessionLogId(input.sessionId), by: 'caller' });
}
