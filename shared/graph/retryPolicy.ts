import { GraphError, GraphUnavailableError } from '../errors';

/** Every retry default in one place. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Back-off before the second attempt when Graph gave no Retry-After; doubled each time, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const RETRY_DEFAULTS: RetryPolicy = Object.freeze({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 8000 });

/** Statuses Graph documents as "wait, then send again" (https://learn.microsoft.com/graph/workbook-error-handling). */
const RETRYABLE_STATUSES = new Set([429, 503, 504]);

/**
 * What may be repeated of a call that failed. `idempotent` work (refresh, close, reads) changes nothing when
 * repeated. A `create` makes a session, so it is repeated only where Graph said it did not act — `429` and `503`,
 * throttling — or told us to: `504`, which Microsoft documents as "repeat the request"
 * (https://learn.microsoft.com/graph/api/workbook-createsession). A `504` repeat may leave one
 * session nobody sees, when Graph acted before its gateway gave up; Excel ends it at its idle expiry.
 */
export type RetryKind = 'idempotent' | 'create';

/**
 * Whether a failed Graph call may be sent again. A lost connection (or our own timeout) is repeated only for
 * idempotent work: Graph may have made the session before the line dropped, and a second create would make another.
 */
export function isRetryable(error: unknown, kind: RetryKind): boolean {
  if (error instanceof GraphUnavailableError) return kind === 'idempotent';
  return error instanceof GraphError && RETRYABLE_STATUSES.has(error.status);
}

/**
 * How long to wait before the next attempt, or `undefined` to stop and answer now. `Retry-After` is honoured exactly;
 * without it, exponential back-off with full jitter. A wait the remaining budget cannot cover is never started: the
 * caller gets Graph's status and `Retry-After` at once and its own retry policy waits instead.
 */
export function retryDelayMs(input: {
  readonly attempt: number;
  readonly retryAfterSeconds: number | undefined;
  readonly remainingMs: number;
  readonly random: number;
  readonly policy?: RetryPolicy;
}): number | undefined {
  const policy = input.policy ?? RETRY_DEFAULTS;
  if (input.attempt >= policy.maxAttempts) return undefined;
  const delay =
    input.retryAfterSeconds !== undefined
      ? input.retryAfterSeconds * 1000
      : Math.round(input.random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (input.attempt - 1)));
  return delay < input.remainingMs ? delay : undefined;
}
