import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO,
  DEMO_DRIVE_ID,
  DEMO_ITEM_ID,
  startGraphEmulator,
  type EmulatorOptions,
  type GraphEmulator,
} from '../dev/graphEmulator';

// The emulator's workbook calls over HTTP against real .xlsx files in a temporary drive folder, each result checked
// twice: in what the caller got, and in the file as exceljs reads it back from disk. Time comes from a fake clock.

const TOKEN = 'Bearer test-token';
const MINUTE = 60_000;

interface Clock {
  t: number;
  now: () => number;
}

function clock(start = Date.UTC(2026, 11, 1, 9)): Clock {
  const c: Clock = { t: start, now: () => c.t };
  return c;
}

const emulators: GraphEmulator[] = [];
const folders: string[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function newFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'drive-'));
  folders.push(folder);
  return folder;
}

async function start(folder: string, options: EmulatorOptions = {}): Promise<GraphEmulator> {
  const emulator = await startGraphEmulator({ drive: { path: folder }, ...options });
  emulators.push(emulator);
  return emulator;
}

async function restart(emulator: GraphEmulator, folder: string, options: EmulatorOptions = {}): Promise<GraphEmulator> {
  await emulator.close();
  emulators.splice(emulators.indexOf(emulator), 1);
  return start(folder, options);
}

function demoUrl(emulator: GraphEmulator, itemId = DEMO_ITEM_ID): string {
  return `${emulator.url}/drives/${encodeURIComponent(DEMO_DRIVE_ID)}/items/${encodeURIComponent(itemId)}/workbook`;
}

async function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: TOKEN,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

async function createSession(emulator: GraphEmulator, persistChanges: boolean): Promise<string> {
  const res = await call(`${demoUrl(emulator)}/createSession`, 'POST', { persistChanges });
  expect(res.status).toBe(201);
  return String(res.json.id);
}

async function fileCells(folder: string, range: string, name = 'Demo.xlsx'): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, name));
  const sheet = workbook.getWorksheet(DEMO.sheet);
  if (sheet === undefined) throw new Error('the demo sheet is missing');
  const [from = '', to = from] = range.split(':');
  const start = sheet.getCell(from);
  const end = sheet.getCell(to);
  const rows: unknown[][] = [];
  for (let r = Number(start.row); r <= Number(end.row); r += 1) {
    const row: unknown[] = [];
    for (let c = Number(start.col); c <= Number(end.col); c += 1) row.push(sheet.findCell(r, c)?.value ?? null);
    rows.push(row);
  }
  return rows;
}

async function fileTableRef(folder: string): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  const table: unknown = workbook.getWorksheet(DEMO.sheet)?.getTable(DEMO.table);
  const model = (table as { table?: { tableRef?: string } } | undefined)?.table;
  return String(model?.tableRef);
}

async function expectGraphError(
  res: { status: number; json: Record<string, unknown> },
  status: number,
  code: string,
  inner?: string,
) {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({
    error: { code, message: expect.any(String), innerError: { 'request-id': expect.any(String) } },
  });
  if (inner !== undefined) expect(res.json).toMatchObject({ error: { innerError: { code: inner } } });
}

