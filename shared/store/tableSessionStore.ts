import { operationRowKeyOf, partitionKeyOf, rowKeyOf } from './sessionKeys';
import {
  fromEntity,
  oneOf,
  toEntity,
  type FieldSchema,
  createTableAccess,
  statusOf,
  type Entity,
  type TableTarget,
} from './tableAccess';
import { IDEMPOTENCY_STATES, type IdempotencyRecord, type StoredIdempotency } from '../records/idempotencyRecord';
import { OPERATION_STATES, type OperationRecord, type StoredOperation } from '../records/operationRecord';
import {
  REPLAY_CHUNK_BYTES,
  REPLAY_CHUNKS,
  REPLAY_STATES,
  type ReplayRecord,
  type StoredReplay,
} from '../records/replayRecord';
import { END_REASONS, SESSION_STATES, type SessionRecord, type StoredSession } from '../records/sessionRecord';
import type { SessionStore } from './sessionStore';

/*
 * Table Storage conventions (this file and sessionKeys.ts are the only ones that know them):
 * - PartitionKey `w<hash(drive, item)>`: one partition per workbook.
 * - RowKey `s<hash(session id)>` for a session, `o<hash(operation id)>` for a followed create, `k<hash>` for a
 *   create's Idempotency-Key, `r<hash>` for a workbook write's (with the answer to replay), and `lease` for the
 *   workbook's one-call-at-a-time lease (workbookLeaseStore.ts). The sweep's queries select one kind by RowKey range
 *   (`lease` lies outside all of them); every kind carries a `dueAt`.
 * - Times are Edm.DateTime, so the sweep can filter on `dueAt` server-side.
 * - Every write after the insert sends the ETag read with the record (If-Match); 412 means someone else wrote first.
 */

const WORKBOOK = { driveId: 'string', itemId: 'string' } as const;
const SESSION = {
  ...WORKBOOK,
  sessionId: 'string',
  persistChanges: 'boolean',
  createdAt: 'time',
  lastCallerActivityAt: 'time',
  lastGraphContactAt: 'time',
  idleTimeoutSeconds: 'number',
  state: 'string',
  endReason: 'string',
  endedAt: 'time',
  claimedAt: 'time',
  deferredUntil: 'time',
  owner: 'string',
  ownerName: 'string',
  idempotencyRowKey: 'string',
  dueAt: 'time',
  graphCloseOwed: 'boolean',
} as const satisfies FieldSchema;
const OPERATION = {
  ...WORKBOOK,
  operationId: 'string',
  graphOperationUrl: 'string',
  persistChanges: 'boolean',
  idleTimeoutSeconds: 'number',
  owner: 'string',
  ownerName: 'string',
  idempotencyRowKey: 'string',
  state: 'string',
  sessionId: 'string',
  errorStatus: 'number',
  errorCode: 'string',
  errorInnerCode: 'string',
  errorMessage: 'string',
  createdAt: 'time',
  checkedAt: 'time',
  endedAt: 'time',
  dueAt: 'time',
} as const satisfies FieldSchema;
const IDEMPOTENCY = {
  ...WORKBOOK,
  rowKey: 'string',
  state: 'string',
  sessionId: 'string',
  operationId: 'string',
  claimedAt: 'time',
  aliveUntil: 'time',
  checkedAt: 'time',
  dueAt: 'time',
  fingerprint: 'string',
} as const satisfies FieldSchema;

const BODY_CHUNKS = Object.fromEntries(
  Array.from({ length: REPLAY_CHUNKS }, (_, n) => [`body${n}`, 'binary']),
) as Record<`body${number}`, 'binary'>;
const REPLAY = {
  ...WORKBOOK,
  state: 'string',
  fingerprint: 'string',
  claimedAt: 'time',
  aliveUntil: 'time',
  status: 'number',
  headers: 'string',
  bodyBytes: 'number',
  bodyStored: 'boolean',
  dueAt: 'time',
  ...BODY_CHUNKS,
} as const satisfies FieldSchema;

