import type { Cell, Worksheet } from 'exceljs';
import { formatReference, MAX_ROWS, parseAddress } from './a1Address';
import { isFormulaCell, type TableModel } from './excel';
import { excelError } from './excelErrors';
import { slideFormula } from './slideFormula';

// Inserting or deleting table rows moves the cells below them, in the table's columns only, as Excel does. A formula
// that moves has its relative row references moved with it (a Total `=C3*D3` that moves up a row reads `=C2*D2`),
// so a table's calculated column stays right; references to the moved cells from elsewhere are not rewritten.

/** Moves every cell at or below zero-based `fromRow` in the columns down by `count`. */
export function insertRows(sheet: Worksheet, fromRow: number, columns: [number, number], count: number): void {
  const last = sheet.rowCount;
  for (let row = last; row >= fromRow + 1; row -= 1) {
    for (let column = columns[0] + 1; column <= columns[1] + 1; column += 1) {
      const source = sheet.findCell(row, column);
      if (source === undefined) continue;
      if (row + count > MAX_ROWS && source.value !== null) {
        // workbook-error-codes: nonBlankCellOffSheet.
        throw excelError(
          409,
          'nonBlankCellOffSheet',
          "Can't insert new cells: non-empty cells would move off the sheet.",
        );
      }
      move(source, sheet.getCell(row + count, column), count);
    }
  }
}

/** Removes `count` rows of cells from zero-based `fromRow` in the columns and moves what is below up. */
export function deleteRows(sheet: Worksheet, fromRow: number, columns: [number, number], count: number): void {
  for (let column = columns[0] + 1; column <= columns[1] + 1; column += 1) {
    for (let row = fromRow + 1; row <= fromRow + count; row += 1) clear(sheet.findCell(row, column));
  }
  const last = sheet.rowCount;
  for (let row = fromRow + count + 1; row <= last; row += 1) {
    for (let column = columns[0] + 1; column <= columns[1] + 1; column += 1) {
      const source = sheet.findCell(row, column);
      if (source !== undefined) move(source, sheet.getCell(row - count, column), -count);
    }
  }
}

/** Grows (or with a negative count shrinks) the table's ref and filter ref by rows. */
export function resizeTable(model: TableModel, count: number): void {
  const extend = (ref: string): string => {
    const { bounds } = parseAddress(ref);
    return formatReference({ ...bounds, lastRow: bounds.lastRow + count });
  };
  model.tableRef = extend(model.tableRef);
  if (model.autoFilterRef) model.autoFilterRef = extend(model.autoFilterRef);
}

function move(source: Cell, target: Cell, rows: number): void {
  target.value = isFormulaCell(source)
    ? { formula: slideFormula(source.formula, rows, 0), date1904: false }
    : source.value;
  target.style = { ...source.style };
  clear(source);
}

function clear(cell: Cell | undefined): void {
  if (cell === undefined) return;
  cell.value = null;
  cell.style = {};
}
