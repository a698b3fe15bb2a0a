import { errorMessage } from './errorMessage';
import type { Invocation } from './deps';
import { BrokerError, StorageUnavailableError } from './errors';
import { toErrorResponse, type BrokerResponse } from './errorResponse';

/**
 * Response headers a browser page may read. Without this the page sees neither where to poll a long create
 * (`Location`), nor how long to wait (`Retry-After`), nor the id to quote to support. Azure's platform CORS has no
 * such setting (allowed origins and credentials only), so the functions send it themselves; the local host's CORS
 * sends the same list.
 */
export const EXPOSED_HEADERS = 'Location, Retry-After, request-id';

/**
 * Runs one HTTP operation and turns whatever it throws into Graph's error shape — the single place errors become
 * answers. Expected failures are logged by code; unexpected ones by name and message only: no stack, no request.
 */
export async function respond(invocation: Invocation, work: () => Promise<BrokerResponse>): Promise<BrokerResponse> {
  return forCallers(await answer(invocation, work), invocation.requestId);
}

/**
 * The answer when not even the deps could be built (a bad setting): a generic 500 in Graph's shape, marked like
 * every other answer. The setting's name goes to the log, never to the caller.
 */
export function respondUnconfigured(requestId: string, now: number): BrokerResponse {
  return forCallers(toErrorResponse(undefined, requestId, now), requestId);
}

/**
 * What every answer carries: a `request-id` — Graph's own on a forwarded Graph answer, the broker's otherwise (the one
 * an error body quotes; the log pairs the two) — and the CORS expose header.
 */
function forCallers(response: BrokerResponse, requestId: string): BrokerResponse {
  return withExposedHeaders({ ...response, headers: { 'request-id': requestId, ...response.headers } });
}

/**
 * Lets browser callers read `Location`, `Retry-After` and `request-id`. Azure's platform CORS has no setting for
 * exposed headers, so the answer carries it itself; without CORS it is ignored.
 */
function withExposedHeaders(response: BrokerResponse): BrokerResponse {
  return { ...response, headers: { ...response.headers, 'access-control-expose-headers': EXPOSED_HEADERS } };
}

async function answer(invocation: Invocation, work: () => Promise<BrokerResponse>): Promise<BrokerResponse> {
  try {
    return await work();
  } catch (error) {
    const { requestId } = invocation;
    if (error instanceof BrokerError) {
      const properties = {
        status: error.status,
        code: error.code,
        innerCode: error.innerCode,
        requestId,
        ...(error instanceof StorageUnavailableError && error.detail ? { detail: error.detail } : {}),
      };
      if (error.status >= 500) invocation.log.warn(error.message, properties);
      else invocation.log.info(error.message, properties);
    } else {
      const what = errorMessage(error);
      invocation.log.error(`Unexpected failure: ${what.slice(0, 300)}`, { requestId });
    }
    return toErrorResponse(error, requestId, invocation.deps.now());
  }
}
