import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import type { GraphDependency, Telemetry } from '../shared/telemetry/telemetry';
import { rawRequest } from './support/rawRequest';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

// The workbook gateway end to end: the broker on the local host, the real identity credential, Azurite, and the
// Graph emulator over a real .xlsx in a temporary drive folder. Each test checks what the caller got, what Graph
// saw (the emulator's record of every call) and, where a write was made, the file itself.

const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
const JSON_TYPE = { 'content-type': 'application/json' };
const MINUTE = 60_000;

let stack: BrokerStack;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'gateway-drive-'));
  stack = await startBrokerStack({ emulator: { drive: { path: folder } } });
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
  stack.emulator.clearFaults();
  stack.emulator.resetCalls();
});

function gateway(workbookPath: string, workbook: { driveId: string; itemId: string } = DEMO): string {
  return stack.sessionUrl(workbookPath, workbook);
}

async function send(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : JSON_TYPE), ...init.headers },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

async function createSession(persistChanges: boolean, headers: Record<string, string> = {}): Promise<string> {
  const res = await send(gateway('createSession'), { method: 'POST', body: { persistChanges }, headers });
  expect(res.status).toBe(201);
  return String(res.json().id);
}

async function closeSession(id: string): Promise<void> {
  expect((await post(gateway('closeSession'), { headers: { 'workbook-session-id': id } })).status).toBe(204);
}

async function fileValue(cell: string): Promise<unknown> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  return workbook.getWorksheet('Sheet1')?.getCell(cell).value ?? null;
}

const range = (address: string) => gateway(`worksheets('Sheet1')/range(address='${address}')`);
const graphCalls = (op?: string) => stack.emulator.calls().filter((call) => op === undefined || call.op === op);

describe('forwarding workbook calls', () => {
  it("writes and reads a range in a persistent session as the broker's identity, and the .xlsx holds the write", async () => {
    const id = await createSession(true);
    stack.emulator.resetCalls();
    const inSession = { 'workbook-session-id': id };
    const written = await send(range('G1'), {
      method: 'PATCH',
      body: { values: [['through the broker']] },
      headers: inSession,
    });
    expect(written.status).toBe(200);
    expect(written.json()).toMatchObject({ address: 'Sheet1!G1', values: [['through the broker']] });
    const read = await send(range('G1'), { headers: inSession });
    expect(read.json()).toMatchObject({ values: [['through the broker']], valueTypes: [['String']] });

    expect(await fileValue('G1')).toBe('through the broker');
    expect(graphCalls()).toEqual([
      expect.objectContaining({ method: 'PATCH', op: 'updateRange', sessionId: id, status: 200, query: '' }),
      expect.objectContaining({ method: 'GET', op: 'getRange', sessionId: id, status: 200 }),
    ]);
    // Graph's answer as it came: its own request-id, its content type, its body bytes.
    expect(read.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.headers.get('content-type')).toBe('application/json');
    await closeSession(id);
  });

  it("keeps a non-persistent session's writes out of the file, and they are gone with the session", async () => {
    const id = await createSession(false);
    const inSession = { 'workbook-session-id': id };
    expect((await send(range('A2'), { method: 'PATCH', body: { values: 'scratch' }, headers: inSession })).status).toBe(
      200,
    );
    const added = await send(gateway("tables('Sales')/rows/add"), {
      method: 'POST',
      body: { values: [['x', 'y', 1, 1, 1]] },
      headers: inSession,
    });
    expect(added.status).toBe(200);
    expect((await send(range('A2'), { headers: inSession })).json().values).toEqual([['scratch']]);
    expect(await fileValue('A2')).toBe('North');
    await closeSession(id);
    expect((await send(range('A2'))).json().values).toEqual([['North']]);
  });

  it('adds table rows with rows/add (200) and POST rows (201), and passes the query string on', async () => {
    const id = await createSession(true);
    const inSession = { 'workbook-session-id': id };
    const added = await send(gateway("tables('Sales')/rows/add"), {
      method: 'POST',
      body: { values: [['Gate', 'Way', 2, 2, 4]] },
      headers: inSession,
    });
    expect(added.status).toBe(200);
    const created = await send(gateway('tables/Sales/rows'), {
      method: 'POST',
      body: { index: 0, values: [['First', 'Row', 1, 1, 1]] },
      headers: inSession,
    });
    expect(created.status).toBe(201);
    const page = await send(gateway("tables('Sales')/rows?$top=1&$skip=0"), { headers: inSession });
    expect(page.json()).toEqual({ value: [{ index: 0, values: [['First', 'Row', 1, 1, 1]] }] });
    expect(graphCalls('listTableRows').at(-1)?.query).toBe('$top=1&$skip=0');
    await closeSession(id);
  });

  it("answers Graph's own errors as they came and keeps the session alive for a missing sheet", async () => {
    const id = await createSession(true);
    const inSession = { 'workbook-session-id': id };
    const missing = await send(gateway("worksheets('Nope')/range(address='A1')"), { headers: inSession });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'notFound', innerError: { code: 'itemNotFound' } } });
    expect(missing.headers.get('request-id')).toBe(
      (missing.json().error as { innerError: Record<string, string> }).innerError['request-id'],
    );
    expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({ state: 'live' });
    expect((await send(gateway('worksheets'), { headers: inSession })).status).toBe(200);
    await closeSession(id);
  });

  it('never passes a function key given as ?code= to Graph, and keeps the rest of the query as sent', async () => {
    const res = await send(gateway("tables('Sales')/rows?code=secret-function-key&$top=1"));
    expect(res.status).toBe(200);
    expect(graphCalls('listTableRows').map((call) => call.query)).toEqual(['$top=1']);
  });

  it('routes a percent-encoded session call name as the host does: %63reateSession is createSession, recorded', async () => {
    const res = await send(gateway('%63reateSession'), { method: 'POST', body: { persistChanges: true } });
    expect(res.status).toBe(201);
    const { id } = res.json() as { id: string };
    expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({ state: 'live' });
    await closeSession(id);
  });

  it('forwards sessionless calls, whose writes Graph saves', async () => {
    const res = await send(range('H5'), { method: 'PATCH', body: { values: [[42]] } });
    expect(res.status).toBe(200);
    expect(graphCalls()).toEqual([expect.objectContaining({ op: 'updateRange', status: 200 })]);
    expect(graphCalls()[0]?.headers['workbook-session-id']).toBeUndefined();
    expect(await fileValue('H5')).toBe(42);
  });
});

