import { BadRequestError, ItemNotFoundError } from '../errors';
import type { RowCall, RowOperation } from './parseRowCall';
import { columnIndexOf, holdsKey, rowSchema, toRowObject, toRowValues } from './rowObjects';
import {
  addRows,
  deleteRowAt,
  readColumnCells,
  readHeader,
  readRowAt,
  readRows,
  type TableHeader,
  type TableTurn,
  updateRowAt,
} from './tableCalls';

/** What an operation answers when Graph did: a status and, but for 204, a JSON body. */
export interface RowResult {
  readonly status: number;
  readonly json?: unknown;
}

type Operation = (turn: TableTurn, call: RowCall) => Promise<RowResult>;

/**
 * Each row operation as the Graph calls it makes in one turn of the workbook. Every one reads the table's columns first,
 * so a name that is not one of them is refused before anything is written.
 */
export const ROW_OPERATIONS: Readonly<Record<RowOperation, Operation>> = {
  schema: tableSchema,
  listRows,
  addRow: async (turn, call) => {
    const header = (await readHeader(turn)).names;
    const [added] = await addRows(turn, [toRowValues(header, oneRow(call), 'field')]);
    return { status: 201, json: toRowObject(header, added ?? []) };
  },
  addRows: async (turn, call) => {
    const header = (await readHeader(turn)).names;
    const rows = manyRows(call).map((row) => toRowValues(header, row, 'field'));
    return { status: 201, json: { value: (await addRows(turn, rows)).map((row) => toRowObject(header, row)) } };
  },
  getRow: async (turn, call) => {
    const header = await readHeader(turn);
    const index = await findRow(turn, header, call);
    return { status: 200, json: toRowObject(header.names, await readRowAt(turn, index)) };
  },
  updateRow: async (turn, call) => {
    const header = await readHeader(turn);
    const values = toRowValues(header.names, oneRow(call), 'field');
    if (values.every((value) => value === null)) throw new BadRequestError('The body names no column to change.');
    const index = await findRow(turn, header, call);
    const updated = await updateRowAt(turn, index, values, call.idempotencyKey !== undefined);
    return { status: 200, json: toRowObject(header.names, updated) };
  },
  deleteRow: async (turn, call) => {
    const index = await findRow(turn, await readHeader(turn), call);
    await deleteRowAt(turn, index);
    return { status: 204 };
  },
};

/** How many of the first rows type the schema's fields: enough to see a mixed column, little to read. */
const SCHEMA_SAMPLE_ROWS = 50;

/** The schema Power Automate builds a row's fields from (`x-ms-dynamic-schema`, value-path `schema`). */
async function tableSchema(turn: TableTurn): Promise<RowResult> {
  const header = (await readHeader(turn)).names;
  const sample = await readRows(turn, SCHEMA_SAMPLE_ROWS, 0);
  return { status: 200, json: { name: turn.table, schema: rowSchema(header, sample) } };
}

/** How many rows a filtered listing reads from Graph at a time, so a large table is never held whole. */
const SCAN_PAGE = 500;

async function listRows(turn: TableTurn, call: RowCall): Promise<RowResult> {
  const header = (await readHeader(turn)).names;
  const { top, skip } = call.page;
  if (call.filter === undefined) {
    const rows = await readRows(turn, top, skip);
    return { status: 200, json: { value: rows.map((row) => toRowObject(header, row)) } };
  }
  const column = columnIndexOf(header, call.filter.column, 'filter column');
  const matches: unknown[][] = [];
  let skipped = 0;
  for (let from = 0; matches.length < top; from += SCAN_PAGE) {
    const rows = await readRows(turn, SCAN_PAGE, from);
    for (const row of rows) {
      if (!holdsKey(row[column], call.filter.value)) continue;
      if (skipped < skip) skipped += 1;
      else if (matches.length < top) matches.push(row);
    }
    if (rows.length < SCAN_PAGE) break;
  }
  return { status: 200, json: { value: matches.map((row) => toRowObject(header, row)) } };
}

/** The index of the first data row whose key column holds the key value; `404` when none does. */
async function findRow(turn: TableTurn, header: TableHeader, call: RowCall): Promise<number> {
  const key = call.key as NonNullable<RowCall['key']>;
  const at = columnIndexOf(header.names, key.column, 'key column');
  const column = header.names[at] as string;
  const index = (await readColumnCells(turn, header.ids[at] as string)).findIndex((cell) => holdsKey(cell, key.value));
  if (index < 0) {
    throw new ItemNotFoundError(`No row of the table "${turn.table}" has "${key.value}" in the column "${column}".`);
  }
  return index;
}

function oneRow(call: RowCall): Readonly<Record<string, unknown>> {
  return call.body as Readonly<Record<string, unknown>>;
}

function manyRows(call: RowCall): readonly Readonly<Record<string, unknown>>[] {
  return call.body as readonly Readonly<Record<string, unknown>>[];
}
