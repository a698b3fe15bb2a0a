import { functionArgument, is, itemAtIndex, keyed } from './odataSegments';
import type { CallOp } from './types';

// The routes under `…/workbook/`: each names its operation per method, and the parameters the path carries.
// Returns the route, or the segment that matched nothing (answered 400 naming it, as Graph does).

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type TablePart = 'range' | 'headerRowRange' | 'dataBodyRange' | 'totalRowRange';

export interface RouteParams {
  operationId?: string;
  resourceKey?: string;
  worksheet?: string;
  table?: string;
  address?: string;
  valuesOnly?: boolean;
  /** A table column by id or name. */
  column?: string;
  /** A table row's zero-based index; absent for `POST rows/itemAt`, which sends it in the body. */
  rowIndex?: number;
  tablePart?: TablePart;
  /** A named item. */
  name?: string;
}

export type Target = RouteParams & { methods: Partial<Record<Method, CallOp>> };

export function routeWorkbook(segments: string[]): Target | string {
  const [first = '', second, ...more] = segments;
  const only = (target: Target): Target | string => (second === undefined ? target : second);
  const sessionPost = sessionPosts.get(first.toLowerCase());
  if (sessionPost !== undefined) return only({ methods: { POST: sessionPost } });
  if (is(first, 'operations') && second && more.length === 0)
    return { methods: { GET: 'getOperation' }, operationId: second };
  const sessionKey = functionArgument(first, 'sessionInfoResource', 'key');
  if (sessionKey !== undefined) return only({ methods: { GET: 'getSessionInfo' }, resourceKey: sessionKey });
  const rowResult = functionArgument(first, 'tableRowOperationResult', 'key');
  if (rowResult !== undefined) return only({ methods: { GET: 'getTableRowOperationResult' }, operationId: rowResult });

  const sheet = keyed(segments, 'worksheets');
  if (sheet === 'collection') return only({ methods: { GET: 'listWorksheets', POST: 'createWorksheet' } });
  if (sheet !== undefined) return routeWorksheet(sheet.key, sheet.rest);
  const table = keyed(segments, 'tables');
  if (table === 'collection') return only({ methods: { GET: 'listTables' } });
  if (table !== undefined) return routeTable(table.key, table.rest);
  if (is(first, 'application')) {
    if (second === undefined) return { methods: { GET: 'getApplication' } };
    return is(second, 'calculate') && more.length === 0 ? { methods: { POST: 'calculateApplication' } } : second;
  }
  const name = keyed(segments, 'names');
  if (name === 'collection') return only({ methods: { GET: 'listNames' } });
  if (name !== undefined) return name.rest[0] ?? { methods: { GET: 'getName' }, name: name.key };
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

const tableParts: readonly TablePart[] = ['range', 'headerRowRange', 'dataBodyRange', 'totalRowRange'];
const tableRangeMethods = { GET: 'getTableRange', PATCH: 'updateTableRange' } as const;

function tablePart(segment: string): TablePart | undefined {
  return tableParts.find((candidate) => is(segment, candidate) || is(segment, `${candidate}()`));
}

function routeTable(table: string, rest: string[]): Target | string {
  const [first, second] = rest;
  if (first === undefined) return { methods: { GET: 'getTable' }, table };
  const part = tablePart(first);
  if (part !== undefined) return second ?? { methods: tableRangeMethods, table, tablePart: part };
  const column = keyed(rest, 'columns');
  if (column === 'collection') return { methods: { GET: 'listTableColumns' }, table };
  if (column !== undefined) {
    const [sub, extra] = column.rest;
    if (sub === undefined) return { methods: { GET: 'getTableColumn' }, table, column: column.key };
    const columnPart = tablePart(sub);
    if (columnPart === undefined || extra !== undefined) return extra ?? sub;
    // range-update lists `PATCH tables/{id}/columns/{id}/range`: a column is written like any range.
    return { methods: tableRangeMethods, table, column: column.key, tablePart: columnPart };
  }
  if (!is(first, 'rows')) return first;
  const rows = routeRows(rest.slice(1));
  return typeof rows === 'string' ? rows : { ...rows, table };
}

// tablerow-get/-update/-delete address a row as `rows/{index}` (delete also as `POST rows/{index}/delete`);
// "Working with Excel" deletes with `rows/$/itemAt(index=n)`; tablerowcollection-itemat POSTs `{"index"}` to
// `rows/itemAt`; SDKs write `rows/itemAt(index=n)`.
function routeRows(rest: string[]): Target | string {
  const [first, second, third] = rest;
  if (first === undefined) return { methods: { GET: 'listTableRows', POST: 'createTableRows' } };
  if (is(first, 'add')) return second ?? { methods: { POST: 'addTableRows' } };
  if (is(first, 'itemAt')) return second ?? { methods: { POST: 'getTableRow' } };
  const [segment, after] = first === '$' ? [second ?? '', third] : [first, second];
  const index = itemAtIndex(segment) ?? (/^[0-9]+$/.test(segment) ? Number(segment) : undefined);
  if (index === undefined) return segment;
  const row = { methods: { GET: 'getTableRow', PATCH: 'updateTableRow', DELETE: 'deleteTableRow' } } as const;
  if (after === undefined) return { ...row, rowIndex: index };
  if (is(after, 'delete') && rest.length === (first === '$' ? 3 : 2))
    return { methods: { POST: 'deleteTableRow' }, rowIndex: index };
  return after;
}

const sessionPosts: ReadonlyMap<string, CallOp> = new Map([
  ['createsession', 'createSession'],
  ['refreshsession', 'refreshSession'],
  ['closesession', 'closeSession'],
]);

// `range(address='A1:B2')`; `range` or `range()` alone is the whole sheet (worksheet-range page).
function rangeAddress(segment: string): string | undefined {
  if (/^range(\(\))?$/i.test(segment)) return 'A:XFD';
  return functionArgument(segment, 'range', 'address');
}

function usedRangeArgument(segment: string): boolean | undefined {
  if (/^usedRange(\(\))?$/i.test(segment)) return false;
  const match = /^usedRange\(valuesOnly=(true|false)\)$/i.exec(segment);
  return match === null ? undefined : match[1]?.toLowerCase() === 'true';
}