describe('refusals that never reach Graph', () => {
  it.each([
    ['a session the broker does not know', async () => 'cluster=EMU1&session=unknown'],
    [
      'a closed session',
      async () => {
        const id = await createSession(true);
        await closeSession(id);
        return id;
      },
    ],
  ])('answers %s with 404 invalidSessionReCreatable', async (_label, sessionOf) => {
    const id = await sessionOf();
    stack.emulator.resetCalls();
    const res = await send(range('A1'), { headers: { 'workbook-session-id': id } });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({
      error: { code: 'itemNotFound', innerError: { code: 'invalidSessionReCreatable' } },
    });
    expect(graphCalls()).toEqual([]);
  });

  it("refuses a session of another workbook and another caller's session", async () => {
    stack.emulator.addWorkbook(DEMO_DRIVE_ID, '01OTHERWORKBOOK');
    const other = await send(gateway('createSession', { driveId: DEMO_DRIVE_ID, itemId: '01OTHERWORKBOOK' }), {
      method: 'POST',
      body: {},
    });
    const owned = await createSession(true, { 'x-ms-client-principal-id': 'owner-1' });
    stack.emulator.resetCalls();
    const foreign = await send(range('A1'), { headers: { 'workbook-session-id': String(other.json().id) } });
    const stranger = await send(range('A1'), {
      headers: { 'workbook-session-id': owned, 'x-ms-client-principal-id': 'someone-else' },
    });
    const anonymous = await send(range('A1'), { headers: { 'workbook-session-id': owned } });
    for (const res of [foreign, stranger, anonymous]) expect(res.status).toBe(404);
    expect(graphCalls()).toEqual([]);
    const mine = await send(range('A1'), {
      headers: { 'workbook-session-id': owned, 'x-ms-client-principal-id': 'owner-1' },
    });
    expect(mine.status).toBe(200);
  });

  it('never forwards outside the workbook: a path that climbs out with encoded dot segments reaches no Graph call', async () => {
    // The host resolves %2e%2e as a dot segment before routing (as the Functions host may); what is left matches no
    // workbook route, and nothing reaches Graph either way.
    const base = new URL(gateway('x')).pathname.replace(/\/x$/, '');
    const res = await rawRequest(
      stack.url,
      `${base}/worksheets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/other/items/x/workbook/worksheets`,
      { method: 'GET' },
    );
    expect([400, 404]).toContain(res.status);
    expect(graphCalls()).toEqual([]);
  });

  it.each([
    ['an encoded slash', '/worksheets/a%2Fb'],
    ['an empty segment', '/worksheets//range'],
    ['nothing after workbook/', '/'],
  ])('answers %s with 400 and no Graph call', async (_label, suffix) => {
    const base = new URL(gateway('x')).pathname.replace(/\/x$/, '');
    const res = await rawRequest(stack.url, `${base}${suffix}`, { method: 'GET' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'badRequest' } });
    expect(graphCalls()).toEqual([]);
  });

  it('refuses a body over 4 MiB with 413 as soon as its declared length says so, with no Graph call', async () => {
    const res = await rawRequest(stack.url, new URL(range('A1')).pathname, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024 + 1) },
      body: '',
    });
    expect(res.status).toBe(413);
    expect(graphCalls()).toEqual([]);
  });

  it('refuses a drive that is not allowed with 403', async () => {
    const narrow = await startBrokerStack({ settings: { ALLOWED_DRIVE_IDS: 'b!only-this-drive' } });
    try {
      const res = await send(narrow.sessionUrl("worksheets('Sheet1')/range(address='A1')"));
      expect(res.status).toBe(403);
      expect(narrow.emulator.calls()).toEqual([]);
    } finally {
      await narrow.close();
    }
  });

  it('refuses a write a browser sent from another site without a preflight, and Graph never sees it', async () => {
    const res = await send(range('A1'), {
      method: 'PATCH',
      body: '{"values":"csrf"}',
      headers: { 'content-type': 'text/plain', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(403);
    expect(graphCalls()).toEqual([]);
    expect(await fileValue('A1')).toBe('Region');
  });
});

describe('what crosses the broker', () => {
  it("never passes the caller's Authorization, cookies, key or principal headers to Graph, nor Graph's token back", async () => {
    const res = await send(gateway('worksheets'), {
      headers: {
        authorization: 'Bearer callers-own-token',
        cookie: 'AppServiceAuthSession=secret',
        'x-functions-key': 'function-key',
        'x-ms-client-principal-id': 'user-1',
        'x-ms-client-principal': 'eyJhdXRoX3R5cCI6ImFhZCJ9',
        'client-request-id': 'caller-chosen-id',
        prefer: 'return=minimal',
      },
    });
    expect(res.status).toBe(200);
    const [seen] = graphCalls();
    expect(seen?.headerNames).not.toEqual(expect.arrayContaining(['cookie']));
    for (const name of ['cookie', 'x-functions-key', 'x-ms-client-principal-id', 'x-ms-client-principal']) {
      expect(seen?.headerNames).not.toContain(name);
    }
    expect(seen?.headers).toMatchObject({ 'client-request-id': 'caller-chosen-id', prefer: 'return=minimal' });
    // The emulator accepts only tokens the local identity issued: the caller's own would have been a 401.
    expect(seen?.status).toBe(200);
    const answer = [...res.headers].map(([name, value]) => `${name}: ${value}`).join('\n') + res.text;
    expect(answer).not.toMatch(/authorization|bearer|eyJ0eXAi|set-cookie/i);
  });

  it("moves Graph's Location and an operation's resourceLocation to the broker, so an async row add is followed through it", async () => {
    const id = await createSession(true);
    stack.emulator.configure({ asyncRowsMs: 30_000 });
    try {
      const headers = { 'workbook-session-id': id, prefer: 'respond-async' };
      const accepted = await send(gateway('tables/Sales/rows'), {
        method: 'POST',
        body: { values: [['Async', 'Row', 1, 1, 1]] },
        headers,
      });
      expect(accepted.status).toBe(202);
      const location = accepted.headers.get('location') ?? '';
      expect(location.startsWith(`${stack.url}/api/drives/`)).toBe(true);
      expect(new URL(location).searchParams.get('sessionId')).toBe(id);

      expect((await send(location, { headers: { 'workbook-session-id': id } })).json()).toMatchObject({
        status: 'running',
      });
      stack.clock.advance(30_000);
      const done = (await send(location, { headers: { 'workbook-session-id': id } })).json();
      expect(done).toMatchObject({ status: 'succeeded' });
      const resourceLocation = String(done.resourceLocation);
      expect(resourceLocation.startsWith(`${stack.url}/api/drives/`)).toBe(true);
      const result = await send(resourceLocation, { headers: { 'workbook-session-id': id } });
      expect(result.json()).toMatchObject({ values: [['Async', 'Row', 1, 1, 1]] });
    } finally {
      stack.emulator.configure({ asyncRowsMs: 0 });
    }
    await closeSession(id);
  });

  it("builds a long create's Location from the broker's own address, never a forged Host header", async () => {
    stack.emulator.configure({ asyncCreateMs: 10 * MINUTE });
    try {
      const res = await rawRequest(stack.url, new URL(gateway('createSession')).pathname, {
        method: 'POST',
        headers: { host: 'evil.example', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(202);
      expect(String(res.headers.location)).toMatch(new RegExp(`^${stack.url.replace(/[.]/g, '\\.')}/api/drives/`));
    } finally {
      stack.emulator.configure({ asyncCreateMs: 0 });
    }
  });
});

describe('retries by method', () => {
  it('never repeats a rows/add that Graph answered 504 (it may have acted), and repeats a GET', async () => {
    stack.emulator.addFault({
      method: 'POST',
      path: 'rows/add$',
      kind: 'status',
      status: 504,
      afterEffect: true,
      times: 1,
    });
    stack.emulator.addFault({ method: 'GET', path: 'range', kind: 'status', status: 504, times: 1 });
    const rowsBefore = (await send(gateway("tables('Sales')/rows"))).json().value as unknown[];
    const added = await send(gateway("tables('Sales')/rows/add"), {
      method: 'POST',
      body: { values: [['Once', 'Only', 1, 1, 1]] },
    });
    expect(added.status).toBe(504);
    expect(graphCalls('addTableRows')).toHaveLength(1);
    const rowsAfter = (await send(gateway("tables('Sales')/rows"))).json().value as unknown[];
    expect(rowsAfter.length).toBe(rowsBefore.length + 1);

    const read = await send(range('A1'));
    expect(read.status).toBe(200);
    expect(graphCalls('getRange').map((call) => call.status)).toEqual([504, 200]);
  });

  it('never repeats a POST whose connection dropped, and waits out a 429 on one before sending it again', async () => {
    stack.emulator.addFault({ method: 'POST', path: 'rows/add$', kind: 'drop', times: 1 });
    const dropped = await send(gateway("tables('Sales')/rows/add"), {
      method: 'POST',
      body: { values: [['a', 'b', 1, 1, 1]] },
    });
    expect(dropped.status).toBe(503);
    expect(graphCalls('addTableRows')).toHaveLength(1);

    stack.emulator.resetCalls();
    stack.emulator.addFault({
      method: 'POST',
      path: 'rows/add$',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });
    const slept = stack.clock.slept.length;
    const throttled = await send(gateway("tables('Sales')/rows/add"), {
      method: 'POST',
      body: { values: [['c', 'd', 1, 1, 1]] },
    });
    expect(throttled.status).toBe(200);
    expect(graphCalls('addTableRows').map((call) => call.status)).toEqual([429, 200]);
    expect(stack.clock.slept.slice(slept)).toEqual([1000]);
  });

  it('drops a token Graph refused and tries once more; refused twice, the caller gets 502', async () => {
    stack.emulator.addFault({ op: 'listWorksheets', kind: 'status', status: 401, times: 1 });
    expect((await send(gateway('worksheets'))).status).toBe(200);
    expect(graphCalls('listWorksheets').map((call) => call.status)).toEqual([401, 200]);

    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'listWorksheets', kind: 'status', status: 401, times: 2 });
    const refused = await send(gateway('worksheets'));
    expect(refused.status).toBe(502);
    expect(refused.json()).toMatchObject({ error: { code: 'badGateway' } });
    expect(graphCalls('listWorksheets').map((call) => call.status)).toEqual([401, 401]);
  });
});

describe('one call at a time per workbook', () => {
  it('never puts two calls in flight on one workbook, across 200 concurrent calls over 5 workbooks', async () => {
    const workbooks = Array.from({ length: 5 }, (_, n) => ({ driveId: DEMO_DRIVE_ID, itemId: `01QUEUE${n}` }));
    for (const workbook of workbooks) stack.emulator.addWorkbook(workbook.driveId, workbook.itemId);
    stack.emulator.addFault({ kind: 'latency', latencyMs: 2 });
    stack.emulator.resetConcurrency();
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, n) => {
        const workbook = workbooks[n % workbooks.length]!;
        return n % 2 === 0
          ? send(gateway(`worksheets('Sheet1')/range(address='A${n + 1}')`, workbook), {
              method: 'PATCH',
              body: { values: [[n]] },
            })
          : send(gateway('worksheets', workbook));
      }),
    );
    expect(answers.map((res) => res.status)).toEqual(answers.map(() => 200));
    const report = stack.emulator.concurrency();
    const mine = report.workbooks.filter((entry) => entry.itemId.startsWith('01QUEUE'));
    expect(mine.map((entry) => entry.maxInFlight)).toEqual([1, 1, 1, 1, 1]);
    // The overlap the test relies on happened: calls on different workbooks were in flight together.
    expect(report.maxInFlight).toBeGreaterThan(1);
  });
});

