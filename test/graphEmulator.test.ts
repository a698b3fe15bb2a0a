import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startGraphEmulator, type EmulatorOptions, type GraphEmulator } from '../dev/graphEmulator';

// Behaviour of the Graph workbook emulator, exercised over real HTTP with global fetch. Time comes from a fake
// clock; only the latency checks sleep for real, and only for a few tens of milliseconds.

const DRIVE = 'b!Zr0x_Aa-9Q';
const ITEM = '01ABCDEF/xlsx';
const OTHER_ITEM = '01OTHER';
const TOKEN = 'Bearer test-token';
const MINUTE = 60_000;

interface FakeClock {
  t: number;
  now: () => number;
}

function fakeClock(start = 1_700_000_000_000): FakeClock {
  const clock: FakeClock = { t: start, now: (): number => clock.t };
  return clock;
}

const started: GraphEmulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((emulator) => emulator.close()));
});

async function start(options: EmulatorOptions = {}): Promise<GraphEmulator> {
  const emulator = await startGraphEmulator({
    workbooks: [
      { driveId: DRIVE, itemId: ITEM },
      { driveId: DRIVE, itemId: OTHER_ITEM },
    ],
    ...options,
  });
  started.push(emulator);
  return emulator;
}

function workbookUrl(emulator: GraphEmulator, itemId = ITEM, driveId = DRIVE): string {
  return `${emulator.url}/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(itemId)}/workbook`;
}

function post(url: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { authorization: TOKEN, ...headers }, body });
}

function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { headers: { authorization: TOKEN, ...headers } });
}

const JSON_TYPE = { 'content-type': 'application/json' };

function createSession(
  emulator: GraphEmulator,
  body: unknown = { persistChanges: true },
  itemId = ITEM,
): Promise<Response> {
  return post(`${workbookUrl(emulator, itemId)}/createSession`, JSON_TYPE, JSON.stringify(body));
}

async function createdId(emulator: GraphEmulator, persistChanges = true, itemId = ITEM): Promise<string> {
  const res = await createSession(emulator, { persistChanges }, itemId);
  expect(res.status).toBe(201);
  const id = (await objectBody(res)).id;
  if (typeof id !== 'string') throw new Error('createSession answered without an id');
  return id;
}

type SessionAction = 'refreshSession' | 'closeSession';

function sessionCall(emulator: GraphEmulator, action: SessionAction, id: string, itemId = ITEM): Promise<Response> {
  return post(`${workbookUrl(emulator, itemId)}/${action}`, { 'workbook-session-id': id });
}

async function objectBody(res: Response): Promise<Record<string, unknown>> {
  const value: unknown = await res.json();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
  return { ...value };
}

async function expectGraphError(res: Response, status: number, code: string, innerCode?: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  const body = await objectBody(res);
  expect(body).toEqual({
    error: {
      code,
      message: expect.any(String),
      innerError: {
        ...(innerCode === undefined ? {} : { code: innerCode }),
        date: expect.any(String),
        'request-id': res.headers.get('request-id'),
        'client-request-id': res.headers.get('client-request-id'),
      },
    },
  });
}

/** What Graph answers for an expired, closed or foreign session id. */
function expectSessionGone(res: Response): Promise<void> {
  return expectGraphError(res, 404, 'ItemNotFound', 'invalidSessionReCreatable');
}

