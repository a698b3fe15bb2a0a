import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { MAX_CHILD_PAGES } from '../shared/drives/followChildPages';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

// The pickers end to end: the broker on the local host, the real identity credential, and the Graph emulator over a
// temporary drive folder holding folders, workbooks and other files. Each test checks what the caller got and what
// Graph saw (the emulator's record of every call); where the answer is a selection of Graph's, Graph's own answer is
// read too, to show what was left out.

const GONE_DRIVE = 'b!gone-drive';
const XLSX_COUNT = 230;
const HUGE_COUNT = 2_100;

let stack: BrokerStack;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'pickers-drive-'));
  stack = await startBrokerStack({
    emulator: { drive: { path: folder } },
    settings: { ALLOWED_DRIVE_IDS: `${GONE_DRIVE},${DEMO_DRIVE_ID}` },
  });
  // Demo.xlsx is made by the emulator; around it, what a real drive holds besides workbooks.
  const demo = path.join(folder, 'Demo.xlsx');
  mkdirSync(path.join(folder, 'Reports', '2027'), { recursive: true });
  mkdirSync(path.join(folder, 'archive'));
  copyFileSync(demo, path.join(folder, 'budget.XLSX'));
  copyFileSync(demo, path.join(folder, 'Reports', 'Q1.xlsx'));
  writeFileSync(path.join(folder, 'notes.txt'), 'not a workbook');
  writeFileSync(path.join(folder, 'Reports', 'macros.xlsm'), 'not one Graph opens either');
  writeFileSync(path.join(folder, 'Reports', 'readme.md'), 'nor this');
  // More children than one page of Graph's (200), and more than the broker follows (10 pages).
  mkdirSync(path.join(folder, 'Many'));
  for (let n = 0; n < XLSX_COUNT; n += 1) writeFileSync(path.join(folder, 'Many', `w${pad(n)}.xlsx`), '');
  for (let n = 0; n < 200; n += 1) writeFileSync(path.join(folder, 'Many', `t${pad(n)}.csv`), '');
  for (const name of ['sub-b', 'Sub-a']) mkdirSync(path.join(folder, 'Many', name));
  mkdirSync(path.join(folder, 'Huge'));
  for (let n = 0; n < HUGE_COUNT; n += 1) writeFileSync(path.join(folder, 'Huge', `h${pad(n)}.xlsx`), '');
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
  stack.emulator.clearFaults();
  stack.emulator.resetCalls();
});

function pad(n: number): string {
  return String(n).padStart(4, '0');
}

