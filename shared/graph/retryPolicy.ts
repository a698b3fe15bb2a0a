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

/**
 * What may be repeated of a call that failed, by what the call does (https://learn.microsoft.com/graph/workbook-error-handling):
 * - `idempotent` work (reads, `PUT`, `PATCH`, and refresh and close, which change nothing when repeated) on `429`,
 *   `503`, `504` and a lost connection;
 * - a `write` — a `POST` or `DELETE` Graph may have acted on, such as adding table rows or deleting one — only where
 *   Graph said it did not act, `429` and `503`: Graph keeps no idempotency of its own, so a second try after a `504`
 *   or a dropped line could add a second row, or (`DELETE rows/itemAt(index=n)`) delete the row that moved up;
 * - a `create` session as a write, plus `504`, which Microsoft documents for createSession alone as "repeat the
 *   request" (https://learn.microsoft.com/graph/api/workbook-createsession). That repeat may leave one session nobody
 *   sees, when Graph acted before its gateway gave up; Excel ends it at its idle expiry.
 */
export type RetryKind = 'idempotent' | 'write' | 'create';

const RETRY_ON: Readonly<
  Record<RetryKind, { readonly statuses: ReadonlySet<number>; readonly lostConnection: boolean }>
> = {
  idempotent: { statuses: new Set([429, 503, 504]), lostConnection: true },
  write: { statuses: new Set([429, 503]), lostConnection: false },
  create: { statuses: new Set([429, 503, 504]), lostConnection: false },
};

/** A forwarded call's kind, from its method alone. */
export function retryKindFor(method: string): RetryKind {
  return ['POST', 'DELETE'].includes(method.toUpperCase()) ? 'write' : 'idempotent';
}

/** Whether a failed Graph call may be sent again (a lost connection, or our own timeout, is a GraphUnavailableError). */
export function isRetryable(error: unknown, kind: RetryKind): boolean {
  if (error instanceof GraphUnavailableError) return RETRY_ON[kind].lostConnection;
  return error instanceof GraphError && RETRY_ON[kind].statuses.has(error.status);
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
}): number | undefined {
  const policy = RETRY_DEFAULTS;
  if (input.attempt >= policy.maxAttempts) return undefined;
  const delay =
    input.retryAfterSeconds !== undefined
      ? input.retryAfterSeconds * 1000
      : Math.round(input.random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (input.attempt - 1)));
  return delay < input.remainingMs ? delay : undefined;
}
