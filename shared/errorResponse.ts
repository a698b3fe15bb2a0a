import { BrokerError, MethodNotAllowedError } from './errors';
import { COME_BACK_SECONDS } from './budgets';

/** A plain HTTP answer; the function adapters translate it for the Functions host. */
export interface BrokerResponse {
  status: number;
  headers?: Record<string, string>;
  jsonBody?: unknown;
  /** Bytes passed on as they came (a forwarded Graph answer); `jsonBody` otherwise. */
  body?: Uint8Array;
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { code?: string; 'request-id': string; date: string };
  };
}

/**
 * A 429 or 503 always tells the caller when to come back. Graph sometimes sends one without a Retry-After; the
 * caller's retry policy (Power Automate's, a page's) then gets COME_BACK_SECONDS instead of guessing.
 */
const THROTTLE_STATUSES = new Set([429, 503]);

const GENERIC_MESSAGE = 'An unexpected error occurred in the session broker.';

/**
 * Renders any thrown value in Graph's error shape. This is the only place an error becomes a response: a
 * `BrokerError` keeps its status, codes and `Retry-After`; anything else is a 500 with a generic message, so no
 * stack trace, token or storage detail ever reaches a caller.
 */
export function toErrorResponse(error: unknown, requestId: string, now: number): BrokerResponse {
  const known = error instanceof BrokerError ? error : undefined;
  const innerError: GraphErrorBody['error']['innerError'] = {
    ...(known?.innerCode ? { code: known.innerCode } : {}),
    'request-id': requestId,
    date: new Date(now).toISOString(),
  };
  const body: GraphErrorBody = {
    error: {
      code: known?.code ?? 'internalServerError',
      message: known?.message ?? GENERIC_MESSAGE,
      innerError,
    },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  const retryAfter =
    known?.retryAfterSeconds ?? (known && THROTTLE_STATUSES.has(known.status) ? COME_BACK_SECONDS : undefined);
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  if (known instanceof MethodNotAllowedError) headers.allow = known.allowed.join(', ');
  return { status: known?.status ?? 500, headers, jsonBody: body };
}
