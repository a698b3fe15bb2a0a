import { errorMessage } from '../errorMessage';
import type { Invocation } from '../deps';
import { isGoneInGraph } from './sessionFate';
import { sessionLogId } from '../store/sessionKeys';
import type { StoredSession } from '../records/sessionRecord';
import { updateSession } from './sessionAccess';
import { CLOSE_OWED_FOR_MS } from '../budgets';

/**
 * Nothing left open. When the broker stops tracking a session that Graph may still hold (a `502`, a `503` with no
 * known inner code — Microsoft's "recreate the session" — see sessionFate.ts), the record says `graphCloseOwed` and
 * Graph is sent a close, so no workbook stays locked by a session nobody owns. `close` makes the Graph call; once
 * Graph closed it, or says itself that it is gone, the debt is cleared. A failed close throws, and the record keeps
 * the debt: the sweep retries it (sweepSession.ts) until Graph has it or CLOSE_OWED_FOR_MS has passed.
 */
export async function closeOwed(
  record: StoredSession,
  invocation: Invocation,
  close: () => Promise<void>,
): Promise<void> {
  const { deps, log } = invocation;
  if (deps.now() < (record.endedAt ?? 0) + CLOSE_OWED_FOR_MS) {
    try {
      await close();
    } catch (error) {
      if (!isGoneInGraph(error)) throw error;
    }
    log.info('Session closed in Graph after the broker stopped tracking it.', {
      session: sessionLogId(record.sessionId),
    });
  } else {
    log.warn('Gave up closing a session in Graph: Excel has ended it at its idle expiry.', {
      session: sessionLogId(record.sessionId),
    });
  }
  await updateSession(deps, record, (current) => (current.graphCloseOwed ? { graphCloseOwed: undefined } : undefined));
}

/** The best-effort close of a caller's call: a failure is logged, never answered — the sweep tries again. */
export async function tryCloseOwed(
  record: StoredSession | undefined,
  invocation: Invocation,
  close: () => Promise<void>,
): Promise<void> {
  if (!record?.graphCloseOwed) return;
  await closeOwed(record, invocation, close).catch((error: unknown) => {
    invocation.log.warn('Graph did not take the close the broker owes it; the sweep tries again.', {
      session: sessionLogId(record.sessionId),
      requestId: invocation.requestId,
      reason: errorMessage(error),
    });
  });
}
