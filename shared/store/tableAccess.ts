import { TABLE_OPERATION_TIMEOUT_MS } from '../budgets';
import type { TableClient, TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { ConcurrencyError, StorageUnavailableError } from '../errors';

export type TableTarget =
  | { readonly connectionString: string; readonly tableName: string }
  | { readonly endpoint: string; readonly credential: TokenCredential; readonly tableName: string };

export type Entity = TableEntityResult<Record<string, unknown>>;

export interface TableAccess {
  /** Runs one table operation with a timeout, mapping SDK failures to the broker's errors. */
  run<T>(work: (client: TableClient, abortSignal: AbortSignal) => Promise<T>): Promise<T>;
  /** Entities matching an OData filter, a page at a time. */
  pages(
    filter: (odata: typeof import('@azure/data-tables').odata) => string,
    pageSize: number,
  ): AsyncIterable<Entity[]>;
}

/**
 * The table, opened on first use (the SDK costs ~200 ms of cold start, so it is not loaded with the module) and
 * created if missing. Failures map to two errors: a lost conditional write (412, or 404/409 on a write) is a
 * `ConcurrencyError`; anything else is `StorageUnavailableError`, which callers see as a 503.
 */
export function createTableAccess(target: TableTarget): TableAccess {
  let ready: Promise<TableClient> | undefined;
  const table = (): Promise<TableClient> => {
    ready ??= openTable(target).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  const run: TableAccess['run'] = async (work) => {
    try {
      return await work(await table(), AbortSignal.timeout(TABLE_OPERATION_TIMEOUT_MS));
    } catch (error) {
      throw toStoreError(error);
    }
  };
  return {
    run,
    async *pages(filter, pageSize) {
      const client = await run(async (c) => c);
      const { odata } = await import('@azure/data-tables');
      const pagesOf = client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter: filter(odata) } })
        .byPage({ maxPageSize: pageSize });
      const iterator = pagesOf[Symbol.asyncIterator]();
      for (;;) {
        let page: IteratorResult<Entity[]>;
        try {
          page = await iterator.next();
        } catch (error) {
          throw toStoreError(error);
        }
        if (page.done) return;
        yield page.value;
      }
    },
  };
}

async function openTable(target: TableTarget): Promise<TableClient> {
  const { TableClient } = await import('@azure/data-tables');
  // The SDK's own retries are kept short: the broker answers a caller within seconds or says 503.
  const options = { retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 } };
  const client =
    'connectionString' in target
      ? TableClient.fromConnectionString(target.connectionString, target.tableName, {
          ...options,
          allowInsecureConnection: /TableEndpoint=http:|UseDevelopmentStorage=true/i.test(target.connectionString),
        })
      : new TableClient(target.endpoint, target.tableName, target.credential, options);
  await client.createTable({ abortSignal: AbortSignal.timeout(TABLE_OPERATION_TIMEOUT_MS) });
  return client;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function toStoreError(error: unknown): Error {
  if (error instanceof ConcurrencyError || error instanceof StorageUnavailableError) return error;
  const status = statusOf(error);
  if (status === 412 || status === 404 || status === 409) return new ConcurrencyError(`table answered ${status}`);
  const code = (error as { code?: unknown } | null)?.code;
  // Only the status and the SDK's code go to the log (`detail`): never the request, which carries signed headers. The
  // SDK's error stays as the cause, for a debugger; errorMessage never prints a cause.
  return new StorageUnavailableError(undefined, {
    detail: `table storage failed: status ${status ?? 'none'}, code ${typeof code === 'string' ? code : 'none'}`,
    cause: error,
  });
}

// Records as entities: which property is stored how, written and read back the same way for every record kind.

/** How one record property is stored: times as Edm.DateTime (so the sweep can filter on them), bytes as Edm.Binary, the rest as is. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'time' | 'binary';
export type FieldSchema = Readonly<Record<string, FieldKind>>;

/** A record's properties as a table entity; `undefined` properties are left out (and so removed by a replace). */
export function toEntity(
  partitionKey: string,
  rowKey: string,
  record: object,
  schema: FieldSchema,
): { partitionKey: string; rowKey: string } & Record<string, unknown> {
  const entity: { partitionKey: string; rowKey: string } & Record<string, unknown> = { partitionKey, rowKey };
  const values = record as Record<string, unknown>;
  for (const [name, kind] of Object.entries(schema)) {
    const value = values[name];
    if (value === undefined) continue;
    entity[name] = kind === 'time' ? new Date(value as number) : value;
  }
  return entity;
}

type ValueOf<K extends FieldKind> = K extends 'string'
  ? string
  : K extends 'boolean'
    ? boolean
    : K extends 'binary'
      ? Uint8Array
      : number;

/** The properties a schema describes, each possibly missing (an entity written by older code, or damaged). */
export type FieldsOf<S extends FieldSchema> = { [P in keyof S]?: ValueOf<S[P]> };

/** The schema's properties read back from an entity, each only if it has the stored type; plus the ETag. */
export function fromEntity<S extends FieldSchema>(entity: Entity, schema: S): FieldsOf<S> & { etag: string } {
  const record: Record<string, string | number | boolean | Uint8Array> = {};
  for (const [name, kind] of Object.entries(schema)) {
    const value = entity[name];
    if (kind === 'time' && value instanceof Date) record[name] = value.getTime();
    else if (kind === 'binary' && value instanceof Uint8Array) record[name] = value;
    else if (kind !== 'time' && kind !== 'binary' && typeof value === kind)
      record[name] = value as string | number | boolean;
  }
  // Every key was checked against its kind above, which is what FieldsOf<S> says.
  return { ...(record as FieldsOf<S>), etag: entity.etag };
}

/** `value` if it is one of `allowed`, else `fallback`. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}
