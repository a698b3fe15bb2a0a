import { BadRequestError } from '../errors';

// Power Automate's `workflow().run.name` is ~30 characters; UUIDs are 36. Anything printable up to 255 is accepted.
const KEY = /^[\x21-\x7e]{1,255}$/;

/** The optional `Idempotency-Key` header on createSession (IETF draft-ietf-httpapi-idempotency-key-header). */
export function parseIdempotencyKey(headers: { get(name: string): string | null }): string | undefined {
  const value = headers.get('idempotency-key');
  if (value === null) return undefined;
  const key = value.trim();
  if (!KEY.test(key)) throw new BadRequestError('Idempotency-Key must be 1-255 visible ASCII characters.');
  return key;
}
