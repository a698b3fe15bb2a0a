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
