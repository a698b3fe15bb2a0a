// The broker's time budgets, timeouts and waits — how long it works on an answer, waits for a call, holds a turn, and
// tells a caller to wait — in one place: each is tuned against the others (a lease inside the answer budget, a Graph
// call inside both), so they are read side by side. Rules that own a duration stay with their rule: when a record
// falls due (claims, grace) in records/, Graph retry back-off in graph/retryPolicy.ts, token renewal in
// graph/cachedToken.ts, Graph's default cooldown in graph/throttling.ts.

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

/**
 * How long a call the broker stopped waiting for (GRAPH_CALL_TIMEOUT_MS) may still hold its workbook, counted from
 * when it was sent. Graph may still be working on it, so the workbook's turn — and the lease across instances — is
 * kept until Graph answers or the connection ends; at this bound the broker ends the connection itself and gives the
 * turn up. A minute: Excel's calls that run longer are the long-running operations Graph answers with 202 at once
 * (https://learn.microsoft.com/graph/workbook-best-practice#working-with-apis-that-take-a-long-time-to-complete).
 */
export const GRAPH_CALL_HOLD_MS = 60_000;

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

/** Four minutes: well inside the 5-minute functionTimeout in host.json, so a long sweep stops cleanly. */
export const SWEEP_BUDGET_MS = 4 * 60 * 1000;

/**
 * How long after a session ended the broker keeps trying to close it in Graph. Excel ends a session after about 5
 * (persistent) or 7 (non-persistent) idle minutes (https://learn.microsoft.com/graph/api/workbook-createsession);
 * the broker stopped calling Graph with it when it ended, so past this Excel has surely closed it itself.
 */
export const CLOSE_OWED_FOR_MS = 10 * 60 * 1000;

/** A repeat of a request whose first copy is still running (same Idempotency-Key) looks for its answer this often. */
export const REPEAT_WAIT_MS = 250;

/**
 * The `Retry-After` the broker sends with its own 503s and 504s (Graph, the table or the identity out of reach or too
 * slow), with a 429/503 that came without one, and with a 202 for a create it could not follow to the end: the caller's
 * retry policy (Power Automate's, a page's) then waits instead of guessing.
 */
export const COME_BACK_SECONDS = 5;

/** The `Retry-After` on the 202 a create's repeat gets while the long create its key names is still running. */
export const REPEAT_POLL_AFTER_SECONDS = 1;

/**
 * A claim on an Idempotency-Key (a create's or a write's) says its request is alive: written at the claim and renewed
 * while the request works. A repeat that finds it past `aliveUntil` (plus the skew) knows the request died — an
 * instance killed — as fast as a workbook lease lapses, instead of after the whole claim window.
 */
export const CLAIM_TIMING = Object.freeze({ aliveForMs: 8_000, renewEveryMs: 2_500, skewMs: 1_000 });

/** A burst of calls in one session costs at most one table write per this long. */
export const ACTIVITY_WRITE_EVERY_MS = 30_000;

/** The workbook lease that keeps one call at a time per workbook across instances (workbook/tableTurns.ts). */
export const LEASE_TIMING = Object.freeze({
  /**
   * How long a take or renewal holds the lease. The holder renews it while the call and its retry waits run, so a
   * crashed holder blocks its workbook for at most this (plus the skew margin) — well inside a waiter's answer budget,
   * where a lease covering the whole ANSWER_BUDGET_MS would turn every waiter's call into a 429 after a crash.
   */
  durationMs: 8_000,
  /**
   * Renewal while held: four chances before the lease would lapse, so one slow or failed table write costs nothing.
   * It is also how soon a holder busy with its own line learns that another instance named itself waiting, so it
   * bounds how long that instance waits (plus the call in progress).
   */
  renewEveryMs: 2_000,
  /**
   * A lease whose line fell empty is kept this long before it is given up, so a caller's next call finds it still
   * held and writes nothing to the table. Long enough for a caller working through a workbook (at Graph's 100 ms a
   * 100 ms linger was too short: `npm run bench:profile` showed every call paying an insert, a delete and a session
   * read), short enough that an idle workbook is free again in a second; another instance that names itself waiting
   * has it at the holder's next renewal either way.
   */
  lingerMs: 1_000,
  /** A lapsed lease is taken over only this long after its end: instances' clocks differ by a little. */
  skewMs: 1_000,
  /** A waiter polls the row with back-off and jitter from the first to the second. */
  pollStartMs: 5,
  pollMaxMs: 50,
  /** A released lease stays reserved this long for the instance that was waiting, so instances take turns. */
  reserveMs: 1_000,
});
