import { expect } from 'vitest';
import type { EmulatorSettings } from '../../dev/graphEmulator';
import { SHEET_IDS, WEATHER } from './conformanceWorkbook';

// Microsoft's documented request and response examples for every call the emulator serves, as data: the page
// (a file of github.com/microsoftgraph/microsoft-graph-docs-contrib), the request (method, path after `workbook/`
// — or after `drives/{driveId}/` for drive calls — headers and body), and what the answer must hold: the status,
// the properties the page's response shows, and the values that follow from the request and the workbook
// (conformanceWorkbook.ts). Placeholder values in a page's response ("address-value", 99) are checked as present,
// not equal. Where the page's example is itself inconsistent, `inconsistent` says how and what is checked instead.

export interface ExampleCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** 'drive' for a call under `drives/{driveId}/` rather than a workbook's. Default 'workbook'. */
  scope?: 'workbook' | 'drive';
}

export interface Example {
  page: string;
  example: string;
  request: ExampleCall;
  /** Calls made first, to bring the workbook to the state the example presumes (each must succeed). */
  before?: ExampleCall[];
  /** Made in a persistent session created first (its id goes in `workbook-session-id`). */
  session?: boolean;
  settings?: Partial<EmulatorSettings>;
  failNextOperations?: number;
  /** Moves the emulator's clock after `before`. */
  advanceMs?: number;
  expect: {
    status: number;
    /** Properties the answer has (every member's, for a collection: see `each`). */
    properties?: string[];
    /** Properties every member of `value` has. */
    each?: string[];
    /** What the answer must match (vitest toMatchObject). */
    values?: Record<string, unknown>;
    /** The Location header, as a pattern. */
    location?: RegExp;
    /** No body at all. */
    empty?: boolean;
  };
  inconsistent?: string;
}

const API = 'api-reference/v1.0/api';
const EXCEL = 'api-reference/v1.0/resources/excel.md';
const sheet1 = encodeURIComponent(SHEET_IDS.Sheet1);
const RANGE_PROPERTIES = ['address', 'addressLocal', 'cellCount', 'columnCount', 'columnIndex', 'valueTypes'];
const WORKSHEET = ['id', 'name', 'position', 'visibility'];
const ROW = ['index', 'values'];
const braced = expect.stringMatching(/^\{[0-9A-F-]{36}\}$/i);
const asyncRows = {
  headers: { prefer: 'respond-async' },
  body: {
    values: [
      [1, 2, 3],
      [4, 5, 6],
    ],
  },
};
const asyncCreate: ExampleCall = {
  method: 'POST',
  path: 'createSession',
  headers: { prefer: 'respond-async' },
  body: { persistChanges: true },
};

export const examples: Example[] = [
  ...sessionExamples(),
  ...worksheetExamples(),
  ...rangeExamples(),
  ...tableExamples(),
  ...rowExamples(),
  ...otherExamples(),
];

