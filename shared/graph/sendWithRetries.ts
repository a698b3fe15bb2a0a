import { MIN_WRITE_WINDOW_MS } from '../budgets';
import { GraphError, GraphUnavailableError, ThrottledError } from '../errors';
import type { GraphClientOptions } from './graphClientOptions';
import type { CallOptions, GraphReply, GraphRequest } from './graphRequest';
import { parseGraphError } from './parseGraphError';
import { isRetryable, retryDelayMs } from './retryPolicy';
import type { Unwaited } from './sendAttempt';
import { sendAuthorized } from './sendAuthorized';
import { within } from './unwaitedExchange';

/**
 * The call, sent again after the failures its kind allows (retryPolicy.ts) while the deadline leaves room: Graph's
 * last answer, whatever its status, or the failure when no answer came.
 */
export async function sendWithRetries(
  options: GraphClientOptions,
  request: GraphRequest,
  call: CallOptions,
  unwaited: Unwaited,
): Promise<GraphReply> {
  // A write keeps a window at the end of the budget in which it is never sent (MIN_WRITE_WINDOW_MS).
  const reserve = request.retryKind === 'idempotent' ? 0 : MIN_WRITE_WINDOW_MS;
  let last: GraphReply | undefined;
  let failure: unknown;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1 && !(await previousEnded(options, unwaited, call, reserve))) throw failure;
    if (call.deadline - options.now() < reserve) {
      if (last !== undefined) return last;
      throw new ThrottledError('Too little of the answer budget is left to send this write safely; send it again.', 1);
    }
    let reply: GraphReply | undefined;
    try {
      reply = await sendAuthorized(options, request, call, unwaited);
      last = reply;
      if (reply.status < 400) return reply;
      failure = parseGraphError(reply.status, reply.headers, '', options.now());
    } catch (error) {
      if (!(error instanceof GraphUnavailableError)) throw error;
      failure = error;
    }
    const delay =
      call.retry === false || !isRetryable(failure, request.retryKind)
        ? undefined
        : retryDelayMs({
            attempt,
            retryAfterSeconds: failure instanceof GraphError ? failure.retryAfterSeconds : undefined,
            remainingMs: call.deadline - options.now() - reserve,
            random: options.random(),
          });
    if (delay === undefined) {
      if (reply !== undefined) return reply;
      throw failure;
    }
    await options.sleep(delay);
  }
}

// A retry never goes in beside an attempt Graph may still be working on: it waits for that one to end, and when
// it does not end within the budget there is no retry.
async function previousEnded(
  options: GraphClientOptions,
  unwaited: Unwaited,
  call: CallOptions,
  reserve: number,
): Promise<boolean> {
  if (unwaited.settled === undefined) return true;
  const ended = await within(
    unwaited.settled.then(() => true),
    call.deadline - options.now() - reserve,
  );
  if (ended) unwaited.settled = undefined;
  return ended === true;
}