describe('the local drive', () => {
  it('makes the demo workbook on first start, lists it, and reuses it unchanged on the next start', async () => {
    const folder = newFolder();
    const first = await start(folder);
    const file = path.join(folder, 'Demo.xlsx');
    expect(first.workbooks()).toEqual([{ driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID, name: 'Demo.xlsx', file }]);
    const admin = await fetch(new URL('/_emulator/workbooks', first.url));
    expect(await admin.json()).toEqual(first.workbooks());
    expect(await fileCells(folder, 'A1:E2')).toEqual([
      [...DEMO.columns],
      ['North', 'Apples', 120, 0.5, { formula: 'C2*D2', result: 60 }],
    ]);

    const made = statSync(file);
    const second = await restart(first, folder);
    expect(second.workbooks()).toEqual(first.workbooks());
    expect(statSync(file).mtimeMs).toBe(made.mtimeMs);
    expect(readdirSync(folder).filter((name) => name.endsWith('.xlsx'))).toEqual(['Demo.xlsx']);
  });

  it('serves a workbook dropped into the folder while running, under an id kept across restarts', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    copyFileSync(path.join(folder, 'Demo.xlsx'), path.join(folder, 'Budget 2027.xlsx'));
    const dropped = emulator.workbooks().find((workbook) => workbook.name === 'Budget 2027.xlsx');
    expect(dropped?.itemId).toMatch(/^01[A-Z2-7]{32}$/);
    const sheets = await call(`${demoUrl(emulator, dropped!.itemId)}/worksheets`);
    expect(sheets.status).toBe(200);

    const again = await restart(emulator, folder);
    expect(again.workbooks().find((workbook) => workbook.name === 'Budget 2027.xlsx')?.itemId).toBe(dropped!.itemId);
  });

  it('answers 404 itemNotFound for an item the drive does not hold', async () => {
    const emulator = await start(newFolder());
    await expectGraphError(await call(`${demoUrl(emulator, '01NOSUCHITEM')}/worksheets`), 404, 'itemNotFound');
  });
});

describe('worksheets', () => {
  it('lists, gets by name in both OData spellings and by id, and adds', async () => {
    const emulator = await start(newFolder());
    const list = await call(`${demoUrl(emulator)}/worksheets`);
    const sheet1 = { id: '{00000000-0001-0000-0000-000000000000}', name: 'Sheet1', position: 0, visibility: 'Visible' };
    expect(list).toMatchObject({ status: 200, json: { value: [sheet1] } });
    for (const spelling of [
      "worksheets('Sheet1')",
      'worksheets/Sheet1',
      'worksheets/sheet1',
      `worksheets/${encodeURIComponent(sheet1.id)}`,
    ]) {
      expect(await call(`${demoUrl(emulator)}/${spelling}`)).toMatchObject({ status: 200, json: sheet1 });
    }

    const added = await call(`${demoUrl(emulator)}/worksheets/add`, 'POST', { name: 'Q1 Notes' });
    expect(added).toMatchObject({
      status: 200,
      json: { name: 'Q1 Notes', position: 1, id: '{00000000-0001-0000-0100-000000000000}' },
    });
    const created = await call(`${demoUrl(emulator)}/worksheets`, 'POST', {});
    expect(created).toMatchObject({ status: 201, json: { name: 'Sheet3', position: 2 } });
    const q1 = await call(`${demoUrl(emulator)}/worksheets('Q1%20Notes')`);
    expect(q1.json.name).toBe('Q1 Notes');
  });

  it('refuses a duplicate or invalid name and an unknown sheet with Graph errors, changing nothing', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const before = statSync(path.join(folder, 'Demo.xlsx')).mtimeMs;
    await expectGraphError(
      await call(`${demoUrl(emulator)}/worksheets/add`, 'POST', { name: 'sheet1' }),
      409,
      'conflict',
      'itemAlreadyExists',
    );
    await expectGraphError(
      await call(`${demoUrl(emulator)}/worksheets/add`, 'POST', { name: 'a/b' }),
      400,
      'badRequest',
      'invalidArgument',
    );
    await expectGraphError(await call(`${demoUrl(emulator)}/worksheets('Nope')`), 404, 'notFound', 'itemNotFound');
    await expectGraphError(
      await call(`${demoUrl(emulator)}/worksheets('Nope')/range(address='A1')`),
      404,
      'notFound',
      'itemNotFound',
    );
    expect(statSync(path.join(folder, 'Demo.xlsx')).mtimeMs).toBe(before);
  });
});

