import { answerLogging, type Invocation } from '../deps';
import { GraphError } from '../errors';
import type { GraphReply } from '../graph/graphClient';
import { parseGraphError } from '../graph/parseGraphError';

/**
 * A GET on a drive, as the broker's identity, retried as a read; answered with whatever status Graph gave. It carries
 * the invocation's request id and logging, as a workbook call does, but takes no workbook's turn: the gate keeps one
 * call at a time on a workbook for Excel's sake, and a drive or a folder listing is no workbook call.
 */
export function getOnGraph(invocation: Invocation, action: string, url: string, deadline: number): Promise<GraphReply> {
  return invocation.deps.graph.call(
    { action, method: 'GET', url, retryKind: 'idempotent' },
    { deadline, ...answerLogging(invocation) },
  );
}

/**
 * Graph's JSON object from a 2xx answer. Any other answer is thrown as Graph's error (its status, codes, message and
 * Retry-After, parsed once), which the one renderer answers in Graph's shape; a 2xx that is not a JSON object is
 * Graph's fault, a 502.
 */
export function okJson(reply: GraphReply, now: number): Record<string, unknown> {
  const text = new TextDecoder().decode(reply.body);
  if (reply.status < 200 || reply.status > 299) throw parseGraphError(reply.status, reply.headers, text, now);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GraphError(
      502,
      'badGateway',
      'Microsoft Graph answered with a body that is not JSON.',
      undefined,
      undefined,
    );
  }
  return parsed as Record<string, unknown>;
}
