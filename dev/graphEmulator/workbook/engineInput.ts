import type { Cell, Workbook, Worksheet } from 'exceljs';
import { parseAddress } from './a1Address';
import { isFormulaCell, tablesOf } from './excel';
import { outsideStrings } from './futureFunctions';
import { toA1References, type TableArea } from './structuredReferences';

// What the formula engine is given for each cell: the text a user would type into it. Text is given behind an
// apostrophe so that "123", "TRUE" or "=x" stay text; a date is its serial number, as Excel keeps it.

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

export interface FormulaCell {
  sheet: number;
  /** One-based, as the engine counts. */
  row: number;
  column: number;
  cell: Cell;
}

/** Every table of the workbook, as structured references need it. */
export function tableAreas(workbook: Workbook): TableArea[] {
  return workbook.worksheets.flatMap((sheet) =>
    tablesOf(sheet).map((model) => {
      const { bounds } = parseAddress(model.tableRef);
      const header = model.headerRow !== false;
      const totals = model.totalsRow === true;
      return {
        name: model.name,
        sheet: sheet.name,
        ...(header ? { headerRow: bounds.firstRow } : {}),
        firstDataRow: bounds.firstRow + (header ? 1 : 0),
        lastDataRow: bounds.lastRow - (totals ? 1 : 0),
        ...(totals ? { totalsRow: bounds.lastRow } : {}),
        firstColumn: bounds.firstColumn,
        columns: model.columns.map((column) => column.name),
      };
    }),
  );
}

/**
 * The typed text for a cell, or undefined for an empty one. A formula has its structured references resolved and its
 * sheet names spelled as the sheets are: Excel matches them in any case, the engine only as written.
 */
export function engineInput(
  cell: Cell,
  sheet: Worksheet,
  tables: TableArea[],
  sheetNames: ReadonlyMap<string, string>,
): string | undefined {
  if (cell.isMerged && cell.master.address !== cell.address) return undefined;
  if (isFormulaCell(cell)) {
    const formula = cell.formula;
    if (!formula) return undefined;
    const at = { sheet: sheet.name, row: Number(cell.row) - 1, column: Number(cell.col) - 1 };
    return `=${spellSheets(toA1References(formula, tables, at), sheetNames)}`;
  }
  return constantInput(cell.value);
}

const sheetPrefix = /(?<![A-Za-z0-9_.])(?:'((?:[^']|'')+)'|([A-Za-z_][A-Za-z0-9_.]*))!/g;

/** `sheet1!A1` → `Sheet1!A1`, given the workbook's sheet names keyed in lower case. */
function spellSheets(formula: string, sheetNames: ReadonlyMap<string, string>): string {
  return outsideStrings(formula, (text) =>
    text.replace(sheetPrefix, (match, quoted: string | undefined, bare: string | undefined) => {
      const name = quoted === undefined ? (bare ?? '') : quoted.replace(/''/g, "'");
      const spelled = sheetNames.get(name.toLowerCase());
      if (spelled === undefined || spelled === name) return match;
      return `'${spelled.replace(/'/g, "''")}'!`;
    }),
  );
}

function constantInput(value: Cell['value']): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return value === '' ? undefined : `'${value}`;
  if (value instanceof Date) return String((value.getTime() - EXCEL_EPOCH_MS) / DAY_MS);
  if ('error' in value && typeof value.error === 'string') return value.error;
  if ('richText' in value && Array.isArray(value.richText)) {
    return `'${value.richText.map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : '')).join('')}`;
  }
  if ('text' in value && typeof value.text === 'string') return `'${value.text}`;
  return undefined;
}
