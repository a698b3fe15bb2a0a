import type { Invocation } from '../deps';
import { warnOnFailure } from '../errorMessage';
import { SessionNotFoundError } from '../errors';
import { parseGraphError } from '../graph/parseGraphError';
import type { GraphReply } from '../graph/graphClient';
import type { Caller } from '../input/requestHeaders';
import type { StoredSession } from '../records/sessionRecord';
import { endGoneSession } from '../sessions/endGoneSession';
import { findSession } from '../sessions/sessionAccess';
import { isSessionGoneAfterWorkbookCall } from '../sessions/sessionFate';
import type { WorkbookAddress } from '../workbookAddress';
import { recordActivity } from './sessionActivity';

/**
 * The caller's session for a workbook call: known, live, this workbook's, this caller's — checked before any Graph
 * call. Read fresh, not from this instance's copy — a session another instance closed must not get another Graph
 * call — unless the copy was read while this instance has held the workbook without a break (the gate's tenure):
 * then no other instance can have closed it in Graph, and the steady state reads nothing.
 */
export async function liveSession(
  workbook: WorkbookAddress,
  sessionId: string,
  caller: Caller | undefined,
  invocation: Invocation,
): Promise<StoredSession> {
  const tenure = invocation.deps.gate.tenureOf(workbook);
  const record = await findSession(invocation.deps, workbook, sessionId, caller, {
    fresh: true,
    ...(tenure === undefined ? {} : { tenure }),
  });
  if (record.state !== 'live') throw new SessionNotFoundError();
  return record;
}

/**
 * What Graph's last answer in a session says of it. Throttling (429) and Graph's own failures say nothing about the
 * session; every other answer shows it in use; one saying the session is gone ends its record as expired. Graph has
 * answered by now, so nothing here may fail the call: a failed record write is logged, and the answer stands.
 */
export async function noteSessionUse(
  record: StoredSession,
  reply: Pick<GraphReply, 'status' | 'headers' | 'body'>,
  deadline: number,
  invocation: Invocation,
): Promise<void> {
  const answeredAt = invocation.deps.now();
  if (reply.status >= 400) {
    const error = parseGraphError(reply.status, reply.headers, new TextDecoder().decode(reply.body), answeredAt);
    if (isSessionGoneAfterWorkbookCall(error)) {
      await endGoneSession(record, error, invocation, { deadline }).catch(
        warnOnFailure(invocation.log, 'Could not record that Graph ended a session; the sweep finds it gone.', {
          requestId: invocation.requestId,
        }),
      );
      return;
    }
    if (reply.status === 429 || reply.status >= 500) return;
  }
  await recordActivity(record, answeredAt, invocation);
}
