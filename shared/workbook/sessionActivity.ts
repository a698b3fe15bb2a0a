import type { Invocation } from '../deps';
import { ACTIVITY_WRITE_EVERY_MS } from '../budgets';
import { sessionLogId } from '../store/sessionKeys';
import type { StoredSession } from '../records/sessionRecord';
import { updateSession } from '../sessions/sessionAccess';
import { errorMessage } from '../errorMessage';

/**
 * How stale the recorded activity of a session may get: the write interval, but never more than a quarter of the
 * session's idle timeout — so the sweep, which closes a session idle for its whole timeout, never closes one in use,
 * on any instance. (Idle timeouts are at least 60 s, so a write at most every 15 s.)
 */
export function activityWriteIntervalMs(record: Pick<StoredSession, 'idleTimeoutSeconds'>): number {
  return Math.min(ACTIVITY_WRITE_EVERY_MS, (record.idleTimeoutSeconds * 1000) / 4);
}

/**
 * A call in the session was answered by Graph: that is caller activity and Graph contact both. Recorded only when the
 * record's clocks are older than the interval; a failed write is logged, never answered — Graph has already acted,
 * and the next call or the caller's refresh records it.
 */
export async function recordActivity(record: StoredSession, now: number, invocation: Invocation): Promise<void> {
  const due = (current: StoredSession) =>
    current.state === 'live' && now - current.lastCallerActivityAt >= activityWriteIntervalMs(current);
  if (!due(record)) return;
  try {
    await updateSession(invocation.deps, record, (current) =>
      due(current) ? { lastCallerActivityAt: now, lastGraphContactAt: now, deferredUntil: undefined } : undefined,
    );
  } catch (error) {
    invocation.log.warn('Could not record a session’s activity; the next call records it.', {
      session: sessionLogId(record.sessionId),
      requestId: invocation.requestId,
      reason: errorMessage(error),
    });
  }
}
