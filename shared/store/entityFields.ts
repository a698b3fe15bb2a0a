import type { Entity } from './tableAccess';

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
