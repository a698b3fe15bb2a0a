import { BadRequestError } from '../errors';

// A table's rows as a flow maker sees them: objects keyed by the table's column names, in place of Graph's arrays in
// column order (https://learn.microsoft.com/graph/api/resources/tablerow). The rules of that mapping live here.

/** What a cell of Graph's `values` holds (https://learn.microsoft.com/graph/api/resources/range). */
export type CellValue = string | number | boolean | null;

export type RowObject = Record<string, CellValue>;

/** A table's column names, in column order, as its header row reads. */
export type Header = readonly string[];

/** Excel's own limit on the text a cell holds (https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3). */
const CELL_TEXT_LIMIT = 32_767;

/**
 * The index of the column `name` names: its exact name, else the one name that matches without regard to case, as
 * Excel keeps column names unique regardless of case. `role` says what named it in the error: `400` naming the name.
 */
export function columnIndexOf(header: Header, name: string, role: string): number {
  const exact = header.indexOf(name);
  if (exact >= 0) return exact;
  const folded = header.findIndex((column) => column.toLowerCase() === name.toLowerCase());
  if (folded >= 0) return folded;
  throw new BadRequestError(`The ${role} "${name}" names no column of the table. Its columns: ${listed(header)}.`);
}

/** Graph's values for one row, as an object keyed by column name. */
export function toRowObject(header: Header, values: readonly unknown[]): RowObject {
  return Object.fromEntries(header.map((column, index) => [column, asCell(values[index])]));
}

/**
 * A row object as Graph's values in column order. A key that names no column is `400` naming it; a column left out
 * is `null`, which Graph reads as "leave this cell as it is" — empty in a new row (a calculated column keeps its
 * formula), unchanged in an updated one.
 */
export function toRowValues(header: Header, fields: Readonly<Record<string, unknown>>, role: string): CellValue[] {
  const values: CellValue[] = header.map(() => null);
  for (const [name, value] of Object.entries(fields)) {
    values[columnIndexOf(header, name, role)] = cellInput(name, value);
  }
  return values;
}

/**
 * The JSON schema of a row object: one field per column, in column order, each typed from the sample rows' values —
 * `number` (or `boolean`) only when every value the column holds in them is one, so a column of ids such as `1001`
 * and `A-17` takes text; a column with no value in the sample takes text. Power Automate shows each field by its
 * `x-ms-summary`.
 */
export function rowSchema(header: Header, sample: readonly (readonly unknown[])[]): Record<string, unknown> {
  const properties = Object.fromEntries(
    header.map((column, index) => [
      column,
      {
        type: typeOf(sample.map((row) => row[index])),
        'x-ms-summary': column,
        description: `The value in the column "${column}".`,
      },
    ]),
  );
  return { type: 'object', properties };
}

/** Whether a cell holds the key: compared as text, as the value reads in the cell (`12`, `0.5`, `true`). */
export function holdsKey(cell: unknown, key: string): boolean {
  return typeof cell === 'boolean' ? String(cell) === key.toLowerCase() : cellText(cell) === key;
}

/** A cell's value as text: a header's column name, a key to compare. Empty for an empty cell. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function cellInput(column: string, value: unknown): CellValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.length <= CELL_TEXT_LIMIT) return value;
  throw new BadRequestError(
    typeof value === 'string'
      ? `The value for the column "${column}" is longer than the ${CELL_TEXT_LIMIT} characters a cell holds.`
      : `The value for the column "${column}" must be text, a number, true or false, or null.`,
  );
}

function asCell(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return cellText(value);
}

function typeOf(values: readonly unknown[]): 'string' | 'number' | 'boolean' {
  const held = values.filter((value) => value !== null && value !== undefined && value !== '');
  if (held.length > 0 && held.every((value) => typeof value === 'number')) return 'number';
  if (held.length > 0 && held.every((value) => typeof value === 'boolean')) return 'boolean';
  return 'string';
}

function listed(header: Header): string {
  const shown = header.slice(0, 20).map((column) => `"${column}"`);
  return header.length > shown.length
    ? `${shown.join(', ')} and ${header.length - shown.length} more`
    : shown.join(', ');
}