describe('ranges', () => {
  it("gets a range with Graph's shape: values, formulas as stored, number formats, text and value types", async () => {
    const emulator = await start(newFolder());
    const res = await call(`${demoUrl(emulator)}/worksheets('Sheet1')/range(address='C2:E3')`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      address: 'Sheet1!C2:E3',
      addressLocal: 'Sheet1!C2:E3',
      cellCount: 6,
      rowCount: 2,
      columnCount: 3,
      rowIndex: 1,
      columnIndex: 2,
      hidden: false,
      values: [
        [120, 0.5, 60],
        [80, 0.75, 60],
      ],
      formulas: [
        [120, 0.5, '=C2*D2'],
        [80, 0.75, '=C3*D3'],
      ],
      formulasR1C1: [
        [120, 0.5, '=RC[-2]*RC[-1]'],
        [80, 0.75, '=RC[-2]*RC[-1]'],
      ],
      numberFormat: [
        ['General', '#,##0.00', '#,##0.00'],
        ['General', '#,##0.00', '#,##0.00'],
      ],
      text: [
        ['120', '0.50', '60.00'],
        ['80', '0.75', '60.00'],
      ],
      valueTypes: [
        ['Double', 'Double', 'Double'],
        ['Double', 'Double', 'Double'],
      ],
    });
    const empty = await call(`${demoUrl(emulator)}/worksheets/Sheet1/range(address='Sheet1!H1')`);
    expect(empty.json).toMatchObject({
      address: 'Sheet1!H1',
      values: [['']],
      text: [['']],
      valueTypes: [['Empty']],
      formulas: [['']],
    });
  });

  it('writes values, formulas and number formats: null leaves a cell, "" clears it, and the file holds the result', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const url = `${demoUrl(emulator)}/worksheets('Sheet1')/range(address='A2:C2')`;
    const res = await call(url, 'PATCH', {
      values: [['Far North', null, '']],
      numberFormat: [[null, null, '0%']],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      values: [['Far North', 'Apples', '']],
      numberFormat: [['General', 'General', '0%']],
    });
    expect(await fileCells(folder, 'A2:C2')).toEqual([['Far North', 'Apples', null]]);

    const formula = await call(`${demoUrl(emulator)}/worksheets('Sheet1')/range(address='G1:G2')`, 'PATCH', {
      formulas: [['=SUM(C2:C5)'], ['7']],
    });
    // Calculated (C2 was cleared above), and saved with its result as Excel saves a formula.
    expect(formula.json).toMatchObject({ formulas: [['=SUM(C2:C5)'], [7]], values: [[155], [7]] });
    expect(await fileCells(folder, 'G1:G2')).toEqual([[{ formula: 'SUM(C2:C5)', result: 155 }], [7]]);
  });

  it('fills a whole range from a single value', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const res = await call(`${demoUrl(emulator)}/worksheets('Sheet1')/range(address='H1:I2')`, 'PATCH', {
      values: 'x',
    });
    expect(res.json.values).toEqual([
      ['x', 'x'],
      ['x', 'x'],
    ]);
    expect(await fileCells(folder, 'H1:I2')).toEqual([
      ['x', 'x'],
      ['x', 'x'],
    ]);
  });

  it.each([
    ['a shape that does not match the range', "range(address='A1:B2')", { values: [['only one']] }],
    ['a whole column', "range(address='A:B')", { values: 'x' }],
    ['an address that is not one', "range(address='A1:ZZZZ9')", { values: 'x' }],
    ['another sheet in the address', "range(address='Other!A1')", { values: 'x' }],
    ['a cell that is an object', "range(address='A1')", { values: [[{ a: 1 }]] }],
    ['null for the whole property', "range(address='A1')", { values: null }],
  ])('refuses %s with 400 invalidArgument and leaves the file alone', async (_label, segment, body) => {
    const folder = newFolder();
    const emulator = await start(folder);
    const before = statSync(path.join(folder, 'Demo.xlsx')).mtimeMs;
    await expectGraphError(
      await call(`${demoUrl(emulator)}/worksheets('Sheet1')/${segment}`, 'PATCH', body),
      400,
      'badRequest',
      'invalidArgument',
    );
    expect(statSync(path.join(folder, 'Demo.xlsx')).mtimeMs).toBe(before);
    expect(await fileCells(folder, 'A1:B2')).toEqual([
      ['Region', 'Product'],
      ['North', 'Apples'],
    ]);
  });

  it('reads a whole column with its address and counts but no cell arrays, as Graph does past its limits', async () => {
    const emulator = await start(newFolder());
    const res = await call(`${demoUrl(emulator)}/worksheets('Sheet1')/range(address='B:B')`);
    expect(res.json).toMatchObject({ address: 'Sheet1!B:B', cellCount: 1_048_576, values: null, formulas: null });
  });

  it('gives the used range, counting formatted empty cells unless valuesOnly', async () => {
    const emulator = await start(newFolder());
    await call(`${demoUrl(emulator)}/worksheets('Sheet1')/range(address='H9')`, 'PATCH', { numberFormat: [['0.0']] });
    const used = await call(`${demoUrl(emulator)}/worksheets('Sheet1')/usedRange`);
    expect(used.json.address).toBe('Sheet1!A1:H9');
    const valuesOnly = await call(`${demoUrl(emulator)}/worksheets('Sheet1')/usedRange(valuesOnly=true)`);
    expect(valuesOnly.json.address).toBe('Sheet1!A1:E5');
    const blank = await call(`${demoUrl(emulator)}/worksheets/add`, 'POST', { name: 'Blank' });
    expect(blank.status).toBe(200);
    expect((await call(`${demoUrl(emulator)}/worksheets('Blank')/usedRange`)).json).toMatchObject({
      address: 'Blank!A1',
      values: [['']],
    });
  });
});