describe('creating a session', () => {
  it('answers 201 with a long opaque Graph-like id and records the call', async () => {
    const clock = fakeClock();
    const emulator = await start({ now: clock.now });
    const res = await createSession(emulator);

    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await objectBody(res);
    expect(body.persistChanges).toBe(true);
    const id = String(body.id);
    expect(id.length).toBeGreaterThanOrEqual(300);
    for (const character of ['/', '+', '=', '&', '.']) expect(id).toContain(character);
    expect(emulator.activeSessions()).toEqual([
      {
        id,
        driveId: DRIVE,
        itemId: ITEM,
        persistChanges: true,
        createdAt: clock.t,
        lastActivityAt: clock.t,
        state: 'active',
      },
    ]);
    expect(emulator.calls()).toEqual([
      {
        at: clock.t,
        method: 'POST',
        path: `/v1.0/drives/${encodeURIComponent(DRIVE)}/items/${encodeURIComponent(ITEM)}/workbook/createSession`,
        query: '',
        headers: { 'content-type': 'application/json', accept: '*/*' },
        headerNames: expect.arrayContaining(['authorization', 'content-type']),
        op: 'createSession',
        driveId: DRIVE,
        itemId: ITEM,
        sessionId: id,
        status: 201,
        faulted: false,
        receivedMs: expect.any(Number),
        answeredMs: expect.any(Number),
      },
    ]);
    const [call] = emulator.calls();
    expect(call!.answeredMs).toBeGreaterThanOrEqual(call!.receivedMs);
  });

  it('gives every session a different id', async () => {
    const emulator = await start();
    const ids = new Set([await createdId(emulator), await createdId(emulator), await createdId(emulator)]);
    expect(ids.size).toBe(3);
  });

  it('honours persistChanges false', async () => {
    const emulator = await start();
    const res = await createSession(emulator, { persistChanges: false });
    expect(res.status).toBe(201);
    expect((await objectBody(res)).persistChanges).toBe(false);
    expect(emulator.activeSessions()[0]?.persistChanges).toBe(false);
  });

  it.each([
    ['an empty object', {}],
    ['the old docs\u2019 persistSession field, which Graph ignores', { persistSession: false }],
  ])('defaults persistChanges to true for %s', async (_label, body) => {
    const emulator = await start();
    const res = await createSession(emulator, body);
    expect(res.status).toBe(201);
    expect((await objectBody(res)).persistChanges).toBe(true);
  });

  it('defaults persistChanges to true when there is no body at all', async () => {
    const emulator = await start();
    const res = await post(`${workbookUrl(emulator)}/createSession`);
    expect(res.status).toBe(201);
    expect((await objectBody(res)).persistChanges).toBe(true);
  });

  it.each([
    ['unparseable JSON', '{"persistChanges": tru'],
    ['a JSON array', '[true]'],
    ['a persistChanges that is not a boolean', '{"persistChanges": "yes"}'],
  ])('refuses %s with 400 badRequest', async (_label, raw) => {
    const emulator = await start();
    const res = await post(`${workbookUrl(emulator)}/createSession`, { 'content-type': 'application/json' }, raw);
    await expectGraphError(res, 400, 'badRequest');
    expect(emulator.sessions()).toEqual([]);
  });
});

describe('refreshing and closing', () => {
  it('refreshes and closes a session with 204, matching the header case-insensitively', async () => {
    const clock = fakeClock();
    const emulator = await start({ now: clock.now });
    const id = await createdId(emulator);

    clock.t += MINUTE;
    const refreshed = await post(`${workbookUrl(emulator)}/refreshSession`, { 'Workbook-Session-Id': id });
    expect(refreshed.status).toBe(204);
    expect(await refreshed.text()).toBe('');
    expect(emulator.sessions()[0]?.lastActivityAt).toBe(clock.t);

    clock.t += MINUTE;
    const closed = await sessionCall(emulator, 'closeSession', id);
    expect(closed.status).toBe(204);
    expect(emulator.sessions()[0]).toMatchObject({ id, state: 'closed', closedAt: clock.t });
    expect(emulator.activeSessions()).toEqual([]);
    expect(emulator.calls().map((call) => [call.op, call.sessionId, call.status])).toEqual([
      ['createSession', id, 201],
      ['refreshSession', id, 204],
      ['closeSession', id, 204],
    ]);
  });

  const actions: SessionAction[] = ['refreshSession', 'closeSession'];

  it.each(actions)('answers 400 badRequest to %s without a session header', async (action) => {
    const emulator = await start();
    await expectGraphError(await post(`${workbookUrl(emulator)}/${action}`), 400, 'badRequest');
  });

  it.each(actions)('answers 404 invalidSessionReCreatable to %s with an unknown id', async (action) => {
    const emulator = await start();
    await expectSessionGone(await sessionCall(emulator, action, 'cluster=EMU1&session=15.nope'));
  });

  it('answers 404 invalidSessionReCreatable after a session was closed', async () => {
    const emulator = await start();
    const id = await createdId(emulator);
    expect((await sessionCall(emulator, 'closeSession', id)).status).toBe(204);
    await expectSessionGone(await sessionCall(emulator, 'refreshSession', id));
    await expectSessionGone(await sessionCall(emulator, 'closeSession', id));
  });

  it('treats a session of another workbook as unknown', async () => {
    const emulator = await start();
    const id = await createdId(emulator, true, OTHER_ITEM);
    await expectSessionGone(await sessionCall(emulator, 'refreshSession', id, ITEM));
    expect(emulator.activeSessions()).toHaveLength(1);
  });
});

