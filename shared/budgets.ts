/**
 * How long the broker may work on one answer. Power Automate's HTTP action gives up after 120 s and re-sends; the
 * Functions host cuts HTTP responses at 230 s. Staying well inside both, a caller always gets an answer: the
 * session, Graph's own error with its Retry-After, or `202` + `Location` for a create Graph is still working on.
 */
export const ANSWER_BUDGET_MS = 40_000;

/** A poll of getOperation answers sooner: the caller will simply poll again. */
export const POLL_BUDGET_MS = 20_000;

/**
 * Following a Graph operation without a Retry-After: start at 1 s, double, and stay within Microsoft's suggested
 * ~30 s interval (https://learn.microsoft.com/graph/workbook-best-practice#working-with-apis-that-take-a-long-time-to-complete).
 */
export const OPERATION_POLL_START_MS = 1000;
export const OPERATION_POLL_MAX_MS = 30_000;

/** One Graph call, within whatever budget its caller has: a call that hangs longer is given up and retried or answered. */
export const GRAPH_CALL_TIMEOUT_MS = 20_000;

/** One Table Storage operation: past this the store is taken as unavailable (503 with Retry-After). */
export const TABLE_OPERATION_TIMEOUT_MS = 10_000;

/**
 * A sweep's Graph call, and its look at a long create nobody polls: no retries inside the tick (a throttled workbook
 * is paused instead), and short enough that one slow workbook cannot hold a SWEEP_CONCURRENCY slot for long.
 */
export const SWEEP_CALL_BUDGET_MS = 20_000;

/**
 * The least time a write (a POST) needs before it is sent: one sent with seconds left would be cut off on our side
 * while Graph may still act, turning a clean "not done, try again" into an unknown outcome. With less left, the
 * caller gets 429 + Retry-After and nothing is sent.
 */
export const MIN_WRITE_WINDOW_MS = 5_000;

/** Closing a session just made whose record could not be written: best effort, so the caller's 503 is not delayed long. */
export const CLEANUP_CLOSE_BUDGET_MS = 10_000;