function sessionExamples(): Example[] {
  return [
    {
      page: `${API}/workbook-createsession.md`,
      example: 'Example 2: Basic session creation',
      request: { method: 'POST', path: 'createSession', body: { persistChanges: true } },
      expect: { status: 201, properties: ['id', 'persistChanges'], values: { persistChanges: true } },
    },
    {
      page: `${API}/workbook-createsession.md`,
      example: 'Example 1: Session creation with long-running operation pattern',
      settings: { asyncCreateMs: 30_000 },
      request: asyncCreate,
      expect: { status: 202, location: /\/workbook\/operations\/[^/?]+$/, empty: true },
      inconsistent:
        'The page says a 202 has "an empty body" and its example shows `{}`: the emulator sends no body, as the prose says.',
    },
    {
      page: `${API}/workbookoperation-get.md`,
      example: 'Response running',
      settings: { asyncCreateMs: 30_000 },
      before: [asyncCreate],
      request: { method: 'GET', path: '{location}' },
      expect: { status: 200, properties: ['id', 'status'], values: { status: 'running' } },
    },
    {
      page: `${API}/workbookoperation-get.md`,
      example: 'Response succeeded',
      settings: { asyncCreateMs: 30_000 },
      before: [asyncCreate],
      advanceMs: 30_000,
      request: { method: 'GET', path: '{location}' },
      expect: {
        status: 200,
        properties: ['id', 'status', 'resourceLocation'],
        values: {
          status: 'succeeded',
          resourceLocation: expect.stringMatching(/\/workbook\/sessionInfoResource\(key='[^']+'\)/),
        },
      },
    },
    {
      page: `${API}/workbookoperation-get.md`,
      example: 'Response failed',
      settings: { asyncCreateMs: 30_000 },
      failNextOperations: 1,
      before: [asyncCreate],
      advanceMs: 30_000,
      request: { method: 'GET', path: '{location}' },
      expect: {
        status: 200,
        properties: ['id', 'status', 'error'],
        values: {
          status: 'failed',
          error: {
            code: 'internalServerError',
            message: expect.any(String),
            innerError: { code: 'internalServerErrorUncategorized' },
          },
        },
      },
      inconsistent:
        'The example is not valid JSON (`"code": ""internalServerErrorUncategorized"`) and its deepest innerError (`GenericFileOpenError`) names one cause among many: the code and the first inner code are checked.',
    },
    {
      page: `${API}/workbook-refreshsession.md`,
      example: 'Example',
      session: true,
      request: { method: 'POST', path: 'refreshSession' },
      expect: { status: 204, empty: true },
    },
    {
      page: `${API}/workbook-closesession.md`,
      example: 'Example',
      session: true,
      request: { method: 'POST', path: 'closeSession' },
      expect: { status: 204, empty: true },
    },
  ];
}

function worksheetExamples(): Example[] {
  return [
    {
      page: EXCEL,
      example: 'List worksheets part of the workbook',
      session: true,
      request: { method: 'GET', path: 'worksheets' },
      expect: {
        status: 200,
        each: WORKSHEET,
        values: {
          value: expect.arrayContaining([
            { id: SHEET_IDS.Sheet1, name: 'Sheet1', position: 0, visibility: 'Visible' },
            { id: SHEET_IDS.Sheet57664, name: 'Sheet57664', position: 1, visibility: 'Visible' },
          ]),
        },
      },
    },
    {
      page: EXCEL,
      example: 'Add a new worksheet',
      session: true,
      request: { method: 'POST', path: 'worksheets', body: { name: 'Sheet32243' } },
      expect: {
        status: 201,
        properties: WORKSHEET,
        values: { id: braced, name: 'Sheet32243', position: 5, visibility: 'Visible' },
      },
    },
    {
      page: EXCEL,
      example: 'Get a new worksheet',
      session: true,
      before: [{ method: 'POST', path: 'worksheets', body: { name: 'Sheet32243' } }],
      request: { method: 'GET', path: 'worksheets/Sheet32243' },
      expect: {
        status: 200,
        properties: WORKSHEET,
        values: { id: braced, name: 'Sheet32243', position: 5, visibility: 'Visible' },
      },
    },
    {
      page: `${API}/worksheetcollection-add.md`,
      example: 'Example',
      request: { method: 'POST', path: 'worksheets/add', body: { name: 'name-value' } },
      expect: {
        status: 200,
        properties: WORKSHEET,
        values: { name: 'name-value', position: 5, visibility: 'Visible' },
      },
    },
    {
      page: EXCEL,
      example: 'Error information',
      request: { method: 'POST', path: 'worksheets/add', body: { name: 'Sheet1' } },
      expect: { status: 409, values: { error: { code: 'conflict', innerError: { code: 'itemAlreadyExists' } } } },
      inconsistent:
        'The example answers an existing name with 400 and a top-level `ItemAlreadyExists`; workbook-error-codes gives 409 `conflict` with the detail `itemAlreadyExists` inside innerError, which the emulator answers.',
    },
  ];
}

function rangeExamples(): Example[] {
  return [
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
}

function tableExamples(): Example[] {
  const weatherRows = WEATHER.map((row, index) => ({ index, values: [[...row]] }));
  return [
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
}

function rowExamples(): Example[] {
  return [
    {
      page: EXCEL,
      example: 'Add a table row',
      session: true,
      request: {
        method: 'POST',
        path: "tables('4')/rows",
        body: { values: [['Jan-15-2016', '49', '37']], index: null },
      },
      expect: { status: 201, properties: ROW, values: { index: 6, values: [['Jan-15-2016', 49, 37]] } },
    },
    {
      page: `${API}/tablerowcollection-add.md`,
      example: 'Example',
      request: {
        method: 'POST',
        path: 'tables/Table1/rows/add',
        body: {
          index: 5,
          values: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      },
      expect: {
        status: 200,
        properties: ROW,
        values: {
          index: 5,
          values: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      },
    },
    {
      page: `${API}/table-post-rows.md`,
      example: 'Example 1: Add two rows to a table',
      request: {
        method: 'POST',
        path: 'tables/Table1/rows',
        body: {
          values: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      },
      expect: {
        status: 201,
        properties: ROW,
        values: {
          index: 5,
          values: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      },
      inconsistent:
        'The response shows `index: 99` and one row of the two added; the emulator answers where they went (5, after the five rows) and both rows.',
    },
    {
      page: `${API}/table-post-rows.md`,
      example: 'Example 2: Add two rows to a table asynchronously',
      session: true,
      settings: { asyncRowsMs: 30_000 },
      request: { method: 'POST', path: 'tables/Table1/rows', ...asyncRows },
      expect: { status: 202, location: /\/workbook\/operations\/[^/?]+\?sessionId=.+$/ },
    },
    {
      page: `${API}/workbook-tablerowoperationresult.md`,
      example: 'Example',
      session: true,
      settings: { asyncRowsMs: 30_000 },
      before: [{ method: 'POST', path: 'tables/Table1/rows', ...asyncRows }],
      advanceMs: 30_000,
      request: { method: 'GET', path: "tableRowOperationResult(key='{operation-id}')" },
      expect: {
        status: 200,
        properties: ROW,
        values: {
          index: 5,
          values: [
            [1, 2, 3],
            [4, 5, 6],
          ],
        },
      },
      inconsistent:
        'The response shows `values` as a string, "[[1, 2, 3]]"; a row\'s values are a 2-D array (resources/workbooktablerow).',
    },
    {
      page: `${API}/tablerowcollection-itemat.md`,
      example: 'Example',
      request: { method: 'POST', path: 'tables/Weather/rows/itemAt', body: { index: 4 } },
      expect: { status: 200, properties: ROW, values: { index: 4, values: [[...WEATHER[4]]] } },
    },
    {
      page: `${API}/tablerow-update.md`,
      example: 'Example',
      request: { method: 'PATCH', path: 'tables/Weather/rows/1', body: { index: 1, values: [[null, 47, null]] } },
      expect: { status: 200, properties: ROW, values: { index: 1, values: [[42020, 47, 39]] } },
      inconsistent:
        'The request body is a placeholder (`"index": 99, "values": "values-value"`), not a row; it is replayed with one row of values for the row the path names.',
    },
    {
      page: EXCEL,
      example: 'Delete table row',
      session: true,
      before: [
        { method: 'POST', path: "tables('4')/rows", body: { values: [['Jan-15-2016', '49', '37']], index: null } },
      ],
      request: { method: 'DELETE', path: "tables('4')/rows/$/itemAt(index=6)" },
      expect: { status: 204, empty: true },
    },
    {
      page: `${API}/tablerow-delete.md`,
      example: 'Example',
      request: { method: 'DELETE', path: 'tables/Weather/rows/5' },
      expect: { status: 204, empty: true },
      inconsistent:
        'The page answers `200 OK` with no body; "Working with Excel" answers the same deletion `204 No Content`, which the emulator answers to both.',
    },
  ];
}

function otherExamples(): Example[] {
  return [
    {
      page: EXCEL,
      example: 'Named items',
      session: true,
      request: { method: 'GET', path: 'names' },
      expect: {
        status: 200,
        values: {
          value: [
            { name: 'data', type: 'Range', value: 'Range!$A$1:$D$3', visible: true },
            { name: 'myrange', type: 'Range', value: 'Range!$E$1:$F$7', visible: true },
            { name: 'range1', type: 'Range', value: 'Range!$I$1:$M$11', visible: true },
          ],
        },
      },
    },
    {
      page: `${API}/nameditem-list.md`,
      example: 'Example',
      request: { method: 'GET', path: 'names' },
      expect: { status: 200, each: ['name', 'type', 'value', 'visible'] },
    },
    {
      page: `${API}/workbookapplication-get.md`,
      example: 'Example',
      request: { method: 'GET', path: 'application' },
      expect: { status: 200, properties: ['calculationMode'], values: { calculationMode: 'Automatic' } },
    },
    {
      page: `${API}/workbookapplication-calculate.md`,
      example: 'Example',
      request: { method: 'POST', path: 'application/calculate', body: { calculationType: 'Full' } },
      expect: { status: 200, empty: true },
      inconsistent:
        'The request body is a placeholder (`"calculationType-value"`), which Graph refuses; it is replayed with `Full`, one of the values the page lists.',
    },
    {
      page: `${API}/worksheet-range.md`,
      example: 'the name of the range, as the address parameter allows',
      request: { method: 'GET', path: "worksheets('Range')/range(address='data')" },
      expect: { status: 200, properties: RANGE_PROPERTIES, values: { address: 'Range!A1:D3', cellCount: 12 } },
    },
    {
      page: `${API}/drive-get.md`,
      example: 'Get a drive by ID',
      request: { method: 'GET', path: '', scope: 'drive' },
      expect: { status: 200, properties: ['id', 'driveType', 'owner', 'quota'], values: { driveType: 'business' } },
    },
    {
      page: `${API}/driveitem-list-children.md`,
      example: 'List children in the root of the drive',
      request: { method: 'GET', path: 'root/children', scope: 'drive' },
      expect: {
        status: 200,
        each: ['name', 'size'],
        values: {
          value: [
            { name: 'Book.xlsx', file: {} },
            { name: 'Documents', folder: { childCount: 1 } },
          ],
        },
      },
      inconsistent:
        'The response lists "my sheet(1).xlsx" with no `file` facet; a file always carries one (resources/driveitem), as the emulator answers.',
    },
    {
      page: `${API}/driveitem-list-children.md`,
      example: 'List children of a DriveItem with a known ID',
      request: { method: 'GET', path: 'items/{item:Documents}/children', scope: 'drive' },
      expect: { status: 200, each: ['name', 'size', 'file'], values: { value: [{ name: 'notes.txt' }] } },
    },
  ];
}
