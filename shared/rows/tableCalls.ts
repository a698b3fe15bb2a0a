import type { CallOptions, GraphMethod, GraphReply } from '../graph/graphClient';
import type { RetryKind } from '../graph/retryPolicy';
import type { Invocation } from '../deps';
import type { WorkbookAddress } from '../workbookAddress';
import { operationTemplate } from '../workbook/operationTemplate';
import { type CellValue, cellText, type Header } from './rowObjects';

/**
 * One table's Graph calls inside one turn of its workbook (inOneTurn, shared/deps.ts), in the caller's session when
 * it names one. Each reads or writes what Graph documents for tables: the columns' ids and names
 * (https://learn.microsoft.com/graph/api/table-list-columns), a column's data
 * (https://learn.microsoft.com/graph/api/tablecolumn-get), rows by page and by index
 * (https://learn.microsoft.com/graph/api/table-list-rows, tablerow-get, tablerow-update, tablerow-delete) and
 * `rows/add` (https://learn.microsoft.com/graph/api/table-post-rows).
 */
export interface TableTurn {
  readonly invocation: Invocation;
  readonly workbook: WorkbookAddress;
  readonly table: string;
  readonly sessionId: string | undefined;
  readonly callOptions: () => CallOptions;
  /** What the turn's calls have done so far, for whoever made the turn to read once it is over. */
  readonly progress: {
    /** Set once a call that writes has gone out: from then on, an answer lost may hide a change. */
    sentWrite: boolean;
    /** Graph's latest answer in this turn: what the session's record learns from (sessionUse.ts). */
    lastReply?: GraphReply;
  };
}

/** Graph answered an error: the operation stops, and the caller gets Graph's answer as it came. */
export class GraphRefusal extends Error {
  constructor(readonly reply: GraphReply) {
    super(`Graph answered ${reply.status}.`);
  }
}

/** The table's columns in order: their names (the header row) and Graph's ids for them. */
export interface TableHeader {
  readonly names: Header;
  readonly ids: readonly string[];
}

export async function readHeader(turn: TableTurn): Promise<TableHeader> {
  const listed = await tableCall(turn, 'GET', 'columns?$select=id,index,name', 'idempotent');
  const columns = (listed as { value?: unknown }).value;
  const ordered = (Array.isArray(columns) ? columns : [])
    .map((column) => column as { id?: unknown; index?: unknown; name?: unknown })
    .sort((a, b) => Number(a.index) - Number(b.index));
  return { names: ordered.map((column) => cellText(column.name)), ids: ordered.map((column) => cellText(column.id)) };
}

/**
 * The cells of the column with Graph's id `columnId` in the table's data rows, in row order: a row's index is its
 * place here. By id, never by name: a header such as `..`, `Y/N` or `2024` would name another path, or another column.
 */
export async function readColumnCells(turn: TableTurn, columnId: string): Promise<unknown[]> {
  const path = `columns/${encodeURIComponent(columnId)}/dataBodyRange?$select=values`;
  return rowsOf(await tableCall(turn, 'GET', path, 'idempotent')).map((row) => row[0]);
}

/** Up to `top` data rows from the `skip`th, as Graph's values. */
export async function readRows(turn: TableTurn, top: number, skip: number): Promise<unknown[][]> {
  const page = await tableCall(turn, 'GET', `rows?$top=${top}&$skip=${skip}`, 'idempotent');
  const rows = (page as { value?: unknown }).value;
  return Array.isArray(rows) ? rows.map((row) => rowsOf(row)[0] ?? []) : [];
}

export async function readRowAt(turn: TableTurn, index: number): Promise<unknown[]> {
  return rowsOf(await tableCall(turn, 'GET', `rows/itemAt(index=${index})`, 'idempotent'))[0] ?? [];
}

/** Writing the same values at the same index twice changes nothing more: safe to repeat, unless `once`. */
export async function updateRowAt(
  turn: TableTurn,
  index: number,
  values: readonly CellValue[],
  once: boolean,
): Promise<unknown[]> {
  const body = { values: [values] };
  const row = await tableCall(turn, 'PATCH', `rows/itemAt(index=${index})`, once ? 'write' : 'idempotent', body);
  return rowsOf(row)[0] ?? [];
}

/** Never repeated after an answer that may hide an action: a second delete at the index would take the next row. */
export async function deleteRowAt(turn: TableTurn, index: number): Promise<void> {
  await tableCall(turn, 'DELETE', `rows/itemAt(index=${index})`, 'write');
}

/** Appends rows at the table's end; answers the values Excel holds in them (calculated columns computed). */
export async function addRows(turn: TableTurn, rows: readonly (readonly CellValue[])[]): Promise<unknown[][]> {
  return rowsOf(await tableCall(turn, 'POST', 'rows/add', 'write', { values: rows }));
}

async function tableCall(
  turn: TableTurn,
  method: GraphMethod,
  path: string,
  retryKind: RetryKind,
  body?: unknown,
): Promise<unknown> {
  const { graph } = turn.invocation.deps;
  const tablePath = `tables/${encodeURIComponent(turn.table)}/${path}`;
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (turn.sessionId !== undefined) headers['workbook-session-id'] = turn.sessionId;
  if (method !== 'GET') turn.progress.sentWrite = true;
  const reply = await graph.call(
    {
      action: operationTemplate(tablePath.split('?')[0] ?? tablePath),
      method,
      url: graph.workbookUrl(turn.workbook, tablePath),
      retryKind,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    turn.callOptions(),
  );
  turn.progress.lastReply = reply;
  if (reply.status >= 300) throw new GraphRefusal(reply);
  const text = new TextDecoder().decode(reply.body);
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** A range's or a row's `values`: rows of cells; anything else reads as none. */
function rowsOf(resource: unknown): unknown[][] {
  const values = (resource as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? values.filter((row): row is unknown[] => Array.isArray(row)) : [];
}
