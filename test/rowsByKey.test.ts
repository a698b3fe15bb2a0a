import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';

// The broker's own row operations (api/broker/…): rows as objects keyed by the table's column names, found and
// changed by a key column, against the Graph emulator over a real .xlsx. Each test checks the answer, the Graph calls
// the broker made for it (in order, in one turn) and what the file holds afterwards.

const ITEM = `drives/${encodeURIComponent(DEMO_DRIVE_ID)}/items/${DEMO_ITEM_ID}`;

let stack: BrokerStack;
let folder: string;

async function freshStack() {
  await stack?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = mkdtempSync(path.join(tmpdir(), 'rows-by-key-'));
  stack = await startBrokerStack({ emulator: { drive: { path: folder } } });
}
beforeEach(async () => {
  await freshStack();
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function call(method: string, rest: string, init: { body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${stack.url}/api/broker/${ITEM}/${rest}`, {
    method,
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** The Graph calls the broker made, as `METHOD path-after-tables/Sales/`. */
function graphCalls(): string[] {
  return stack.emulator.calls().map((c) => {
    const at = c.path.indexOf('/workbook/tables/');
    const rest = at < 0 ? c.path : decodeURIComponent(c.path.slice(at + '/workbook/tables/'.length));
    return `${c.method} ${rest}`;
  });
}

async function tableRows(): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  const sheet = workbook.getWorksheet('Sheet1');
  const rows: unknown[][] = [];
  sheet?.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1, 6);
    rows.push(values.map((v) => (typeof v === 'object' && v !== null && 'result' in v ? v.result : v)));
  });
  return rows;
}

describe("the broker's row operations: rows as named columns", () => {
  it('answers a JSON schema of one row, one field per column in column order, typed from the first rows', async () => {
    const res = await call('GET', 'tables/Sales/schema');
    expect(res.status).toBe(200);
    const { name, schema } = res.json() as { name: string; schema: { properties: Record<string, { type: string }> } };
    expect(name).toBe('Sales');
    expect(Object.keys(schema.properties)).toEqual(['Region', 'Product', 'Units', 'Unit price', 'Total']);
    expect(Object.values(schema.properties).map((p) => p.type)).toEqual([
      'string',
      'string',
      'number',
      'number',
      'number',
    ]);
    expect(schema.properties.Region).toMatchObject({ 'x-ms-summary': 'Region' });
    expect(graphCalls()).toEqual(['GET Sales/columns', 'GET Sales/rows']);
    expect(stack.emulator.calls()[1]?.query).toBe('$top=50&$skip=0');
    // A column that holds text in one row of the sample takes text.
    await call('POST', 'tables/Sales/row', { body: { Region: 'X', Units: 'a dozen' } });
    const mixed = await call('GET', 'tables/Sales/schema');
    const types = (mixed.json().schema as { properties: Record<string, { type: string }> }).properties;
    expect([types.Units?.type, types['Unit price']?.type]).toEqual(['string', 'number']);
  });

  it('adds a row given as an object in column order, a column left out staying empty', async () => {
    const res = await call('POST', 'tables/Sales/row', { body: { Units: 12, Region: 'Central', Product: 'Kiwis' } });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ Region: 'Central', Product: 'Kiwis', Units: 12 });
    expect(graphCalls()).toEqual(['GET Sales/columns', 'POST Sales/rows/add']);
    const added = (await tableRows()).at(-1);
    expect(added?.slice(0, 3)).toEqual(['Central', 'Kiwis', 12]);
    expect(added?.[3] ?? null).toBeNull();
  });

  it('adds several rows given as an array of objects', async () => {
    const res = await call('POST', 'tables/Sales/rows', {
      body: [
        { Region: 'North', Product: 'Figs', Units: 1, 'Unit price': 2 },
        { Region: 'South', Product: 'Dates', Units: 3, 'unit PRICE': 4 },
      ],
    });
    expect(res.status).toBe(201);
    expect((res.json().value as unknown[]).length).toBe(2);
    expect((await tableRows()).slice(-2).map((row) => row.slice(0, 4))).toEqual([
      ['North', 'Figs', 1, 2],
      ['South', 'Dates', 3, 4],
    ]);
  });

  it('refuses a field that names no column with 400 naming it, and writes nothing', async () => {
    const before = await tableRows();
    const res = await call('POST', 'tables/Sales/row', { body: { Region: 'X', Colour: 'red' } });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'badRequest' } });
    expect(String((res.json().error as { message: string }).message)).toContain('"Colour"');
    expect(graphCalls()).toEqual(['GET Sales/columns']);
    expect(await tableRows()).toEqual(before);
  });

  it.each([
    ['an array for one row', 'row', [{ Region: 'X' }]],
    ['an empty array of rows', 'rows', []],
    ['an object as a cell', 'row', { Region: { nested: true } }],
  ])('refuses %s with 400 and no Graph call that writes', async (_name, part, body) => {
    const res = await call('POST', `tables/Sales/${part}`, { body });
    expect(res.status).toBe(400);
    expect(graphCalls().filter((c) => !c.startsWith('GET'))).toEqual([]);
  });
});

describe("the broker's row operations: rows by key", () => {
  it('gets the first row whose key column holds the key value, as an object', async () => {
    const res = await call('GET', 'tables/Sales/row?keyColumn=Region&keyValue=East');
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ Region: 'East', Product: 'Plums', Units: 45, 'Unit price': 1.2, Total: 54 });
    expect(graphCalls()).toEqual([
      'GET Sales/columns',
      'GET Sales/columns/1/dataBodyRange',
      'GET Sales/rows/itemAt(index=2)',
    ]);
  });

  it.each(['..', 'Y/N', '3'])(
    'finds the key column %j by its id, never by a name that could mean another path',
    async (name) => {
      const header = [['Region', name, 'Units', 'Unit price', 'Total']];
      const renamed = await fetch(`${stack.url}/api/${ITEM}/workbook/tables/Sales/headerRowRange`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ values: header }),
      });
      expect(renamed.status).toBe(200);
      stack.emulator.resetCalls();
      const res = await call('DELETE', `tables/Sales/row?keyColumn=${encodeURIComponent(name)}&keyValue=Pears`);
      expect(res.status, res.text).toBe(204);
      expect(graphCalls()).toEqual([
        'GET Sales/columns',
        'GET Sales/columns/2/dataBodyRange',
        'DELETE Sales/rows/itemAt(index=1)',
      ]);
      expect((await tableRows()).map((row) => row[0])).toEqual(['North', 'East', 'West']);
    },
  );

  it('answers 404 itemNotFound when no row holds the key, and 400 for a key column that is not one', async () => {
    const missing = await call('GET', 'tables/Sales/row?keyColumn=Region&keyValue=Nowhere');
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'itemNotFound' } });
    const blank = await call('DELETE', 'tables/Sales/row?keyColumn=Region&keyValue=');
    expect(blank.status).toBe(400);
    expect(graphCalls()).toEqual(['GET Sales/columns', 'GET Sales/columns/1/dataBodyRange']);
    const bad = await call('GET', 'tables/Sales/row?keyColumn=Colour&keyValue=red');
    expect(bad.status).toBe(400);
    expect(String((bad.json().error as { message: string }).message)).toContain('"Colour"');
  });

  it('updates only the columns given, leaving the others (the Total formula too) as they were', async () => {
    const res = await call('PATCH', 'tables/Sales/row?keyColumn=Product&keyValue=Pears', { body: { Units: 100 } });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ Region: 'South', Product: 'Pears', Units: 100, 'Unit price': 0.75, Total: 75 });
    expect(graphCalls()).toEqual([
      'GET Sales/columns',
      'GET Sales/columns/2/dataBodyRange',
      'PATCH Sales/rows/itemAt(index=1)',
    ]);
    expect((await tableRows())[1]).toEqual(['South', 'Pears', 100, 0.75, 75]);
  });

  it('deletes the row by key, and an Idempotency-Key makes a repeat replay instead of deleting the next row', async () => {
    const headers = { 'Idempotency-Key': 'run-42-delete' };
    const first = await call('DELETE', 'tables/Sales/row?keyColumn=Region&keyValue=South', { headers });
    const repeat = await call('DELETE', 'tables/Sales/row?keyColumn=Region&keyValue=South', { headers });
    expect([first.status, repeat.status]).toEqual([204, 204]);
    expect(graphCalls().filter((c) => c.startsWith('DELETE'))).toEqual(['DELETE Sales/rows/itemAt(index=1)']);
    expect((await tableRows()).map((row) => row[0])).toEqual(['North', 'East', 'West']);
    const again = await call('DELETE', 'tables/Sales/row?keyColumn=Region&keyValue=South');
    expect(again.status).toBe(404);
  });

  it('frees the Idempotency-Key of a keyed write that failed before writing, so its repeat is done', async () => {
    stack.emulator.addFault({ kind: 'status', status: 504, path: 'tables/Sales/columns$', times: 4 });
    const headers = { 'Idempotency-Key': 'run-43-delete' };
    const failed = await call('DELETE', 'tables/Sales/row?keyColumn=Region&keyValue=South', { headers });
    expect(failed.status).toBe(504);
    expect(graphCalls().every((c) => c.startsWith('GET'))).toBe(true);
    const repeat = await call('DELETE', 'tables/Sales/row?keyColumn=Region&keyValue=South', { headers });
    expect(repeat.status).toBe(204);
    expect(graphCalls().filter((c) => c.startsWith('DELETE'))).toEqual(['DELETE Sales/rows/itemAt(index=1)']);
    expect((await tableRows()).map((row) => row[0])).toEqual(['North', 'East', 'West']);
  });

  it('finds and changes in one turn: a call to the same workbook sent meanwhile reaches Graph only after', async () => {
    stack.emulator.addFault({ kind: 'latency', latencyMs: 400, path: 'columns/.*/dataBodyRange$', times: 1 });
    const update = call('PATCH', 'tables/Sales/row?keyColumn=Region&keyValue=West', { body: { Units: 31 } });
    // Sent while the update's second Graph call (the key column, slowed) is at Graph: the update is mid-way.
    await until(() => stack.emulator.calls().length === 1 && stack.emulator.concurrency().inFlight === 1);
    const sentAt = performance.now();
    const other = fetch(`${stack.url}/api/${ITEM}/workbook/tables/Sales/rows/add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ values: [['Other', 'Limes', 1, 1, null]] }),
    });
    const [updated, added] = await Promise.all([update, other]);
    expect([updated.status, added.status]).toEqual([200, 200]);
    const calls = stack.emulator.calls();
    const sentOther = calls.findIndex((c) => c.path.endsWith('/rows/add'));
    // The overlap happened: the other call was sent before the update's last Graph call; it reached Graph after.
    expect(sentAt).toBeLessThan(calls[2]?.receivedMs ?? -Infinity);
    expect(calls[sentOther]?.receivedMs).toBeGreaterThan(calls[2]?.answeredMs ?? Infinity);
    expect(graphCalls().slice(0, 4)).toEqual([
      'GET Sales/columns',
      'GET Sales/columns/1/dataBodyRange',
      'PATCH Sales/rows/itemAt(index=3)',
      'POST Sales/rows/add',
    ]);
    expect(stack.emulator.concurrency()).toMatchObject({ maxInFlight: 1 });
  });
});

