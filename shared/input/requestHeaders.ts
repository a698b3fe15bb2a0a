import { BadRequestError, ForbiddenError } from '../errors';

// What the broker reads from a caller's headers: who is calling, the session, an Idempotency-Key, and whether a
// browser on another site could have sent the call without a preflight.

/** Who is calling, as App Service Authentication names them; `undefined` when it is off or the caller is anonymous. */
export interface Caller {
  readonly id: string;
  readonly name?: string;
}

/**
 * Reads `x-ms-client-principal-id` / `-name`. These headers are set by App Service Authentication, which strips any
 * a client sends itself; without it they are just headers anyone can send (see docs/http-contract.md, "Callers' identity").
 */
export function parseCaller(headers: { get(name: string): string | null }): Caller | undefined {
  const id = headers.get('x-ms-client-principal-id')?.trim();
  if (!id || id.length > 256) return undefined;
  const name = headers.get('x-ms-client-principal-name')?.trim().slice(0, 256);
  return name ? { id, name } : { id };
}

// Graph's session ids are opaque and long (hundreds of characters) and hold `/ + = & .`: any visible ASCII is
// accepted, but not whitespace, control characters or an implausible length.
const SESSION_ID = /^[\x21-\x7e]{1,2048}$/;

/** The `workbook-session-id` header (case-insensitive, as in Graph), required and plausible. */
export function parseSessionId(headers: { get(name: string): string | null }): string {
  const value = headers.get('workbook-session-id');
  if (value === null || value.trim() === '') {
    throw new BadRequestError('The workbook-session-id header is required.');
  }
  if (!SESSION_ID.test(value)) throw new BadRequestError('The workbook-session-id header is malformed.');
  return value;
}

// Power Automate's `workflow().run.name` is ~30 characters; UUIDs are 36. Anything printable up to 255 is accepted.
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The optional `Idempotency-Key` header (IETF draft-ietf-httpapi-idempotency-key-header): on createSession, and on a
 * forwarded POST, PATCH or DELETE.
 */
export function parseIdempotencyKey(headers: { get(name: string): string | null }): string | undefined {
  const value = headers.get('idempotency-key');
  if (value === null) return undefined;
  const key = value.trim();
  if (!KEY.test(key)) throw new BadRequestError('Idempotency-Key must be 1-255 visible ASCII characters.');
  return key;
}

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
