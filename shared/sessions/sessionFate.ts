import { isThrottling } from '../graph/throttling';
import { GraphError } from '../errors';

/** Inner codes Microsoft documents as "the session is dead: create a new one". */
const DEAD_SESSION_CODES = new Set(['invalidsessionrecreatable', 'internalservererroruncategorized']);

/** Inner codes that mean "wait and resend" or "someone else holds the workbook": the session itself is fine. */
const SESSION_KEPT_CODES = new Set([
  'toomanyrequestsuncategorized',
  'serviceunavailableuncategorized',
  'transientfailure',
  'invalidsessionaccessconflict',
  'accessconflict',
  'conflictuncategorized',
  'editmodecannotacquirelock',
  'editmodecannotacquirelocktoomanyrequests',
  'resourcelocked',
]);

/**
 * The one place that reads a Graph error's meaning for the session a call used
 * (https://learn.microsoft.com/graph/workbook-error-codes, and .../workbook-error-handling):
 * - `invalidSessionReCreatable` (and `internalServerErrorUncategorized`): the session is gone;
 * - a `404`: the workbook, and so its session, is gone;
 * - a `502`/`503` with no known inner code: "recreate the session" — unless it carries Retry-After, which makes a
 *   503 plain throttling (wait, then resend);
 * - throttling and edit-lock codes: the session lives on; the caller waits or retries.
 */
export function isSessionGone(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  const inner = error.innerCode?.toLowerCase();
  if (inner !== undefined && DEAD_SESSION_CODES.has(inner)) return true;
  if (error.status === 404) return true;
  if (inner !== undefined && SESSION_KEPT_CODES.has(inner)) return false;
  if (error.status === 502) return true;
  return error.status === 503 && !isThrottling(error.status, error.retryAfterSeconds);
}

/**
 * Graph itself says the session no longer exists — a `404`, or `invalidSessionReCreatable` — so there is nothing
 * left to close. Any other reason to stop tracking a session (a `502`, a `503` with no known inner code,
 * `internalServerErrorUncategorized`) leaves Graph possibly still holding it: the broker then owes Graph a close.
 */
export function isGoneInGraph(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  return error.status === 404 || error.innerCode?.toLowerCase() === 'invalidsessionrecreatable';
}

/**
 * The same reading for a call forwarded through the gateway, where a bare `404` names what the call asked for — a
 * sheet, a table, an address — not the session: only Graph's session codes and its "recreate" statuses count.
 */
export function isSessionGoneAfterWorkbookCall(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  const inner = error.innerCode?.toLowerCase();
  if (error.status === 404 && (inner === undefined || !DEAD_SESSION_CODES.has(inner))) return false;
  return isSessionGone(error);
}
