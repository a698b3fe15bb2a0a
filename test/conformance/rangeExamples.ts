import { SHEET_IDS } from './conformanceWorkbook';
import { API, EXCEL, RANGE_PROPERTIES, type Example } from './example';

// Ranges: get and update by address, the whole sheet, the used range. See example.ts for what each entry holds.

const sheet1 = encodeURIComponent(SHEET_IDS.Sheet1);

export const rangeExamples: Example[] = [
  {
    page: `${API}/range-update.md`,
    example: 'Example',
    request: {
      method: 'PATCH',
      path: `worksheets/${sheet1}/range(address='K1:L2')`,
      body: {
        values: [
          ['Hello', '100'],
          ['1/1/2016', null],
        ],
        formulas: [
          [null, null],
          [null, '=L1*2'],
        ],
        numberFormat: [
          [null, null],
          ['m-ddd', null],
        ],
      },
    },
    expect: {
      status: 200,
      properties: RANGE_PROPERTIES,
      values: {
        address: 'Sheet1!K1:L2',
        cellCount: 4,
        columnCount: 2,
        columnIndex: 10,
        values: [
          ['Hello', 100],
          [42370, 200],
        ],
        formulas: [
          ['Hello', 100],
          [42370, '=L1*2'],
        ],
        numberFormat: [
          ['General', 'General'],
          ['m-ddd', 'General'],
        ],
        text: [
          ['Hello', '100'],
          ['1-Fri', '200'],
        ],
        valueTypes: [
          ['String', 'Double'],
          ['Double', 'Double'],
        ],
      },
    },
    inconsistent:
      "The example writes A1:B2 of a sheet whose A1:B2 it does not describe; it is replayed at K1:L2 of Sheet1 (B1 in the formula becomes L1) so that no table is overwritten. Its response shows placeholders only ('address-value', 99).",
  },
  {
    page: `${API}/worksheet-range.md`,
    example: 'range(address=…)',
    request: { method: 'GET', path: "worksheets/Sheet1/range(address='A1:B2')" },
    expect: {
      status: 200,
      properties: RANGE_PROPERTIES,
      values: { address: 'Sheet1!A1:B2', cellCount: 4, columnCount: 2, columnIndex: 0 },
    },
  },
  {
    page: `${API}/worksheet-range.md`,
    example: 'range without an address: the entire worksheet',
    request: { method: 'GET', path: 'worksheets/Sheet1/range' },
    expect: {
      status: 200,
      properties: RANGE_PROPERTIES,
      values: { address: 'Sheet1!1:1048576', cellCount: 1_048_576 * 16_384, columnIndex: 0, values: null },
    },
  },
  {
    page: `${API}/worksheet-usedrange.md`,
    example: 'usedRange',
    request: { method: 'GET', path: 'worksheets/Sheet1/usedRange' },
    expect: { status: 200, properties: ['address', 'addressLocal'], values: { address: 'Sheet1!A1:H6' } },
  },
  {
    page: `${API}/worksheet-usedrange.md`,
    example: 'usedRange(valuesOnly=true)',
    request: { method: 'GET', path: 'worksheets/Sheet1/usedRange(valuesOnly=true)' },
    expect: { status: 200, properties: ['address', 'addressLocal'], values: { address: 'Sheet1!A1:H6' } },
  },
  {
    page: EXCEL,
    example: 'Get Range',
    session: true,
    request: { method: 'GET', path: `worksheets/${encodeURIComponent(SHEET_IDS.test)}/range(address='A1:B2')` },
    expect: {
      status: 200,
      values: {
        '@odata.type': '#microsoft.graph.workbookRange',
        address: 'test!A1:B2',
        addressLocal: 'test!A1:B2',
        cellCount: 4,
        columnCount: 2,
        columnHidden: false,
        columnIndex: 0,
        formulas: [
          ['', ''],
          ['', ''],
        ],
        formulasLocal: [
          ['', ''],
          ['', ''],
        ],
        formulasR1C1: [
          ['', ''],
          ['', ''],
        ],
        hidden: false,
        numberFormat: [
          ['General', 'General'],
          ['General', 'General'],
        ],
        rowCount: 2,
        rowHidden: false,
        rowIndex: 0,
        text: [
          ['', ''],
          ['', ''],
        ],
        values: [
          ['', ''],
          ['', ''],
        ],
        valueTypes: [
          ['Empty', 'Empty'],
          ['Empty', 'Empty'],
        ],
      },
    },
  },
  {
    page: EXCEL,
    example: 'Range update',
    session: true,
    request: {
      method: 'PATCH',
      path: "worksheets('test')/range(address='test!A1:B2')",
      body: {
        values: [
          ['Test', 'Value'],
          ['For', 'Update'],
        ],
      },
    },
    expect: {
      status: 200,
      values: {
        address: 'test!A1:B2',
        addressLocal: 'test!A1:B2',
        cellCount: 4,
        formulas: [
          ['Test', 'Value'],
          ['For', 'Update'],
        ],
        formulasR1C1: [
          ['Test', 'Value'],
          ['For', 'Update'],
        ],
        numberFormat: [
          ['General', 'General'],
          ['General', 'General'],
        ],
        text: [
          ['Test', 'Value'],
          ['For', 'Update'],
        ],
        values: [
          ['Test', 'Value'],
          ['For', 'Update'],
        ],
        valueTypes: [
          ['String', 'String'],
          ['String', 'String'],
        ],
      },
    },
  },
];
