import type { Field, Fields, RecordOf, Stored, StoredValue } from '../records/recordFields';
import type { Entity } from './tableAccess';

/** A record as the table stores it: its keys and its properties. */
export type EntityOf = { partitionKey: string; rowKey: string } & Record<string, unknown>;

/**
 * A record's fields as a table entity, as its declaration (records/recordFields.ts) says each is stored; `undefined`
 * fields are left out (and so removed by a replace).
 */
export function toEntity(partitionKey: string, rowKey: string, record: object, fields: Fields): EntityOf {
  const entity: EntityOf = { partitionKey, rowKey };
  const values = record as Record<string, unknown>;
  for (const [name, field] of Object.entries(fields)) {
    const value = values[name];
    if (field.chunks !== undefined) Object.assign(entity, chunked(name, field.chunks, value as Uint8Array | undefined));
    else if (value !== undefined) entity[name] = field.kind === 'time' ? new Date(value as number) : value;
  }
  return entity;
}

/**
 * The declared fields read back from an entity, plus its ETag: a property stored as another kind counts as missing,
 * and each field's declaration says what a missing one reads as.
 */
export function fromEntity<F extends Fields>(entity: Entity, fields: F): Stored<RecordOf<F>> {
  const record: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    const value = field.read(storedValue(entity, name, field));
    if (value !== undefined) record[name] = value;
  }
  // Every required field's `read` falls back to a value of its type, which is what RecordOf<F> says.
  return { ...(record as RecordOf<F>), etag: entity.etag };
}

function storedValue(entity: Entity, name: string, field: Field<unknown>): StoredValue | undefined {
  const value = entity[name];
  switch (field.kind) {
    case 'time':
      return value instanceof Date ? value.getTime() : undefined;
    case 'binary':
      return value instanceof Uint8Array ? value : undefined;
    case 'chunks':
      return joined(entity, name, field.chunks?.count ?? 0);
    default:
      return typeof value === field.kind ? (value as string | number | boolean) : undefined;
  }
}

// Bytes over binary properties of at most 64 KiB each; `<name>Stored` tells an empty body from none.
function chunked(name: string, size: { count: number; bytes: number }, bytes: Uint8Array | undefined) {
  const properties: Record<string, unknown> = { [`${name}Stored`]: bytes !== undefined };
  if (bytes === undefined) return properties;
  for (let n = 0; n * size.bytes < bytes.byteLength && n < size.count; n += 1) {
    // A copy, not a view: the SDK would encode a view's whole underlying buffer.
    properties[`${name}${n}`] = new Uint8Array(bytes.subarray(n * size.bytes, (n + 1) * size.bytes));
  }
  return properties;
}

function joined(entity: Entity, name: string, count: number): Uint8Array | undefined {
  if (entity[`${name}Stored`] !== true) return undefined;
  const parts: Uint8Array[] = [];
  for (let n = 0; n < count; n += 1) {
    const part = entity[`${name}${n}`];
    if (part instanceof Uint8Array) parts.push(part);
  }
  return new Uint8Array(Buffer.concat(parts));
}