describe('idle expiry on the injected clock', () => {
  it.each([
    [true, 5, 1],
    [false, 7, 1],
    [true, 5, 60],
    [false, 7, 60],
  ])(
    'a session with persistChanges %s expires after %i idle minutes / timeScale %i',
    async (persist, minutes, timeScale) => {
      const clock = fakeClock();
      const emulator = await start({ now: clock.now, timeScale });
      const id = await createdId(emulator, persist);
      const lifetime = (minutes * MINUTE) / timeScale;

      clock.t += lifetime - 1;
      expect(emulator.sessions()[0]?.state).toBe('active');
      clock.t += 1;
      expect(emulator.sessions()[0]?.state).toBe('expired');
      expect(emulator.activeSessions()).toEqual([]);
      await expectSessionGone(await sessionCall(emulator, 'refreshSession', id));
    },
  );

  it('keeps a non-persistent session alive past the persistent lifetime', async () => {
    const clock = fakeClock();
    const emulator = await start({ now: clock.now });
    const id = await createdId(emulator, false);
    clock.t += 6 * MINUTE;
    expect((await sessionCall(emulator, 'refreshSession', id)).status).toBe(204);
  });

  it('keeps a session alive for as long as it is refreshed within its lifetime', async () => {
    const clock = fakeClock();
    const emulator = await start({ now: clock.now });
    const id = await createdId(emulator);
    for (let i = 0; i < 4; i += 1) {
      clock.t += 4 * MINUTE;
      expect((await sessionCall(emulator, 'refreshSession', id)).status).toBe(204);
    }
    expect(emulator.sessions()[0]?.state).toBe('active');
    clock.t += 5 * MINUTE;
    expect(emulator.sessions()[0]?.state).toBe('expired');
  });
});

