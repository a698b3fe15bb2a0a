import type { Call } from '../deps';
import type { WorkbookAddress } from '../graph/graphClient';

/** Deletes an Idempotency-Key record with the session or operation it named (best effort: it only takes space). */
export async function forgetIdempotencyKey(workbook: WorkbookAddress, rowKey: string | undefined, { deps }: Call): Promise<void> {
  if (!rowKey) return;
  const record = await deps.store.getIdempotency(workbook, rowKey).catch(() => undefined);
  if (record) await deps.store.deleteIdempotency(record).catch(() => undefined);
}