describe('tables and rows', () => {
  it('lists and gets tables, on the workbook and on a sheet, and lists rows with $top and $skip', async () => {
    const emulator = await start(newFolder());
    const sales = { id: '1', name: 'Sales', showHeaders: true, showTotals: false, style: 'TableStyleMedium2' };
    expect((await call(`${demoUrl(emulator)}/tables`)).json).toMatchObject({ value: [sales] });
    expect((await call(`${demoUrl(emulator)}/worksheets('Sheet1')/tables`)).json).toMatchObject({ value: [sales] });
    expect((await call(`${demoUrl(emulator)}/tables('Sales')`)).json).toMatchObject(sales);
    expect((await call(`${demoUrl(emulator)}/tables/1`)).json).toMatchObject(sales);
    await expectGraphError(await call(`${demoUrl(emulator)}/tables('Nope')/rows`), 404, 'notFound', 'itemNotFound');

    const rows = await call(`${demoUrl(emulator)}/tables('Sales')/rows?$skip=1&$top=2`);
    expect(rows.json).toEqual({
      value: [
        { index: 1, values: [['South', 'Pears', 80, 0.75, 60]] },
        { index: 2, values: [['East', 'Plums', 45, 1.2, 54]] },
      ],
    });
  });

  it('adds rows at the end with rows/add (200) and at an index with POST rows (201), growing the table in the file', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const added = await call(`${demoUrl(emulator)}/tables('Sales')/rows/add`, 'POST', {
      index: null,
      values: [['North', 'Figs', '10', 2, '=C6*D6']],
    });
    expect(added).toMatchObject({ status: 200, json: { index: 4, values: [['North', 'Figs', 10, 2, 20]] } });
    const inserted = await call(`${demoUrl(emulator)}/tables/Sales/rows`, 'POST', {
      index: 0,
      values: [['Top', 'Limes', 1, 1, 1]],
    });
    expect(inserted).toMatchObject({ status: 201, json: { index: 0, values: [['Top', 'Limes', 1, 1, 1]] } });

    expect(await fileTableRef(folder)).toBe('A1:E7');
    const cells = await fileCells(folder, 'A2:C7');
    expect(cells.map((row) => row[0])).toEqual(['Top', 'North', 'South', 'East', 'West', 'North']);
    expect(cells[5]).toEqual(['North', 'Figs', 10]);
    const rows = await call(`${demoUrl(emulator)}/tables('Sales')/rows`);
    expect((rows.json.value as unknown[]).length).toBe(6);
  });

  it('refuses rows of the wrong width or a bad index and adds nothing', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const url = `${demoUrl(emulator)}/tables('Sales')/rows/add`;
    await expectGraphError(
      await call(url, 'POST', { values: [['too', 'short']] }),
      400,
      'badRequest',
      'invalidArgument',
    );
    await expectGraphError(
      await call(url, 'POST', { index: 99, values: [['a', 'b', 1, 1, 1]] }),
      400,
      'badRequest',
      'invalidArgument',
    );
    await expectGraphError(await call(url, 'POST', { values: [] }), 400, 'badRequest', 'invalidArgument');
    await expectGraphError(await call(url, 'POST', '{not json'), 400, 'badRequest', 'invalidArgument');
    const garbled = await fetch(url, { method: 'POST', headers: { authorization: TOKEN }, body: '{not json' });
    expect(garbled.status).toBe(400);
    expect(await fileTableRef(folder)).toBe('A1:E5');
  });
});

