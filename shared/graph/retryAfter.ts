/**
 * Reads a `Retry-After` header as whole seconds from `now`. Graph sends delta-seconds; HTTP also allows an
 * HTTP-date (RFC 9110 §10.2.3), so both are accepted. Garbage or a past date gives `undefined`, never NaN.
 */
export function retryAfterSeconds(header: string | null | undefined, now: number): number | undefined {
  if (!header) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}
