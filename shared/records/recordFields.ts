/*
 * How a record kind is declared, once: each field under its stored name, how it is stored, and what it reads back as
 * when it is missing (written by older code) or damaged. The record's TypeScript type (`RecordOf`) and its table
 * entity (store/recordEntity.ts) both follow from that one declaration.
 */

/**
 * How a field is stored: times as Edm.DateTime (so the sweep can filter on them), bytes as Edm.Binary, `chunks` as
 * bytes spread over several binary properties (`<name>0`, `<name>1`, … and `<name>Stored`), the rest as is.
 */
export type FieldKind = 'string' | 'number' | 'boolean' | 'time' | 'binary' | 'chunks';

/** A stored value of the field's kind, as the store hands it over: times as epoch milliseconds. */
export type StoredValue = string | number | boolean | Uint8Array;

type KindValue<K extends FieldKind> = K extends 'string'
  ? string
  : K extends 'boolean'
    ? boolean
    : K extends 'binary' | 'chunks'
      ? Uint8Array
      : number;

export interface Field<T, Required extends boolean = boolean> {
  readonly kind: FieldKind;
  /** Every record has it; the type says so, and a missing one reads as a fallback. */
  readonly required: Required;
  /** For `chunks`: at most `count` binary properties of at most `bytes` each. */
  readonly chunks?: { readonly count: number; readonly bytes: number };
  /** The record's value for the stored one; `stored` is `undefined` when missing or stored as another kind. */
  readonly read: (stored: StoredValue | undefined) => T | undefined;
}

export type Fields = Readonly<Record<string, Field<unknown>>>;

type ValueOfField<F> = F extends Field<infer T> ? T : never;

/** The record a declaration describes: its required fields always there, the others possibly absent. */
export type RecordOf<F extends Fields> = {
  readonly [P in keyof F as F[P] extends Field<unknown, true> ? P : never]: ValueOfField<F[P]>;
} & {
  readonly [P in keyof F as F[P] extends Field<unknown, true> ? never : P]?: ValueOfField<F[P]>;
};

/** A record as read from the store, with the ETag that makes the next write conditional. */
export type Stored<R> = R & { readonly etag: string };

/** A field a record may lack; read back only when stored as its kind. */
export function optional<K extends Exclude<FieldKind, 'chunks'>>(kind: K): Field<KindValue<K>, false> {
  return { kind, required: false, read: (stored) => stored as KindValue<K> | undefined };
}

/** A field every record has; missing or mistyped, it reads as `fallback`. */
export function required<K extends Exclude<FieldKind, 'chunks'>>(
  kind: K,
  fallback: KindValue<K>,
): Field<KindValue<K>, true> {
  return { kind, required: true, read: (stored) => (stored as KindValue<K> | undefined) ?? fallback };
}

/** A string field holding one of `allowed`; a value the code does not know reads as `fallback`. */
export function choice<T extends string>(allowed: readonly T[], fallback: T): Field<T, true> {
  return { kind: 'string', required: true, read: (stored) => oneOf(stored as string | undefined, allowed, fallback) };
}

/** Like `choice`, but a record may lack it, and then it stays absent. */
export function optionalChoice<T extends string>(allowed: readonly T[], fallback: T): Field<T, false> {
  return {
    kind: 'string',
    required: false,
    read: (stored) => (stored === undefined ? undefined : oneOf(stored as string, allowed, fallback)),
  };
}

/** A boolean that is either set or absent: a stored `false` reads as absent. */
export function flag(): Field<boolean, false> {
  return { kind: 'boolean', required: false, read: (stored) => (stored === true ? true : undefined) };
}

/** Bytes too large for one binary property, kept over up to `count` of them. */
export function chunks(count: number, bytes: number): Field<Uint8Array, false> {
  return {
    kind: 'chunks',
    required: false,
    chunks: { count, bytes },
    read: (stored) => stored as Uint8Array | undefined,
  };
}

/** The two fields every record kept per workbook carries: its partition (store/sessionKeys.ts) follows from them. */
export const WORKBOOK_FIELDS = { driveId: required('string', ''), itemId: required('string', '') } as const;

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}