describe("Excel's session rules, seen in the file", () => {
  it('saves a write in a persistent session to the .xlsx', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const id = await createSession(emulator, true);
    const write = await call(
      `${demoUrl(emulator)}/worksheets('Sheet1')/range(address='A2')`,
      'PATCH',
      { values: [['Persisted']] },
      {
        'workbook-session-id': id,
      },
    );
    expect(write.status).toBe(200);
    expect(await fileCells(folder, 'A2')).toEqual([['Persisted']]);
  });

  it('keeps a write in a non-persistent session inside that session, and throws it away when the session closes', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const id = await createSession(emulator, false);
    const inSession = { 'workbook-session-id': id };
    const range = `${demoUrl(emulator)}/worksheets('Sheet1')/range(address='A2')`;
    expect((await call(range, 'PATCH', { values: [['Scratch']] }, inSession)).status).toBe(200);
    await call(`${demoUrl(emulator)}/tables('Sales')/rows/add`, 'POST', { values: [['x', 'y', 1, 1, 1]] }, inSession);

    expect((await call(range, 'GET', undefined, inSession)).json.values).toEqual([['Scratch']]);
    expect((await call(range)).json.values).toEqual([['North']]);
    expect(await fileCells(folder, 'A2')).toEqual([['North']]);
    expect(await fileTableRef(folder)).toBe('A1:E5');
    const copies = path.join(folder, '.emulator', 'sessions');
    expect(readdirSync(copies)).toHaveLength(1);

    expect((await call(`${demoUrl(emulator)}/closeSession`, 'POST', undefined, inSession)).status).toBe(204);
    await expectGraphError(
      await call(range, 'GET', undefined, inSession),
      404,
      'ItemNotFound',
      'invalidSessionReCreatable',
    );
    expect(readdirSync(copies)).toHaveLength(0);
    const next = await createSession(emulator, false);
    expect((await call(range, 'GET', undefined, { 'workbook-session-id': next })).json.values).toEqual([['North']]);
  });

  it('restarts the idle clock on every call in the session and ends the session after Excel’s idle time', async () => {
    const c = clock();
    const folder = newFolder();
    const emulator = await start(folder, { now: c.now });
    const id = await createSession(emulator, true);
    const inSession = { 'workbook-session-id': id };
    const sheets = `${demoUrl(emulator)}/worksheets`;
    for (let n = 0; n < 3; n += 1) {
      c.t += 4 * MINUTE;
      expect((await call(sheets, 'GET', undefined, inSession)).status).toBe(200);
    }
    expect(emulator.activeSessions()[0]?.lastActivityAt).toBe(c.t);
    c.t += 5 * MINUTE;
    await expectGraphError(
      await call(sheets, 'GET', undefined, inSession),
      404,
      'ItemNotFound',
      'invalidSessionReCreatable',
    );
  });

  it('throws away an expired non-persistent session’s copy and never saves its writes', async () => {
    const c = clock();
    const folder = newFolder();
    const emulator = await start(folder, { now: c.now });
    const id = await createSession(emulator, false);
    await call(
      `${demoUrl(emulator)}/worksheets('Sheet1')/range(address='B2')`,
      'PATCH',
      { values: 'gone' },
      { 'workbook-session-id': id },
    );
    c.t += 8 * MINUTE;
    expect((await call(`${demoUrl(emulator)}/worksheets`)).status).toBe(200);
    expect(readdirSync(path.join(folder, '.emulator', 'sessions'))).toEqual([]);
    expect(await fileCells(folder, 'B2')).toEqual([['Apples']]);
  });

  it('refuses a session of another workbook and writes nothing', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    emulator.addWorkbook(DEMO_DRIVE_ID, '01OTHER');
    const res = await call(`${demoUrl(emulator, '01OTHER')}/createSession`, 'POST', { persistChanges: true });
    const write = await call(
      `${demoUrl(emulator)}/worksheets('Sheet1')/range(address='A2')`,
      'PATCH',
      { values: 'no' },
      {
        'workbook-session-id': String(res.json.id),
      },
    );
    await expectGraphError(write, 404, 'ItemNotFound', 'invalidSessionReCreatable');
    expect(await fileCells(folder, 'A2')).toEqual([['North']]);
  });
});

