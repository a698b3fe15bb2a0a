import SwaggerParser from '@apidevtools/swagger-parser';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { OpenAPIV2 } from 'openapi-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';
import { operationOf, powerAutomateRequest, type ActionInputs } from './support/powerAutomateRequest';

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
  // A folder with a workbook and a file that is not one, for the file picker.
  mkdirSync(path.join(folder, 'Archive'));
  copyFileSync(path.join(folder, 'Demo.xlsx'), path.join(folder, 'Archive', 'Old.xlsx'));
  writeFileSync(path.join(folder, 'notes.txt'), 'not a workbook');
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
  const taken = new Set(
    (operationOf(api, operationId).operation.parameters as Array<{ name: string }>).map((p) => p.name),
  );
  const given = Object.entries({ ...DEMO, ...sessionHeader }).filter(([name]) => taken.has(name));
  const request = powerAutomateRequest(api, operationId, { ...Object.fromEntries(given), ...inputs }, stack.url);
  const res = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.body ? { body: request.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
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

const HEADERS = ['Region', 'Product', 'Units', 'Unit price', 'Total'];

/** The Sales table's body rows in the file, each as its cells in column order. */
async function tableRows(): Promise<unknown[][]> {
  const sheet = await readSheet('Sheet1');
  const table = sheet.getTable('Sales') as unknown as { table: { tableRef: string } };
  const [from, to] = table.table.tableRef.split(':') as [string, string];
  const rows: unknown[][] = [];
  for (let r = Number(sheet.getCell(from).row) + 1; r <= Number(sheet.getCell(to).row); r += 1) {
    rows.push(HEADERS.map((_, c) => sheet.getRow(r).getCell(c + 1).value));
  }
  return rows;
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

  it('List drives answers none when the broker serves every drive, which the Drive field tells the maker', async () => {
    const res = await run('listDrives');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ value: [] });
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('Get a drive, and the file tree: folders first, then .xlsx files, each saying whether it is a folder', async () => {
    const drive = await run('getDrive');
    expect(drive.status).toBe(200);
    expect(drive.json()).toMatchObject({ id: DEMO_DRIVE_ID, driveType: 'business' });
    const root = await run('listDriveRootChildren');
    expect(root.status).toBe(200);
    const items = root.json().value as Array<{ id: string; name: string; isFolder: boolean }>;
    expect(items.map((item) => [item.name, item.isFolder])).toEqual([
      ['Archive', true],
      ['Demo.xlsx', false],
    ]);
    expect(items[1]?.id).toBe(DEMO_ITEM_ID);
    const archive = await run('listDriveItemChildren', { folderId: items[0]!.id });
    expect(archive.status).toBe(200);
    expect((archive.json().value as Array<{ name: string }>).map((item) => item.name)).toEqual(['Old.xlsx']);
  });

  it("List table columns and the table's row fields: one per column, in order, without a session", async () => {
    const columns = await run('listTableColumns', { table: 'Sales' });
    expect(columns.status).toBe(200);
    expect(picked(columns.json(), pickerOf('updateRow', 'keyColumn'))).toEqual(HEADERS);
    // Names only: Graph is asked for no column's values, and answers none.
    expect(stack.emulator.calls()[0]?.query).toBe('$select=name');
    for (const column of columns.json().value as Array<Record<string, unknown>>)
      expect(column).not.toHaveProperty('values');
    const schema = await run('getTableSchema', { table: 'Sales' });
    expect(schema.status).toBe(200);
    expect(schema.json()).toMatchObject({ name: 'Sales', schema: { type: 'object' } });
    const properties = (schema.json().schema as { properties: Record<string, { type: string }> }).properties;
    expect(Object.keys(properties)).toEqual(HEADERS);
    for (const call of stack.emulator.calls()) expect(call.sessionId, call.op).toBeUndefined();
  });

  it('Add a row, and Add rows, by named columns: in the session, into the file', async () => {
    const one = await run('addRow', {
      table: 'Sales',
      body: { Region: 'West', Product: 'Kiwis', Units: 7, 'Unit price': 3 },
      'Idempotency-Key': 'run-0001-add-kiwis',
    });
    expect(one.status, one.text).toBe(201);
    expect(one.json()).toMatchObject({ Region: 'West', Product: 'Kiwis', Units: 7, 'Unit price': 3 });
    const many = await run('addRows', {
      table: 'Sales',
      body: [
        { Region: 'West', Product: 'Limes', Units: 5 },
        { Region: 'West', Product: 'Mangos', Units: 6 },
      ],
      'Idempotency-Key': 'run-0001-add-limes-mangos',
    });
    expect(many.status, many.text).toBe(201);
    expect(many.json().value).toEqual([
      expect.objectContaining({ Product: 'Limes', Units: 5 }),
      expect.objectContaining({ Product: 'Mangos', Units: 6 }),
    ]);
    const adds = stack.emulator.calls().filter((call) => call.method === 'POST');
    expect(adds.length).toBeGreaterThan(0);
    for (const call of adds) expect(call.sessionId, call.op).toBe(sessionId);
    expect((await tableRows()).slice(-3).map((row) => row.slice(0, 3))).toEqual([
      ['West', 'Kiwis', 7],
      ['West', 'Limes', 5],
      ['West', 'Mangos', 6],
    ]);
  });

  it('Get, Update and Delete a row by its key column; the update is done once under its key', async () => {
    const got = await run('getRow', { table: 'Sales', keyColumn: 'Product', keyValue: 'Kiwis' });
    expect(got.status, got.text).toBe(200);
    expect(got.json()).toMatchObject({ Region: 'West', Product: 'Kiwis', Units: 7 });

    const update = { table: 'Sales', keyColumn: 'Product', keyValue: 'Kiwis', body: { Units: 9 } };
    const updated = await run('updateRow', { ...update, 'Idempotency-Key': 'run-0001-update-kiwis' });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json()).toMatchObject({ Region: 'West', Product: 'Kiwis', Units: 9 });
    stack.emulator.resetCalls();
    const again = await run('updateRow', { ...update, 'Idempotency-Key': 'run-0001-update-kiwis' });
    expect([again.status, again.json()]).toEqual([200, updated.json()]);
    expect(stack.emulator.calls().filter((call) => call.method === 'PATCH')).toEqual([]);

    const deleted = await run('deleteRow', { table: 'Sales', keyColumn: 'Product', keyValue: 'Mangos' });
    expect(deleted.status, deleted.text).toBe(204);
    const rows = await tableRows();
    expect(rows.filter((row) => row[1] === 'Kiwis').map((row) => row[2])).toEqual([9]);
    expect(rows.some((row) => row[1] === 'Mangos')).toBe(false);
    const gone = await run('getRow', { table: 'Sales', keyColumn: 'Product', keyValue: 'Mangos' });
    expect(gone.status).toBe(404);
    expect(gone.json()).toMatchObject({ error: { code: 'itemNotFound' } });
  });

  it('List rows present in a table answers objects, a page at a time, or only the rows a column filter keeps', async () => {
    const page = await run('listRows', { table: 'Sales', $top: 2, $skip: 1 });
    expect(page.status, page.text).toBe(200);
    expect(page.json().value).toEqual([
      expect.objectContaining({ Region: 'South', Product: 'Pears', Units: 80 }),
      expect.objectContaining({ Region: 'East', Product: 'Plums', Units: 45 }),
    ]);
    const west = await run('listRows', { table: 'Sales', filterColumn: 'Region', filterValue: 'West' });
    expect(west.status).toBe(200);
    const inFile = (await tableRows()).filter((row) => row[0] === 'West').map((row) => row[1]);
    expect(inFile).toEqual(expect.arrayContaining(['Kiwis', 'Limes']));
    expect((west.json().value as Array<{ Product: string }>).map((row) => row.Product)).toEqual(inFile);
  });

  it('refuses a field the table has no column for, naming it, and writes nothing', async () => {
    const before = await tableRows();
    const res = await run('addRow', { table: 'Sales', body: { Region: 'West', Colour: 'green' } });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'badRequest', message: expect.stringContaining('Colour') } });
    expect(stack.emulator.calls().filter((call) => call.method !== 'GET')).toEqual([]);
    expect(await tableRows()).toEqual(before);
  });

  it('the free calls reach any workbook path, slashes and all: add a sheet, calculate, write and read a range, delete a row', async () => {
    const sheet = "Bob's Q1 (draft)";
    const added = await run('postWorkbookPath', {
      path: 'worksheets',
      body: { name: sheet },
      'Idempotency-Key': 'run-0001-sheet',
    });
    expect(added.status).toBe(201);
    expect(graphCall()).toEqual({ op: 'createWorksheet', path: 'worksheets', query: '', status: 201, sessionId });
    stack.emulator.resetCalls();

    const calculated = await run('postWorkbookPath', {
      path: 'application/calculate',
      body: { calculationType: 'Full' },
    });
    expect(calculated.status).toBeLessThan(300);
    expect(graphCall()).toMatchObject({ path: 'application/calculate', sessionId });
    stack.emulator.resetCalls();

    const written = await run('patchWorkbookPath', {
      path: `worksheets/${sheet}/range(address='A1:B1')`,
      body: { values: [['draft', 2]] },
    });
    expect(written.status, written.text).toBe(200);
    expect(graphCall()).toMatchObject({ op: 'updateRange', status: 200, sessionId });
    expect((await readSheet(sheet)).getCell('A1').value).toBe('draft');
    stack.emulator.resetCalls();

    const read = await run('getWorkbookPath', { path: `worksheets/${sheet}/range(address='A1:B1')?$select=values` });
    expect(read.status).toBe(200);
    expect(read.json()).toMatchObject({ values: [['draft', 2]] });
    expect(graphCall()).toMatchObject({ op: 'getRange', query: '$select=values', sessionId });
    stack.emulator.resetCalls();

    const last = (await tableRows()).length - 1;
    const deleted = await run('deleteWorkbookPath', { path: `tables/Sales/rows/itemAt(index=${last})` });
    expect(deleted.status, deleted.text).toBe(204);
    expect(graphCall()).toMatchObject({ op: 'deleteTableRow', status: 204, sessionId });
    expect((await tableRows()).some((row) => row[1] === 'Limes')).toBe(false);
  });

  it('the free calls declare what a long create answers through them: 202 with Location, and 202 from its poll', async () => {
    const declared = (id: string, status: number) => operationOf(api, id).operation.responses[String(status)];
    stack.emulator.configure({ asyncCreateMs: 100_000 });
    try {
      const started = await run('postWorkbookPath', { path: 'createSession', body: { persistChanges: false } });
      expect(started.status, started.text).toBe(202);
      expect(declared('postWorkbookPath', 202)).toMatchObject({ headers: { Location: {}, 'Retry-After': {} } });
      const operation = /\/workbook\/(operations\/[^/?]+)$/.exec(started.headers.get('location') ?? '')?.[1];
      expect(operation).toBeDefined();
      const polled = await run('getWorkbookPath', { path: operation });
      expect(polled.status, polled.text).toBe(202);
      expect(declared('getWorkbookPath', 202)).toBeDefined();
    } finally {
      stack.emulator.configure({ asyncCreateMs: 0 });
    }
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
