import { SESSION_FIELDS, type SessionRecord, type StoredSession } from '../records/sessionRecord';
import type { WorkbookAddress } from '../workbookAddress';
import { recordRows } from './recordRows';
import { rowKeyOf } from './sessionKeys';
import type { TableAccess } from './tableAccess';

/** Session records (RowKey `s…`). */
export interface SessionRecords {
  /**
   * `fresh`: read the table even where a copy is at hand, unless the copy was read in `tenure` (see
   * cachedSessionStore.ts).
   */
  getSession(
    workbook: WorkbookAddress,
    sessionId: string,
    options?: { readonly fresh?: boolean; readonly tenure?: object },
  ): Promise<StoredSession | undefined>;
  insertSession(record: SessionRecord): Promise<StoredSession>;
  replaceSession(current: StoredSession, next: SessionRecord): Promise<StoredSession>;
  deleteSession(current: StoredSession): Promise<void>;
  /** Session records whose `dueAt` is at or before `now`, a page at a time. */
  listDue(now: number, pageSize: number): AsyncIterable<StoredSession[]>;
}

export function createSessionRecords(table: TableAccess): SessionRecords {
  const rows = recordRows(table, SESSION_FIELDS, 's', (record) => rowKeyOf(record.sessionId));
  return {
    getSession: (workbook, sessionId) => rows.get(workbook, rowKeyOf(sessionId)),
    insertSession: rows.insert,
    replaceSession: rows.replace,
    deleteSession: rows.remove,
    listDue: rows.due,
  };
}
