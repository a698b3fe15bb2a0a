import { cellText, columnIndexOf, holdsKey, toRowObject, toRowValues, type RowObject } from '../shared/rows/rowObjects';
import type { Workbook } from './sessionCalls';

/*
 * The three row operations the bench compares, made through the broker's own operations (`api/broker/…`, one call
 * each) and straight to Graph (the emulator) as the broker makes them: the same Graph calls in the same order, in a
 * session, with the bench's token. Both sides end with the same thing in hand — row objects keyed by column name —
 * and the direct side maps them with the broker's own functions (shared/rows/rowObjects.ts), so neither side does
 * less work than the other. Every timing is the whole exchange, body read and parsed.
 */

export type RowOp = 'updateByKey' | 'list' | 'addRow';

export const ROW_OPS: readonly RowOp[] = ['updateByKey', 'list', 'addRow'];

export interface Timed {
  readonly status: number;
  readonly ms: number;
}

export interface RowCaller {
  readonly name: 'broker' | 'direct';
  /** The first row whose `key.column` holds `key.value` gets `changes`; answers the row as changed. */
  updateByKey(sessionId: string, key: { column: string; value: string }, changes: RowObject): Promise<Timed>;
  /** The first `top` rows as objects. */
  list(sessionId: string, top: number): Promise<Timed>;
  addRow(sessionId: string, row: RowObject): Promise<Timed>;
}

interface Answer {
  readonly status: number;
  readonly json: unknown;
}

type Send = (method: string, path: string, sessionId: string, body?: unknown) => Promise<Answer>;

function sender(base: string, headers: Readonly<Record<string, string>>): Send {
  return async (method, path, sessionId, body) => {
    const response = await fetch(`${base}/${path}`, {
      method,
      headers: {
        ...headers,
        'workbook-session-id': sessionId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
}

async function timed(work: () => Promise<number>): Promise<Timed> {
  const started = performance.now();
  const status = await work();
  return { status, ms: performance.now() - started };
}

const itemPath = (workbook: Workbook) =>
  `drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}`;

/** `…/api/broker/drives/{d}/items/{i}/tables/{table}/…`: one call per operation. */
export function brokerRowCaller(brokerUrl: string, workbook: Workbook, table: string): RowCaller {
  const send = sender(`${brokerUrl}/api/broker/${itemPath(workbook)}/tables/${encodeURIComponent(table)}`, {});
  return {
    name: 'broker',
    updateByKey: (sessionId, key, changes) =>
      timed(async () => {
        const query = new URLSearchParams({ keyColumn: key.column, keyValue: key.value });
        return (await send('PATCH', `row?${query.toString()}`, sessionId, changes)).status;
      }),
    list: (sessionId, top) => timed(async () => (await send('GET', `rows?$top=${top}`, sessionId)).status),
    addRow: (sessionId, row) => timed(async () => (await send('POST', 'row', sessionId, row)).status),
  };
}

/** Graph itself, with the headers the broker's Graph client sends, making the calls the broker makes. */
export function directRowCaller(graphBaseUrl: string, token: string, workbook: Workbook, table: string): RowCaller {
  const send = sender(`${graphBaseUrl}/${itemPath(workbook)}/workbook/tables/${encodeURIComponent(table)}`, {
    authorization: `Bearer ${token}`,
    accept: 'application/json',
  });
  const header = async (sessionId: string) => {
    const answer = await send('GET', 'columns?$select=id,index,name', sessionId);
    const listed = (answer.json as { value?: unknown } | undefined)?.value;
    const columns = (Array.isArray(listed) ? listed : []) as Array<{ id?: unknown; index?: unknown; name?: unknown }>;
    const ordered = [...columns].sort((a, b) => Number(a.index) - Number(b.index));
    return {
      status: answer.status,
      header: ordered.map((column) => cellText(column.name)),
      ids: ordered.map((column) => cellText(column.id)),
    };
  };
  return {
    name: 'direct',
    updateByKey: (sessionId, key, changes) =>
      timed(async () => {
        const first = await header(sessionId);
        if (first.status !== 200) return first.status;
        const column = first.ids[columnIndexOf(first.header, key.column, 'key column')] ?? '';
        const cells = await send(
          'GET',
          `columns/${encodeURIComponent(column)}/dataBodyRange?$select=values`,
          sessionId,
        );
        if (cells.status !== 200) return cells.status;
        const index = valuesOf(cells.json).findIndex((row) => holdsKey(row[0], key.value));
        if (index < 0) return 404;
        const values = toRowValues(first.header, changes, 'field');
        const row = await send('PATCH', `rows/itemAt(index=${index})`, sessionId, { values: [values] });
        toRowObject(first.header, valuesOf(row.json)[0] ?? []);
        return row.status;
      }),
    list: (sessionId, top) =>
      timed(async () => {
        const first = await header(sessionId);
        if (first.status !== 200) return first.status;
        const page = await send('GET', `rows?$top=${top}&$skip=0`, sessionId);
        const rows = (page.json as { value?: unknown } | undefined)?.value;
        if (Array.isArray(rows)) rows.map((row) => toRowObject(first.header, valuesOf(row)[0] ?? []));
        return page.status;
      }),
    addRow: (sessionId, row) =>
      timed(async () => {
        const first = await header(sessionId);
        if (first.status !== 200) return first.status;
        const added = await send('POST', 'rows/add', sessionId, { values: [toRowValues(first.header, row, 'field')] });
        toRowObject(first.header, valuesOf(added.json)[0] ?? []);
        return added.status;
      }),
  };
}

/** A range's or a row's `values`: rows of cells. */
function valuesOf(resource: unknown): unknown[][] {
  const values = (resource as { values?: unknown } | undefined)?.values;
  return Array.isArray(values) ? values.filter((row): row is unknown[] => Array.isArray(row)) : [];
}
