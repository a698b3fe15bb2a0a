import { ThrottledError } from '../errors';

/**
 * Graph's pause on a workbook ends past the caller's deadline: the caller hears its whole length at once, as
 * `Retry-After`, never a capped hint — told less, it would only come back to be refused again.
 */
export function cooldownRefusal(cooldownUntil: number, now: number): ThrottledError {
  return new ThrottledError(
    'Microsoft Graph asked for a pause on this workbook; try again after it.',
    Math.max(1, Math.ceil((cooldownUntil - now) / 1000)),
  );
}
