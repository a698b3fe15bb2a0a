import type { Call } from '../deps';
import { graphCallOptions } from './graphCallOptions';
import { ANSWER_BUDGET_MS } from './budgets';
import { findSession } from './findSession';
import { isSessionGone } from './sessionFate';
import { sessionLogId } from './sessionKeys';
import type { SessionCallInput } from './refreshSession';
import { updateSession } from './updateSession';

/**
 * Closes the session in Graph and records it closed. Closing an ended session succeeds again (callers retry), and
 * so does closing one Graph already dropped: either way it is closed, which is what the caller asked for.
 */
export async function closeSession(input: SessionCallInput, call: Call): Promise<void> {
  const { deps, log } = call;
  const record = await findSession(deps, input.workbook, input.sessionId, input.caller, { fresh: true });
  if (record.state !== 'live') return;
  try {
    await deps.graph.closeSession(input.workbook, input.sessionId, graphCallOptions(call, deps.now() + ANSWER_BUDGET_MS));
  } catch (error) {
    if (!isSessionGone(error)) throw error;
  }
  const now = deps.now();
  const final = await updateSession(deps, record, (current) =>
    current.state === 'live'
      ? { state: 'closed', endReason: 'closedByCaller', endedAt: now, lastCallerActivityAt: now }
      : undefined,
  );
  // Counted once: if the sweep or Graph's expiry ended it meanwhile, that is the outcome already reported.
  if (final?.endReason !== 'closedByCaller' || final.endedAt !== now) return;
  log.info('Session closed by its caller.', { session: sessionLogId(input.sessionId) });
  deps.telemetry.event('SessionClosed', { session: sessionLogId(input.sessionId), reason: 'closedByCaller' });
}
