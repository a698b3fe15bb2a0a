import { GraphError } from '../errors';

/**
 * The one place that reads a Graph error's meaning for the session it was about. Graph documents
 * `invalidSessionReCreatable` as "the session is gone, create a new one"
 * (https://learn.microsoft.com/graph/workbook-error-codes#invalidsessionrecreatable); a plain 404 on a session call
 * means the workbook (and so the session) is gone too. Everything else leaves the session as it was.
 */
export function isSessionGone(error: unknown): boolean {
  if (!(error instanceof GraphError)) return false;
  return error.innerCode?.toLowerCase() === 'invalidsessionrecreatable' || error.status === 404;
}
