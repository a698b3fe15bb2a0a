import type { Invocation } from '../deps';
import type { CallOptions } from '../graph/graphClient';

/**
 * Options for a Graph call made on behalf of one invocation: its deadline, and the invocation's request id — sent to
 * Graph as `client-request-id`, and logged with Graph's own `request-id` for every answer, so an id from a caller's
 * answer finds Graph's, and Graph's finds the caller's.
 */
export function graphCallOptions(
  invocation: Invocation,
  deadline: number,
  options: { readonly retry?: boolean } = {},
): CallOptions {
  return {
    deadline,
    ...options,
    requestId: invocation.requestId,
    onAnswer: (answer) => invocation.log.info('Graph answered.', { requestId: invocation.requestId, ...answer }),
  };
}