async function get(route: string): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(`${stack.url}/api/${route}`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Graph's own answer, read with a token of the broker's identity: what the broker chose from. */
async function graphSays(graphPath: string): Promise<Record<string, unknown>> {
  const token = await fetch(
    `${stack.identity.url}?resource=${encodeURIComponent('https://graph.microsoft.com')}&api-version=2019-08-01`,
    { headers: { 'x-identity-header': stack.identity.header } },
  ).then((res) => res.json() as Promise<{ access_token: string }>);
  const res = await fetch(`${stack.emulator.url}/${graphPath}`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

const drive = `drives/${encodeURIComponent(DEMO_DRIVE_ID)}`;
const names = (json: Record<string, unknown>) => (json.value as Array<{ name: string }>).map((item) => item.name);
const graphCalls = () =>
  stack.emulator.calls().map(({ method, op, path: called, query }) => ({ method, op, path: called, query }));
const graphPath = (route: string) => `${new URL(stack.emulator.url).pathname}/${route}`;

async function folderId(name: string): Promise<string> {
  const root = await graphSays(`${drive}/root/children`);
  const found = (root.value as Array<{ id: string; name: string }>).find((item) => item.name === name);
  if (found === undefined) throw new Error(`Graph lists no ${name} at the root`);
  return found.id;
}

describe('the drive', () => {
  it("answers the drive as Graph answered it, Graph's name included, with one GET on Graph", async () => {
    const graph = await graphSays(drive);
    stack.emulator.resetCalls();
    const res = await get(drive);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(graph);
    expect(res.json).toMatchObject({ id: DEMO_DRIVE_ID, name: path.basename(folder), driveType: 'business' });
    const calls = stack.emulator.calls();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'GET', op: 'getDrive', path: graphPath(drive), query: '' });
    // The broker's request id reached Graph as client-request-id, so the two logs pair up.
    expect(calls[0]?.headers['client-request-id']).toBe(res.headers.get('request-id'));
  });
});

describe("a folder's children, as a workbook picker shows them", () => {
  it('lists the root: folders first, then .xlsx files in any case, each by name; other files left out', async () => {
    const graph = await graphSays(`${drive}/root/children`);
    expect(names(graph)).toEqual(expect.arrayContaining(['notes.txt', 'archive', 'Demo.xlsx', 'budget.XLSX']));
    stack.emulator.resetCalls();

    const res = await get(`${drive}/root/children`);
    expect(res.status).toBe(200);
    expect(names(res.json)).toEqual(['archive', 'Huge', 'Many', 'Reports', 'budget.XLSX', 'Demo.xlsx']);
    expect(res.json).not.toHaveProperty('@odata.nextLink');
    // Each item exactly as Graph gave it.
    const graphItems = graph.value as Array<{ name: string }>;
    for (const item of res.json.value as Array<{ name: string }>) {
      expect(item).toEqual(graphItems.find((candidate) => candidate.name === item.name));
    }
    expect(res.json.value).toContainEqual(expect.objectContaining({ id: DEMO_ITEM_ID, file: expect.any(Object) }));
    expect(graphCalls()).toEqual([
      { method: 'GET', op: 'listDriveChildren', path: graphPath(`${drive}/root/children`), query: '' },
    ]);
  });

  it('lists a subfolder by its id: its own folders and workbooks, not the .xlsm or the .md beside them', async () => {
    const reports = await folderId('Reports');
    expect(names(await graphSays(`${drive}/items/${reports}/children`))).toEqual([
      '2027',
      'Q1.xlsx',
      'macros.xlsm',
      'readme.md',
    ]);
    stack.emulator.resetCalls();

    const res = await get(`${drive}/items/${reports}/children`);
    expect(res.status).toBe(200);
    expect(names(res.json)).toEqual(['2027', 'Q1.xlsx']);
    expect(res.json.value).toContainEqual(
      expect.objectContaining({ name: 'Q1.xlsx', parentReference: expect.objectContaining({ id: reports }) }),
    );
    expect(graphCalls()).toEqual([
      {
        method: 'GET',
        op: 'listDriveChildren',
        path: graphPath(`${drive}/items/${reports}/children`),
        query: '',
      },
    ]);
  });

  it("follows Graph's nextLink through every page of a folder of more than 200 children, and answers one list", async () => {
    const many = await folderId('Many');
    stack.emulator.resetCalls();
    const res = await get(`${drive}/items/${many}/children`);
    expect(res.status).toBe(200);
    const listed = names(res.json);
    const workbooks = Array.from({ length: XLSX_COUNT }, (_, n) => `w${pad(n)}.xlsx`);
    expect(listed).toEqual(['Sub-a', 'sub-b', ...workbooks]);
    expect(res.json).not.toHaveProperty('@odata.nextLink');
    // 432 children: three pages, the second and third asked for with Graph's own skip tokens.
    const calls = graphCalls();
    expect(calls.map((call) => call.path)).toEqual(Array(3).fill(graphPath(`${drive}/items/${many}/children`)));
    expect(calls.map((call) => new URLSearchParams(call.query).get('$skiptoken'))).toEqual([null, '200', '400']);
  });

  it(`stops after ${MAX_CHILD_PAGES} pages, answering what they held and logging the cut`, async () => {
    const huge = await folderId('Huge');
    stack.emulator.resetCalls();
    const res = await get(`${drive}/items/${huge}/children`);
    expect(res.status).toBe(200);
    expect(names(res.json)).toEqual(Array.from({ length: MAX_CHILD_PAGES * 200 }, (_, n) => `h${pad(n)}.xlsx`));
    expect(graphCalls()).toHaveLength(MAX_CHILD_PAGES);
    const requestId = res.headers.get('request-id') ?? '';
    expect(stack.logs.some((line) => line.includes('cut at its page limit') && line.includes(requestId))).toBe(true);
  });
});

describe('what the pickers refuse, and what Graph refused', () => {
  it.each([
    ['the drive', `drives/${encodeURIComponent(WORKBOOK.driveId)}`],
    ['its root', `drives/${encodeURIComponent(WORKBOOK.driveId)}/root/children`],
    ['a folder', `drives/${encodeURIComponent(WORKBOOK.driveId)}/items/01ANYFOLDER/children`],
  ])(
    'refuses %s of a drive outside ALLOWED_DRIVE_IDS with 403 forbidden, and calls Graph not at all',
    async (_what, route) => {
      const res = await get(route);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({
        error: { code: 'forbidden', innerError: { 'request-id': expect.any(String) } },
      });
      expect(stack.emulator.calls()).toEqual([]);
    },
  );

  it.each([
    ['a drive id', `drives/b!bad%20drive/root/children`],
    ['a drive id alone', `drives/b!bad%3Fdrive`],
    ['an item id', `${drive}/items/01BAD%2F..%2Fx/children`],
  ])('refuses %s that is no id with 400, before Graph is called', async (_what, route) => {
    const res = await get(route);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'badRequest' } });
    expect(stack.emulator.calls()).toEqual([]);
  });

  it("passes Graph's 404 for an item it does not have on with Graph's status and code", async () => {
    const res = await get(`${drive}/items/01NOSUCHFOLDER/children`);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      error: { code: 'itemNotFound', message: 'The resource could not be found.' },
    });
    expect(graphCalls()).toEqual([
      { method: 'GET', op: 'listDriveChildren', path: graphPath(`${drive}/items/01NOSUCHFOLDER/children`), query: '' },
    ]);
  });

  it("passes Graph's refusal of the drive on, Retry-After included", async () => {
    stack.emulator.addFault({ op: 'getDrive', kind: 'status', status: 403, innerCode: 'accessDenied', times: 1 });
    const denied = await get(drive);
    expect(denied.status).toBe(403);
    // Graph's code and inner code, not the broker's own ALLOWED_DRIVE_IDS refusal (which has no inner code).
    expect(denied.json).toMatchObject({ error: { code: 'forbidden', innerError: { code: 'accessDenied' } } });

    // Throttled past every retry the answer budget allows: Graph's 429 and its Retry-After reach the caller.
    stack.emulator.addFault({ op: 'listDriveChildren', kind: 'status', status: 429, retryAfterSeconds: 120 });
    const throttled = await get(`${drive}/root/children`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('120');
    expect(throttled.json).toMatchObject({ error: { code: expect.any(String) } });
    expect(stack.emulator.calls().map((call) => call.op)).toEqual(['getDrive', 'listDriveChildren']);
  });
});

describe('the drives the broker serves', () => {
  it('lists ALLOWED_DRIVE_IDS in their order, named by Graph; a drive Graph cannot read by its id', async () => {
    const res = await get('broker/drives');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      value: [
        { id: GONE_DRIVE, name: GONE_DRIVE },
        { id: DEMO_DRIVE_ID, name: path.basename(folder), driveType: 'business' },
      ],
    });
    expect(graphCalls()).toEqual(
      [GONE_DRIVE, DEMO_DRIVE_ID].map((id) => ({
        method: 'GET',
        op: 'getDrive',
        path: graphPath(`drives/${encodeURIComponent(id)}`),
        query: '$select=id,name,driveType',
      })),
    );
    const warning = stack.logs.find((line) => line.includes('listed by its id'));
    expect(warning).toContain('"position":1');
    expect(warning).not.toContain(GONE_DRIVE);
  });

  it('answers an empty list, and calls Graph not at all, when any drive is served (*)', async () => {
    const open = await startBrokerStack({ settings: { ALLOWED_DRIVE_IDS: '*' } });
    try {
      const res = await fetch(`${open.url}/api/broker/drives`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ value: [] });
      expect(open.emulator.calls()).toEqual([]);
    } finally {
      await open.close();
    }
  });
});
