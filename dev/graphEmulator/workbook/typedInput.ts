import type { CellValue } from 'exceljs';
import { GraphError } from '../graphError';
import { toStoredFormula } from './futureFunctions';

// A string sent in `values` or `formulas` is read the way Excel Online (en-US) reads typing: `=…` is a formula, a
// plain number a number, `12%` a percentage, `1/15/2016` or `2016-01-15` a date, TRUE/FALSE a boolean, a leading
// apostrophe keeps the rest as text ("Working with Excel in Microsoft Graph" shows "49" read back as 49, and
// "Jan-15-2016" kept as text). A number format is suggested for percentages and dates, as Excel applies one to a
// cell still formatted General. Excel's limits hold: 32,767 characters in a cell, 8,192 in a formula
// (https://support.microsoft.com/office/excel-specifications-and-limits-1672b34d-7043-467e-8e27-269d656771c3).

export const MAX_CELL_TEXT = 32_767;
export const MAX_FORMULA_LENGTH = 8_192;

export interface TypedInput {
  value: CellValue;
  /** The format Excel gives a General cell for what was typed. */
  numberFormat?: string;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const plainNumber = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const percent = /^([+-]?(?:[0-9]+(?:\.([0-9]*))?|\.([0-9]+)))%$/;
const usDate = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4}|[0-9]{2})$/;
const isoDate = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$/;

export function typedInput(input: string): TypedInput {
  if (input.length > 1 && input.startsWith('=')) {
    if (input.length > MAX_FORMULA_LENGTH) throw tooLong(`A formula is limited to ${MAX_FORMULA_LENGTH} characters.`);
    return { value: { formula: toStoredFormula(input.slice(1)), date1904: false } };
  }
  const text = input.startsWith("'") ? input.slice(1) : undefined;
  if ((text ?? input).length > MAX_CELL_TEXT) throw tooLong(`A cell holds at most ${MAX_CELL_TEXT} characters.`);
  if (text !== undefined) return { value: text };
  const trimmed = input.trim();
  if (plainNumber.test(trimmed)) return { value: Number(trimmed) };
  const upper = trimmed.toUpperCase();
  if (upper === 'TRUE' || upper === 'FALSE') return { value: upper === 'TRUE' };
  return asPercent(trimmed) ?? asDate(trimmed) ?? { value: input };
}

function asPercent(text: string): TypedInput | undefined {
  const match = percent.exec(text);
  if (match === null) return undefined;
  const decimals = (match[2] ?? match[3] ?? '').length;
  return { value: Number(match[1]) / 100, numberFormat: decimals > 0 ? `0.${'0'.repeat(decimals)}%` : '0%' };
}

function asDate(text: string): TypedInput | undefined {
  const us = usDate.exec(text);
  const iso = us === null ? isoDate.exec(text) : null;
  if (us === null && iso === null) return undefined;
  const [month, day, rawYear] = us !== null ? [us[1], us[2], us[3]] : [iso?.[2], iso?.[3], iso?.[1]];
  let year = Number(rawYear);
  // Excel's two-digit years: 00–29 are 2000–2029, 30–99 are 1930–1999.
  if ((rawYear ?? '').length === 2) year += year < 30 ? 2000 : 1900;
  const at = Date.UTC(year, Number(month) - 1, Number(day));
  const date = new Date(at);
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day) || year < 1900) return undefined;
  return { value: (at - EXCEL_EPOCH_MS) / DAY_MS, numberFormat: 'm/d/yyyy' };
}

function tooLong(message: string): GraphError {
  return new GraphError(400, 'badRequest', message, 'invalidArgument');
}
