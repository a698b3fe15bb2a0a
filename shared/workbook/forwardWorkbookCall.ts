import { brokerApiUrl } from '../brokerUrls';
import { type Invocation, graphCallOptions } from '../deps';
import { warnOnFailure } from '../errorMessage';
import { GraphUnavailableError, SessionNotFoundError } from '../errors';
import { parseGraphError } from '../graph/parseGraphError';
import { retryKindFor } from '../graph/retryPolicy';
import type { WorkbookCallInput } from '../input/parseWorkbookCall';
import { ANSWER_BUDGET_MS } from '../budgets';
import { endGoneSession } from '../sessions/endGoneSession';
import { findSession } from '../sessions/sessionAccess';
import { isSessionGoneAfterWorkbookCall } from '../sessions/sessionFate';
import type { StoredSession } from '../records/sessionRecord';
import { answerHeadersFor, toBrokerUrl } from './forwardedHeaders';
import { operationTemplate } from './operationTemplate';
import { claimWriteKey, fingerprintOf, freeWriteKey, keepAnswer, renderedError } from './replayKeys';
import { recordActivity } from './sessionActivity';
import { keepClaimAlive } from '../store/claimHeartbeat';

/** Graph's answer as the caller gets it: status and body bytes unchanged, the listed headers only. */
export interface WorkbookCallAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/**
 * Makes a caller's workbook call on Graph as the broker's identity: in the caller's session when it names one (known,
 * live, this workbook, this caller — checked before any Graph call), one call at a time per workbook (the Graph
 * client's turn), retried only as its method allows. Graph's answer goes back as it came, its locations pointed at
 * the broker. A call answered in a session is activity that keeps the session alive; a session Graph reports gone
 * ends as expired, and the caller still gets Graph's own answer. With an Idempotency-Key, a write is done at most once
 * (replayKeys.ts).
 */
export async function forwardWorkbookCall(
  input: WorkbookCallInput,
  invocation: Invocation,
): Promise<WorkbookCallAnswer> {
  const deadline = invocation.deps.now() + ANSWER_BUDGET_MS;
  if (input.idempotencyKey === undefined) return makeCall(input, deadline, invocation);
  // The key is looked at first: a repeat of a write that was done gets its answer even if the session has ended since.
  const { path, query } = input.target;
  const claim = await claimWriteKey(
    {
      workbook: input.workbook,
      key: input.idempotencyKey,
      caller: input.caller,
      fingerprint: fingerprintOf(input.method, path, query, input.body),
    },
    invocation,
    deadline,
  );
  if (claim.kind === 'replay') return claim.answer;
  // While the call runs, the claim says this request is alive; a repeat that finds it silent knows the request died.
  const { store } = invocation.deps;
  const heartbeat = keepClaimAlive(
    claim.record,
    (current, next) => store.replaceReplay(current, next),
    invocation.deps,
  );
  const made = await makeCall(input, deadline, invocation).then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error }),
  );
  const held = await heartbeat.stop();
  if ('error' in made) {
    // No answer came back after the call went out: Graph may have acted, so this is the answer every repeat gets.
    if (made.error instanceof GraphUnavailableError) {
      const unknown = renderedError(made.error, invocation);
      await keepAnswer(held, unknown, invocation);
      return unknown;
    }
    await freeWriteKey(held, invocation);
    throw made.error;
  }
  const { answer } = made;
  if (answer.status === 429 || answer.status === 503) await freeWriteKey(held, invocation);
  else await keepAnswer(held, answer, invocation);
  return answer;
}

/** The call itself: on Graph, in the session's turn, answered with Graph's answer moved to the broker's address. */
async function makeCall(
  input: WorkbookCallInput,
  deadline: number,
  invocation: Invocation,
): Promise<WorkbookCallAnswer> {
  const { deps } = invocation;
  const record = input.sessionId === undefined ? undefined : await liveSession(input, input.sessionId, invocation);
  const reply = await deps.graph.call(
    {
      action: operationTemplate(input.target.path),
      method: input.method,
      url:
        deps.graph.workbookUrl(input.workbook, input.target.path) +
        (input.target.query ? `?${input.target.query}` : ''),
      // Under an Idempotency-Key a PATCH is a write too: no second attempt after a 504 or a lost line, so an attempt
      // that may have acted is never followed by one whose "did not act" would free the key.
      retryKind: input.idempotencyKey === undefined ? retryKindFor(input.method) : 'write',
      headers: input.headers,
      ...(input.body === undefined ? {} : { body: input.body }),
    },
    await graphCallOptions(invocation, input.workbook, deadline),
  );
  if (record !== undefined) await noteSessionUse(record, reply, deadline, invocation);

  const toBroker = (url: string) => toBrokerUrl(url, deps.config.graphBaseUrl, brokerApiUrl(deps.config));
  return {
    status: reply.status,
    headers: answerHeadersFor(reply.headers, toBroker),
    body: input.isOperationStatus ? withBrokerResourceLocation(reply.body, toBroker) : reply.body,
  };
}

// Read fresh, not from this instance's copy — a session another instance closed must not get another Graph call —
// unless the copy was read while this instance has held the workbook without a break (the gate's tenure): then no
// other instance can have closed it in Graph, and the steady state reads nothing.
async function liveSession(
  input: WorkbookCallInput,
  sessionId: string,
  invocation: Invocation,
): Promise<StoredSession> {
  const tenure = invocation.deps.gate.tenureOf(input.workbook);
  const record = await findSession(invocation.deps, input.workbook, sessionId, input.caller, {
    fresh: true,
    ...(tenure === undefined ? {} : { tenure }),
  });
  if (record.state !== 'live') throw new SessionNotFoundError();
  return record;
}

/**
 * Throttling (429) and Graph's own failures say nothing about the session; every other answer shows it in use. Graph
 * has answered by now, so nothing here may fail the call: a failed record write is logged, and the answer stands.
 */
async function noteSessionUse(
  record: StoredSession,
  reply: { status: number; headers: Headers; body: Uint8Array },
  deadline: number,
  invocation: Invocation,
) {
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

/**
 * The one change the gateway makes to a body: a workbook operation's `resourceLocation` under GRAPH_BASE_URL points
 * at the broker, so the caller fetches the result through it (https://learn.microsoft.com/graph/api/workbookoperation-get).
 * Anything that is not such a JSON object passes unchanged.
 */
function withBrokerResourceLocation(body: Uint8Array, toBroker: (url: string) => string): Uint8Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return body;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return body;
  const operation = parsed as Record<string, unknown>;
  const location = operation.resourceLocation;
  if (typeof location !== 'string' || toBroker(location) === location) return body;
  return new TextEncoder().encode(JSON.stringify({ ...operation, resourceLocation: toBroker(location) }));
}
