import type { GraphError } from '../graphError';
import { invalidArgument } from './excelErrors';

// A1 references as Excel writes them: `A1`, `A1:C3`, `$A$1`, whole columns `A:C`, whole rows `2:5`, optionally
// sheet-qualified (`Sheet1!A1`, `'My Sheet'!A1`). Indexes here are zero-based, as Graph's rowIndex/columnIndex are.
// Grid limits: https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3

export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

export interface CellBounds {
  /** Zero-based, inclusive. */
  readonly firstRow: number;
  readonly firstColumn: number;
  readonly lastRow: number;
  readonly lastColumn: number;
}

export interface ParsedAddress {
  /** The sheet named before `!`, unquoted; absent when the address names none. */
  readonly sheet?: string;
  readonly bounds: CellBounds;
  /** True for whole columns or whole rows (`A:B`, `1:3`): Excel refuses to write such a range. */
  readonly unbounded: boolean;
}

/** Graph's answer to an address it cannot read (workbook-error-codes: invalidArgument). */
export function invalidAddress(address: string): GraphError {
  return invalidArgument(`The argument is invalid or missing or has an incorrect format: '${address}'.`);
}

const cellPattern = /^\$?([A-Z]{1,3})\$?([0-9]{1,7})$/i;
const columnPattern = /^\$?([A-Z]{1,3})$/i;
const rowPattern = /^\$?([0-9]{1,7})$/;

/** Parses an A1 address; throws Graph's 400 for anything else. */
export function parseAddress(address: string): ParsedAddress {
  const { sheet, reference } = splitSheet(address.trim(), address);
  const parts = reference.split(':');
  if (parts.length > 2 || parts.some((part) => part.length === 0)) throw invalidAddress(address);
  const [from = '', to = from] = parts;

  const cells = [cellPattern.exec(from), cellPattern.exec(to)];
  if (cells[0] && cells[1]) {
    const a = toCell(cells[0], address);
    const b = toCell(cells[1], address);
    return {
      ...(sheet === undefined ? {} : { sheet }),
      bounds: ordered(a.row, a.column, b.row, b.column),
      unbounded: false,
    };
  }
  if (parts.length === 2) {
    const columns = [columnPattern.exec(from), columnPattern.exec(to)];
    if (columns[0] && columns[1]) {
      const a = columnIndex(columns[0][1] ?? '', address);
      const b = columnIndex(columns[1][1] ?? '', address);
      return { ...(sheet === undefined ? {} : { sheet }), bounds: ordered(0, a, MAX_ROWS - 1, b), unbounded: true };
    }
    const rows = [rowPattern.exec(from), rowPattern.exec(to)];
    if (rows[0] && rows[1]) {
      const a = rowIndex(rows[0][1] ?? '', address);
      const b = rowIndex(rows[1][1] ?? '', address);
      return { ...(sheet === undefined ? {} : { sheet }), bounds: ordered(a, 0, b, MAX_COLUMNS - 1), unbounded: true };
    }
  }
  throw invalidAddress(address);
}

/** `Sheet1!A1:B2`, quoting the sheet name where Excel would. */
export function formatAddress(sheet: string, bounds: CellBounds): string {
  return `${quoteSheet(sheet)}!${formatReference(bounds)}`;
}

export function formatReference(bounds: CellBounds): string {
  const { firstRow, firstColumn, lastRow, lastColumn } = bounds;
  const allColumns = firstColumn === 0 && lastColumn === MAX_COLUMNS - 1;
  // The whole sheet is written as its rows, `1:1048576`, as Excel writes it.
  if (firstRow === 0 && lastRow === MAX_ROWS - 1 && !allColumns) {
    return `${columnName(firstColumn)}:${columnName(lastColumn)}`;
  }
  if (allColumns) return `${firstRow + 1}:${lastRow + 1}`;
  const first = cellName(firstRow, firstColumn);
  return firstRow === lastRow && firstColumn === lastColumn ? first : `${first}:${cellName(lastRow, lastColumn)}`;
}

export function cellName(row: number, column: number): string {
  return `${columnName(column)}${row + 1}`;
}

export function columnName(column: number): string {
  let name = '';
  for (let n = column + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

export function rowCount(bounds: CellBounds): number {
  return bounds.lastRow - bounds.firstRow + 1;
}

export function columnCount(bounds: CellBounds): number {
  return bounds.lastColumn - bounds.firstColumn + 1;
}

// Excel quotes a sheet name in a reference unless it is a plain identifier; a quote inside is doubled.
function quoteSheet(sheet: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(sheet) && !cellPattern.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

function splitSheet(text: string, address: string): { sheet?: string; reference: string } {
  const bang = text.lastIndexOf('!');
  if (bang < 0) return { reference: text };
  let sheet = text.slice(0, bang);
  if (sheet.startsWith("'")) {
    if (!sheet.endsWith("'") || sheet.length < 3) throw invalidAddress(address);
    sheet = sheet.slice(1, -1).replace(/''/g, "'");
  }
  if (sheet.length === 0) throw invalidAddress(address);
  return { sheet, reference: text.slice(bang + 1) };
}

function toCell(match: RegExpExecArray, address: string): { row: number; column: number } {
  return { column: columnIndex(match[1] ?? '', address), row: rowIndex(match[2] ?? '', address) };
}

function columnIndex(letters: string, address: string): number {
  let n = 0;
  for (const letter of letters.toUpperCase()) n = n * 26 + (letter.charCodeAt(0) - 64);
  if (n < 1 || n > MAX_COLUMNS) throw invalidAddress(address);
  return n - 1;
}

function rowIndex(digits: string, address: string): number {
  const n = Number(digits);
  if (!Number.isInteger(n) || n < 1 || n > MAX_ROWS) throw invalidAddress(address);
  return n - 1;
}

function ordered(r1: number, c1: number, r2: number, c2: number): CellBounds {
  return {
    firstRow: Math.min(r1, r2),
    firstColumn: Math.min(c1, c2),
    lastRow: Math.max(r1, r2),
    lastColumn: Math.max(c1, c2),
  };
}
