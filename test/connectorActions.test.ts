import SwaggerParser from '@apidevtools/swagger-parser';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { OpenAPIV2 } from 'openapi-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';
import { powerAutomateRequest, type ActionInputs } from './support/powerAutomateRequest';

// Every connector action as a flow runs it: the request built from the definition the way Power Automate builds it
// (path values encoded once, defaults filled in, headers, JSON body), sent to the broker on the local host, which
// forwards it to the Graph emulator over a real .xlsx. Each test checks the answer, the call Graph saw (operation,
// path, status, session) and, for writes, the file.

const DEFINITION = path.resolve(__dirname, '../connector/apiDefinition.swagger.json');
const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
const WORKBOOK_PATH = `/v1.0/drives/${encodeURIComponent(DEMO_DRIVE_ID)}/items/${DEMO_ITEM_ID}/workbook/`;

let api: OpenAPIV2.Document;
let stack: BrokerStack;
let folder: string;
let sessionId: string;
beforeAll(async () => {
  api = (await SwaggerParser.dereference(
    JSON.parse(readFileSync(DEFINITION, 'utf8')) as OpenAPIV2.Document,
  )) as OpenAPIV2.Document;
  folder = mkdtempSync(path.join(tmpdir(), 'connector-drive-'));
  stack = await startBrokerStack({ emulator: { drive: { path: folder } } });
  const created = await run('createSession', { body: { persistChanges: true }, 'Idempotency-Key': 'run-0001-create' });
  expect(created.status).toBe(201);
  sessionId = String(created.json().id);
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => stack.emulator.resetCalls());

/** Runs one action in the flow's session with the demo workbook chosen, as a maker fills it in. */
async function run(operationId: string, inputs: ActionInputs = {}) {
  const sessionHeader = sessionId === undefined ? {} : { 'workbook-session-id': sessionId };
  const request = powerAutomateRequest(api, operationId, { ...DEMO, ...sessionHeader, ...inputs }, stack.url);
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body ? { body: request.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** The one Graph call the action made: its operation, its path after workbook/ as sent, its status and session. */
function graphCall() {
  const calls = stack.emulator.calls();
  expect(calls).toHaveLength(1);
  const [call] = calls;
  expect(call?.path.startsWith(WORKBOOK_PATH)).toBe(true);
  return {
    op: call?.op,
    path: call?.path.slice(WORKBOOK_PATH.length),
    query: call?.query,
    status: call?.status,
    sessionId: call?.sessionId,
  };
}

async function readSheet(name: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  const sheet = workbook.getWorksheet(name);
  if (sheet === undefined) throw new Error(`Demo.xlsx has no sheet ${name}.`);
  return sheet;
}

describe('the connector actions, run as Power Automate runs them', () => {
  it('List worksheets lists the sheets, and its answer fills the worksheet picker', async () => {
    const res = await run('listWorksheets');
    expect(res.status).toBe(200);
    expect(graphCall()).toEqual({ op: 'listWorksheets', path: 'worksheets', query: '', status: 200, sessionId });
    const picker = pickerOf('getRange', 'worksheet');
    expect(picked(res.json(), picker)).toContain('Sheet1');
  });

  it('List tables lists the tables, and its answer fills the table picker', async () => {
    const res = await run('listTables');
    expect(res.status).toBe(200);
    expect(graphCall()).toEqual({ op: 'listTables', path: 'tables', query: '', status: 200, sessionId });
    expect(picked(res.json(), pickerOf('addTableRows', 'table'))).toContain('Sales');
  });

  it('Update a range writes values and number formats into the file, and Get a range reads them back', async () => {
    const written = await run('updateRange', {
      worksheet: 'Sheet1',
      address: 'G1:H2',
      body: {
        values: [
          ['Checked', 0.25],
          ['By', '=H1*2'],
        ],
        numberFormat: [
          ['General', '0.00%'],
          ['General', '0.00'],
        ],
      },
    });
    expect(written.status).toBe(200);
    expect(graphCall()).toEqual({
      op: 'updateRange',
      path: "worksheets/Sheet1/range(address='G1%3AH2')",
      query: '',
      status: 200,
      sessionId,
    });
    stack.emulator.resetCalls();

    const read = await run('getRange', { worksheet: 'Sheet1', address: 'G1:H2' });
    expect(read.status).toBe(200);
    expect(graphCall()).toMatchObject({ op: 'getRange', status: 200, sessionId });
    expect(read.json()).toMatchObject({
      address: 'Sheet1!G1:H2',
      values: [
        ['Checked', 0.25],
        ['By', 0.5],
      ],
      formulas: [
        ['Checked', 0.25],
        ['By', '=H1*2'],
      ],
      numberFormat: [
        ['General', '0.00%'],
        ['General', '0.00'],
      ],
    });
    const sheet = await readSheet('Sheet1');
    expect(sheet.getCell('G1').value).toBe('Checked');
    expect(sheet.getCell('H1').numFmt).toBe('0.00%');
  });

  it('Get the used range reads every used cell, with Values Only left at its default or set', async () => {
    const byDefault = await run('getUsedRange', { worksheet: 'Sheet1' });
    expect(byDefault.status).toBe(200);
    expect(graphCall()).toMatchObject({
      op: 'getUsedRange',
      path: 'worksheets/Sheet1/usedRange(valuesOnly=false)',
      status: 200,
      sessionId,
    });
    expect(byDefault.json()).toMatchObject({ address: expect.stringMatching(/^Sheet1!A1:[A-Z]+\d+$/) });
    stack.emulator.resetCalls();

    const valuesOnly = await run('getUsedRange', { worksheet: 'Sheet1', valuesOnly: true });
    expect(valuesOnly.status).toBe(200);
    expect(graphCall()).toMatchObject({
      op: 'getUsedRange',
      path: 'worksheets/Sheet1/usedRange(valuesOnly=true)',
      status: 200,
    });
    expect((valuesOnly.json().values as unknown[][])[0]?.slice(0, 5)).toEqual([
      'Region',
      'Product',
      'Units',
      'Unit price',
      'Total',
    ]);
  });

  it('List table rows pages through the table with Top Count and Skip Count', async () => {
    const res = await run('listTableRows', { table: 'Sales', $top: 2, $skip: 1 });
    expect(res.status).toBe(200);
    expect(graphCall()).toEqual({
      op: 'listTableRows',
      path: 'tables/Sales/rows',
      query: '$top=2&$skip=1',
      status: 200,
      sessionId,
    });
    expect(res.json().value).toEqual([
      { index: 1, values: [['South', 'Pears', 80, 0.75, 60]] },
      { index: 2, values: [['East', 'Plums', 45, 1.2, 54]] },
    ]);
  });

  it('Add table rows adds a row to the table in the file', async () => {
    const res = await run('addTableRows', {
      table: 'Sales',
      body: { values: [['Central', 'Figs', 12, 2, '=C6*D6']] },
      'Idempotency-Key': 'run-0001-add-figs',
    });
    expect(res.status).toBe(200);
    expect(graphCall()).toEqual({
      op: 'addTableRows',
      path: 'tables/Sales/rows/add',
      query: '',
      status: 200,
      sessionId,
    });
    expect(res.json()).toMatchObject({ values: [['Central', 'Figs', 12, 2, 24]] });

    const sheet = await readSheet('Sheet1');
    const row = sheet.getRow(Number(res.json().index) + 2);
    expect([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value]).toEqual(['Central', 'Figs', 12]);
    // …and it is the table's last row, not just cells written below it.
    const rows = (await run('listTableRows', { table: 'Sales' })).json().value as Array<{ values: unknown[][] }>;
    expect(rows.at(-1)?.values[0]?.slice(0, 3)).toEqual(['Central', 'Figs', 12]);
  });

  it('the free GET and POST reach a one-segment workbook path: add a sheet whose name needs encoding, then use it by name', async () => {
    const added = await run('postWorkbookPath', {
      path: 'worksheets',
      body: { name: "Bob's Q1 (draft)" },
      'Idempotency-Key': 'run-0001-sheet',
    });
    expect(added.status).toBe(201);
    expect(graphCall()).toEqual({ op: 'createWorksheet', path: 'worksheets', query: '', status: 201, sessionId });
    stack.emulator.resetCalls();

    const listed = await run('getWorkbookPath', { path: 'worksheets' });
    expect(listed.status).toBe(200);
    expect(graphCall()).toMatchObject({ op: 'listWorksheets', path: 'worksheets', status: 200, sessionId });
    expect(picked(listed.json(), pickerOf('getRange', 'worksheet'))).toContain("Bob's Q1 (draft)");
    stack.emulator.resetCalls();

    // The picked name, spaces, apostrophe and brackets, travels encoded once and lands on that sheet.
    const written = await run('updateRange', {
      worksheet: "Bob's Q1 (draft)",
      address: 'A1',
      body: { values: [['draft']] },
    });
    expect(written.status).toBe(200);
    expect(graphCall()).toMatchObject({
      op: 'updateRange',
      path: "worksheets/Bob%27s%20Q1%20%28draft%29/range(address='A1')",
      status: 200,
    });
    expect((await readSheet("Bob's Q1 (draft)")).getCell('A1').value).toBe('draft');
  });

  it('refuses a free path of more than one segment, which Power Automate sends with its / encoded, without calling Graph', async () => {
    const res = await run('postWorkbookPath', { path: 'application/calculate', body: { calculationType: 'Full' } });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'badRequest' } });
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('Close session ends the session the actions worked in', async () => {
    const closed = await run('closeSession');
    expect(closed.status).toBe(204);
    expect(graphCall()).toMatchObject({ op: 'closeSession', status: 204, sessionId });
    expect((await run('listTables')).status).toBe(404);
  });
});

interface Picker {
  readonly operationId: string;
  readonly 'value-collection': string;
  readonly 'value-path': string;
}

function pickerOf(operationId: string, parameter: string): Picker {
  const operation = Object.values(api.paths)
    .flatMap((item) => Object.values(item))
    .find((o) => (o as OpenAPIV2.OperationObject).operationId === operationId) as OpenAPIV2.OperationObject | undefined;
  const found = (operation?.parameters as Array<Record<string, unknown>> | undefined)?.find(
    (p) => p.name === parameter,
  );
  return found?.['x-ms-dynamic-values'] as Picker;
}

/** The values a picker offers, read from its listing action's answer the way the designer reads it. */
function picked(answer: Record<string, unknown>, picker: Picker): unknown[] {
  const collection = answer[picker['value-collection']] as Array<Record<string, unknown>>;
  return collection.map((item) => item[picker['value-path']]);
}
