import type { Invocation } from '../deps';
import type { CallOptions } from '../graph/graphClient';

/**
 * Options for a Graph call on a drive made for one invocation: the deadline, the invocation's request id (sent as
 * `client-request-id`), and every answer logged with Graph's own `request-id` — what graphCallOptions (deps.ts) gives
 * a workbook call, without the workbook's turn: the gate keeps one call at a time on a workbook for Excel's sake, and a
 * drive or a folder listing is no workbook call.
 */
export function driveCallOptions(invocation: Invocation, deadline: number): CallOptions {
  return {
    deadline,
    requestId: invocation.requestId,
    onAnswer: (answer) => invocation.log.info('Graph answered.', { requestId: invocation.requestId, ...answer }),
  };
}
