import { formatAddress } from './a1Address';
import { outsideStrings } from './futureFunctions';

// Structured references — `Sales[Units]`, `[@Units]`, `Sales[@[Unit price]]`, `Sales[[#Headers],[Region]]` — are how
// Excel writes formulas in a table (https://support.microsoft.com/office/using-structured-references-with-excel-tables-f5ed2452-2337-4f71-bed3-c8ae6d2b276e).
// The formula engine knows no tables, so before it calculates, each one is turned into the A1 range it stands for;
// the formula stored and answered stays as written. A reference this cannot read is left alone, and the engine
// then reports it as a formula it cannot parse.

export interface TableArea {
  name: string;
  sheet: string;
  /** Zero-based rows: the header row (absent when hidden), the data rows, the totals row (absent when hidden). */
  headerRow?: number;
  firstDataRow: number;
  lastDataRow: number;
  totalsRow?: number;
  firstColumn: number;
  columns: string[];
}

/** Rewrites the structured references in `formula` (no leading `=`) for a cell at zero-based `row` of `sheet`. */
export function toA1References(
  formula: string,
  tables: TableArea[],
  at: { sheet: string; row: number; column: number },
) {
  const here = tables.find(
    (table) =>
      table.sheet === at.sheet &&
      at.row >= (table.headerRow ?? table.firstDataRow) &&
      at.row <= (table.totalsRow ?? table.lastDataRow) &&
      at.column >= table.firstColumn &&
      at.column < table.firstColumn + table.columns.length,
  );
  return outsideStrings(formula, (text) => rewrite(text, tables, here, at.row));
}

function rewrite(text: string, tables: TableArea[], here: TableArea | undefined, row: number): string {
  let out = '';
  let n = 0;
  while (n < text.length) {
    const open = text.indexOf('[', n);
    if (open < 0) break;
    const name = /([A-Za-z_\\][A-Za-z0-9_.\\]*)$/.exec(text.slice(n, open))?.[1] ?? '';
    const close = matchingBracket(text, open);
    const table = name ? tables.find((t) => t.name.toLowerCase() === name.toLowerCase()) : here;
    const range = close < 0 || table === undefined ? undefined : toRange(table, text.slice(open + 1, close), row);
    if (range === undefined) {
      out += text.slice(n, close < 0 ? text.length : close + 1);
      n = close < 0 ? text.length : close + 1;
      continue;
    }
    out += text.slice(n, open - name.length) + range;
    n = close + 1;
  }
  return out + text.slice(n);
}

// The `]` that closes the `[` at `open`; an apostrophe escapes the next character inside a column name.
function matchingBracket(text: string, open: number): number {
  let depth = 0;
  for (let n = open; n < text.length; n += 1) {
    const char = text[n];
    if (char === "'") n += 1;
    else if (char === '[') depth += 1;
    else if (char === ']' && (depth -= 1) === 0) return n;
  }
  return -1;
}

function toRange(table: TableArea, spec: string, row: number): string | undefined {
  const items = specItems(spec);
  if (items === undefined) return undefined;
  let rows: [number | undefined, number | undefined] = [table.firstDataRow, table.lastDataRow];
  let columns: number[] = [];
  for (const item of items) {
    const special = item.toLowerCase();
    if (special === '#all') rows = [table.headerRow ?? table.firstDataRow, table.totalsRow ?? table.lastDataRow];
    else if (special === '#data') rows = [table.firstDataRow, table.lastDataRow];
    else if (special === '#headers') rows = [table.headerRow, table.headerRow];
    else if (special === '#totals') rows = [table.totalsRow, table.totalsRow];
    else if (special === '#this row' || special === '@') rows = [row, row];
    else {
      const span = item.split(':').map((column) => columnIndex(table, column));
      if (span.some((index) => index === undefined)) return undefined;
      columns = span as number[];
    }
  }
  const [firstRow, lastRow] = rows;
  if (firstRow === undefined || lastRow === undefined) return '#REF!';
  const first = table.firstColumn + (columns[0] ?? 0);
  const last = table.firstColumn + (columns.at(-1) ?? table.columns.length - 1);
  const address = formatAddress(table.sheet, { firstRow, lastRow, firstColumn: first, lastColumn: last });
  // Absolute, as a structured reference does not move when the formula is copied; the sheet name is left as it is.
  const bang = address.lastIndexOf('!');
  return address.slice(0, bang + 1) + address.slice(bang + 1).replace(/([A-Z]+)([0-9]+)/g, '$$$1$$$2');
}

// `Units`, `@Units`, `@[Unit price]`, `[#This Row],[Units]`, `[Units]:[Total]` → ['@', 'Units'], ['#This Row', 'Units'], …
function specItems(spec: string): string[] | undefined {
  const trimmed = spec.trim();
  if (!trimmed.includes('['))
    return trimmed.startsWith('@') ? ['@', ...nonEmpty(trimmed.slice(1))] : [unescape(trimmed)];
  const at = trimmed.startsWith('@');
  const body = at ? trimmed.slice(1) : trimmed;
  const items: string[] = at ? ['@'] : [];
  const pattern = /\s*\[((?:'.|[^\]])*)\]\s*(:\s*\[((?:'.|[^\]])*)\])?\s*(,|$)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < body.length && (match = pattern.exec(body)) !== null) {
    const first = unescape(match[1] ?? '');
    items.push(match[3] === undefined ? first : `${first}:${unescape(match[3])}`);
    consumed = pattern.lastIndex;
  }
  return consumed === body.length ? items : undefined;
}

function nonEmpty(text: string): string[] {
  return text.trim() === '' ? [] : [unescape(text.trim())];
}

function unescape(name: string): string {
  return name.replace(/'(.)/g, '$1');
}

function columnIndex(table: TableArea, name: string): number | undefined {
  const index = table.columns.findIndex((column) => column.toLowerCase() === name.trim().toLowerCase());
  return index < 0 ? undefined : index;
}
