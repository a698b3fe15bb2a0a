// Graph throttling: how long it asks for (`Retry-After`), what counts as throttling, and when a workbook may be called
// again.

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

/** When Graph throttles without saying how long, nobody calls that workbook for this long (seconds). */
export const DEFAULT_COOLDOWN_SECONDS = 10;

/**
 * When a workbook may be called again after Graph's answer, or `undefined` if the answer asks for no pause: a `429`,
 * or a `503` with `Retry-After`, means "send no request to this workbook until then"
 * (https://learn.microsoft.com/graph/workbook-best-practice#reduce-throttling-errors).
 */
export function cooldownUntil(status: number, retryAfterSeconds: number | undefined, now: number): number | undefined {
  if (!isThrottling(status, retryAfterSeconds)) return undefined;
  return now + (retryAfterSeconds ?? DEFAULT_COOLDOWN_SECONDS) * 1000;
}

/** What counts as Graph throttling a workbook — the one place this is decided. */
export function isThrottling(status: number, retryAfterSeconds: number | undefined): boolean {
  return status === 429 || (status === 503 && retryAfterSeconds !== undefined);
}
