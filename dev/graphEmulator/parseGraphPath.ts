import { badRequest, GraphError } from './graphError';
import type { CallOp } from './types';

// Only the canonical item address `/v1.0/drives/{driveId}/items/{itemId}/workbook/...` is emulated: it is what
// every Graph SDK generates and what the broker uses. Segments are split *before* percent-decoding so that an
// item id containing %2F stays one segment. Literal segments match case-insensitively, as OData routing does,
// and a worksheet or table is addressed either way SDKs write it: `worksheets('Sheet1')` or `worksheets/Sheet1`.

export interface GraphRoute {
  /** What the path and method name; for a 405 the path's first operation, for a 400 'unknown'. */
  op: CallOp;
  driveId?: string;
  itemId?: string;
  /** The decoded path after `workbook/`, as fault rules match it. */
  workbookPath?: string;
  operationId?: string;
  resourceKey?: string;
  worksheet?: string;
  table?: string;
  address?: string;
  valuesOnly?: boolean;
  /** Set when the request is not a route (400) or uses the wrong method (405): answered after authentication. */
  error?: GraphError;
}

type Method = 'GET' | 'POST' | 'PATCH';
type Target = Omit<GraphRoute, 'op' | 'driveId' | 'itemId' | 'workbookPath' | 'error'> & {
  methods: Partial<Record<Method, CallOp>>;
};

/** Routes a raw request path (no query string) for a method. Never throws. */
export function parseGraphPath(rawPath: string, method = 'GET'): GraphRoute {
  const segments: string[] = [];
  for (const raw of rawPath.split('/').slice(1)) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return { op: 'unknown', error: badRequest('The URL path contains invalid percent-encoding.') };
    }
  }
  const [version, drives, driveId, items, itemId, workbook, ...rest] = segments;
  if (version !== 'v1.0') return { op: 'unknown', error: badRequest(`Invalid version: ${version ?? ''}`) };
  const ids = { ...(driveId ? { driveId } : {}), ...(itemId ? { itemId } : {}) };
  const unknownSegment = (segment: string | undefined): GraphRoute => ({
    op: 'unknown',
    ...ids,
    error: badRequest(`Resource not found for the segment '${segment ?? segments[segments.length - 1] ?? ''}'.`),
  });
  if (!is(drives, 'drives') || !driveId) return unknownSegment(drives);
  if (!is(items, 'items') || !itemId) return unknownSegment(items);
  if (!is(workbook, 'workbook') || rest.length === 0) return unknownSegment(workbook);

  const target = routeWorkbook(rest);
  if (typeof target === 'string') return unknownSegment(target);
  const { methods, ...params } = target;
  const route = { ...ids, ...params, workbookPath: rest.join('/') };
  const op = methods[method as Method];
  if (op !== undefined) return { op, ...route };
  const allowed = Object.keys(methods).join(', ');
  const message = `The HTTP method '${method}' is not allowed on this resource; use ${allowed}.`;
  const first = Object.values(methods)[0] ?? 'unknown';
  return {
    op: first,
    ...route,
    error: new GraphError(405, 'methodNotAllowed', message, undefined, { Allow: allowed }),
  };
}

// Returns the route, or the segment that matched nothing.
function routeWorkbook(segments: string[]): Target | string {
  const [first = '', second, ...more] = segments;
  const only = (target: Target): Target | string => (second === undefined ? target : second);
  const sessionPost = sessionPosts.get(first.toLowerCase());
  if (sessionPost !== undefined) return only({ methods: { POST: sessionPost } });
  if (is(first, 'operations') && second && more.length === 0)
    return { methods: { GET: 'getOperation' }, operationId: second };
  const sessionKey = keyArgument(first, 'sessionInfoResource');
  if (sessionKey !== undefined) return only({ methods: { GET: 'getSessionInfo' }, resourceKey: sessionKey });
  const rowResult = keyArgument(first, 'tableRowOperationResult');
  if (rowResult !== undefined) return only({ methods: { GET: 'getTableRowOperationResult' }, operationId: rowResult });

  const sheet = keyed(segments, 'worksheets');
  if (sheet === 'collection') return only({ methods: { GET: 'listWorksheets', POST: 'createWorksheet' } });
  if (sheet !== undefined) return routeWorksheet(sheet.key, sheet.rest);
  const table = keyed(segments, 'tables');
  if (table === 'collection') return only({ methods: { GET: 'listTables' } });
  if (table !== undefined) return routeTable(table.key, table.rest);
  return first;
}

