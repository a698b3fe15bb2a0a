import type { Cell, Workbook, Worksheet } from 'exceljs';

// exceljs reads and writes the .xlsx files (never hand-written XML). It costs about a quarter of a second to load,
// so it is required on first use: an emulator that only ever serves session calls never pays for it.

type ExcelModule = typeof import('exceljs');
let excel: ExcelModule | undefined;

export function excelModule(): ExcelModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  excel ??= require('exceljs') as ExcelModule;
  return excel;
}

/** True for a cell holding a formula (its own, or a share of another cell's). */
export function isFormulaCell(cell: Cell): boolean {
  return cell.type === excelModule().ValueType.Formula;
}

export async function readWorkbook(bytes: Buffer): Promise<Workbook> {
  const workbook = new (excelModule().Workbook)();
  // exceljs declares its own Buffer type (an ArrayBuffer); JSZip underneath reads either.
  await workbook.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return workbook;
}

export async function writeWorkbook(workbook: Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The shape exceljs keeps for a table (its `.table` model; not in its type declarations). */
export interface TableModel {
  name: string;
  displayName?: string;
  tableRef: string;
  autoFilterRef?: string;
  headerRow: boolean;
  totalsRow: boolean;
  columns: Array<{ name: string }>;
  style?: {
    theme?: string;
    showFirstColumn?: boolean;
    showLastColumn?: boolean;
    showRowStripes?: boolean;
    showColumnStripes?: boolean;
  };
}

/** Every table on a sheet as its model, in the order exceljs keeps them. */
export function tablesOf(sheet: Worksheet): TableModel[] {
  return (sheet.getTables() as unknown[]).map(toTableModel).filter((model) => model !== undefined);
}

function toTableModel(table: unknown): TableModel | undefined {
  if (typeof table !== 'object' || table === null || !('table' in table)) return undefined;
  const model: unknown = table.table;
  if (typeof model !== 'object' || model === null) return undefined;
  if (!('name' in model) || typeof model.name !== 'string') return undefined;
  if (!('tableRef' in model) || typeof model.tableRef !== 'string') return undefined;
  if (!('columns' in model) || !Array.isArray(model.columns)) return undefined;
  return model as TableModel;
}
