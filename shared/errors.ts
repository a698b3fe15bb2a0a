import { COME_BACK_SECONDS } from './budgets';

/**
 * The broker's one error model. Every failure a caller can see is a `BrokerError`; `toErrorResponse` renders it in
 * Graph's error shape (see shared/errorResponse.ts). Anything else thrown is unexpected and becomes a generic 500.
 */
export abstract class BrokerError extends Error {
  abstract readonly status: number;
  /** Graph's top-level error code, e.g. `badRequest`. */
  abstract readonly code: string;
  /** Graph's second-level code, e.g. `invalidSessionReCreatable`. */
  readonly innerCode: string | undefined = undefined;
  /** Seconds the caller should wait before retrying (sent as `Retry-After`). */
  readonly retryAfterSeconds: number | undefined = undefined;
}

/** Malformed input: a bad header, body or id. Nothing was called or written. */
export class BadRequestError extends BrokerError {
  readonly status = 400;
  readonly code = 'badRequest';
}

/** A session route called with another method than the one it takes; the answer names it in `Allow`. */
export class MethodNotAllowedError extends BrokerError {
  readonly status = 405;
  readonly code = 'methodNotAllowed';
  constructor(readonly allowed: readonly string[]) {
    super(`This call takes ${allowed.join(', ')} only.`);
  }
}

/** A body in a format Graph's workbook API does not take (it takes JSON). */
export class UnsupportedMediaTypeError extends BrokerError {
  readonly status = 415;
  readonly code = 'unsupportedMediaType';
}

export class PayloadTooLargeError extends BrokerError {
  readonly status = 413;
  readonly code = 'payloadTooLarge';
}

/** The drive is not in ALLOWED_DRIVE_IDS. */
export class ForbiddenError extends BrokerError {
  readonly status = 403;
  readonly code = 'forbidden';
}

/**
 * The broker does not know the session, knows it as ended, or it belongs to someone else. Graph's documented signal
 * to "create a new session and resume" is 404 + inner `invalidSessionReCreatable`
 * (https://learn.microsoft.com/graph/workbook-error-codes), so callers' existing Graph handling works unchanged.
 */
export class SessionNotFoundError extends BrokerError {
  readonly status = 404;
  readonly code = 'itemNotFound';
  override readonly innerCode = 'invalidSessionReCreatable';
  constructor(message = 'The workbook session does not exist or has ended; create a new session.') {
    super(message);
  }
}

/** What the call names is not there: a table row with the key asked for, or a broker operation at the path. */
export class ItemNotFoundError extends BrokerError {
  readonly status = 404;
  readonly code = 'itemNotFound';
}

/** Graph answered with an error: its status and codes are passed on. */
export class GraphError extends BrokerError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    override readonly innerCode: string | undefined,
    override readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
  }
}

/** Graph could not be reached or did not answer in time. */
export class GraphUnavailableError extends BrokerError {
  readonly status: number;
  readonly code: string;
  constructor(timedOut: boolean, options?: ErrorOptions) {
    super(timedOut ? 'Microsoft Graph did not answer in time.' : 'Microsoft Graph could not be reached.', options);
    this.status = timedOut ? 504 : 503;
    this.code = timedOut ? 'gatewayTimeout' : 'serviceUnavailable';
  }
  override readonly retryAfterSeconds = COME_BACK_SECONDS;
}

/** Table Storage failed or could not be reached. */
export class StorageUnavailableError extends BrokerError {
  readonly status = 503;
  readonly code = 'serviceUnavailable';
  override readonly retryAfterSeconds = COME_BACK_SECONDS;
  constructor(
    message = 'The session store is unavailable; try again shortly.',
    { detail, cause }: { readonly detail?: string; readonly cause?: unknown } = {},
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.detail = detail;
  }
  /** For the log only: what the storage SDK said, without request data. */
  readonly detail: string | undefined;
}

/** A conditional write lost to a concurrent writer (ETag mismatch). Internal: callers never see it. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
}

/** No token could be had from the managed identity (or developer sign-in). The detail goes to the log only. */
export class IdentityUnavailableError extends BrokerError {
  readonly status = 503;
  readonly code = 'serviceUnavailable';
  override readonly retryAfterSeconds = COME_BACK_SECONDS;
  constructor(options?: ErrorOptions) {
    super('The broker could not obtain a token for Microsoft Graph.', options);
  }
}

/**
 * The broker itself asks the caller to come back later: the workbook's turn did not come within the answer budget
 * (one call at a time per workbook, Microsoft's advice for Excel). Rendered as Graph renders throttling.
 */
export class ThrottledError extends BrokerError {
  readonly status = 429;
  readonly code = 'tooManyRequests';
  override readonly innerCode = 'tooManyRequestsUncategorized';
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The same Idempotency-Key came with a different request (method, path, body; or a create's options). */
export class UnprocessableEntityError extends BrokerError {
  readonly status = 422;
  readonly code = 'unprocessableEntity';
}

/**
 * A repeat whose first request is still running, and alive, outlasted the answer budget. `retryAfterSeconds`: how
 * long until that request has its answer at the latest (claimHeartbeat.ts).
 */
export class InProgressError extends BrokerError {
  readonly status = 409;
  readonly code = 'conflict';
  constructor(
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A write's first request under this Idempotency-Key was sent to Graph and never came back (its instance died): it
 * may or may not have acted. Replayed to every repeat, so nothing is done twice; the caller checks, then uses a new
 * key.
 */
export class OutcomeUnknownError extends BrokerError {
  readonly status = 504;
  readonly code = 'gatewayTimeout';
}

/** The first request under this Idempotency-Key was done, but its answer was too large to keep for replay. */
export class AnswerNotKeptError extends BrokerError {
  readonly status = 409;
  readonly code = 'conflict';
}
