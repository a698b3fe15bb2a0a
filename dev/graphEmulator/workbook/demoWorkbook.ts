import { excelModule, writeWorkbook } from './excel';

/** Where the demo's table sits, for the README and the tests that read it back. */
export const DEMO = {
  sheet: 'Sheet1',
  table: 'Sales',
  columns: ['Region', 'Product', 'Units', 'Unit price', 'Total'],
} as const;

const rows: Array<[string, string, number, number]> = [
  ['North', 'Apples', 120, 0.5],
  ['South', 'Pears', 80, 0.75],
  ['East', 'Plums', 45, 1.2],
  ['West', 'Cherries', 30, 3.5],
];

/**
 * The demo workbook made on the local drive's first start: a small sales table on Sheet1 whose Total column holds
 * formulas with their results saved, as Excel saves them.
 */
export async function demoWorkbook(): Promise<Buffer> {
  const workbook = new (excelModule().Workbook)();
  const sheet = workbook.addWorksheet(DEMO.sheet);
  sheet.addTable({
    name: DEMO.table,
    ref: 'A1',
    headerRow: true,
    totalsRow: false,
    style: { theme: 'TableStyleMedium2', showRowStripes: true },
    columns: DEMO.columns.map((name) => ({ name, filterButton: true })),
    rows: rows.map(([region, product, units, price], n) => [
      region,
      product,
      units,
      price,
      { formula: `C${n + 2}*D${n + 2}`, result: units * price },
    ]),
  });
  for (const column of ['D', 'E']) sheet.getColumn(column).numFmt = '#,##0.00';
  for (let row = 2; row <= rows.length + 1; row += 1) {
    for (const column of ['D', 'E']) sheet.getCell(`${column}${row}`).numFmt = '#,##0.00';
  }
  sheet.columns.forEach((column) => {
    column.width = 14;
  });
  return writeWorkbook(workbook);
}
