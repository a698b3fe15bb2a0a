import type { Config } from '../config';
import { BadRequestError } from '../errors';
import { BODY_LIMITS, type BrokerRequest, readBodyBytes } from '../input/brokerRequest';
import { requireJsonBody } from '../input/jsonBody';
import { withoutFunctionKey } from '../input/workbookPath';
import {
  type Caller,
  parseCaller,
  parseIdempotencyKey,
  parseSessionId,
  refuseSimpleCrossSiteRequest,
} from '../input/requestHeaders';
import { type WorkbookAddress, parseWorkbookAddress } from '../workbookAddress';
import { fingerprintOf } from '../workbook/replayKeys';

/** The broker's operations on a table's rows as named columns (docs/http-contract.md, "Rows as named columns"). */
export type RowOperation = 'schema' | 'listRows' | 'addRows' | 'addRow' | 'getRow' | 'updateRow' | 'deleteRow';

/** How the route table found the call: the operation, the table's raw path segment, the raw query. */
export interface RoutedRowCall {
  readonly operation: RowOperation;
  readonly tableSegment: string;
  readonly query: string;
}

/** A row operation as it runs; everything in it has been checked, and nothing has been called or written. */
export interface RowCall {
  readonly operation: RowOperation;
  readonly workbook: WorkbookAddress;
  readonly table: string;
  readonly sessionId: string | undefined;
  readonly caller: Caller | undefined;
  readonly idempotencyKey: string | undefined;
  /** What makes two requests under one Idempotency-Key the same request. */
  readonly fingerprint: string;
  readonly key?: { readonly column: string; readonly value: string };
  readonly filter?: { readonly column: string; readonly value: string };
  readonly page: { readonly top: number; readonly skip: number };
  /** One row object (add one, update), or several (add rows). */
  readonly body?: Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[];
}

/** "List rows present in a table": Power Automate's Excel connector pages by 256; a page is at most 5000 rows. */
export const ROW_PAGE = Object.freeze({ default: 256, max: 5000 });

const KEYED: ReadonlySet<RowOperation> = new Set(['getRow', 'updateRow', 'deleteRow']);
const WRITES: ReadonlySet<RowOperation> = new Set(['addRows', 'addRow', 'updateRow', 'deleteRow']);

/**
 * Checks a row operation before any call: the workbook (ids, allowed drive), the table's name, the key or filter
 * and page in the query, the session header when there is one, an Idempotency-Key on a write, and the body — JSON
 * within the workbook call's limit, one object or (add rows) a non-empty array of objects.
 */
export async function parseRowCall(request: BrokerRequest, config: Config, routed: RoutedRowCall): Promise<RowCall> {
  const workbook = parseWorkbookAddress(request.params, config);
  const table = tableName(routed.tableSegment);
  const query = new URLSearchParams(routed.query);
  const sessionId = request.headers.get('workbook-session-id') === null ? undefined : parseSessionId(request.headers);
  const write = WRITES.has(routed.operation);
  if (write) refuseSimpleCrossSiteRequest(request.headers);
  const sent =
    routed.operation.startsWith('add') || routed.operation === 'updateRow' ? await bodyOf(request) : undefined;
  return {
    operation: routed.operation,
    workbook,
    table,
    sessionId,
    caller: parseCaller(request.headers),
    idempotencyKey: write ? parseIdempotencyKey(request.headers) : undefined,
    fingerprint: fingerprintOf(
      request.method.toUpperCase(),
      `${routed.operation}/${table}`,
      withoutFunctionKey(routed.query),
      sent?.bytes,
    ),
    ...(KEYED.has(routed.operation) ? { key: pair(query, 'keyColumn', 'keyValue', true) } : {}),
    ...optionalFilter(query),
    page: pageOf(query),
    ...(sent === undefined ? {} : { body: rowsIn(sent.json, routed.operation === 'addRows') }),
  };
}

function tableName(segment: string): string {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw new BadRequestError('The table name is not valid percent-encoded text.');
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is what this pattern is for
  if (name.trim() === '' || name.length > 255 || /[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw new BadRequestError('The table name is empty, too long, or holds a slash or a control character.');
  }
  return name;
}

/**
 * A column and a value from the query. A key value must not be empty: an expression that came out blank would
 * otherwise find the first row with an empty key cell, and change or delete it. A filter may look for blank cells.
 */
function pair(query: URLSearchParams, columnName: string, valueName: string, required: boolean) {
  const column = query.get(columnName);
  const value = query.get(valueName);
  if (column === null && value === null && !required) return undefined;
  if (column === null || column.trim() === '' || value === null || (required && value === '')) {
    throw new BadRequestError(
      `Give both ${columnName} and ${valueName}: the column to look in, and the value to find.`,
    );
  }
  return { column, value };
}

function optionalFilter(query: URLSearchParams) {
  const filter = pair(query, 'filterColumn', 'filterValue', false);
  return filter === undefined ? {} : { filter };
}

function pageOf(query: URLSearchParams): RowCall['page'] {
  return {
    top: integer(query.get('$top'), '$top', ROW_PAGE.default, 1, ROW_PAGE.max),
    skip: integer(query.get('$skip'), '$skip', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

function integer(raw: string | null, name: string, fallback: number, min: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new BadRequestError(`${name} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** The body's bytes (what a repeat under the same key must match) and its JSON, parsed once. */
async function bodyOf(request: BrokerRequest): Promise<{ bytes: Uint8Array; json: unknown }> {
  const bytes = await readBodyBytes(request, BODY_LIMITS.workbookCall);
  if (bytes.byteLength === 0) throw new BadRequestError('The request needs a body: the row, as an object of columns.');
  return { bytes, json: requireJsonBody(request.headers, bytes) };
}

function rowsIn(parsed: unknown, many: boolean): NonNullable<RowCall['body']> {
  if (!many) {
    if (isRowObject(parsed)) return parsed;
    throw new BadRequestError('The body must be one row: an object whose keys are column names.');
  }
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isRowObject)) return parsed;
  throw new BadRequestError('The body must be a non-empty array of rows, each an object whose keys are column names.');
}

function isRowObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