function routeWorksheet(worksheet: string, rest: string[]): Target | string {
  const [first, second] = rest;
  if (first === undefined) {
    return {
      methods: is(worksheet, 'add') ? { GET: 'getWorksheet', POST: 'addWorksheet' } : { GET: 'getWorksheet' },
      worksheet,
    };
  }
  const address = rangeAddress(first);
  if (address !== undefined)
    return second ?? { methods: { GET: 'getRange', PATCH: 'updateRange' }, worksheet, address };
  const valuesOnly = usedRangeArgument(first);
  if (valuesOnly !== undefined) return second ?? { methods: { GET: 'getUsedRange' }, worksheet, valuesOnly };
  const table = keyed(rest, 'tables');
  if (table === 'collection') return second ?? { methods: { GET: 'listTables' }, worksheet };
  if (table !== undefined) {
    const target = routeTable(table.key, table.rest);
    return typeof target === 'string' ? target : { ...target, worksheet };
  }
  return first;
}

function routeTable(table: string, rest: string[]): Target | string {
  const [first, second, third] = rest;
  if (first === undefined) return { methods: { GET: 'getTable' }, table };
  if (!is(first, 'rows')) return first;
  if (second === undefined) return { methods: { GET: 'listTableRows', POST: 'createTableRows' }, table };
  if (is(second, 'add') && third === undefined) return { methods: { POST: 'addTableRows' }, table };
  return third ?? second;
}

const sessionPosts: ReadonlyMap<string, CallOp> = new Map([
  ['createsession', 'createSession'],
  ['refreshsession', 'refreshSession'],
  ['closesession', 'closeSession'],
]);

// `worksheets` alone, `worksheets('key')` / `worksheets(key)` followed by more, or `worksheets/key` followed by more.
function keyed(segments: string[], collection: string): 'collection' | { key: string; rest: string[] } | undefined {
  const [first = '', second, ...more] = segments;
  if (is(first, collection)) {
    if (second === undefined) return 'collection';
    return { key: second, rest: more };
  }
  const match = new RegExp(`^${collection}\\((.*)\\)$`, 'i').exec(first);
  if (match === null) return undefined;
  const key = odataString(match[1] ?? '');
  return key === undefined ? undefined : { key, rest: second === undefined ? [] : [second, ...more] };
}

// `range(address='A1:B2')`; `range` or `range()` alone is the whole sheet (worksheet-range page).
function rangeAddress(segment: string): string | undefined {
  if (/^range(\(\))?$/i.test(segment)) return 'A:XFD';
  const match = /^range\(address=(.*)\)$/i.exec(segment);
  return match === null ? undefined : odataString(match[1] ?? '');
}

function usedRangeArgument(segment: string): boolean | undefined {
  if (/^usedRange(\(\))?$/i.test(segment)) return false;
  const match = /^usedRange\(valuesOnly=(true|false)\)$/i.exec(segment);
  return match === null ? undefined : match[1]?.toLowerCase() === 'true';
}

// `name(key='…')` or the unquoted `name(key=…)` the request templates show.
function keyArgument(segment: string, name: string): string | undefined {
  const match = new RegExp(`^${name}\\(key=(.*)\\)$`, 'i').exec(segment);
  if (match === null) return undefined;
  const raw = match[1] ?? '';
  return raw.startsWith("'") ? odataString(raw) : raw || undefined;
}

// An OData string literal: quoted with ', a quote inside doubled. A bare key is taken as it is.
function odataString(raw: string): string | undefined {
  if (!raw.startsWith("'")) return raw.length > 0 ? raw : undefined;
  if (raw.length < 2 || !raw.endsWith("'")) return undefined;
  const inner = raw.slice(1, -1);
  if (inner.replace(/''/g, '').includes("'")) return undefined;
  return inner.replace(/''/g, "'");
}

function is(segment: string | undefined, literal: string): boolean {
  return segment?.toLowerCase() === literal.toLowerCase();
}
