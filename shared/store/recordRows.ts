import type { TableClient } from '@azure/data-tables';
import type { Fields, RecordOf, Stored } from '../records/recordFields';
import type { WorkbookAddress } from '../workbookAddress';
import { fromEntity, toEntity, type EntityOf } from './recordEntity';
import { partitionKeyOf } from './sessionKeys';
import { statusOf, type TableAccess } from './tableAccess';

/** The first letter of each kind's RowKey (sessionKeys.ts): the sweep lists one kind by RowKey range. */
export type RowKind = 's' | 'o' | 'k' | 'r';

/** The table operations of one record kind kept per workbook; each store of a kind names them in its own words. */
export interface RecordRows<R> {
  readonly get: (workbook: WorkbookAddress, rowKey: string) => Promise<Stored<R> | undefined>;
  readonly insert: (record: R) => Promise<Stored<R>>;
  /** Conditional on `current`'s ETag. */
  readonly replace: (current: Stored<R>, next: R) => Promise<Stored<R>>;
  /** Conditional on `current`'s ETag. */
  readonly remove: (current: Stored<R>) => Promise<void>;
  /** Records whose `dueAt` is at or before `now`, a page at a time. */
  readonly due: (now: number, pageSize: number) => AsyncIterable<Stored<R>[]>;
}

/**
 * The rows of the kind `fields` declares, in its workbook's partition, under the RowKey `rowKeyOf` gives (which starts
 * with `kind`). A lost conditional write is a `ConcurrencyError` (tableAccess.ts).
 */
export function recordRows<F extends Fields>(
  table: TableAccess,
  // Only a kind whose records name their workbook (WORKBOOK_FIELDS) has rows in a workbook's partition.
  fields: F & (RecordOf<F> extends WorkbookAddress ? unknown : never),
  kind: RowKind,
  rowKeyOf: (record: RecordOf<F>) => string,
): RecordRows<RecordOf<F>> {
  type R = RecordOf<F>;
  const keysOf = (record: R) => ({
    partitionKey: partitionKeyOf(record as R & WorkbookAddress),
    rowKey: rowKeyOf(record),
  });
  const entityOf = (record: R) => {
    const { partitionKey, rowKey } = keysOf(record);
    return toEntity(partitionKey, rowKey, record, fields);
  };
  const next = String.fromCharCode(kind.charCodeAt(0) + 1);
  return {
    get: (workbook, rowKey) =>
      table.run(async (client, abortSignal) => {
        try {
          return fromEntity<F>(await client.getEntity(partitionKeyOf(workbook), rowKey, { abortSignal }), fields);
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      }),
    insert: (record) =>
      table.run(async (client, abortSignal) => ({
        ...record,
        etag: (await client.createEntity(entityOf(record), { abortSignal })).etag ?? '',
      })),
    replace: (current, record) =>
      table.run(async (client, abortSignal) => ({
        ...record,
        etag: (await update(client, entityOf(current), entityOf(record), { etag: current.etag, abortSignal })) ?? '',
      })),
    remove: (current) =>
      table.run(async (client, abortSignal) => {
        const { partitionKey, rowKey } = keysOf(current);
        await client.deleteEntity(partitionKey, rowKey, { etag: current.etag, abortSignal });
      }),
    async *due(now, pageSize) {
      const filter = (odata: typeof import('@azure/data-tables').odata) =>
        odata`RowKey ge ${kind} and RowKey lt ${next} and dueAt le ${new Date(now)}`;
      for await (const page of table.pages(filter, pageSize)) yield page.map((entity) => fromEntity<F>(entity, fields));
    },
  };
}

/**
 * A conditional write that sends only what changed (Merge), unless a property is being removed, which only Replace can
 * do: most writes touch two or three times, and the session id alone is hundreds of characters.
 */
async function update(
  client: TableClient,
  current: EntityOf,
  next: EntityOf,
  options: { etag: string; abortSignal: AbortSignal },
): Promise<string | undefined> {
  const removes = Object.keys(current).some((name) => !(name in next));
  const entity = removes ? next : changedFields(current, next);
  return (await client.updateEntity(entity, removes ? 'Replace' : 'Merge', options)).etag;
}

/** The keys plus every property whose value differs (times compared as instants). */
function changedFields(current: EntityOf, next: EntityOf): EntityOf {
  const changed: EntityOf = { partitionKey: next.partitionKey, rowKey: next.rowKey };
  for (const [name, value] of Object.entries(next)) {
    const before = current[name];
    const same =
      value instanceof Date && before instanceof Date ? value.getTime() === before.getTime() : value === before;
    if (!same) changed[name] = value;
  }
  return changed;
}
