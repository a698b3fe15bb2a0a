import { readFileSync } from 'node:fs';
import type { Cell, CellErrorValue, Workbook } from 'exceljs';
import type { Model } from '@ironcalc/wasm';
import { engineInput, tableAreas, type FormulaCell } from './engineInput';
import { isFormulaCell } from './excel';

// Formulas are calculated by IronCalc (https://github.com/ironcalc/IronCalc, MIT or Apache-2.0: a spreadsheet engine
// written to Excel's semantics, compiled to WebAssembly, no dependencies). After every change the whole workbook is
// copied into an IronCalc model, calculated, and each formula cell's result is saved beside its formula, as Excel
// saves it (`<f>` and `<v>`), so Graph's `values` and a reader of the .xlsx agree. Compiling the engine takes about
// 0.2 s, so it is loaded the first time a workbook holding a formula changes: a workbook without formulas, and an
// emulator that only serves sessions, never pay for it.

type IronCalc = typeof import('@ironcalc/wasm');
let ironcalc: IronCalc | undefined;

function engine(): IronCalc {
  if (ironcalc === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    const loaded = require('@ironcalc/wasm') as IronCalc;
    loaded.initSync({ module: readFileSync(require.resolve('@ironcalc/wasm/wasm_bg.wasm')) });
    ironcalc = loaded;
  }
  return ironcalc;
}

// The engine formats what it answers; fifteen significant digits is the precision Excel keeps and answers.
const FULL_PRECISION = '0.00000000000000E+00';
const ENGINE_TYPE = { number: 1, text: 2, boolean: 4, error: 16 } as const;

export type FormulaResult = number | string | boolean | CellErrorValue;

export interface Recalculation {
  /** Addresses (`Sheet1!B2`) of formulas written since the last calculation that the engine cannot read. */
  unreadable: string[];
}

/**
 * Calculates every formula of the workbook and saves each result in its cell. TODAY() and NOW() read `now`.
 * A formula that already had a result keeps it where the engine cannot calculate it (a function it lacks), so a
 * file saved by Excel never loses a value Excel computed.
 */
export function recalculate(workbook: Workbook, now: number): Recalculation {
  const formulas = formulaCells(workbook);
  if (formulas.length === 0) return { unreadable: [] };
  const model = buildModel(workbook, formulas);
  try {
    evaluateAt(model, now);
    const unreadable: string[] = [];
    for (const formula of formulas) {
      const fresh = formula.cell.result === undefined;
      const result = readResult(model, formula);
      if (typeof result === 'object' && result.error === ('#ERROR!' as CellErrorValue['error'])) {
        if (fresh) unreadable.push(`${formula.cell.worksheet.name}!${formula.cell.address}`);
        continue;
      }
      if (!fresh && isUnknownFunction(result)) continue;
      saveResult(formula.cell, result);
    }
    return { unreadable };
  } finally {
    model.free();
  }
}

function formulaCells(workbook: Workbook): FormulaCell[] {
  const found: FormulaCell[] = [];
  workbook.worksheets.forEach((sheet, index) => {
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        if (isFormulaCell(cell)) {
          found.push({ sheet: index, row: Number(cell.row), column: Number(cell.col), cell });
        }
      });
    });
  });
  return found;
}

function buildModel(workbook: Workbook, formulas: FormulaCell[]): Model {
  const { Model } = engine();
  const model = new Model('Workbook', 'en', 'UTC', 'en');
  // The model recalculates after every input unless paused: building a large workbook cell by cell would take
  // minutes. One evaluate() after the last cell does it once.
  model.pauseEvaluation();
  const sheets = workbook.worksheets;
  for (let n = 1; n < sheets.length; n += 1) model.newSheet();
  // Renamed twice, so that a sheet called "Sheet2" never meets the engine's own "Sheet2" on the way.
  sheets.forEach((_, n) => model.renameSheet(n, `\u0001${n}`));
  sheets.forEach((sheet, n) => model.renameSheet(n, sheet.name));
  for (const { name, ranges } of workbook.definedNames.model) {
    try {
      if (ranges[0] !== undefined) model.newDefinedName(name, undefined, ranges[0]);
    } catch {
      // A name the engine refuses is left out; formulas using it answer #NAME?, as an unknown name does in Excel.
    }
  }
  const tables = tableAreas(workbook);
  const sheetNames = new Map(sheets.map((sheet) => [sheet.name.toLowerCase(), sheet.name]));
  sheets.forEach((sheet, n) => {
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        const input = engineInput(cell, sheet, tables, sheetNames);
        if (input !== undefined) model.setUserInput(n, Number(cell.row), Number(cell.col), input);
      });
    });
  });
  for (const { sheet, row, column } of formulas) {
    model.updateRangeStyle({ sheet, row, column, width: 1, height: 1 }, 'num_fmt', FULL_PRECISION);
  }
  return model;
}

// IronCalc reads the time from Date.now() inside its WebAssembly; evaluate() is synchronous, so pointing Date.now
// at the emulator's clock for its duration lets TODAY() follow the clock the tests move, and nothing else sees it.
function evaluateAt(model: Model, now: number): void {
  const realNow = Date.now;
  Date.now = () => now;
  try {
    model.evaluate();
  } finally {
    Date.now = realNow;
  }
}

function readResult(model: Model, { sheet, row, column }: FormulaCell): FormulaResult {
  const text = model.getFormattedCellValue(sheet, row, column);
  switch (model.getCellType(sheet, row, column)) {
    case ENGINE_TYPE.number: {
      const value = Number(text);
      return Number.isFinite(value) ? value : { error: '#NUM!' };
    }
    case ENGINE_TYPE.boolean:
      return text === 'TRUE';
    case ENGINE_TYPE.error:
      // Excel answers a circular reference with 0 (and a warning in its window), not an error value; a function
      // the engine has not implemented is, as far as a reader of the file can tell, one Excel does not know.
      if (text === '#CIRC!') return 0;
      return { error: text === '#N/IMPL!' ? '#NAME?' : text } as CellErrorValue;
    default:
      return text;
  }
}

function isUnknownFunction(result: FormulaResult): boolean {
  return typeof result === 'object' && result.error === '#NAME?';
}

// The result goes beside the formula (or the shared formula's reference) the cell already holds.
function saveResult(cell: Cell, result: FormulaResult): void {
  cell.value = { ...(cell.value as object), result } as Cell['value'];
}
