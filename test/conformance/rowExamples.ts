import { WEATHER } from './conformanceWorkbook';
import { API, EXCEL, ROW, type Example } from './example';

// Table rows added (also asynchronously), got by index, updated and deleted. See example.ts for what each entry holds.

const asyncRows = {
  headers: { prefer: 'respond-async' },
  body: {
    values: [
      [1, 2, 3],
      [4, 5, 6],
    ],
  },
};

export const rowExamples: Example[] = [
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
