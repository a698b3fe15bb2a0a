import { randomUUID } from 'node:crypto';
import { toErrorResponse, type BrokerResponse } from '../shared/errorResponse';
import { BrokerError } from '../shared/errors';

/**
 * The answers the local host gives itself, before or instead of any function. In Azure the same answers come from
 * the Functions host and App Service's front ends, with an empty body and no `request-id` (a path no function serves
 * and a method its function does not take are both 404, Content-Length 0:
 * https://github.com/Azure/azure-functions-host/issues/10098; headers over Kestrel's
 * MaxRequestHeadersTotalSize are 431, https://learn.microsoft.com/dotnet/api/microsoft.aspnetcore.server.kestrel.core.kestrelserverlimits.maxrequestheaderstotalsize).
 * Locally they keep the host's statuses but speak Graph's error shape with a `request-id`, rendered by the broker's
 * one renderer (shared/errorResponse.ts), so a developer sees which layer refused and why. docs/http-contract.md says which
 * answers cannot look like this in Azure.
 */
export type HostRefusalKind = 'noFunction' | 'notAPath' | 'headersTooLarge' | 'unparsable' | 'headersTimeout';

/** What the local host's 404 says; a test tells the host's own 404 from a function's by it. */
export const NO_FUNCTION_MESSAGE = 'No function serves this method on this path.';

const REFUSALS: Record<HostRefusalKind, { status: number; code: string; message: string }> = {
  noFunction: { status: 404, code: 'itemNotFound', message: NO_FUNCTION_MESSAGE },
  notAPath: { status: 400, code: 'badRequest', message: 'The request target is not a path.' },
  headersTooLarge: {
    status: 431,
    code: 'requestHeaderFieldsTooLarge',
    message: 'The request line and headers are too large.',
  },
  unparsable: { status: 400, code: 'badRequest', message: 'The request is not well-formed HTTP/1.1.' },
  headersTimeout: { status: 408, code: 'requestTimeout', message: 'The request headers did not arrive in time.' },
};

/** A refusal in the broker's error model, so the one renderer draws it like every other error. */
class HostRefusal extends BrokerError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The local host's own answer of this kind (or, for `failed`, the generic 500 the renderer gives anything
 * unexpected): Graph's error shape, with the same id in the `request-id` header and the body.
 */
export function hostRefusal(
  kind: HostRefusalKind | 'failed',
  requestId: string = randomUUID(),
  now: number = Date.now(),
): BrokerResponse {
  const refusal = kind === 'failed' ? undefined : REFUSALS[kind];
  const error = refusal ? new HostRefusal(refusal.status, refusal.code, refusal.message) : undefined;
  const { status, headers, jsonBody } = toErrorResponse(error, requestId, now);
  return { status, headers, jsonBody };
}
