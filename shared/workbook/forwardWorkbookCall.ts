import { type Invocation, graphCallOptions } from '../deps';
import { retryKindFor } from '../graph/retryPolicy';
import type { WorkbookCallInput } from '../input/parseWorkbookCall';
import { ANSWER_BUDGET_MS } from '../budgets';
import { answerOnce } from './answerOnce';
import { answerHeadersFor, brokerLocations } from './forwardedHeaders';
import { operationTemplate } from './operationTemplate';
import { fingerprintOf } from './replayKeys';
import { liveSession, noteSessionUse } from './sessionUse';

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
  const { path, query } = input.target;
  const write =
    input.idempotencyKey === undefined
      ? undefined
      : {
          workbook: input.workbook,
          key: input.idempotencyKey,
          caller: input.caller,
          fingerprint: fingerprintOf(input.method, path, query, input.body),
        };
  return answerOnce(write, invocation, deadline, () => makeCall(input, deadline, invocation));
}

/** The call itself: on Graph, in the session's turn, answered with Graph's answer moved to the broker's address. */
async function makeCall(
  input: WorkbookCallInput,
  deadline: number,
  invocation: Invocation,
): Promise<WorkbookCallAnswer> {
  const { deps } = invocation;
  const record =
    input.sessionId === undefined
      ? undefined
      : await liveSession(input.workbook, input.sessionId, input.caller, invocation);
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

  const toBroker = brokerLocations(deps.config);
  return {
    status: reply.status,
    headers: answerHeadersFor(reply.headers, toBroker),
    body: input.isOperationStatus ? withBrokerResourceLocation(reply.body, toBroker) : reply.body,
  };
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
