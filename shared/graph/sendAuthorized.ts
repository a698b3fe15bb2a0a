import { GraphError, IdentityUnavailableError } from '../errors';
import type { GraphClientOptions } from './graphClientOptions';
import type { CallOptions, GraphReply, GraphRequest } from './graphRequest';
import { sendAttempt, type Unwaited } from './sendAttempt';

/**
 * One attempt with a token, and a second with a new one when Graph refused the first: a 401 means Graph refused the
 * broker's own token (expired early, or revoked), so it is dropped and another fetched. Refused twice, the call is a
 * `502`: the caller's request was not at fault.
 */
export async function sendAuthorized(
  options: GraphClientOptions,
  request: GraphRequest,
  call: CallOptions,
  unwaited: Unwaited,
): Promise<GraphReply> {
  const bearer = await token(options);
  const first = await sendAttempt(options, request, call, bearer, unwaited);
  if (first.status !== 401) return first;
  options.dropToken?.(bearer);
  const second = await sendAttempt(options, request, call, await token(options), unwaited);
  if (second.status !== 401) return second;
  throw new GraphError(502, 'badGateway', "Microsoft Graph refused the broker's token.", undefined, undefined);
}

async function token(options: GraphClientOptions): Promise<string> {
  try {
    return await options.getToken();
  } catch (error) {
    throw new IdentityUnavailableError({ cause: error });
  }
}
