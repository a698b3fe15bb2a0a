import type { Worksheet } from 'exceljs';
import {
  columnCount,
  formatAddress,
  MAX_COLUMNS,
  MAX_ROWS,
  parseAddress,
  rowCount,
  type CellBounds,
} from './a1Address';
import { emptyCell, isCellInput, readCell, writeCell, writeNumberFormat, type CellView } from './cellValues';
import { toR1C1 } from './r1c1';
import { slideFormula } from './slideFormula';
import { invalidArgument } from './excelErrors';
import { renameColumnsFromHeaders } from './tables';

// The range resource (https://learn.microsoft.com/graph/api/resources/range) and its two calls on a worksheet:
// `range(address='…')` (GET and PATCH, https://learn.microsoft.com/graph/api/range-update) and `usedRange`
// (https://learn.microsoft.com/graph/api/worksheet-usedrange). The rules for writing come from "Working with Excel
// in Microsoft Graph" (https://learn.microsoft.com/graph/api/resources/excel): `null` in an array leaves a cell
// alone, `""` clears it, a single value fills the whole range, and whole rows or columns cannot be written.

/** Above this many cells Graph leaves the cell arrays null rather than answer them (the same page). */
const MAX_CELL_ARRAY = 5_000_000;

type Grid<T> = T[][];

export interface RangeJson {
  '@odata.type': '#microsoft.graph.workbookRange';
  address: string;
  addressLocal: string;
  cellCount: number;
  columnCount: number;
  columnHidden: boolean;
  columnIndex: number;
  formulas: Grid<CellView['formula']> | null;
  formulasLocal: Grid<CellView['formula']> | null;
  formulasR1C1: Grid<CellView['formula']> | null;
  hidden: boolean;
  numberFormat: Grid<string> | null;
  rowCount: number;
  rowHidden: boolean;
  rowIndex: number;
  text: Grid<string> | null;
  valueTypes: Grid<CellView['valueType']> | null;
  values: Grid<CellView['value']> | null;
}

export function getRange(sheet: Worksheet, address: string): RangeJson {
  return rangeJson(sheet, boundsOn(sheet, address).bounds);
}

/**
 * PATCH: validates the whole body before the first cell changes, so a refused update leaves the sheet untouched;
 * answers with the range as it reads once the workbook has been recalculated.
 */
export function updateRange(sheet: Worksheet, address: string, body: unknown): () => RangeJson {
  const { bounds, unbounded } = boundsOn(sheet, address);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidArgument('The request body must be a JSON object.');
  const fields = body as Record<string, unknown>;
  const writes = (['values', 'formulas', 'formulasLocal', 'numberFormat'] as const).filter(
    (name) => fields[name] !== undefined,
  );
  if (writes.length > 0 && unbounded) throw invalidArgument('Cell values cannot be written to a whole row or column.');
  const grids = writes.map((name) => ({ name, grid: toGrid(fields[name], bounds, name) }));
  for (const { name, grid } of grids) {
    eachCell(bounds, (row, column, r, c) => {
      const cell = sheet.getCell(row + 1, column + 1);
      const input = grid[r]?.[c] ?? null;
      if (name === 'numberFormat') writeNumberFormat(cell, input);
      else writeCell(cell, input);
    });
  }
  if (writes.length > 0) renameColumnsFromHeaders(sheet, bounds);
  return () => rangeJson(sheet, bounds);
}

/** The smallest range holding every cell with a value (or, unless valuesOnly, a number format); A1 on a blank sheet. */
export function usedRange(sheet: Worksheet, valuesOnly: boolean): RangeJson {
  let bounds: CellBounds | undefined;
  // findRow/findCell only: iterating with getRow/getCell would add the empty rows and cells it visits to the sheet.
  for (let rowNumber = 1; rowNumber <= sheet.rowCount; rowNumber += 1) {
    const row = sheet.findRow(rowNumber);
    for (let columnNumber = 1; row !== undefined && columnNumber <= row.cellCount; columnNumber += 1) {
      const cell = row.findCell(columnNumber);
      if (cell === undefined) continue;
      const hasValue = cell.value !== null && cell.value !== undefined;
      const formatted = !valuesOnly && Boolean(cell.numFmt) && cell.numFmt !== 'General';
      if (hasValue || formatted) bounds = grow(bounds, rowNumber - 1, columnNumber - 1);
    }
  }
  return rangeJson(sheet, bounds ?? { firstRow: 0, firstColumn: 0, lastRow: 0, lastColumn: 0 });
}

