import type { TableClient, TableEntityResult } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { ConcurrencyError, StorageUnavailableError } from '../errors';
import { partitionKeyOf, rowKeyOf } from './sessionKeys';
import type { SessionRecord, SessionState, StoredSession } from './sessionRecord';
import type { SessionStore } from './sessionStore';

/*
 * Table Storage conventions (the only file that knows them):
 * - PartitionKey `w<hash(drive, item)>`, RowKey `s<hash(session id)>` — see sessionKeys.ts.
 * - Times are Edm.DateTime, so the sweep can filter on `dueAt` server-side.
 * - Every write after the insert sends the ETag read with the record (If-Match); 412 means someone else wrote first.
 */

export type TableTarget =
  | { readonly connectionString: string; readonly tableName: string }
  | { readonly endpoint: string; readonly credential: TokenCredential; readonly tableName: string };

const OPERATION_TIMEOUT_MS = 10_000;

export function createTableSessionStore(target: TableTarget): SessionStore {
  let ready: Promise<TableClient> | undefined;
  // The SDK is loaded on first use, not at module load: it costs ~200 ms of cold start.
  const table = (): Promise<TableClient> => {
    ready ??= openTable(target).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  const run = async <T>(work: (client: TableClient, signal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await work(await table(), AbortSignal.timeout(OPERATION_TIMEOUT_MS));
    } catch (error) {
      throw toStoreError(error);
    }
  };

  return {
    getSession: (workbook, sessionId) =>
      run(async (client, abortSignal) => {
        try {
          const entity = await client.getEntity(partitionKeyOf(workbook), rowKeyOf(sessionId), { abortSignal });
          return fromEntity(entity);
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      }),
    insertSession: (record) =>
      run(async (client, abortSignal) => {
        const result = await client.createEntity(toEntity(record), { abortSignal });
        return { ...record, etag: result.etag ?? '' };
      }),
    replaceSession: (current, next) =>
      run(async (client, abortSignal) => {
        const result = await client.updateEntity(toEntity(next), 'Replace', { etag: current.etag, abortSignal });
        return { ...next, etag: result.etag ?? '' };
      }),
    deleteSession: (current) =>
      run(async (client, abortSignal) => {
        await client.deleteEntity(partitionKeyOf(current), rowKeyOf(current.sessionId), {
          etag: current.etag,
          abortSignal,
        });
      }),
    async *listDue(now, pageSize) {
      const client = await run(async (c) => c);
      const { odata } = await import('@azure/data-tables');
      const pages = client
        .listEntities<Record<string, unknown>>({
          queryOptions: { filter: odata`PartitionKey ge 'w' and PartitionKey lt 'x' and dueAt le ${new Date(now)}` },
        })
        .byPage({ maxPageSize: pageSize });
      const iterator = pages[Symbol.asyncIterator]();
      for (;;) {
        let page: IteratorResult<Array<TableEntityResult<Record<string, unknown>>>>;
        try {
          page = await iterator.next();
        } catch (error) {
          throw toStoreError(error);
        }
        if (page.done) return;
        yield page.value.map(fromEntity);
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
      : new TableClient(`${target.endpoint}`, target.tableName, target.credential, options);
  await client.createTable({ abortSignal: AbortSignal.timeout(OPERATION_TIMEOUT_MS) });
  return client;
}

function toEntity(record: SessionRecord) {
  return {
    partitionKey: partitionKeyOf(record),
    rowKey: rowKeyOf(record.sessionId),
    driveId: record.driveId,
    itemId: record.itemId,
    sessionId: record.sessionId,
    persistChanges: record.persistChanges,
    createdAt: new Date(record.createdAt),
    lastCallerActivityAt: new Date(record.lastCallerActivityAt),
    lastGraphContactAt: new Date(record.lastGraphContactAt),
    idleTimeoutSeconds: record.idleTimeoutSeconds,
    state: record.state,
    endReason: record.endReason,
    endedAt: record.endedAt === undefined ? undefined : new Date(record.endedAt),
    claimedAt: record.claimedAt === undefined ? undefined : new Date(record.claimedAt),
    deferredUntil: record.deferredUntil === undefined ? undefined : new Date(record.deferredUntil),
    owner: record.owner,
    ownerName: record.ownerName,
    dueAt: new Date(record.dueAt),
  };
}

function fromEntity(entity: TableEntityResult<Record<string, unknown>>): StoredSession {
  const text = (key: string) => (typeof entity[key] === 'string' ? (entity[key] as string) : undefined);
  const time = (key: string) => {
    const value = entity[key];
    return value instanceof Date ? value.getTime() : undefined;
  };
  const state = text('state');
  const endReason = text('endReason');
  return {
    driveId: text('driveId') ?? '',
    itemId: text('itemId') ?? '',
    sessionId: text('sessionId') ?? '',
    persistChanges: entity.persistChanges !== false,
    createdAt: time('createdAt') ?? 0,
    lastCallerActivityAt: time('lastCallerActivityAt') ?? 0,
    lastGraphContactAt: time('lastGraphContactAt') ?? 0,
    idleTimeoutSeconds: typeof entity.idleTimeoutSeconds === 'number' ? entity.idleTimeoutSeconds : 0,
    state: state === 'live' || state === 'closing' || state === 'closed' || state === 'expired' ? (state satisfies SessionState) : 'expired',
    ...(endReason === 'closedByCaller' || endReason === 'idle' || endReason === 'expiredInGraph' ? { endReason } : {}),
    ...(time('endedAt') !== undefined ? { endedAt: time('endedAt') } : {}),
    ...(time('claimedAt') !== undefined ? { claimedAt: time('claimedAt') } : {}),
    ...(time('deferredUntil') !== undefined ? { deferredUntil: time('deferredUntil') } : {}),
    ...(text('owner') !== undefined ? { owner: text('owner') } : {}),
    ...(text('ownerName') !== undefined ? { ownerName: text('ownerName') } : {}),
    dueAt: time('dueAt') ?? 0,
    etag: entity.etag,
  };
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** 412 / 404 / 409 on a conditional write = lost a race; anything else from storage = unavailable. */
function toStoreError(error: unknown): Error {
  if (error instanceof ConcurrencyError || error instanceof StorageUnavailableError) return error;
  const status = statusOf(error);
  if (status === 412 || status === 404 || status === 409) return new ConcurrencyError(`table answered ${status}`);
  const code = (error as { code?: unknown } | null)?.code;
  // Only the status and the SDK's code are kept for the log: never the request, which carries signed headers.
  return new StorageUnavailableError(undefined, `table storage failed: status ${status ?? 'none'}, code ${String(code ?? 'none')}`);
}