describe('activity and keep-alive', () => {
  it('costs at most one table write per 30 seconds for a burst of calls', async () => {
    const id = await createSession(true);
    const etag = async () => String((await stack.rows()).find((row) => row.sessionId === id)?.etag);
    const inSession = { 'workbook-session-id': id };
    const first = await etag();
    for (let n = 0; n < 10; n += 1)
      expect((await send(gateway('worksheets'), { headers: inSession })).status).toBe(200);
    expect(await etag()).toBe(first);
    stack.clock.advance(30_000);
    for (let n = 0; n < 10; n += 1)
      expect((await send(gateway('worksheets'), { headers: inSession })).status).toBe(200);
    const second = await etag();
    expect(second).not.toBe(first);
    expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({
      lastCallerActivityAt: new Date(stack.clock.now()),
    });
    for (let n = 0; n < 10; n += 1) await send(gateway('worksheets'), { headers: inSession });
    expect(await etag()).toBe(second);
    await closeSession(id);
  });

  it('keeps a session used only through the gateway alive past its idle timeout, then closes it once the calls stop', async () => {
    const id = await createSession(true, { 'x-session-idle-timeout': '120' });
    const inSession = { 'workbook-session-id': id };
    const graphState = () => stack.emulator.sessions().find((session) => session.id === id)?.state;
    for (let second = 30; second <= 10 * 60; second += 30) {
      stack.clock.advance(30_000);
      expect((await send(gateway('worksheets'), { headers: inSession })).status).toBe(200);
      if (second % 60 === 0) await stack.host.invoke('sweepSessions');
      expect(graphState()).toBe('active');
    }
    expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({ state: 'live' });
    for (let minute = 1; minute <= 3; minute += 1) {
      stack.clock.advance(MINUTE);
      await stack.host.invoke('sweepSessions');
    }
    expect(graphState()).toBe('closed');
    expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({
      state: 'closed',
      endReason: 'idle',
    });
  });

  it('ends a session Graph reports gone as expired, and the caller gets Graph’s answer', async () => {
    const id = await createSession(true);
    stack.emulator.addFault({
      op: 'getRange',
      kind: 'status',
      status: 404,
      innerCode: 'invalidSessionReCreatable',
      times: 1,
    });
    const res = await send(range('A1'), { headers: { 'workbook-session-id': id } });
    expect(res.status).toBe(404);
    expect(res.json()).toMatchObject({ error: { innerError: { code: 'invalidSessionReCreatable' } } });
    expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({
      state: 'expired',
      endReason: 'expiredInGraph',
    });
  });
});

