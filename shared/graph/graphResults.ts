import { statusForCode } from './graphCodes';
import { GraphError } from '../errors';
import { parseGraphError } from './parseGraphError';
import { retryAfterSeconds } from './throttling';

export interface GraphSession {
  readonly id: string;
  readonly persistChanges: boolean;
}

/** createSession's two success answers: the session now, or an operation to follow (Prefer: respond-async). */
export type CreateResult =
  | { readonly kind: 'created'; readonly session: GraphSession }
  | { readonly kind: 'accepted'; readonly operationUrl: string; readonly retryAfterSeconds: number | undefined };

export type OperationStatus =
  | { readonly status: 'running'; readonly retryAfterSeconds: number | undefined }
  | { readonly status: 'succeeded'; readonly resourceUrl: string }
  | { readonly status: 'failed'; readonly error: GraphError };

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export function toCreateResult(answer: Answer, now: number, checkLocation: (url: string) => string): CreateResult {
  if (answer.status !== 202) return { kind: 'created', session: toGraphSession(answer.text) };
  const location = answer.headers.get('location');
  if (!location) throw badGateway('Microsoft Graph accepted createSession without an operation location.');
  return {
    kind: 'accepted',
    operationUrl: checkLocation(location),
    retryAfterSeconds: retryAfterSeconds(answer.headers.get('retry-after'), now),
  };
}

/**
 * A workbookOperation (https://learn.microsoft.com/graph/api/resources/workbookoperation). Its status is
 * `notStarted | running | succeeded | failed`; the resource page says `Completed` where the SDKs say `succeeded`, so
 * both count. A failed operation arrives as HTTP 200 — it is turned into the error it carries here.
 */
export function toOperationStatus(
  answer: Answer,
  now: number,
  checkLocation: (url: string) => string,
): OperationStatus {
  const body = parseObject(answer.text);
  const status = typeof body.status === 'string' ? body.status.toLowerCase() : '';
  if (status === 'succeeded' || status === 'completed') {
    if (typeof body.resourceLocation !== 'string')
      throw badGateway('Microsoft Graph finished an operation without its resource.');
    return { status: 'succeeded', resourceUrl: checkLocation(body.resourceLocation) };
  }
  if (status === 'failed') {
    const inner = JSON.stringify({ error: body.error ?? {} });
    const parsed = parseGraphError(500, new Headers(), inner, now);
    return {
      status: 'failed',
      error: new GraphError(statusForCode(parsed.code), parsed.code, parsed.message, parsed.innerCode, undefined),
    };
  }
  if (status === 'running' || status === 'notstarted') {
    return { status: 'running', retryAfterSeconds: retryAfterSeconds(answer.headers.get('retry-after'), now) };
  }
  throw badGateway('Microsoft Graph answered with an operation in an unknown state.');
}

export function toGraphSession(text: string): GraphSession {
  const body = parseObject(text);
  if (typeof body.id !== 'string' || body.id.length === 0)
    throw badGateway('Microsoft Graph answered without a session id.');
  return { id: body.id, persistChanges: body.persistChanges !== false };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function badGateway(message: string): GraphError {
  return new GraphError(502, 'badGateway', message, undefined, undefined);
}
