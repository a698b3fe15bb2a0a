/**
 * Reads a `Retry-After` header as whole seconds from `now`. Graph sends delta-seconds; HTTP also allows an
 * HTTP-date (RFC 9110 §10.2.3), so both are accepted. A past date is 0 (come back now); garbage gives `undefined`,
 * never NaN.
 */
export function retryAfterSeconds(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  // Every HTTP-date form starts with a day name; anything else (`-5`, `2026`) is not one, whatever Date.parse makes of it.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
