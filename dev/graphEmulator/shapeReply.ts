import { badRequest } from './graphError';

// OData's query options on what a GET answers (https://learn.microsoft.com/graph/query-parameters): `$skip` and
// `$top` page a collection (table-list-rows and table-list-columns recommend them for large tables), and `$select`
// keeps only the named properties of an entity or of each member of a collection. Annotations (`@odata.…`) stay.
// A property the resource does not have is refused as Graph refuses it, with 400.

export function shapeReply(json: unknown, query: URLSearchParams): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const select = selected(query.get('$select'));
  const record = json as Record<string, unknown>;
  if (Array.isArray(record.value)) {
    const skip = count(query, '$skip') ?? 0;
    const top = count(query, '$top');
    const page = record.value.slice(skip, top === undefined ? undefined : skip + top) as unknown[];
    return { ...record, value: select === undefined ? page : page.map((item) => pick(item, select)) };
  }
  return select === undefined ? json : pick(json, select);
}

function selected(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const names = raw.split(',').map((name) => name.trim());
  if (names.some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) {
    throw badRequest(`Invalid $select: '${raw}'.`);
  }
  return names;
}

function pick(item: unknown, names: string[]): unknown {
  if (typeof item !== 'object' || item === null) return item;
  const record = item as Record<string, unknown>;
  const missing = names.find((name) => !Object.hasOwn(record, name));
  if (missing !== undefined) throw badRequest(`Could not find a property named '${missing}' on this resource.`);
  return Object.fromEntries(Object.entries(record).filter(([key]) => key.startsWith('@odata.') || names.includes(key)));
}

function count(query: URLSearchParams, name: '$skip' | '$top'): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw badRequest(`Invalid value '${raw}' for ${name}: a non-negative integer is expected.`);
  }
  return n;
}
