import ExcelJS from 'exceljs';

// The workbook Microsoft's examples presume, built once: each example names a sheet, a table or a name that is here,
// holding the values its response shows. Table ids are the tables' places in the workbook, so the weather table
// the "Working with Excel" page calls tables('4') is the fourth.
//
//   sheet (id)               holds
//   Sheet1      (…0000…)     Table1 (A1:C6: columns A, B, C; 5 rows), Table2 and Table3 (small, unused)
//   Sheet57664  (…0100…)     nothing
//   Range       (…0200…)     the names data, myrange, range1 ("Named items" example)
//   test        (…0300…)     nothing: A1:B2 reads empty, then is written
//   Weather     (…0400…)     table 4, Date / High (F) / Low (F), 6 rows from 42019 (15 Jan 2015); table 5, Wide,
//                            seven columns, for the columns page's `$top=5&$skip=5`

export const SHEET_IDS = {
  Sheet1: '{00000000-0001-0000-0000-000000000000}',
  Sheet57664: '{00000000-0001-0000-0100-000000000000}',
  test: '{00000000-0001-0000-0300-000000000000}',
} as const;

export const WEATHER = [
  [42019, 53, 34],
  [42020, 45, 39],
  [42021, 50, 31],
  [42022, 43, 39],
  [42023, 45, 41],
  [42024, 52, 40],
] as const;

export function conformanceWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  const sheet1 = workbook.addWorksheet('Sheet1');
  table(
    sheet1,
    'Table1',
    'A1',
    ['A', 'B', 'C'],
    [
      [10, 20, 30],
      [11, 21, 31],
      [12, 22, 32],
      [13, 23, 33],
      [14, 24, 34],
    ],
  );
  table(sheet1, 'Table2', 'E1', ['Name', 'Status'], [['Task', 'Open']]);
  table(sheet1, 'Table3', 'H1', ['Item'], [['One']]);
  workbook.addWorksheet('Sheet57664');
  const range = workbook.addWorksheet('Range');
  range.getCell('A1').value = 'named';
  workbook.definedNames.add('Range!$A$1:$D$3', 'data');
  workbook.definedNames.add('Range!$E$1:$F$7', 'myrange');
  workbook.definedNames.add('Range!$I$1:$M$11', 'range1');
  workbook.addWorksheet('test');
  const weather = workbook.addWorksheet('Weather');
  table(
    weather,
    'Weather',
    'A1',
    ['Date', 'High (F)', 'Low (F)'],
    WEATHER.map((row) => [...row]),
  );
  const wide = ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven'];
  table(weather, 'Wide', 'F1', wide, [wide.map((_, n) => n + 1)]);
  return workbook;
}

function table(sheet: ExcelJS.Worksheet, name: string, ref: string, columns: string[], rows: unknown[][]): void {
  sheet.addTable({
    name,
    ref,
    headerRow: true,
    columns: columns.map((column) => ({ name: column })),
    rows,
  });
}
