import { SHEET_IDS, WEATHER } from './conformanceWorkbook';
import { API, EXCEL, RANGE_PROPERTIES, ROW, type Example } from './example';

// Tables, their rows listed and their columns, and the header row. See example.ts for what each entry holds.

const sheet1 = encodeURIComponent(SHEET_IDS.Sheet1);

const weatherRows = WEATHER.map((row, index) => ({ index, values: [[...row]] }));

export const tableExamples: Example[] = [
  {
    page: EXCEL,
    example: 'Get list of tables',
    session: true,
    request: { method: 'GET', path: `worksheets('${sheet1}')/tables` },
    expect: {
      status: 200,
      each: ['id', 'name', 'showHeaders', 'showTotals', 'style'],
      values: {
        value: [
          { id: '1', name: 'Table1' },
          { id: '2', name: 'Table2' },
          { id: '3', name: 'Table3' },
        ],
      },
    },
    inconsistent:
      'The page shows the response status only, no body: the members are checked for the table resource’s properties.',
  },
  {
    page: EXCEL,
    example: 'Get list of table rows',
    session: true,
    request: { method: 'GET', path: "tables('4')/rows" },
    expect: { status: 200, each: ROW, values: { value: weatherRows } },
  },
  {
    page: `${API}/table-list-rows.md`,
    example: '$top=5&$skip=5',
    request: { method: 'GET', path: 'tables/Weather/rows?$top=5&$skip=5' },
    expect: { status: 200, each: ROW, values: { value: [weatherRows[5]] } },
  },
  {
    page: EXCEL,
    example: 'Get list of table columns',
    session: true,
    request: { method: 'GET', path: "tables('4')/columns" },
    expect: {
      status: 200,
      each: ['id', 'index', 'name', 'values'],
      values: {
        value: [
          { id: '1', index: 0, name: 'Date', values: [['Date'], ...WEATHER.map((row) => [row[0]])] },
          { id: '2', index: 1, name: 'High (F)', values: [['High (F)'], ...WEATHER.map((row) => [row[1]])] },
          { id: '3', index: 2, name: 'Low (F)', values: [['Low (F)'], ...WEATHER.map((row) => [row[2]])] },
        ],
      },
    },
  },
  {
    page: `${API}/table-list-columns.md`,
    example: '$top=5&$skip=5',
    request: { method: 'GET', path: 'tables/Wide/columns?$top=5&$skip=5' },
    expect: {
      status: 200,
      each: ['id', 'name', 'index', 'values'],
      values: {
        value: [
          { id: '6', index: 5, name: 'Six', values: [['Six'], [6]] },
          { id: '7', index: 6, name: 'Seven' },
        ],
      },
    },
  },
  {
    page: `${API}/table-headerrowrange.md`,
    example: 'Example',
    request: { method: 'GET', path: 'tables/Weather/headerRowRange' },
    expect: {
      status: 200,
      properties: RANGE_PROPERTIES,
      values: {
        address: 'Weather!A1:C1',
        cellCount: 3,
        columnCount: 3,
        columnIndex: 0,
        values: [['Date', 'High (F)', 'Low (F)']],
      },
    },
  },
];
