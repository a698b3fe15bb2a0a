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
