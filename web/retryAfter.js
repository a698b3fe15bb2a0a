// @ts-check

/** Used when a 202 carries no Retry-After, or one that cannot be read. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** A Retry-After is honoured up to this; a longer one is Graph's or the broker's mistake, not a reason to hang. */
export const MAX_RETRY_AFTER_MS = 60_000;

/**
 * How long to wait before asking again, from a `Retry-After` header: delay-seconds or an HTTP date
 * (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after), kept between 0 and {@link MAX_RETRY_AFTER_MS}.
 * @param {string | null} header
 * @param {number} now milliseconds since the epoch, for the date form
 * @returns {number} milliseconds
 */
export function retryAfterMs(header, now) {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return DEFAULT_RETRY_AFTER_MS;
  return Math.min(Math.max(date - now, 0), MAX_RETRY_AFTER_MS);
}
