import { warnOnFailure } from '../errorMessage';
import { type Invocation, graphCallOptions } from '../deps';
import { SessionNotFoundError } from '../errors';
import { ANSWER_BUDGET_MS } from '../budgets';
import { findSession, updateSession } from './sessionAccess';
import { endGoneSession } from './endGoneSession';
import { isSessionGone } from './sessionFate';
import { sessionLogId } from '../store/sessionKeys';
import type { StoredSession } from '../records/sessionRecord';
import type { SessionCallInput } from '../input/parseSessionCall';

/**
 * The caller still wants the session: restart both clocks in the table and refresh it in Graph — at the same time,
 * so the caller waits for the slower of the two, not for both. That is safe because the write is conditional on the
 * record's ETag: if the sweep claimed the session first, the write fails, the record is read again, and the caller
 * hears 404 whatever Graph said. If Graph fails, the record is put right: a session Graph reports gone ends as
 * expired (404 `invalidSessionReCreatable`, Graph's signal to create a new one) — and unless Graph said so itself, it
 * is closed in Graph too (endGoneSession.ts); any other failure restores the last real Graph contact, so the sweep
 * does not skip a refresh it still owes.
 */
export async function refreshSession(input: SessionCallInput, invocation: Invocation): Promise<void> {
  const { deps } = invocation;
  const record = await findSession(deps, input.workbook, input.sessionId, input.caller);
  if (record.state !== 'live') throw new SessionNotFoundError();
  const now = deps.now();
  const [recording, refreshing] = await Promise.allSettled([
    updateSession(deps, record, (current) =>
      current.state === 'live'
        ? { lastCallerActivityAt: now, lastGraphContactAt: now, deferredUntil: undefined }
        : undefined,
    ),
    graphCallOptions(invocation, input.workbook, now + ANSWER_BUDGET_MS).then((options) =>
      deps.graph.refreshSession(input.workbook, input.sessionId, options),
    ),
  ]);
  const recorded = recording.status === 'fulfilled' ? recording.value : undefined;
  if (refreshing.status === 'rejected') {
    const error: unknown = refreshing.reason;
    if (!isSessionGone(error)) {
      if (recorded?.lastGraphContactAt === now)
        await restoreGraphContact(recorded, now, record.lastGraphContactAt, invocation);
      throw error;
    }
    await endGoneSession(recorded ?? record, error, invocation);
    throw new SessionNotFoundError();
  }
  if (recording.status === 'rejected') throw recording.reason;
  // Ended meanwhile (closed by its caller or claimed by the sweep): the caller must not believe it lives.
  if (recorded?.state !== 'live') throw new SessionNotFoundError();
  deps.telemetry.event('SessionRefreshed', { session: sessionLogId(input.sessionId), by: 'caller' });
}

/** Graph did not take the refresh: put back the last contact that really happened (unless someone moved it since). */
async function restoreGraphContact(
  recorded: StoredSession,
  wrote: number,
  previous: number,
  { deps, log }: Invocation,
): Promise<void> {
  await updateSession(deps, recorded, (current) =>
    current.lastGraphContactAt === wrote ? { lastGraphContactAt: previous } : undefined,
  ).catch(
    warnOnFailure(
      log,
      'Could not put back the last Graph contact after a failed refresh; the sweep refreshes this session one interval late.',
      { session: sessionLogId(recorded.sessionId) },
    ),
  );
}
