import type { Workbook, Worksheet } from 'exceljs';
import { invalidArgument, itemAlreadyExists, itemNotFound } from './excelErrors';
import { isRecord } from '../toFaultRule';

// The worksheet resource (https://learn.microsoft.com/graph/api/resources/worksheet): list, get by id or name, add.
// Ids look like Graph's, `{00000000-0001-0000-0000-000000000000}` for the first sheet, with the sheet's number in
// the fourth group (little-endian, as Excel Online's ids are).

export interface WorksheetJson {
  id: string;
  name: string;
  position: number;
  visibility: 'Visible' | 'Hidden' | 'VeryHidden';
}

const MAX_NAME_LENGTH = 31;
// Excel refuses these in a sheet name, and a name that starts or ends with an apostrophe.
const forbidden = /[/\\?*[\]:]/;

export function worksheetId(sheet: Worksheet): string {
  const n = Math.max(0, sheet.id - 1);
  const group = `${hex2(n & 0xff)}${hex2((n >> 8) & 0xff)}`;
  return `{00000000-0001-0000-${group}-000000000000}`;
}

export function worksheetsOf(workbook: Workbook): Worksheet[] {
  return workbook.worksheets;
}

export function worksheetJson(workbook: Workbook, sheet: Worksheet): WorksheetJson {
  return {
    id: worksheetId(sheet),
    name: sheet.name,
    position: worksheetsOf(workbook).indexOf(sheet),
    visibility: sheet.state === 'hidden' ? 'Hidden' : sheet.state === 'veryHidden' ? 'VeryHidden' : 'Visible',
  };
}

/** A sheet by id or by name, both case-insensitive as in Excel; Graph's 404 otherwise. */
export function findWorksheet(workbook: Workbook, key: string): Worksheet {
  const wanted = key.toLowerCase();
  const sheet = worksheetsOf(workbook).find(
    (candidate) => candidate.name.toLowerCase() === wanted || worksheetId(candidate).toLowerCase() === wanted,
  );
  if (sheet === undefined) throw itemNotFound(`The requested worksheet '${key}' doesn't exist.`);
  return sheet;
}

/** `POST worksheets/add` / `POST worksheets` with an optional `{"name": …}`; Excel picks `SheetN` without one. */
export function addWorksheet(workbook: Workbook, body: unknown): Worksheet {
  if (body !== undefined && !isRecord(body)) throw invalidArgument('The request body must be a JSON object.');
  const requested = body?.name;
  if (requested !== undefined && requested !== null && typeof requested !== 'string') {
    throw invalidArgument('The worksheet name must be a string.');
  }
  const name = requested ? requested : nextDefaultName(workbook);
  checkName(workbook, name);
  return workbook.addWorksheet(name);
}

function checkName(workbook: Workbook, name: string): void {
  if (
    name.length > MAX_NAME_LENGTH ||
    forbidden.test(name) ||
    name.startsWith("'") ||
    name.endsWith("'") ||
    name.trim() === ''
  ) {
    throw invalidArgument(`'${name}' is not a valid worksheet name.`);
  }
  if (worksheetsOf(workbook).some((sheet) => sheet.name.toLowerCase() === name.toLowerCase())) {
    throw itemAlreadyExists(`A worksheet named '${name}' already exists.`);
  }
}

function nextDefaultName(workbook: Workbook): string {
  const taken = new Set(worksheetsOf(workbook).map((sheet) => sheet.name.toLowerCase()));
  let n = worksheetsOf(workbook).length + 1;
  while (taken.has(`sheet${n}`)) n += 1;
  return `Sheet${n}`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