describe('long-running row adds', () => {
  it('answers 202 in a session with respond-async when asked to, then the operation and its row result', async () => {
    const c = clock();
    const folder = newFolder();
    const emulator = await start(folder, { now: c.now });
    const settings = await fetch(new URL('/_emulator/settings', emulator.url), {
      method: 'PATCH',
      body: '{"asyncRowsMs":30000}',
    });
    expect(await settings.json()).toEqual({ asyncCreateMs: 0, asyncRowsMs: 30000, contention: false });
    const id = await createSession(emulator, true);
    const headers = { 'workbook-session-id': id, prefer: 'respond-async' };
    const res = await call(
      `${demoUrl(emulator)}/tables('Sales')/rows`,
      'POST',
      { values: [['Late', 'Kiwis', 3, 1, 3]] },
      headers,
    );
    expect(res.status).toBe(202);
    expect(res.json).toEqual({});
    const location = res.headers.get('location') ?? '';
    expect(location).toMatch(
      new RegExp(`^${demoUrl(emulator).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/operations/[0-9a-f-]{36}\\?sessionId=`),
    );
    expect(new URL(location).searchParams.get('sessionId')).toBe(id);

    expect((await call(location, 'GET', undefined, { 'workbook-session-id': id })).json).toMatchObject({
      status: 'running',
    });
    c.t += 30_000;
    const done = await call(location, 'GET', undefined, { 'workbook-session-id': id });
    expect(done.json).toMatchObject({
      status: 'succeeded',
      resourceLocation: expect.stringContaining('/workbook/tableRowOperationResult(key='),
    });
    const result = await call(String(done.json.resourceLocation), 'GET', undefined, { 'workbook-session-id': id });
    expect(result).toMatchObject({ status: 200, json: { index: 4, values: [['Late', 'Kiwis', 3, 1, 3]] } });
    expect(await fileTableRef(folder)).toBe('A1:E6');

    // Without a session the same request is an ordinary 201, as the table-post-rows page says.
    const sessionless = await call(
      `${demoUrl(emulator)}/tables('Sales')/rows`,
      'POST',
      { values: [['Now', 'Kiwis', 1, 1, 1]] },
      { prefer: 'respond-async' },
    );
    expect(sessionless.status).toBe(201);
  });
});

describe('a restart', () => {
  it('keeps sessions, their idle clocks and a non-persistent session’s private writes', async () => {
    const c = clock();
    const folder = newFolder();
    const first = await start(folder, { now: c.now });
    const persistent = await createSession(first, true);
    const scratch = await createSession(first, false);
    const range = (emulator: GraphEmulator) => `${demoUrl(emulator)}/worksheets('Sheet1')/range(address='A3')`;
    await call(range(first), 'PATCH', { values: 'private' }, { 'workbook-session-id': scratch });
    c.t += 2 * MINUTE;

    const second = await restart(first, folder, { now: c.now });
    expect(
      second
        .activeSessions()
        .map((session) => session.id)
        .sort(),
    ).toEqual([persistent, scratch].sort());
    expect(
      (await call(`${demoUrl(second)}/refreshSession`, 'POST', undefined, { 'workbook-session-id': persistent }))
        .status,
    ).toBe(204);
    expect((await call(range(second), 'GET', undefined, { 'workbook-session-id': scratch })).json.values).toEqual([
      ['private'],
    ]);
    expect(await fileCells(folder, 'A3')).toEqual([['South']]);

    c.t += 4 * MINUTE; // both were used 4 minutes ago: under 5 (persistent) and 7 (non-persistent) idle minutes
    const third = await restart(second, folder, { now: c.now });
    expect(third.activeSessions()).toHaveLength(2);
    c.t += 2 * MINUTE;
    expect(third.activeSessions().map((session) => session.id)).toEqual([scratch]);
    c.t += 1 * MINUTE;
    expect(third.activeSessions()).toHaveLength(0);
  });
});

