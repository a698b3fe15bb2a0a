import { expect } from 'vitest';
import { SHEET_IDS } from './conformanceWorkbook';
import { API, EXCEL, type Example } from './example';

// Worksheets: list, get, add, and the error a taken name draws. See example.ts for what each entry holds.

const WORKSHEET = ['id', 'name', 'position', 'visibility'];
const braced = expect.stringMatching(/^\{[0-9A-F-]{36}\}$/i);

export const worksheetExamples: Example[] = [
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
