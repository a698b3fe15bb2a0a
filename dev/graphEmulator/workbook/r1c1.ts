import { MAX_COLUMNS, MAX_ROWS } from './a1Address';

// formulasR1C1 on the range resource: the same formula with each A1 reference written relative to its cell
// (`B2` seen from A1 is `R[1]C[1]`; `$B$2` is `R2C2`). Text inside string literals is left alone. A reference
// that is not a plain cell (a name, a structured table reference) passes through unchanged.

const token = /("(?:[^"]|"")*")|(?<![A-Za-z0-9_.])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![0-9A-Za-z_(!])/g;

export function toR1C1<T>(formula: T, row: number, column: number): T | string {
  if (typeof formula !== 'string' || !formula.startsWith('=')) return formula;
  return formula.replace(
    token,
    (match, literal: string | undefined, colAbs: string, letters: string, rowAbs: string, digits: string) => {
      if (literal !== undefined) return match;
      const targetColumn = lettersToIndex(letters);
      const targetRow = Number(digits) - 1;
      if (targetColumn >= MAX_COLUMNS || targetRow < 0 || targetRow >= MAX_ROWS) return match;
      const r = rowAbs ? `R${targetRow + 1}` : relative('R', targetRow - row);
      const c = colAbs ? `C${targetColumn + 1}` : relative('C', targetColumn - column);
      return `${r}${c}`;
    },
  );
}

function relative(axis: 'R' | 'C', offset: number): string {
  return offset === 0 ? axis : `${axis}[${offset}]`;
}

function lettersToIndex(letters: string): number {
  let n = 0;
  for (const letter of letters) n = n * 26 + (letter.charCodeAt(0) - 64);
  return n - 1;
}
