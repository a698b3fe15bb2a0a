import { type Invocation, graphCallOptions } from '../deps';
import { ANSWER_BUDGET_MS } from '../budgets';
import { tryCloseOwed } from './closeOwed';
import { isGoneInGraph } from './sessionFate';
import { sessionLogId } from '../store/sessionKeys';
import type { StoredSession } from '../records/sessionRecord';
import { updateSession } from './sessionAccess';

/**
 * Graph answered a call in the session with its "session gone" (sessionFate.ts): the record ends as expired. Unless
 * Graph said so itself (404, `invalidSessionReCreatable`), Graph may still hold the session, so the broker also sends
 * it the close it now owes (closeOwed.ts) — `close` makes that call, the caller's way or the sweep's. Logged and
 * counted once, by whoever ended it. Returns the record as it finally stands.
 */
export async function endGoneSession(
  record: StoredSession,
  error: unknown,
  invocation: Invocation,
  options: { readonly by?: 'caller' | 'sweep'; readonly deadline?: number; readonly close?: () => Promise<void> } = {},
): Promise<StoredSession | undefined> {
  const { deps, log } = invocation;
  const endedAt = deps.now();
  const graphCloseOwed = !isGoneInGraph(error);
  const final = await updateSession(deps, record, (current) =>
    current.state === 'live'
      ? { state: 'expired', endReason: 'expiredInGraph', endedAt, ...(graphCloseOwed ? { graphCloseOwed } : {}) }
      : undefined,
  );
  if (final?.endReason === 'expiredInGraph' && final.endedAt === endedAt) {
    log.info('Session expired in Graph.', { session: sessionLogId(record.sessionId) });
    deps.telemetry.event('SessionExpired', { session: sessionLogId(record.sessionId), by: options.by ?? 'caller' });
    const deadline = options.deadline ?? endedAt + ANSWER_BUDGET_MS;
    await tryCloseOwed(
      final,
      invocation,
      options.close ??
        (async () =>
          deps.graph.closeSession(record, record.sessionId, await graphCallOptions(invocation, record, deadline))),
    );
  }
  return final;
}