describe('telemetry', () => {
  it('reports each forwarded call as a Graph dependency named by its shape, with method, status and duration — never ids, addresses or values', async () => {
    const dependencies: GraphDependency[] = [];
    const telemetry: Telemetry = {
      event: () => undefined,
      dependency: (call) => dependencies.push(call),
      flush: async () => undefined,
    };
    const watched = await startBrokerStack({ telemetry });
    try {
      const secretRange = watched.sessionUrl("worksheets('Sheet1')/range(address='B7:C8')");
      expect((await send(secretRange, { method: 'PATCH', body: { values: 'top-secret-value' } })).status).toBe(200);
      expect((await send(watched.sessionUrl("worksheets('Nope')/usedRange"))).status).toBe(404);
      expect(dependencies).toEqual([
        expect.objectContaining({
          name: 'worksheets/range',
          method: 'PATCH',
          status: 200,
          success: true,
          durationMs: expect.any(Number),
        }),
        expect.objectContaining({ name: 'worksheets/usedRange', method: 'GET', status: 404, success: false }),
      ]);
      const reported = JSON.stringify(dependencies);
      for (const secret of [
        'B7',
        'top-secret-value',
        'Nope',
        'Sheet1',
        watched.sessionUrl('x').split('/')[5] ?? 'never',
      ]) {
        expect(reported).not.toContain(secret);
      }
    } finally {
      await watched.close();
    }
  });
});
