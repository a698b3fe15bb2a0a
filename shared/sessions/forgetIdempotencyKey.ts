import type { Invocation } from '../deps';
import { warnOnFailure } from '../errorMessage';
import type { WorkbookAddress } from '../workbookAddress';

/**
 * Deletes an Idempotency-Key record with the session or operation it names — only if it still names that one: a key
 * whose session ended may since have made a new session, and that claim must stand (best effort: it only takes space).
 */
export async function forgetIdempotencyKey(
  workbook: WorkbookAddress,
  rowKey: string | undefined,
  names: { readonly sessionId?: string; readonly operationId?: string },
  { deps, log }: Invocation,
): Promise<void> {
  if (!rowKey) return;
  const failed = warnOnFailure(
    log,
    'Could not delete an Idempotency-Key with what it named; the sweep deletes it within a day.',
  );
  const record = await deps.store.getIdempotency(workbook, rowKey).catch(failed);
  if (!record) return;
  const same =
    names.sessionId !== undefined ? record.sessionId === names.sessionId : record.operationId === names.operationId;
  if (same) await deps.store.deleteIdempotency(record).catch(failed);
}