describe("the broker's row operations: the gateway's rules", () => {
  it('checks the session it is given before any Graph call, and works in it', async () => {
    const unknown = await call('GET', 'tables/Sales/rows', { headers: { 'workbook-session-id': 'no-such-session' } });
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { innerError: { code: 'invalidSessionReCreatable' } } });
    expect(stack.emulator.calls()).toEqual([]);

    const created = await fetch(stack.sessionUrl('createSession', { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID }), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"persistChanges":true}',
    });
    const sessionId = String(((await created.json()) as { id: string }).id);
    stack.emulator.resetCalls();
    const listed = await call('GET', 'tables/Sales/rows?$top=2&$skip=1', {
      headers: { 'workbook-session-id': sessionId },
    });
    expect(listed.status).toBe(200);
    expect((listed.json().value as Array<Record<string, unknown>>).map((row) => row.Region)).toEqual(['South', 'East']);
    expect(stack.emulator.calls().map((c) => c.sessionId)).toEqual([sessionId, sessionId]);
    expect(stack.emulator.calls()[1]?.query).toBe('$top=2&$skip=1');
  });

  it("keeps a signed-in user's session theirs: another user's row call in it is 404 and reaches no Graph", async () => {
    const created = await fetch(stack.sessionUrl('createSession', { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID }), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ms-client-principal-id': 'user-a' },
      body: '{"persistChanges":true}',
    });
    const session = String(((await created.json()) as { id: string }).id);
    stack.emulator.resetCalls();
    const asB = await call('PATCH', 'tables/Sales/row?keyColumn=Region&keyValue=North', {
      body: { Units: 1 },
      headers: { 'workbook-session-id': session, 'x-ms-client-principal-id': 'user-b' },
    });
    expect(asB.status).toBe(404);
    expect(stack.emulator.calls()).toEqual([]);
    const asA = await call('PATCH', 'tables/Sales/row?keyColumn=Region&keyValue=North', {
      body: { Units: 1 },
      headers: { 'workbook-session-id': session, 'x-ms-client-principal-id': 'user-a' },
    });
    expect(asA.status).toBe(200);
    expect(stack.emulator.calls().map((c) => c.sessionId)).toEqual([session, session, session]);
  });

  it('lists the rows whose filter column holds a value, paged over the matches', async () => {
    await call('POST', 'tables/Sales/rows', {
      body: [1, 2, 3].map((n) => ({ Region: 'North', Product: `P${n}`, Units: n })),
    });
    const res = await call('GET', 'tables/Sales/rows?filterColumn=region&filterValue=North&$skip=1&$top=2');
    expect(res.status).toBe(200);
    expect((res.json().value as Array<Record<string, unknown>>).map((row) => row.Product)).toEqual(['P1', 'P2']);
  });

  it("passes Graph's own error on as Graph gave it", async () => {
    const res = await call('GET', 'tables/Nope/row?keyColumn=Region&keyValue=North');
    expect(res.status).toBe(404);
    // Excel's refusal as the emulator gives it (the status on top, the detailed code inside), not the broker's own.
    expect(res.json()).toMatchObject({ error: { code: 'notFound', innerError: { code: 'itemNotFound' } } });
    expect(graphCalls()).toEqual(['GET Nope/columns']);
  });

  it('answers 404 for a path it has no operation at, and 405 with Allow for a method a path does not take', async () => {
    for (const path of ['tables/Sales/columns', 'tables/Sales/constructor', 'tables/Sales', 'nothing']) {
      const nothing = await call('GET', path);
      expect(nothing.status, path).toBe(404);
    }
    const put = await call('PUT', 'tables/Sales/row?keyColumn=Region&keyValue=North', { body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, PATCH, DELETE');
    expect(stack.emulator.calls()).toEqual([]);
  });
});