describe('what tests and benchmarks see', () => {
  it('records method, raw path, query and the headers that matter, never the token', async () => {
    const emulator = await start(newFolder());
    const id = await createSession(emulator, true);
    await call(`${demoUrl(emulator)}/tables('Sales')/rows?$top=1`, 'GET', undefined, {
      'workbook-session-id': id,
      'client-request-id': 'abc',
    });
    const last = emulator.calls().at(-1);
    expect(last).toMatchObject({
      method: 'GET',
      path: `/v1.0/drives/${encodeURIComponent(DEMO_DRIVE_ID)}/items/${DEMO_ITEM_ID}/workbook/tables('Sales')/rows`,
      query: '$top=1',
      op: 'listTableRows',
      sessionId: id,
      status: 200,
      headers: { 'workbook-session-id': id, 'client-request-id': 'abc' },
    });
    expect(JSON.stringify(emulator.calls())).not.toContain('test-token');
  });

  it('applies a fault by method and path pattern, after acting when asked ("done, then the answer was lost")', async () => {
    const folder = newFolder();
    const emulator = await start(folder);
    const rule = { method: 'POST', path: 'rows/add$', kind: 'status', status: 504, afterEffect: true, times: 1 };
    expect(
      (await fetch(new URL('/_emulator/faults', emulator.url), { method: 'POST', body: JSON.stringify(rule) })).status,
    ).toBe(201);
    expect((await call(`${demoUrl(emulator)}/tables('Sales')/rows`)).status).toBe(200); // a GET does not match
    const res = await call(`${demoUrl(emulator)}/tables('Sales')/rows/add`, 'POST', { values: [['a', 'b', 1, 1, 1]] });
    expect(res.status).toBe(504);
    expect(await fileTableRef(folder)).toBe('A1:E6');
    expect(emulator.calls().at(-1)).toMatchObject({ op: 'addTableRows', status: 504, faulted: true });
  });

  it('counts calls in flight per workbook, and with contention on answers an overlapping call 429', async () => {
    const emulator = await start(newFolder());
    emulator.addFault({ op: 'listWorksheets', kind: 'latency', latencyMs: 100 });
    const sheets = `${demoUrl(emulator)}/worksheets`;
    const both = await Promise.all([call(sheets), call(sheets)]);
    expect(both.map((res) => res.status)).toEqual([200, 200]);
    const report = emulator.concurrency();
    expect(report.workbooks).toEqual([{ driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID, inFlight: 0, maxInFlight: 2 }]);
    expect(report.maxInFlight).toBe(2);

    emulator.resetConcurrency();
    emulator.configure({ contention: true });
    const contended = await Promise.all([call(sheets), call(sheets)]);
    expect(contended.map((res) => res.status).sort()).toEqual([200, 429]);
    expect(contended.find((res) => res.status === 429)?.headers.get('retry-after')).toBe('1');
    expect(emulator.concurrency().workbooks[0]?.maxInFlight).toBe(2);
    const alone = await call(sheets);
    expect(alone.status).toBe(200);
  });

  it('refuses an unknown or invalid setting over the admin API', async () => {
    const emulator = await start(newFolder());
    const settings = new URL('/_emulator/settings', emulator.url);
    expect((await fetch(settings, { method: 'PATCH', body: '{"asyncRowMs":1}' })).status).toBe(400);
    expect((await fetch(settings, { method: 'PATCH', body: '{"contention":"yes"}' })).status).toBe(400);
    expect(emulator.settings()).toEqual({ asyncCreateMs: 0, asyncRowsMs: 0, contention: false });
    expect(existsSync(path.join(emulator.workbooks()[0]!.file!))).toBe(true);
  });
});
