import type { WorkbookAddress } from '../workbookAddress';
import type { IdempotencyRecord, StoredIdempotency } from '../records/idempotencyRecord';
import type { OperationRecord, StoredOperation } from '../records/operationRecord';
import type { ReplayRecord, StoredReplay } from '../records/replayRecord';
import type { SessionRecord, StoredSession } from '../records/sessionRecord';

/**
 * Where the broker's records live. The production store is Table Storage (tableSessionStore.ts); the interface keeps
 * SDK types out of the session logic. Every read is a point read by key, except the sweep's `listDue…`. Writes after
 * the first are conditional on the ETag read with the record: a lost race is a `ConcurrencyError`.
 */
export interface SessionStore {
  /** `fresh`: read the table even where a copy is at hand (see cachedSessionStore.ts). */
  getSession(
    workbook: WorkbookAddress,
    sessionId: string,
    options?: { readonly fresh?: boolean },
  ): Promise<StoredSession | undefined>;
  insertSession(record: SessionRecord): Promise<StoredSession>;
  replaceSession(current: StoredSession, next: SessionRecord): Promise<StoredSession>;
  deleteSession(current: StoredSession): Promise<void>;
  /** Session records whose `dueAt` is at or before `now`, a page at a time. */
  listDue(now: number, pageSize: number): AsyncIterable<StoredSession[]>;

  getOperation(workbook: WorkbookAddress, operationId: string): Promise<StoredOperation | undefined>;
  insertOperation(record: OperationRecord): Promise<StoredOperation>;
  replaceOperation(current: StoredOperation, next: OperationRecord): Promise<StoredOperation>;
  deleteOperation(current: StoredOperation): Promise<void>;
  listDueOperations(now: number, pageSize: number): AsyncIterable<StoredOperation[]>;

  getIdempotency(workbook: WorkbookAddress, rowKey: string): Promise<StoredIdempotency | undefined>;
  insertIdempotency(record: IdempotencyRecord): Promise<StoredIdempotency>;
  replaceIdempotency(current: StoredIdempotency, next: IdempotencyRecord): Promise<StoredIdempotency>;
  deleteIdempotency(current: StoredIdempotency): Promise<void>;
  /** Idempotency-Key records due for the sweep's look (see `idempotencyDueAt`). */
  listDueIdempotency(now: number, pageSize: number): AsyncIterable<StoredIdempotency[]>;

  getReplay(workbook: WorkbookAddress, rowKey: string): Promise<StoredReplay | undefined>;
  insertReplay(record: ReplayRecord): Promise<StoredReplay>;
  replaceReplay(current: StoredReplay, next: ReplayRecord): Promise<StoredReplay>;
  deleteReplay(current: StoredReplay): Promise<void>;
  /** Workbook-write keys past their retention. */
  listDueReplays(now: number, pageSize: number): AsyncIterable<StoredReplay[]>;
}
