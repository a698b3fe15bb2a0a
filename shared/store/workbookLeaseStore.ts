import type { WorkbookAddress } from '../workbookAddress';
import { fromEntity, toEntity, type FieldSchema, statusOf, type TableAccess } from './tableAccess';
import { LEASE_ROW_KEY, partitionKeyOf } from './sessionKeys';

/**
 * The lease row of one workbook (PartitionKey = the workbook's, RowKey = `lease`): who holds the workbook's turn
 * until when, and until when Graph asked that nobody call it. Every write is conditional — an insert fails when the
 * row exists, a replace or delete when the row changed since it was read (If-Match ETag,
 * https://learn.microsoft.com/rest/api/storageservices/update-entity2) — so of two instances racing for one
 * workbook exactly one wins, and a holder that lost its lease can never write over the next holder's.
 */
export interface LeaseFields {
  /** The holder's token, fresh for every take; absent = free. */
  readonly holder?: string;
  /** The holder renews before this; after it (and a margin for clock skew) anyone may take the lease over. */
  readonly leaseUntil?: number;
  /** Graph's cooldown for the workbook (429/503 + Retry-After): nobody calls it before then. */
  readonly cooldownUntil?: number;
  /** Another instance's waiter, named in the row so the holder's release can reserve the next turn for it. */
  readonly waiter?: string;
  readonly waiterSince?: number;
  /** A free lease is the named waiter's alone until then. */
  readonly reservedUntil?: number;
}

export interface LeaseRow extends LeaseFields {
  readonly etag: string;
}

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

const LEASE = {
  holder: 'string',
  leaseUntil: 'time',
  cooldownUntil: 'time',
  waiter: 'string',
  waiterSince: 'time',
  reservedUntil: 'time',
} as const satisfies FieldSchema;

export function createLeaseStore(table: TableAccess): LeaseStore {
  const entity = (workbook: WorkbookAddress, fields: LeaseFields) =>
    toEntity(partitionKeyOf(workbook), LEASE_ROW_KEY, fields, LEASE);
  return {
    read: (workbook) =>
      table.run(async (client, abortSignal) => {
        try {
          const { etag, ...fields } = fromEntity(
            await client.getEntity(partitionKeyOf(workbook), LEASE_ROW_KEY, { abortSignal }),
            LEASE,
          );
          return { ...fields, etag };
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
