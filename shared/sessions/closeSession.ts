import { type Invocation, graphCallOptions } from '../deps';
import { ANSWER_BUDGET_MS } from '../budgets';
import { findSession, updateSession } from './sessionAccess';
import { tryCloseOwed } from './closeOwed';
import { isGoneInGraph, isSessionGone } from './sessionFate';
import { sessionLogId } from '../store/sessionKeys';
import type { SessionCallInput } from '../input/parseSessionCall';

/**
 * Closes the session in Graph and records it closed. Closing an ended session succeeds again (callers retry), and
 * so does closing one Graph already dropped: either way it is closed, which is what the caller asked for. A close
 * the broker still owes Graph (closeOwed.ts) is sent again on the way.
 */
export async function closeSession(input: SessionCallInput, invocation: Invocation): Promise<void> {
  const { deps, log } = invocation;
  const record = await findSession(deps, input.workbook, input.sessionId, input.caller, { fresh: true });
  const close = async () =>
    deps.graph.closeSession(
      input.workbook,
      input.sessionId,
      await graphCallOptions(invocation, input.workbook, deps.now() + ANSWER_BUDGET_MS),
    );
  if (record.state !== 'live') return tryCloseOwed(record, invocation, close);
  let graphCloseOwed = false;
  try {
    await close();
  } catch (error) {
    if (!isSessionGone(error)) throw error;
    // Graph dropped it, but unless it said so itself it may still hold it: the sweep sends the close again.
    graphCloseOwed = !isGoneInGraph(error);
  }
  const now = deps.now();
  const final = await updateSession(deps, record, (current) =>
    current.state === 'live'
      ? {
          state: 'closed',
          endReason: 'closedByCaller',
          endedAt: now,
          lastCallerActivityAt: now,
          ...(graphCloseOwed ? { graphCloseOwed } : {}),
        }
      : undefined,
  );
  // Counted once: if the sweep or Graph's expiry ended it meanwhile, that is the outcome already reported.
  if (final?.endReason !== 'closedByCaller' || final.endedAt !== now) return;
  log.info('Session closed by its caller.', { session: sessionLogId(input.sessionId) });
  deps.telemetry.event('SessionClosed', { session: sessionLogId(input.sessionId), reason: 'closedByCaller' });
}