export function createTableSessionStore(target: TableTarget): SessionStore {
  const table = createTableAccess(target);

  const get = <T>(partitionKey: string, rowKey: string, read: (entity: Entity) => T) =>
    table.run(async (client, abortSignal) => {
      try {
        return read(await client.getEntity(partitionKey, rowKey, { abortSignal }));
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  const insert = <T extends object>(entity: ReturnType<typeof toEntity>, record: T) =>
    table.run(async (client, abortSignal) => ({
      ...record,
      etag: (await client.createEntity(entity, { abortSignal })).etag ?? '',
    }));
  // A write sends only what changed (Merge), unless a property is being removed, which only Replace can do: most
  // writes touch two or three times, and the session id alone is hundreds of characters.
  const replace = <T extends object>(
    next: ReturnType<typeof toEntity>,
    current: ReturnType<typeof toEntity>,
    etag: string,
    record: T,
  ) =>
    table.run(async (client, abortSignal) => {
      const removes = Object.keys(current).some((name) => !(name in next));
      const entity = removes ? next : changedFields(current, next);
      const result = await client.updateEntity(entity, removes ? 'Replace' : 'Merge', { etag, abortSignal });
      return { ...record, etag: result.etag ?? '' };
    });
  const remove = (partitionKey: string, rowKey: string, etag: string) =>
    table.run(
      async (client, abortSignal) => void (await client.deleteEntity(partitionKey, rowKey, { etag, abortSignal })),
    );
  async function* due<T>(kind: 's' | 'o' | 'k' | 'r', now: number, pageSize: number, read: (entity: Entity) => T) {
    const next = String.fromCharCode(kind.charCodeAt(0) + 1);
    for await (const page of table.pages(
      (odata) => odata`RowKey ge ${kind} and RowKey lt ${next} and dueAt le ${new Date(now)}`,
      pageSize,
    )) {
      yield page.map(read);
    }
  }

  const sessionEntity = (r: SessionRecord) => toEntity(partitionKeyOf(r), rowKeyOf(r.sessionId), r, SESSION);
  const operationEntity = (r: OperationRecord) =>
    toEntity(partitionKeyOf(r), operationRowKeyOf(r.operationId), r, OPERATION);
  // A replayed body is split over binary properties (64 KiB each at most); `bodyStored` tells an empty body from none.
  const replayEntity = (r: ReplayRecord) =>
    toEntity(partitionKeyOf(r), r.rowKey, { ...r, ...bodyChunks(r.body), bodyStored: r.body !== undefined }, REPLAY);
  const idempotencyEntity = (r: IdempotencyRecord) => toEntity(partitionKeyOf(r), r.rowKey, r, IDEMPOTENCY);

  return {
    getSession: (workbook, sessionId) => get(partitionKeyOf(workbook), rowKeyOf(sessionId), readSession),
    insertSession: (record) => insert(sessionEntity(record), record),
    replaceSession: (current, next) => replace(sessionEntity(next), sessionEntity(current), current.etag, next),
    deleteSession: (current) => remove(partitionKeyOf(current), rowKeyOf(current.sessionId), current.etag),
    listDue: (now, pageSize) => due('s', now, pageSize, readSession),

    getOperation: (workbook, operationId) =>
      get(partitionKeyOf(workbook), operationRowKeyOf(operationId), readOperation),
    insertOperation: (record) => insert(operationEntity(record), record),
    replaceOperation: (current, next) => replace(operationEntity(next), operationEntity(current), current.etag, next),
    deleteOperation: (current) => remove(partitionKeyOf(current), operationRowKeyOf(current.operationId), current.etag),
    listDueOperations: (now, pageSize) => due('o', now, pageSize, readOperation),

    getIdempotency: (workbook, rowKey) => get(partitionKeyOf(workbook), rowKey, readIdempotency),
    insertIdempotency: (record) => insert(idempotencyEntity(record), record),
    replaceIdempotency: (current, next) =>
      replace(idempotencyEntity(next), idempotencyEntity(current), current.etag, next),
    deleteIdempotency: (current) => remove(partitionKeyOf(current), current.rowKey, current.etag),
    listDueIdempotency: (now, pageSize) => due('k', now, pageSize, readIdempotency),

    getReplay: (workbook, rowKey) => get(partitionKeyOf(workbook), rowKey, readReplay),
    insertReplay: (record) => insert(replayEntity(record), record),
    replaceReplay: (current, next) => replace(replayEntity(next), replayEntity(current), current.etag, next),
    deleteReplay: (current) => remove(partitionKeyOf(current), current.rowKey, current.etag),
    listDueReplays: (now, pageSize) => due('r', now, pageSize, readReplay),
  };
}

/** The keys plus every property whose value differs (times compared as instants). */
function changedFields(
  current: ReturnType<typeof toEntity>,
  next: ReturnType<typeof toEntity>,
): ReturnType<typeof toEntity> {
  const changed: ReturnType<typeof toEntity> = { partitionKey: next.partitionKey, rowKey: next.rowKey };
  for (const [name, value] of Object.entries(next)) {
    const before = current[name];
    const same =
      value instanceof Date && before instanceof Date ? value.getTime() === before.getTime() : value === before;
    if (!same) changed[name] = value;
  }
  return changed;
}

// Reading back: a property of the wrong type is dropped by fromEntity; a state the code does not know is read as
// ended, so a damaged record is never acted on as live.
function readSession(entity: Entity): StoredSession {
  const f = fromEntity(entity, SESSION);
  const endReason = f.endReason === undefined ? undefined : oneOf(f.endReason, END_REASONS, 'expiredInGraph');
  return {
    driveId: f.driveId ?? '',
    itemId: f.itemId ?? '',
    sessionId: f.sessionId ?? '',
    persistChanges: f.persistChanges ?? true,
    createdAt: f.createdAt ?? 0,
    lastCallerActivityAt: f.lastCallerActivityAt ?? 0,
    lastGraphContactAt: f.lastGraphContactAt ?? 0,
    idleTimeoutSeconds: f.idleTimeoutSeconds ?? 0,
    state: oneOf(f.state, SESSION_STATES, 'expired'),
    endReason,
    endedAt: f.endedAt,
    claimedAt: f.claimedAt,
    deferredUntil: f.deferredUntil,
    owner: f.owner,
    ownerName: f.ownerName,
    idempotencyRowKey: f.idempotencyRowKey,
    ...(f.graphCloseOwed ? { graphCloseOwed: true } : {}),
    dueAt: f.dueAt ?? 0,
    etag: f.etag,
  };
}

function readOperation(entity: Entity): StoredOperation {
  const f = fromEntity(entity, OPERATION);
  return {
    driveId: f.driveId ?? '',
    itemId: f.itemId ?? '',
    operationId: f.operationId ?? '',
    graphOperationUrl: f.graphOperationUrl ?? '',
    persistChanges: f.persistChanges ?? true,
    idleTimeoutSeconds: f.idleTimeoutSeconds ?? 0,
    owner: f.owner,
    ownerName: f.ownerName,
    idempotencyRowKey: f.idempotencyRowKey,
    state: oneOf(f.state, OPERATION_STATES, 'failed'),
    sessionId: f.sessionId,
    errorStatus: f.errorStatus,
    errorCode: f.errorCode,
    errorInnerCode: f.errorInnerCode,
    errorMessage: f.errorMessage,
    createdAt: f.createdAt ?? 0,
    checkedAt: f.checkedAt,
    endedAt: f.endedAt,
    dueAt: f.dueAt ?? 0,
    etag: f.etag,
  };
}

function bodyChunks(body: Uint8Array | undefined): Record<string, Uint8Array> {
  const chunks: Record<string, Uint8Array> = {};
  if (body === undefined) return chunks;
  for (let n = 0; n * REPLAY_CHUNK_BYTES < body.byteLength && n < REPLAY_CHUNKS; n += 1) {
    // A copy, not a view: the SDK would encode a view's whole underlying buffer.
    chunks[`body${n}`] = new Uint8Array(body.subarray(n * REPLAY_CHUNK_BYTES, (n + 1) * REPLAY_CHUNK_BYTES));
  }
  return chunks;
}

function readReplay(entity: Entity): StoredReplay {
  const f = fromEntity(entity, REPLAY);
  const chunks: Uint8Array[] = [];
  for (let n = 0; n < REPLAY_CHUNKS; n += 1) {
    const chunk = (f as Record<string, unknown>)[`body${n}`];
    if (chunk instanceof Uint8Array) chunks.push(chunk);
  }
  return {
    driveId: f.driveId ?? '',
    itemId: f.itemId ?? '',
    rowKey: entity.rowKey ?? '',
    state: oneOf(f.state, REPLAY_STATES, 'pending'),
    fingerprint: f.fingerprint ?? '',
    claimedAt: f.claimedAt ?? 0,
    aliveUntil: f.aliveUntil,
    status: f.status,
    headers: f.headers,
    ...(f.bodyStored ? { body: new Uint8Array(Buffer.concat(chunks)) } : {}),
    bodyBytes: f.bodyBytes,
    dueAt: f.dueAt ?? 0,
    etag: f.etag,
  };
}

function readIdempotency(entity: Entity): StoredIdempotency {
  const f = fromEntity(entity, IDEMPOTENCY);
  return {
    driveId: f.driveId ?? '',
    itemId: f.itemId ?? '',
    rowKey: entity.rowKey ?? '',
    state: oneOf(f.state, IDEMPOTENCY_STATES, 'pending'),
    sessionId: f.sessionId,
    operationId: f.operationId,
    claimedAt: f.claimedAt ?? 0,
    aliveUntil: f.aliveUntil,
    checkedAt: f.checkedAt,
    ...(f.fingerprint === undefined ? {} : { fingerprint: f.fingerprint }),
    dueAt: f.dueAt ?? 0,
    etag: f.etag,
  };
}
