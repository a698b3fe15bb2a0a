import { REPLAY_FIELDS, type ReplayRecord, type StoredReplay } from '../records/replayRecord';
import type { WorkbookAddress } from '../workbookAddress';
import { recordRows } from './recordRows';
import type { TableAccess } from './tableAccess';

/** The Idempotency-Keys of workbook writes, with the answers to replay (RowKey `r…`, replayRowKeyOf). */
export interface WriteKeys {
  getReplay(workbook: WorkbookAddress, rowKey: string): Promise<StoredReplay | undefined>;
  insertReplay(record: ReplayRecord): Promise<StoredReplay>;
  replaceReplay(current: StoredReplay, next: ReplayRecord): Promise<StoredReplay>;
  deleteReplay(current: StoredReplay): Promise<void>;
  /** Workbook-write keys past their retention. */
  listDueReplays(now: number, pageSize: number): AsyncIterable<StoredReplay[]>;
}

export function createWriteKeys(table: TableAccess): WriteKeys {
  const rows = recordRows(table, REPLAY_FIELDS, 'r', (record) => record.rowKey);
  return {
    getReplay: rows.get,
    insertReplay: rows.insert,
    replaceReplay: rows.replace,
    deleteReplay: rows.remove,
    listDueReplays: rows.due,
  };
}
