import { IDEMPOTENCY_FIELDS, type IdempotencyRecord, type StoredIdempotency } from '../records/idempotencyRecord';
import type { WorkbookAddress } from '../workbookAddress';
import { recordRows } from './recordRows';
import type { TableAccess } from './tableAccess';

/** The Idempotency-Keys of creates (RowKey `k…`, idempotencyRowKeyOf). */
export interface CreateKeys {
  getIdempotency(workbook: WorkbookAddress, rowKey: string): Promise<StoredIdempotency | undefined>;
  insertIdempotency(record: IdempotencyRecord): Promise<StoredIdempotency>;
  replaceIdempotency(current: StoredIdempotency, next: IdempotencyRecord): Promise<StoredIdempotency>;
  deleteIdempotency(current: StoredIdempotency): Promise<void>;
  /** Idempotency-Key records due for the sweep's look (see `idempotencyDueAt`). */
  listDueIdempotency(now: number, pageSize: number): AsyncIterable<StoredIdempotency[]>;
}

export function createCreateKeys(table: TableAccess): CreateKeys {
  const rows = recordRows(table, IDEMPOTENCY_FIELDS, 'k', (record) => record.rowKey);
  return {
    getIdempotency: rows.get,
    insertIdempotency: rows.insert,
    replaceIdempotency: rows.replace,
    deleteIdempotency: rows.remove,
    listDueIdempotency: rows.due,
  };
}