describe('authentication and addressing', () => {
  it('answers 401 InvalidAuthenticationToken without a bearer token, echoing client-request-id', async () => {
    const emulator = await start();
    const res = await fetch(`${workbookUrl(emulator)}/createSession`, {
      method: 'POST',
      headers: { 'client-request-id': '11111111-2222-3333-4444-555555555555' },
    });
    expect(res.headers.get('client-request-id')).toBe('11111111-2222-3333-4444-555555555555');
    await expectGraphError(res, 401, 'InvalidAuthenticationToken');
    expect(emulator.sessions()).toEqual([]);
    expect(emulator.calls()[0]).toMatchObject({ op: 'createSession', status: 401, faulted: false });
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer ', 'Bearer rejected'])(
    'answers 401 to the authorization header %j',
    async (authorization) => {
      const emulator = await start({ acceptToken: (token) => token !== 'rejected' });
      const res = await fetch(`${workbookUrl(emulator)}/createSession`, { method: 'POST', headers: { authorization } });
      await expectGraphError(res, 401, 'InvalidAuthenticationToken');
    },
  );

  it('answers 401 when acceptToken throws on a malformed token', async () => {
    const emulator = await start({
      acceptToken: () => {
        throw new Error('not a JWT');
      },
    });
    await expectGraphError(await createSession(emulator), 401, 'InvalidAuthenticationToken');
  });

  it('passes the bare token to acceptToken', async () => {
    const seen: string[] = [];
    const emulator = await start({
      acceptToken: (token) => {
        seen.push(token);
        return true;
      },
    });
    await createSession(emulator);
    expect(seen).toEqual(['test-token']);
  });

  it.each(['createSession', 'refreshSession', 'closeSession'])(
    'answers 404 itemNotFound to %s on an unknown workbook',
    async (op) => {
      const emulator = await start();
      const res = await post(`${workbookUrl(emulator, 'missing-item')}/${op}`, { 'workbook-session-id': 'x' });
      await expectGraphError(res, 404, 'itemNotFound');
    },
  );

  it('knows a workbook once it was added', async () => {
    const emulator = await start();
    await expectGraphError(await createSession(emulator, {}, 'late-item'), 404, 'itemNotFound');
    emulator.addWorkbook(DRIVE, 'late-item');
    expect((await createSession(emulator, {}, 'late-item')).status).toBe(201);
  });

  it('answers 405 methodNotAllowed to a wrong method on a known route', async () => {
    const emulator = await start();
    await expectGraphError(await get(`${workbookUrl(emulator)}/createSession`), 405, 'methodNotAllowed');
    await expectGraphError(await post(`${workbookUrl(emulator)}/operations/abc`), 405, 'methodNotAllowed');
  });

  it('answers 400 badRequest naming the segment for an unknown path', async () => {
    const emulator = await start();
    const res = await post(`${workbookUrl(emulator)}/charts`);
    expect(res.status).toBe(400);
    const body = await objectBody(res);
    const message = "Resource not found for the segment 'charts'.";
    expect(body).toMatchObject({ error: { code: 'badRequest', message } });
    expect(emulator.calls()[0]).toMatchObject({ op: 'unknown', driveId: DRIVE, itemId: ITEM, status: 400 });
  });

  it.each([
    ['bad percent-encoding', (e: GraphEmulator) => `${e.url}/drives/%E0%A4%A/items/x/workbook/createSession`],
    ['an unknown version', (e: GraphEmulator) => `${e.url.replace('/v1.0', '/v9.9')}/drives/d/items/i/workbook`],
    ['a path outside any version', (e: GraphEmulator) => e.url.replace('/v1.0', '/')],
  ])('answers 400 badRequest to %s', async (_label, url) => {
    const emulator = await start();
    await expectGraphError(await post(url(emulator)), 400, 'badRequest');
  });

  it('answers 413 to a body over 4 MiB and keeps serving', async () => {
    const emulator = await start();
    const huge = JSON.stringify({ persistChanges: true, pad: 'x'.repeat(4 * 1024 * 1024) });
    await expectGraphError(await post(`${workbookUrl(emulator)}/createSession`, {}, huge), 413, 'payloadTooLarge');
    expect(emulator.sessions()).toEqual([]);
    expect((await createSession(emulator)).status).toBe(201);
  });
});

describe('the long-running create', () => {
  it('answers 202 with an absolute Location, runs, then succeeds with a resourceLocation', async () => {
    const clock = fakeClock();
    const emulator = await start({ now: clock.now, asyncCreateMs: 30_000 });
    const startedAt = clock.t;
    const body = '{"persistChanges":false}';
    const res = await post(`${workbookUrl(emulator)}/createSession`, { prefer: 'respond-async' }, body);

    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const location = res.headers.get('location') ?? '';
    expect(location.startsWith(`${workbookUrl(emulator)}/operations/`)).toBe(true);

    clock.t += 29_999;
    const running = await objectBody(await get(location));
    expect(running).toEqual({ id: expect.any(String), status: 'running' });
    expect(emulator.sessions()).toEqual([]);

    clock.t += 1;
    const done = await objectBody(await get(location));
    expect(done).toMatchObject({ id: running.id, status: 'succeeded' });
    const resourceLocation = String(done.resourceLocation);
    expect(resourceLocation).toMatch(/\/workbook\/sessionInfoResource\(key='[^']+'\)$/);
    expect(resourceLocation.startsWith(workbookUrl(emulator))).toBe(true);

    const info = await get(resourceLocation);
    expect(info.status).toBe(200);
    const session = await objectBody(info);
    expect(session).toEqual({ id: expect.any(String), persistChanges: false });
    expect(emulator.activeSessions()).toEqual([
      expect.objectContaining({
        id: session.id,
        persistChanges: false,
        createdAt: startedAt + 30_000,
        lastActivityAt: startedAt + 30_000,
      }),
    ]);
    expect(emulator.calls().map((call) => [call.op, call.status])).toEqual([
      ['createSession', 202],
      ['getOperation', 200],
      ['getOperation', 200],
      ['getSessionInfo', 200],
    ]);
  });

  it('answers 201 directly to respond-async when asyncCreateMs is 0', async () => {
    const emulator = await start();
    const res = await post(`${workbookUrl(emulator)}/createSession`, { prefer: 'respond-async' }, '{}');
    expect(res.status).toBe(201);
  });

  it('reports a failed operation as HTTP 200 with status failed and creates no session', async () => {
    const clock = fakeClock();
    const emulator = await start({ now: clock.now, asyncCreateMs: 1_000 });
    emulator.failNextOperations(1);
    const first = await post(`${workbookUrl(emulator)}/createSession`, { prefer: 'respond-async' }, '{}');
    clock.t += 1_000;
    const failed = await get(first.headers.get('location') ?? '');
    expect(failed.status).toBe(200);
    const body = await objectBody(failed);
    expect(body).toMatchObject({ status: 'failed', error: { code: expect.any(String), message: expect.any(String) } });
    expect(body.resourceLocation).toBeUndefined();
    expect(emulator.sessions()).toEqual([]);

    const second = await post(`${workbookUrl(emulator)}/createSession`, { prefer: 'respond-async' }, '{}');
    clock.t += 1_000;
    expect(await objectBody(await get(second.headers.get('location') ?? ''))).toMatchObject({ status: 'succeeded' });
    expect(emulator.activeSessions()).toHaveLength(1);
  });

  it('answers 404 to an operation id it never issued', async () => {
    const emulator = await start({ asyncCreateMs: 1_000 });
    await expectGraphError(await get(`${workbookUrl(emulator)}/operations/nope`), 404, 'itemNotFound');
  });
});

describe('faults', () => {
  it('answers 429 TooManyRequests with Retry-After and creates nothing', async () => {
    const emulator = await start();
    emulator.addFault({ op: 'createSession', kind: 'status', status: 429, retryAfterSeconds: 10 });
    const res = await createSession(emulator);
    expect(res.headers.get('retry-after')).toBe('10');
    await expectGraphError(res, 429, 'TooManyRequests', 'tooManyRequestsUncategorized');
    expect(emulator.sessions()).toEqual([]);
    expect(emulator.calls()[0]).toMatchObject({ op: 'createSession', status: 429, faulted: true });
  });

  it.each([
    [503, 'serviceUnavailable', 'serviceUnavailableUncategorized'],
    [504, 'gatewayTimeout', undefined],
    [409, 'conflict', 'accessConflict'],
    [500, 'internalServerError', 'internalServerErrorUncategorized'],
  ])('answers a %i fault with code %s and inner code %s', async (status, code, innerCode) => {
    const emulator = await start();
    emulator.addFault({ kind: 'status', status });
    await expectGraphError(await createSession(emulator), status, code, innerCode);
  });

  it('uses the inner code a rule names', async () => {
    const emulator = await start();
    emulator.addFault({ kind: 'status', status: 409, innerCode: 'EditModeCannotAcquireLock' });
    await expectGraphError(await createSession(emulator), 409, 'conflict', 'EditModeCannotAcquireLock');
  });

  it('drops the connection without an answer and keeps serving afterwards', async () => {
    const emulator = await start();
    emulator.addFault({ op: 'createSession', kind: 'drop', times: 1 });
    await expect(createSession(emulator)).rejects.toThrow();
    expect(emulator.calls()[0]).toMatchObject({ status: 'dropped', faulted: true });
    expect(emulator.sessions()).toEqual([]);
    expect((await createSession(emulator)).status).toBe(201);
  });

  it('adds the delay of every matching latency rule', async () => {
    const emulator = await start();
    emulator.addFault({ kind: 'latency', latencyMs: 40 });
    emulator.addFault({ op: 'createSession', kind: 'latency', latencyMs: 40 });
    const before = Date.now();
    expect((await createSession(emulator)).status).toBe(201);
    expect(Date.now() - before).toBeGreaterThanOrEqual(75);
    expect(emulator.calls()[0]?.faulted).toBe(false);
  });

  it('spends a rule after its number of times', async () => {
    const emulator = await start();
    emulator.addFault({ kind: 'status', status: 503, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await createSession(emulator)).status);
    expect(statuses).toEqual([503, 503, 201]);
  });

  it('repeats the same probabilistic faults for the same seed', async () => {
    async function run(seed: number): Promise<number[]> {
      const emulator = await start({ seed });
      emulator.addFault({ op: 'createSession', kind: 'status', status: 503, probability: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await createSession(emulator)).status);
      return statuses;
    }
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first).toContain(201);
    expect(first).toContain(503);
    expect(await run(7)).not.toEqual(first);
  });

  it('creates the session although the caller got a 504 when the rule has afterEffect', async () => {
    const emulator = await start();
    emulator.addFault({ op: 'createSession', kind: 'status', status: 504, afterEffect: true, times: 1 });
    await expectGraphError(await createSession(emulator), 504, 'gatewayTimeout');
    const sessions = emulator.activeSessions();
    expect(sessions).toHaveLength(1);
    expect(emulator.calls()[0]).toMatchObject({ status: 504, faulted: true, sessionId: sessions[0]?.id });
  });

  it('closes the session although the connection dropped when the rule has afterEffect', async () => {
    const emulator = await start();
    const id = await createdId(emulator);
    emulator.addFault({ op: 'closeSession', kind: 'drop', afterEffect: true });
    await expect(sessionCall(emulator, 'closeSession', id)).rejects.toThrow();
    expect(emulator.sessions()[0]?.state).toBe('closed');
  });

  it('applies a rule only to its operation and workbook', async () => {
    const emulator = await start();
    emulator.addFault({ op: 'refreshSession', itemId: OTHER_ITEM, kind: 'status', status: 503 });
    const id = await createdId(emulator);
    const otherId = await createdId(emulator, true, OTHER_ITEM);
    expect((await sessionCall(emulator, 'refreshSession', id)).status).toBe(204);
    expect((await sessionCall(emulator, 'refreshSession', otherId, OTHER_ITEM)).status).toBe(503);
  });

  it('stops faulting after clearFaults', async () => {
    const emulator = await start();
    emulator.addFault({ kind: 'status', status: 503 });
    emulator.clearFaults();
    expect((await createSession(emulator)).status).toBe(201);
  });

  it('refuses an invalid rule', async () => {
    const emulator = await start();
    expect(() => emulator.addFault({ kind: 'status' })).toThrow(TypeError);
    expect(() => emulator.addFault({ kind: 'latency', latencyMs: -1 })).toThrow(TypeError);
    expect(() => emulator.addFault({ kind: 'drop', probability: 2 })).toThrow(TypeError);
  });
});

describe('the admin surface and the connection lifecycle', () => {
  it('adds workbooks and faults and lists sessions and calls over HTTP', async () => {
    const emulator = await start();
    const admin = `http://127.0.0.1:${emulator.port}/_emulator`;
    const adminPost = (path: string, body: string): Promise<Response> =>
      fetch(`${admin}${path}`, { method: 'POST', headers: JSON_TYPE, body });

    expect((await adminPost('/workbooks', '{"driveId":"d2","itemId":"i2"}')).status).toBe(201);
    expect((await createSession(emulator, {}, 'i2')).status).toBe(404); // i2 was added under drive d2 only
    const res = await post(`${emulator.url}/drives/d2/items/i2/workbook/createSession`, JSON_TYPE, '{}');
    expect(res.status).toBe(201);
    const id = (await objectBody(res)).id;

    const sessions: unknown = await (await fetch(`${admin}/sessions`)).json();
    expect(sessions).toEqual([expect.objectContaining({ id, driveId: 'd2', itemId: 'i2', state: 'active' })]);
    const calls: unknown = await (await fetch(`${admin}/calls`)).json();
    expect(calls).toEqual([
      expect.objectContaining({ op: 'createSession', status: 404 }),
      expect.objectContaining({ op: 'createSession', status: 201, sessionId: id }),
    ]);

    const rule = { op: 'createSession', kind: 'status', status: 503, times: 1 };
    expect((await adminPost('/faults', JSON.stringify(rule))).status).toBe(201);
    expect((await createSession(emulator)).status).toBe(503);
    emulator.addFault({ kind: 'status', status: 500 });
    expect((await fetch(`${admin}/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await createSession(emulator)).status).toBe(201);
    expect(emulator.calls().every((call) => call.path.startsWith('/v1.0/'))).toBe(true);
  });

  it.each([
    ['/faults', 'not json'],
    ['/faults', '{"kind":"explode"}'],
    ['/faults', '{"kind":"latency"}'],
    ['/faults', '{"kind":"status","status":503,"bogus":1}'],
    ['/workbooks', '{}'],
    ['/workbooks', '[1,2]'],
    ['/operations/failures', '{"count":-1}'],
  ])('answers 400 to POST %s with %s', async (path, body) => {
    const emulator = await start();
    const res = await fetch(`http://127.0.0.1:${emulator.port}/_emulator${path}`, { method: 'POST', body });
    await expectGraphError(res, 400, 'badRequest');
  });

  it('answers 404 to an unknown admin path and 405 to a wrong method', async () => {
    const emulator = await start();
    const admin = `http://127.0.0.1:${emulator.port}/_emulator`;
    await expectGraphError(await fetch(`${admin}/nothing`), 404, 'notFound');
    await expectGraphError(await fetch(`${admin}/sessions`, { method: 'DELETE' }), 405, 'methodNotAllowed');
  });

  it('forgets recorded calls on resetCalls', async () => {
    const emulator = await start();
    await createSession(emulator);
    emulator.resetCalls();
    expect(emulator.calls()).toEqual([]);
  });

  it('reuses a kept-alive connection, and close() ends it rather than waiting for it to idle out', async () => {
    const emulator = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    for (let i = 0; i < 3; i += 1) {
      const status = await new Promise<number>((resolve, reject) => {
        const options = { method: 'POST', agent, headers: { authorization: TOKEN } };
        const req = httpRequest(`${workbookUrl(emulator)}/createSession`, options, (res) => {
          reused.push(req.reusedSocket);
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end('{}');
      });
      expect(status).toBe(201);
    }
    expect(reused).toEqual([false, true, true]);

    const [socket] = Object.values(agent.freeSockets).flat();
    expect(socket?.destroyed).toBe(false);
    const ended = new Promise<void>((resolve) => socket?.once('close', () => resolve()));
    await emulator.close();
    await ended; // the server closed the kept-alive socket itself; the client never did
    agent.destroy();
  });
});
