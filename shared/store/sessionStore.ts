import { createCreateKeys, type CreateKeys } from './createKeys';
import { createOperationRecords, type OperationRecords } from './operationRecords';
import { createSessionRecords, type SessionRecords } from './sessionRecords';
import { createTableAccess, type TableTarget } from './tableAccess';
import { createWriteKeys, type WriteKeys } from './writeKeys';

/**
 * Where the broker's records live: one store per record kind, on one table, seen by the session logic as one
 * `deps.store`. The production store is Table Storage, wrapped by cachedSessionStore.ts; the per-kind stores keep SDK
 * types out of the session logic. Every read is a point read by key, except the sweep's `listDue…`. Writes after the
 * first are conditional on the ETag read with the record: a lost race is a `ConcurrencyError`.
 */
export type SessionStore = SessionRecords & OperationRecords & CreateKeys & WriteKeys;

export function createSessionStore(target: TableTarget): SessionStore {
  const table = createTableAccess(target);
  return {
    ...createSessionRecords(table),
    ...createOperationRecords(table),
    ...createCreateKeys(table),
    ...createWriteKeys(table),
  };
}
