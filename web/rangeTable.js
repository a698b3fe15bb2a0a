// @ts-check

/**
 * A range's values as an HTML table, each cell as text (never as markup: a cell may hold anything). Row and column
 * headings are the sheet's, worked out from the range's address, e.g. `Sheet1!A1:E6`.
 * @param {{ address: string, values: unknown[][] }} range
 * @returns {HTMLTableElement}
 */
export function toRangeTable(range) {
  const { column, row } = topLeft(range.address);
  const table = document.createElement('table');
  table.createCaption().textContent = range.address;
  const head = table.createTHead().insertRow();
  head.append(document.createElement('th'));
  for (let c = 0; c < (range.values[0]?.length ?? 0); c++) head.append(heading(columnName(column + c)));
  const body = table.createTBody();
  range.values.forEach((values, r) => {
    const tr = body.insertRow();
    tr.append(heading(String(row + r)));
    for (const value of values) tr.insertCell().textContent = cellText(value);
  });
  return table;
}

/**
 * What a cell shows: Graph sends strings, numbers and booleans, and null for nothing; anything else is shown as its
 * JSON rather than as `[object Object]`.
 * @param {unknown} value
 * @returns {string}
 */
function cellText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** @param {string} text */
function heading(text) {
  const th = document.createElement('th');
  th.textContent = text;
  return th;
}

/** @param {string} address e.g. `Sheet1!B2:C3` or `'My sheet'!B2` @returns {{ column: number, row: number }} 0-based column, 1-based row */
function topLeft(address) {
  const match = /([A-Z]+)(\d+)(?::[A-Z]+\d+)?$/i.exec(address);
  if (!match?.[1] || !match[2]) return { column: 0, row: 1 };
  const column = [...match[1].toUpperCase()].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0) - 1;
  return { column, row: Number(match[2]) };
}

/** @param {number} index 0-based @returns {string} A, B, … Z, AA, … */
function columnName(index) {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}
