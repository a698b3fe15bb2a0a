import type { WorkbookAddress } from '../graph/graphClient';
import type { SessionRecord, StoredSession } from './sessionRecord';

/**
 * Where session records live. The production store is Table Storage (tableSessionStore.ts); the interface keeps
 * SDK types out of the session logic. Writes after the first are conditional on the ETag read with the record.
 */
export interface SessionStore {
  /** The record for this workbook and session id, or `undefined`. A point read, never a query. */
  getSession(workbook: WorkbookAddress, sessionId: string): Promise<StoredSession | undefined>;
  /** Writes a new record; fails if one exists. */
  insertSession(record: SessionRecord): Promise<StoredSession>;
  /** Replaces `current` with `next` if nobody wrote it since `current` was read; else `ConcurrencyError`. */
  replaceSession(current: StoredSession, next: SessionRecord): Promise<StoredSession>;
  /** Deletes `current` if unchanged since read; else `ConcurrencyError`. */
  deleteSession(current: StoredSession): Promise<void>;
  /** Records whose `dueAt` is at or before `now`, a page at a time. */
  listDue(now: number, pageSize: number): AsyncIterable<StoredSession[]>;
}
