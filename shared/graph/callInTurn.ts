import type { GraphClientOptions } from './graphClientOptions';
import type { CallOptions, GraphReply, GraphRequest } from './graphRequest';
import { sameOrigin } from './sameOrigin';
import type { Unwaited } from './sendAttempt';
import { sendWithRetries } from './sendWithRetries';
import { cooldownUntil, retryAfterSeconds } from './throttling';

/**
 * The generic Graph call, in the workbook's turn. The turn is held through the retries and their waits: nothing else
 * goes to a workbook Graph asked us to leave. A throttling answer passed on to the caller hands its cooldown to the
 * turn, for whoever calls the workbook next. A call the broker stopped waiting for keeps the turn until it ends at
 * Graph (unwaitedExchange.ts).
 */
export async function callInTurn(
  options: GraphClientOptions,
  request: GraphRequest,
  call: CallOptions,
): Promise<GraphReply> {
  const turn = call.turn;
  const unwaited: Unwaited = {};
  let cooldown: number | undefined;
  try {
    const url = sameOrigin(request.url, options.baseUrl);
    const reply = await sendWithRetries(options, { ...request, url }, call, unwaited);
    const at = options.now();
    cooldown = cooldownUntil(reply.status, retryAfterSeconds(reply.headers.get('retry-after'), at), at);
    return reply;
  } finally {
    if (unwaited.settled === undefined) turn?.release(cooldown);
    else void unwaited.settled.then(() => turn?.release(cooldown));
  }
}
