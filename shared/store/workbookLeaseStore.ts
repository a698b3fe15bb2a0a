import type { WorkbookAddress } from '../workbookAddress';
import type { Stored } from '../records/recordFields';
import { LEASE_FIELDS, type LeaseFields } from '../records/leaseRecord';
import { fromEntity, toEntity } from './recordEntity';
import { statusOf, type TableAccess } from './tableAccess';
import { LEASE_ROW_KEY, partitionKeyOf } from './sessionKeys';

/**
 * The lease row of one workbook (PartitionKey = the workbook's, RowKey = `lease`): who holds the workbook's turn
 * until when, and until when Graph asked that nobody call it. Every write is conditional — an insert fails when the
 * row exists, a replace or delete when the row changed since it was read (If-Match ETag,
 * https://learn.microsoft.com/rest/api/storageservices/update-entity2) — so of two instances racing for one
 * workbook exactly one wins, and a holder that lost its lease can never write over the next holder's.
 */
export type LeaseRow = Stored<LeaseFields>;

/** The lease rows' own table operations. A lost conditional write is a `ConcurrencyError` (tableAccess.ts). */
export interface LeaseStore {
  read(workbook: WorkbookAddress): Promise<LeaseRow | undefined>;
  /** Fails with ConcurrencyError when the row exists. */
  insert(workbook: WorkbookAddress, fields: LeaseFields): Promise<LeaseRow>;
  /** Fails with ConcurrencyError when the row changed since `etag` was read. */
  replace(workbook: WorkbookAddress, etag: string, fields: LeaseFields): Promise<LeaseRow>;
  /** Fails with ConcurrencyError when the row changed since `etag` was read, or is gone. */
  remove(workbook: WorkbookAddress, etag: string): Promise<void>;
}

export function createLeaseStore(table: TableAccess): LeaseStore {
  const entity = (workbook: WorkbookAddress, fields: LeaseFields) =>
    toEntity(partitionKeyOf(workbook), LEASE_ROW_KEY, fields, LEASE_FIELDS);
  return {
    read: (workbook) =>
      table.run(async (client, abortSignal) => {
        try {
          return fromEntity(
            await client.getEntity(partitionKeyOf(workbook), LEASE_ROW_KEY, { abortSignal }),
            LEASE_FIELDS,
          );
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      }),
    insert: (workbook, fields) =>
      table.run(async (client, abortSignal) => ({
        ...fields,
        etag: (await client.createEntity(entity(workbook, fields), { abortSignal })).etag ?? '',
      })),
    // Replace, not Merge: a property left out (the holder, on a release that keeps a cooldown) is removed.
    replace: (workbook, etag, fields) =>
      table.run(async (client, abortSignal) => ({
        ...fields,
        etag: (await client.updateEntity(entity(workbook, fields), 'Replace', { etag, abortSignal })).etag ?? '',
      })),
    remove: (workbook, etag) =>
      table.run(
        async (client, abortSignal) =>
          void (await client.deleteEntity(partitionKeyOf(workbook), LEASE_ROW_KEY, { etag, abortSignal })),
      ),
  };
}
