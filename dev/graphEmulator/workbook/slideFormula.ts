import { columnName, MAX_COLUMNS, MAX_ROWS } from './a1Address';
import { outsideStrings } from './futureFunctions';

// A formula copied or moved by some rows and columns keeps pointing at the same cells relative to itself, as
// Excel's fill and Ctrl+Enter do: each reference without a `$` moves by the same amount (`=C2*D2` one row down
// reads `=C3*D3`; `$C$2` stays). A reference pushed off the sheet becomes #REF!.

const reference = /(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![0-9A-Za-z_(!])/g;

export function slideFormula(formula: string, rows: number, columns: number): string {
  if (rows === 0 && columns === 0) return formula;
  return outsideStrings(formula, (text) =>
    text.replace(reference, (_match, colAbs: string, letters: string, rowAbs: string, digits: string) => {
      const row = rowAbs ? Number(digits) : Number(digits) + rows;
      const column = colAbs ? lettersToIndex(letters) : lettersToIndex(letters) + columns;
      if (row < 1 || row > MAX_ROWS || column < 0 || column >= MAX_COLUMNS) return '#REF!';
      return `${colAbs}${columnName(column)}${rowAbs}${row}`;
    }),
  );
}

function lettersToIndex(letters: string): number {
  let n = 0;
  for (const letter of letters.toUpperCase()) n = n * 26 + (letter.charCodeAt(0) - 64);
  return n - 1;
}
