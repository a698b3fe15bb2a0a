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
