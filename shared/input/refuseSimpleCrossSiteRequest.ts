import { ForbiddenError } from '../errors';

/**
 * Content types a page on another site may send without a CORS preflight
 * (https://fetch.spec.whatwg.org/#cors-safelisted-request-header): any other one proves a preflight was passed.
 */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** The broker's own request headers. None is CORS-safelisted, so a browser sends them only after a preflight. */
const PREFLIGHTED_HEADERS = ['workbook-session-id', 'idempotency-key', 'x-session-idle-timeout'];

/**
 * Refuses a call that creates, changes or closes something when a browser could have sent it from another site as
 * a "simple" request — one with no preflight, which CORS does not stop: the browser only hides the answer. Behind App
 * Service Authentication, whose session cookie such a request carries, that is a cross-site request forgery.
 *
 * - From another site: `Sec-Fetch-Site` says `cross-site` or `same-site`; a browser that sends no `Sec-Fetch-Site`
 *   still sends `Origin` on a cross-origin POST. The broker serves no pages, so no same-origin page calls it.
 * - Not simple: a content type outside the safelisted three (a page sends `application/json`), or one of the
 *   broker's own headers (`workbook-session-id` on every refresh and close).
 *
 * Server-side callers (curl, Power Automate, the Graph SDK in Node) send neither `Origin` nor `Sec-Fetch-Site`, and
 * are not affected.
 */
export function refuseSimpleCrossSiteRequest(headers: { get(name: string): string | null }): void {
  if (!fromAnotherSite(headers) || passedPreflight(headers)) return;
  throw new ForbiddenError(
    'A browser on another site sent this without a CORS preflight; send the body as content-type: application/json.',
  );
}

function fromAnotherSite(headers: { get(name: string): string | null }): boolean {
  const site = headers.get('sec-fetch-site')?.trim().toLowerCase();
  if (site) return site !== 'same-origin' && site !== 'none';
  return headers.get('origin') !== null;
}

function passedPreflight(headers: { get(name: string): string | null }): boolean {
  const contentType = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (contentType && !SIMPLE_CONTENT_TYPES.has(contentType)) return true;
  return PREFLIGHTED_HEADERS.some((name) => headers.get(name) !== null);
}