export function rangeJson(sheet: Worksheet, bounds: CellBounds): RangeJson {
  const rows = rowCount(bounds);
  const columns = columnCount(bounds);
  const address = formatAddress(sheet.name, bounds);
  const cells = rows * columns <= MAX_CELL_ARRAY && !isWhole(bounds) ? readCells(sheet, bounds) : undefined;
  const formulas = cells?.map((row) => row.map((cell) => cell.formula)) ?? null;
  const rowHidden = allHidden(bounds.firstRow, bounds.lastRow, (n) => sheet.findRow(n + 1)?.hidden === true);
  const columns_ = sheet.columns as Array<{ hidden?: boolean } | undefined> | null;
  const columnHidden = allHidden(bounds.firstColumn, bounds.lastColumn, (n) => columns_?.[n]?.hidden === true);
  return {
    '@odata.type': '#microsoft.graph.workbookRange',
    address,
    addressLocal: address,
    cellCount: rows * columns,
    columnCount: columns,
    columnHidden,
    columnIndex: bounds.firstColumn,
    formulas,
    formulasLocal: formulas,
    formulasR1C1:
      cells?.map((row, r) => row.map((cell, c) => toR1C1(cell.formula, bounds.firstRow + r, bounds.firstColumn + c))) ??
      null,
    hidden: rowHidden || columnHidden,
    numberFormat: cells?.map((row) => row.map((cell) => cell.numberFormat)) ?? null,
    rowCount: rows,
    rowHidden,
    rowIndex: bounds.firstRow,
    text: cells?.map((row) => row.map((cell) => cell.text)) ?? null,
    valueTypes: cells?.map((row) => row.map((cell) => cell.valueType)) ?? null,
    values: cells?.map((row) => row.map((cell) => cell.value)) ?? null,
  };
}

function boundsOn(sheet: Worksheet, address: string): { bounds: CellBounds; unbounded: boolean } {
  const parsed = parseAddress(address);
  if (parsed.sheet !== undefined && parsed.sheet.toLowerCase() !== sheet.name.toLowerCase()) {
    throw invalidArgument(`The address '${address}' does not refer to the worksheet '${sheet.name}'.`);
  }
  return parsed;
}

function readCells(sheet: Worksheet, bounds: CellBounds): CellView[][] {
  const grid: CellView[][] = [];
  for (let row = bounds.firstRow; row <= bounds.lastRow; row += 1) {
    const cells: CellView[] = [];
    for (let column = bounds.firstColumn; column <= bounds.lastColumn; column += 1) {
      // findCell, not getCell: reading must not add empty cells to the sheet that would then be saved.
      const cell = sheet.findCell(row + 1, column + 1);
      cells.push(cell === undefined ? emptyCell() : readCell(cell));
    }
    grid.push(cells);
  }
  return grid;
}

// A single value (not an array) fills the range, like Ctrl+Enter; otherwise the array must have the range's shape.
function toGrid(input: unknown, bounds: CellBounds, name: string): Grid<unknown> {
  const rows = rowCount(bounds);
  const columns = columnCount(bounds);
  if (!Array.isArray(input)) {
    if (!isCellInput(input)) throw invalidArgument(`'${name}' must be a two-dimensional array or a single value.`);
    if (input === null) throw invalidArgument(`null is not a valid value for the whole '${name}' property.`);
    // A formula filled across the range moves with each cell, as Ctrl+Enter does in Excel.
    const at = (r: number, c: number) =>
      typeof input === 'string' && input.length > 1 && input.startsWith('=') ? slideFormula(input, r, c) : input;
    return Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => at(r, c)));
  }
  const fits = input.length === rows && input.every((row) => Array.isArray(row) && row.length === columns);
  if (!fits) {
    throw invalidArgument(
      "The number of rows or columns in the input array doesn't match the size or dimensions of the range.",
    );
  }
  if (!(input as unknown[][]).every((row) => row.every(isCellInput))) {
    throw invalidArgument(`Each cell of '${name}' must be a string, a number, a boolean or null.`);
  }
  return input as unknown[][];
}

function eachCell(bounds: CellBounds, visit: (row: number, column: number, r: number, c: number) => void): void {
  for (let row = bounds.firstRow; row <= bounds.lastRow; row += 1) {
    for (let column = bounds.firstColumn; column <= bounds.lastColumn; column += 1) {
      visit(row, column, row - bounds.firstRow, column - bounds.firstColumn);
    }
  }
}

function isWhole(bounds: CellBounds): boolean {
  return (
    (bounds.firstRow === 0 && bounds.lastRow === MAX_ROWS - 1) ||
    (bounds.firstColumn === 0 && bounds.lastColumn === MAX_COLUMNS - 1)
  );
}

function allHidden(first: number, last: number, hidden: (n: number) => boolean): boolean {
  if (last - first > 10_000) return false; // whole rows or columns: Excel would not report them all hidden
  for (let n = first; n <= last; n += 1) if (!hidden(n)) return false;
  return true;
}

function grow(bounds: CellBounds | undefined, row: number, column: number): CellBounds {
  if (bounds === undefined) return { firstRow: row, firstColumn: column, lastRow: row, lastColumn: column };
  return {
    firstRow: Math.min(bounds.firstRow, row),
    firstColumn: Math.min(bounds.firstColumn, column),
    lastRow: Math.max(bounds.lastRow, row),
    lastColumn: Math.max(bounds.lastColumn, column),
  };
}
