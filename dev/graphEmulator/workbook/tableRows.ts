import type { CellBounds } from './a1Address';
import { emptyCell, isCellInput, readCell, writeCell, type GraphCellValue } from './cellValues';
import { invalidArgument, itemNotFound } from './excelErrors';
import { deleteRows, insertRows, resizeTable } from './moveTableCells';
import { dataBounds, type TableRef } from './tables';
import { isRecord } from '../toFaultRule';

// A table's rows (https://learn.microsoft.com/graph/api/resources/tablerow): listed, added (tablerowcollection-add,
// table-post-rows), and one row got, updated or deleted by its zero-based index (tablerow-get, tablerow-update,
// tablerow-delete, tablerowcollection-itemat). A row's `values` is a 2-D array holding one inner array. Writes check
// the whole body before a cell changes and answer once the workbook has been recalculated.

export interface RowJson {
  index: number;
  values: GraphCellValue[][];
}

export function listRows(table: TableRef): { value: RowJson[] } {
  const data = dataBounds(table);
  const count = data.lastRow - data.firstRow + 1;
  return { value: Array.from({ length: count }, (_, index) => rowJson(table, data, index)) };
}

export function getRow(table: TableRef, index: number): RowJson {
  return rowJson(table, dataBounds(table), checkedIndex(table, index));
}

/**
 * `POST …/rows/add` and `POST …/rows`: `values` is a 2-D array with one inner array per new row, each as wide as the
 * table; `index` (zero-based, optional) is where they go, the end when absent or null. New cells take the number
 * format of the neighbouring data row, so a currency column stays one.
 */
export function addRows(table: TableRef, body: unknown): () => RowJson {
  const data = dataBounds(table);
  const width = data.lastColumn - data.firstColumn + 1;
  const existing = data.lastRow - data.firstRow + 1;
  const { values, index } = readRowsBody(body, width, existing);
  const at = data.firstRow + index;
  insertRows(table.sheet, at, [data.firstColumn, data.lastColumn], values.length);
  const formatRow = index > 0 ? at - 1 : at + values.length;
  values.forEach((row, r) => {
    row.forEach((input, c) => {
      const cell = table.sheet.getCell(at + r + 1, data.firstColumn + c + 1);
      const neighbour = table.sheet.findCell(formatRow + 1, data.firstColumn + c + 1);
      if (neighbour?.numFmt) cell.numFmt = neighbour.numFmt;
      writeCell(cell, input);
    });
  });
  resizeTable(table.model, values.length);
  const added = { ...data, lastRow: data.lastRow + values.length };
  return () => ({ index, values: values.map((_, r) => rowJson(table, added, index + r).values[0] ?? []) });
}

/** tablerow-update: `values` holds one row as wide as the table; `null` leaves a cell, `""` clears it. */
export function updateRow(table: TableRef, index: number, body: unknown): () => RowJson {
  const data = dataBounds(table);
  const row = checkedIndex(table, index);
  if (!isRecord(body)) throw invalidArgument('The request body must be a JSON object.');
  const width = data.lastColumn - data.firstColumn + 1;
  const values = body.values;
  const cells = Array.isArray(values) && values.length === 1 && Array.isArray(values[0]) ? values[0] : undefined;
  if (values !== undefined && (cells === undefined || cells.length !== width || !cells.every(isCellInput))) {
    throw invalidArgument(`'values' must hold one row of ${width} values, one for each column of the table.`);
  }
  cells?.forEach((input, c) =>
    writeCell(table.sheet.getCell(data.firstRow + row + 1, data.firstColumn + c + 1), input),
  );
  return () => rowJson(table, data, row);
}

/** tablerow-delete: the row's cells go and the rows below move up, in the table's columns only. */
export function deleteRow(table: TableRef, index: number): () => undefined {
  const data = dataBounds(table);
  const row = checkedIndex(table, index);
  deleteRows(table.sheet, data.firstRow + row, [data.firstColumn, data.lastColumn], 1);
  resizeTable(table.model, -1);
  return () => undefined;
}

/** `POST rows/itemAt` sends the index in its body (tablerowcollection-itemat). */
export function indexFromBody(body: unknown): number {
  const index = isRecord(body) ? body.index : undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
    throw invalidArgument("'index' must be a zero-based integer.");
  }
  return index;
}

function checkedIndex(table: TableRef, index: number): number {
  const data = dataBounds(table);
  if (index > data.lastRow - data.firstRow) throw itemNotFound(`The table has no row at index ${index}.`);
  return index;
}

function readRowsBody(body: unknown, width: number, existing: number): { values: unknown[][]; index: number } {
  if (!isRecord(body)) throw invalidArgument('The request body must be a JSON object.');
  const { values, index } = body;
  if (!Array.isArray(values) || values.length === 0)
    throw invalidArgument("'values' must be a non-empty two-dimensional array.");
  for (const row of values) {
    if (!Array.isArray(row) || row.length !== width) {
      throw invalidArgument(`Each row in 'values' must have ${width} values, one for each column of the table.`);
    }
    if (!row.every(isCellInput))
      throw invalidArgument("Each cell of 'values' must be a string, a number, a boolean or null.");
  }
  if (index === undefined || index === null) return { values: values as unknown[][], index: existing };
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > existing) {
    throw invalidArgument(`'index' must be an integer from 0 to ${existing}, or null to add at the end.`);
  }
  return { values: values as unknown[][], index };
}

function rowJson(table: TableRef, data: CellBounds, index: number): RowJson {
  const values: GraphCellValue[] = [];
  for (let column = data.firstColumn; column <= data.lastColumn; column += 1) {
    const cell = table.sheet.findCell(data.firstRow + index + 1, column + 1);
    values.push((cell === undefined ? emptyCell() : readCell(cell)).value);
  }
  return { index, values: [values] };
}
