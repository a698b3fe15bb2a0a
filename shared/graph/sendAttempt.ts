import { GRAPH_CALL_HOLD_MS } from '../budgets';
import { GraphUnavailableError } from '../errors';
import type { GraphClientOptions } from './graphClientOptions';
import type { CallOptions, GraphReply, GraphRequest } from './graphRequest';
import { retryAfterSeconds } from './throttling';
import { startExchange, within, type FetchedAnswer } from './unwaitedExchange';

/** An attempt the broker stopped waiting for, which Graph may still be working on: ended when `settled` resolves. */
export interface Unwaited {
  settled?: Promise<void>;
}

/**
 * One attempt with the broker's token, answered within the single-call timeout and the deadline, whatever Graph's
 * status; the caller (`onAnswer`) and telemetry (`onCall`) are told of it. Not answered in time, it throws and leaves
 * the exchange in `unwaited`: Graph may still be working on it, so nothing goes in beside it (unwaitedExchange.ts).
 */
export async function sendAttempt(
  options: GraphClientOptions,
  request: GraphRequest,
  call: CallOptions,
  bearer: string,
  unwaited: Unwaited,
): Promise<GraphReply> {
  const started = options.now();
  const report = (status: number, retryAfterSeconds?: number) =>
    options.onCall?.({
      action: request.action,
      method: request.method,
      status,
      durationMs: options.now() - started,
      retryAfterSeconds,
    });
  const holdMs = options.holdMs ?? GRAPH_CALL_HOLD_MS;
  const exchange = startExchange(options.fetch, request.url, requestInit(request, call, bearer), holdMs);
  let fetched: FetchedAnswer | undefined;
  try {
    fetched = await within(exchange.answer, Math.min(options.timeoutMs, call.deadline - started));
  } catch (error) {
    report(0);
    throw new GraphUnavailableError(false, { cause: error });
  }
  if (fetched === undefined) {
    // Not answered in time: the caller is told so, while the call may still be running at Graph.
    unwaited.settled = exchange.settled;
    report(0);
    throw new GraphUnavailableError(true);
  }
  const { response, body } = fetched;
  call.onAnswer?.({
    action: request.action,
    status: response.status,
    graphRequestId: response.headers.get('request-id') ?? undefined,
    clientRequestId: response.headers.get('client-request-id') ?? undefined,
  });
  report(
    response.status,
    response.ok ? undefined : retryAfterSeconds(response.headers.get('retry-after'), options.now()),
  );
  return { status: response.status, headers: response.headers, body };
}

/** The fetch options of one attempt: the caller's headers, the broker's token, a body unless it is a GET. */
function requestInit(request: GraphRequest, call: CallOptions, bearer: string): RequestInit {
  return {
    method: request.method,
    headers: {
      accept: 'application/json',
      ...(call.requestId ? { 'client-request-id': call.requestId } : {}),
      ...request.headers,
      authorization: `Bearer ${bearer}`,
    },
    ...(request.method === 'GET' ? {} : { body: request.body ?? (request.method === 'POST' ? '' : undefined) }),
  };
}
