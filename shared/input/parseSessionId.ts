import { BadRequestError } from '../errors';

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
