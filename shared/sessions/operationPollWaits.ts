import { OPERATION_POLL_MAX_MS, OPERATION_POLL_START_MS } from '../budgets';

/**
 * How long to wait before each next look at a running Graph operation: Graph's Retry-After when it gives one, else
 * 1, 2, 4… s up to Microsoft's suggested ~30 s interval
 * (https://learn.microsoft.com/graph/workbook-best-practice#working-with-apis-that-take-a-long-time-to-complete).
 * One sequence per operation being followed.
 */
export function operationPollWaits(): (retryAfterSeconds: number | undefined) => number {
  let interval = OPERATION_POLL_START_MS;
  return (retryAfterSeconds) => {
    const wait = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : interval;
    interval = Math.min(interval * 2, OPERATION_POLL_MAX_MS);
    return wait;
  };
}
