import type { Cell, CellValue } from 'exceljs';
import type { GraphError } from '../graphError';
import { format as formatNumber } from 'ssf';
import { isFormulaCell } from './excel';
import { invalidArgument } from './excelErrors';
import { toShownFormula } from './futureFunctions';
import { typedInput } from './typedInput';

// One cell as Graph's range resource shows it (https://learn.microsoft.com/graph/api/resources/range): its value,
// its formula (a constant reads back as itself), its number format, its display text and its value type. A formula
// cell shows the result saved beside it — by Excel, or by the emulator's formula engine after every change.

export type GraphCellValue = string | number | boolean;
export type ValueType = 'Empty' | 'String' | 'Double' | 'Boolean' | 'Error';

export interface CellView {
  value: GraphCellValue;
  formula: GraphCellValue;
  numberFormat: string;
  text: string;
  valueType: ValueType;
}

const GENERAL = 'General';
// Excel's 1900 date system counts days from 1899-12-30 (the extra day is Lotus 1-2-3's phantom 29 Feb 1900).
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

export function readCell(cell: Cell): CellView {
  const numberFormat = cell.numFmt || GENERAL;
  if (cell.isMerged && cell.master.address !== cell.address) return emptyCell(numberFormat);
  // cell.formula / cell.result, not cell.value: exceljs's value drops a result of 0, false or "", and holds only the
  // master's address for a cell of a shared formula, where cell.formula is that formula moved to this cell.
  const formula = isFormulaCell(cell) ? cell.formula : undefined;
  const { value, valueType } = classify(formula === undefined ? cell.value : (cell.result ?? null));
  return {
    value,
    formula: formula === undefined ? value : `=${toShownFormula(formula)}`,
    numberFormat,
    text: textOf(value, valueType, numberFormat),
    valueType,
  };
}

export function emptyCell(numberFormat = GENERAL): CellView {
  return { value: '', formula: '', numberFormat, text: '', valueType: 'Empty' };
}

/**
 * Writes one cell of a `values` or `formulas` array. `null` leaves the cell as it is and `""` clears it (range-update
 * page); a string is read as Excel reads typing (typedInput.ts), and a General cell takes the format that suggests.
 */
export function writeCell(cell: Cell, input: unknown): void {
  if (input === null) return;
  if (input === '') {
    cell.value = null;
    return;
  }
  if (typeof input === 'string') {
    const { value, numberFormat } = typedInput(input);
    cell.value = value;
    if (numberFormat !== undefined && (!cell.numFmt || cell.numFmt === GENERAL)) cell.numFmt = numberFormat;
    return;
  }
  if ((typeof input === 'number' && Number.isFinite(input)) || typeof input === 'boolean') {
    cell.value = input;
    return;
  }
  throw invalidCellInput();
}

export function writeNumberFormat(cell: Cell, input: unknown): void {
  if (input === null) return;
  if (typeof input !== 'string') throw invalidCellInput();
  cell.numFmt = input === '' || input === GENERAL ? GENERAL : input;
}

/** What a cell of a `values` or `formulas` array may hold: a string, a finite number, a boolean, or null. */
export function isCellInput(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return value === null || typeof value === 'string' || typeof value === 'boolean';
}

function invalidCellInput(): GraphError {
  return invalidArgument('A cell value must be a string, a finite number, a boolean or null.');
}

function classify(raw: CellValue): { value: GraphCellValue; valueType: ValueType } {
  if (raw === null || raw === undefined) return { value: '', valueType: 'Empty' };
  if (typeof raw === 'number') return { value: raw, valueType: 'Double' };
  if (typeof raw === 'string') return { value: raw, valueType: raw === '' ? 'Empty' : 'String' };
  if (typeof raw === 'boolean') return { value: raw, valueType: 'Boolean' };
  if (raw instanceof Date) return { value: (raw.getTime() - EXCEL_EPOCH_MS) / DAY_MS, valueType: 'Double' };
  if ('error' in raw && typeof raw.error === 'string') return { value: raw.error, valueType: 'Error' };
  if ('richText' in raw && Array.isArray(raw.richText)) {
    return {
      value: raw.richText.map((run: { text?: unknown }) => (typeof run.text === 'string' ? run.text : '')).join(''),
      valueType: 'String',
    };
  }
  if ('text' in raw) return classify(raw.text);
  return { value: '', valueType: 'Empty' };
}

function textOf(value: GraphCellValue, valueType: ValueType, numberFormat: string): string {
  if (valueType === 'Boolean') return value ? 'TRUE' : 'FALSE';
  if (valueType !== 'Double' || typeof value !== 'number') return String(value);
  try {
    return formatNumber(numberFormat, value);
  } catch {
    return String(value);
  }
}