describe("the broker's advanced action: any workbook path, given as text", () => {
  it('reaches a path with slashes, spaces and OData arguments exactly as the gateway does', async () => {
    const text = "worksheets/Sheet1/range(address='A1:B2')?$select=values";
    const res = await call('GET', `workbook?path=${encodeURIComponent(text)}`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      values: [
        ['Region', 'Product'],
        ['North', 'Apples'],
      ],
    });
    const [seen] = stack.emulator.calls();
    expect(seen?.path.endsWith("/workbook/worksheets/Sheet1/range(address='A1:B2')")).toBe(true);
    expect(seen?.query).toBe('$select=values');
  });

  it('passes the query after the path as written: its & and = separate, %XX stays, a space is encoded', async () => {
    const text = 'tables/Sales/rows?$top=1&$skip=1&note=a%26b c';
    await call('GET', `workbook?path=${encodeURIComponent(text)}`);
    expect(stack.emulator.calls().map((c) => c.query)).toEqual(['$top=1&$skip=1&note=a%26b%20c']);
  });

  it.each(['worksheets/../../../root', 'worksheets\\..\\x', 'worksheets//range', ''])(
    'refuses %j with 400 and no Graph call',
    async (text) => {
      const res = await call('GET', `workbook?path=${encodeURIComponent(text)}`);
      expect(res.status).toBe(400);
      expect(stack.emulator.calls()).toEqual([]);
    },
  );

  it('deletes a row by its index at most once under an Idempotency-Key, so a retry never takes the next row', async () => {
    const path = encodeURIComponent('tables/Sales/rows/itemAt(index=0)');
    const headers = { 'Idempotency-Key': 'run-7-delete-first' };
    const first = await call('DELETE', `workbook?path=${path}`, { headers });
    const repeat = await call('DELETE', `workbook?path=${path}`, { headers });
    expect([first.status, repeat.status]).toEqual([204, 204]);
    expect(stack.emulator.calls().map((c) => c.method)).toEqual(['DELETE']);
    expect((await tableRows()).map((row) => row[0])).toEqual(['South', 'East', 'West']);
  });

  it('never repeats a DELETE after a 504 that may hide it: a second one would take the row that moved up', async () => {
    stack.emulator.addFault({ op: 'deleteTableRow', kind: 'status', status: 504, afterEffect: true, times: 1 });
    const path = encodeURIComponent('tables/Sales/rows/itemAt(index=0)');
    const res = await call('DELETE', `workbook?path=${path}`);
    expect(res.status).toBe(504);
    expect(stack.emulator.calls().map((c) => c.method)).toEqual(['DELETE']);
    expect((await tableRows()).map((row) => row[0])).toEqual(['South', 'East', 'West']);
  });

  it('routes a session call given as the path like the gateway: createSession makes a session', async () => {
    const res = await call('POST', 'workbook?path=createSession', { body: { persistChanges: false } });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ persistChanges: false });
    expect(stack.emulator.activeSessions()).toHaveLength(1);
  });
});

async function until(test: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !test(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!test()) throw new Error('The condition never came true.');
}
