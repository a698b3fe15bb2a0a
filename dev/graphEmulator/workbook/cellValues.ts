import type { Cell, CellValue } from 'exceljs';
import { format as formatNumber } from 'ssf';
import { GraphError } from '../graphError';

// One cell as Graph's range resource shows it (https://learn.microsoft.com/graph/api/resources/range): its value,
// its formula (a constant reads back as itself), its number format, its display text and its value type. The
// emulator stores formulas but never calculates them: a formula cell shows the result saved in the file, and a
// formula written here has no result until Excel opens and recalculates the file.

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
  const raw = cell.value;
  const formula = formulaOf(raw);
  const { value, valueType } = classify(formula === undefined ? raw : resultOf(raw));
  return {
    value,
    formula: formula === undefined ? value : `=${formula}`,
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
 * page). A string is read the way Excel reads typing (the "Working with Excel" page shows `"49"` stored as 49): `=…` is a
 * formula, a plain number is a number, TRUE/FALSE a boolean, and a leading apostrophe keeps the rest as text. Dates
 * typed as text are not parsed: they stay strings.
 */
export function writeCell(cell: Cell, input: unknown): void {
  if (input === null) return;
  if (input === '') {
    cell.value = null;
    return;
  }
  if (typeof input === 'string') {
    cell.value = typed(input);
    return;
  }
  if ((typeof input === 'number' && Number.isFinite(input)) || typeof input === 'boolean') {
    cell.value = input;
    return;
  }
  throw invalidCellInput();
}

const plainNumber = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

function typed(input: string): CellValue {
  if (input.length > 1 && input.startsWith('=')) return { formula: input.slice(1), date1904: false };
  if (input.startsWith("'")) return input.slice(1);
  if (plainNumber.test(input.trim())) return Number(input);
  const upper = input.toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE';
  return input;
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
  return new GraphError(400, 'InvalidArgument', 'A cell value must be a string, a finite number, a boolean or null.');
}

function formulaOf(raw: CellValue): string | undefined {
  if (typeof raw !== 'object' || raw === null || raw instanceof Date) return undefined;
  if ('formula' in raw && typeof raw.formula === 'string') return raw.formula;
  if ('sharedFormula' in raw && typeof raw.sharedFormula === 'string') return raw.sharedFormula;
  return undefined;
}

function resultOf(raw: CellValue): CellValue {
  if (typeof raw !== 'object' || raw === null || !('result' in raw)) return null;
  const result: unknown = raw.result;
  return result === undefined ? null : (result as CellValue);
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
