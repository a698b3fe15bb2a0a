import type { Workbook, Worksheet } from 'exceljs';
import { formatReference, parseAddress, type CellBounds } from './a1Address';
import { emptyCell, isCellInput, readCell, writeCell, type GraphCellValue } from './cellValues';
import { tablesOf, type TableModel } from './excel';
import { invalidArgument, itemNotFound } from './excelErrors';
import { worksheetsOf } from './worksheets';
import { isRecord } from '../toFaultRule';

// Tables and their rows (https://learn.microsoft.com/graph/api/resources/table,
// https://learn.microsoft.com/graph/api/resources/tablerow). Ids are short numeric strings, as in the examples of
// "Working with Excel in Microsoft Graph": here the table's place in the workbook, sheet by sheet. Adding rows
// inserts cells in the table's columns only and shifts what is below them down, as Excel does; new cells take
// the number format of the neighbouring data row, so a currency column stays one.

export interface TableRef {
  readonly sheet: Worksheet;
  readonly model: TableModel;
  readonly id: string;
}

export interface RowJson {
  index: number;
  values: GraphCellValue[][];
}

export function tablesIn(workbook: Workbook, sheet?: Worksheet): TableRef[] {
  const all = worksheetsOf(workbook).flatMap((candidate) =>
    tablesOf(candidate).map((model) => ({ sheet: candidate, model })),
  );
  return all
    .map((table, n) => ({ ...table, id: String(n + 1) }))
    .filter((table) => sheet === undefined || table.sheet === sheet);
}

/** A table by id or name (case-insensitive, as Excel's table names are), optionally only on one sheet. */
export function findTable(workbook: Workbook, key: string, sheet?: Worksheet): TableRef {
  const wanted = key.toLowerCase();
  const table = tablesIn(workbook, sheet).find(
    (candidate) => candidate.id === key || candidate.model.name.toLowerCase() === wanted,
  );
  if (table === undefined) throw itemNotFound(`The requested table '${key}' doesn't exist.`);
  return table;
}

export function tableJson(table: TableRef): Record<string, unknown> {
  const { model, id } = table;
  const style = model.style ?? {};
  return {
    id,
    name: model.name,
    showHeaders: model.headerRow !== false,
    showTotals: model.totalsRow === true,
    style: style.theme ?? '',
    highlightFirstColumn: style.showFirstColumn === true,
    highlightLastColumn: style.showLastColumn === true,
    showBandedColumns: style.showColumnStripes === true,
    showBandedRows: style.showRowStripes === true,
    showFilterButton: model.headerRow !== false,
    legacyId: id,
  };
}

/** `GET …/rows`, honouring `$top` and `$skip` as the list page recommends for large tables. */
export function listRows(table: TableRef, query: URLSearchParams): { value: RowJson[] } {
  const data = dataBounds(table);
  const total = data.lastRow - data.firstRow + 1;
  const skip = pageNumber(query.get('$skip'), 0);
  const top = pageNumber(query.get('$top'), total);
  const value: RowJson[] = [];
  for (let index = skip; index < Math.min(total, skip + top); index += 1) value.push(rowJson(table, data, index));
  return { value };
}

/**
 * `POST …/rows/add` and `POST …/rows`: `values` is a 2-D array with one inner array per new row, each as wide as the
 * table; `index` (zero-based, optional) is where they go, the end when absent or null. The whole body is checked
 * before a cell changes.
 */
export function addRows(table: TableRef, body: unknown): () => RowJson {
  const data = dataBounds(table);
  const width = data.lastColumn - data.firstColumn + 1;
  const existing = data.lastRow - data.firstRow + 1;
  const { values, index } = readRowsBody(body, width, existing);
  const at = data.firstRow + index;
  shiftDown(table.sheet, at, data.firstColumn, data.lastColumn, values.length);
  const formatRow = index > 0 ? at - 1 : at + values.length;
  values.forEach((row, r) => {
    row.forEach((input, c) => {
      const cell = table.sheet.getCell(at + r + 1, data.firstColumn + c + 1);
      const neighbour = table.sheet.findCell(formatRow + 1, data.firstColumn + c + 1);
      if (neighbour?.numFmt) cell.numFmt = neighbour.numFmt;
      writeCell(cell, input);
    });
  });
  grow(table.model, values.length);
  const added = { ...data, lastRow: data.lastRow + values.length };
  return () => ({ index, values: values.map((_, r) => rowJson(table, added, index + r).values[0] ?? []) });
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

// The rows between the header and the totals row; a table whose ref holds only its header has none.
function dataBounds(table: TableRef): CellBounds {
  const { bounds } = parseAddress(table.model.tableRef);
  const firstRow = bounds.firstRow + (table.model.headerRow === false ? 0 : 1);
  const lastRow = bounds.lastRow - (table.model.totalsRow === true ? 1 : 0);
  return { ...bounds, firstRow, lastRow };
}

function rowJson(table: TableRef, data: CellBounds, index: number): RowJson {
  const values: GraphCellValue[] = [];
  for (let column = data.firstColumn; column <= data.lastColumn; column += 1) {
    const cell = table.sheet.findCell(data.firstRow + index + 1, column + 1);
    values.push((cell === undefined ? emptyCell() : readCell(cell)).value);
  }
  return { index, values: [values] };
}

// Moves every cell at or below `fromRow` in the given columns down by `count` (zero-based rows and columns).
function shiftDown(sheet: Worksheet, fromRow: number, firstColumn: number, lastColumn: number, count: number): void {
  for (let row = sheet.rowCount; row >= fromRow + 1; row -= 1) {
    for (let column = firstColumn + 1; column <= lastColumn + 1; column += 1) {
      const source = sheet.findCell(row, column);
      if (source === undefined) continue;
      const target = sheet.getCell(row + count, column);
      target.value = source.value;
      target.style = { ...source.style };
      source.value = null;
      source.style = {};
    }
  }
}

function grow(model: TableModel, count: number): void {
  const extend = (ref: string): string => {
    const { bounds } = parseAddress(ref);
    return formatReference({ ...bounds, lastRow: bounds.lastRow + count });
  };
  model.tableRef = extend(model.tableRef);
  if (model.autoFilterRef) model.autoFilterRef = extend(model.autoFilterRef);
}

function pageNumber(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw invalidArgument('$top and $skip must be non-negative integers.');
  return n;
}
