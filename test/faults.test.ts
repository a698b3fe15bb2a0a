import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../dev/azurite';
import { freePort } from '../dev/freePort';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
let storageDown: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
  // A table endpoint nothing listens on: storage is down from the start.
  storageDown = await startBrokerStack({
    settings: { SESSION_TABLE_CONNECTION: azuriteConnectionString(await freePort()) },
  });
});
afterAll(async () => {
  await stack?.close();
  await storageDown?.close();
});

/** The broker's records, without the workbook's lease row. */
const records = () => stack.rows();
const leaseRow = async () => (await stack.leaseRows())[0];

type ErrorBody = { error: { code: string; message: string; innerError: { code?: string; 'request-id': string } } };

function assertNoSecrets(text: string): void {
  expect(text).not.toMatch(/emu\.[A-Za-z0-9_-]+\./); // a token from the identity endpoint
  expect(text).not.toMatch(/Bearer /);
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/); // a stack trace
  expect(text).not.toMatch(/AccountKey=/);
}

describe('Graph faults reach the caller as Graph-shaped answers and leave nothing behind', () => {
  it.each([
    ['a 429 with Retry-After: 1', { status: 429, retryAfterSeconds: 1 }, [1000]],
    ['a 503 with Retry-After: 2', { status: 503, retryAfterSeconds: 2 }, [2000]],
  ])(
    'waits out %s on create and sends it again, answering 201 with the one session made',
    async (_name, fault, slept) => {
      stack.emulator.resetCalls();
      stack.clock.slept.length = 0;
      stack.emulator.addFault({ op: 'createSession', kind: 'status', times: 1, ...fault });
      const sessionsBefore = stack.emulator.sessions().length;
      const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
      expect(response.status).toBe(201);
      const { id } = (await response.json()) as { id: string };
      expect(stack.emulator.calls().map((c) => c.status)).toEqual([fault.status, 201]);
      expect(stack.clock.slept).toEqual(slept);
      expect(stack.emulator.sessions().length).toBe(sessionsBefore + 1);
      expect((await stack.rows()).filter((r) => r.sessionId === id)).toHaveLength(1);
    },
  );

  it('waits out a 503 without Retry-After on create with a back-off, and answers 201', async () => {
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 503, times: 1 });
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(201);
    expect(stack.emulator.calls().map((c) => c.status)).toEqual([503, 201]);
  });

  it("passes on a create's 429 at once, with its Retry-After and no record, when the cooldown outlasts the answer budget", async () => {
    stack.emulator.resetCalls();
    stack.clock.slept.length = 0;
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 429, retryAfterSeconds: 60, times: 1 });
    const before = (await records()).length;
    const sessionsBefore = stack.emulator.sessions().length;
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('60');
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code.toLowerCase()).toBe('toomanyrequests');
    expect(stack.emulator.calls()).toHaveLength(1);
    expect(stack.clock.slept).toEqual([]);
    expect((await records()).length).toBe(before);
    expect(stack.emulator.sessions().length).toBe(sessionsBefore);
    // The cooldown is kept with the workbook's lease, for every instance; the next test starts after it, as a caller
    // honouring Retry-After would.
    expect(await leaseRow()).toMatchObject({ cooldownUntil: new Date(stack.clock.now() + 60_000) });
    stack.clock.advance(60_000);
  });

  it('passes on a Graph 500 on create at once (Graph may have acted: not repeated), with no record and no Graph session', async () => {
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 500, times: 1 });
    const sessionsBefore = stack.emulator.sessions().length;
    const rowsBefore = (await records()).length;
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(500);
    expect(((await response.json()) as ErrorBody).error.code.toLowerCase()).toBe('internalservererror');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(stack.emulator.calls()).toHaveLength(1);
    expect(stack.emulator.sessions().length).toBe(sessionsBefore);
    expect((await records()).length).toBe(rowsBefore);
  });

  it('answers a dropped Graph connection with 503 serviceUnavailable and Retry-After', async () => {
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'createSession', kind: 'drop', times: 1 });
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(503);
    // Graph may have made the session before the connection dropped: a second create could make another.
    expect(stack.emulator.calls()).toHaveLength(1);
    expect(response.headers.get('retry-after')).not.toBeNull();
    const text = await response.text();
    expect((JSON.parse(text) as ErrorBody).error.code).toBe('serviceUnavailable');
    assertNoSecrets(text);
  });

  it('repeats a create Graph answered 504, as Graph documents, and records the one session that came of it', async () => {
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 504, times: 1 });
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(stack.emulator.calls().map((c) => c.status)).toEqual([504, 201]);
    expect((await stack.rows()).filter((r) => r.sessionId === id)).toHaveLength(1);
  });

  it('gives up on a create that keeps timing out after its attempts, answering 504', async () => {
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 504, times: 10 });
    const rowsBefore = (await records()).length;
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    stack.emulator.clearFaults();
    expect(response.status).toBe(504);
    expect(stack.emulator.calls().length).toBe(4);
    expect((await records()).length).toBe(rowsBefore);
  });

  it('retries a refresh after exactly the Retry-After of a 503, and answers 204', async () => {
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.resetCalls();
    stack.clock.slept.length = 0;
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', status: 503, retryAfterSeconds: 3, times: 1 });
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(response.status).toBe(204);
    expect(stack.emulator.calls().map((c) => c.status)).toEqual([503, 204]);
    expect(stack.clock.slept).toEqual([3000]);
  });

  it('retries a refresh after a dropped connection', async () => {
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'refreshSession', kind: 'drop', times: 1 });
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(response.status).toBe(204);
    expect(stack.emulator.calls().map((c) => c.status)).toEqual(['dropped', 204]);
  });

  it("answers at once with 429 and Graph's Retry-After when the cooldown is longer than the answer budget — it never sleeps past it", async () => {
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.resetCalls();
    stack.clock.slept.length = 0;
    const createdAt = stack.clock.now();
    stack.clock.advance(60_000);
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', status: 429, retryAfterSeconds: 120, times: 1 });
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('120');
    expect(stack.emulator.calls()).toHaveLength(1);
    expect(stack.clock.slept).toEqual([]);
    const row = (await stack.rows()).find((r) => r.sessionId === created.id);
    expect(row?.state).toBe('live');
    // The caller did call (its idle clock restarts), but Graph was not refreshed: the last real contact stands.
    expect((row?.lastCallerActivityAt as Date).getTime()).toBe(stack.clock.now());
    expect((row?.lastGraphContactAt as Date).getTime()).toBe(createdAt);
    expect(await leaseRow()).toMatchObject({ cooldownUntil: new Date(stack.clock.now() + 120_000) });
    stack.clock.advance(120_000);
  });

  it('passes on an edit-lock conflict without retrying and keeps the session', async () => {
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.resetCalls();
    stack.emulator.addFault({
      op: 'refreshSession',
      kind: 'status',
      status: 409,
      innerCode: 'accessConflict',
      times: 1,
    });
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(response.status).toBe(409);
    expect(((await response.json()) as ErrorBody).error.innerError.code).toBe('accessConflict');
    expect(stack.emulator.calls()).toHaveLength(1);
    expect((await stack.rows()).find((r) => r.sessionId === created.id)?.state).toBe('live');
  });

  it.each([
    ['a 503 with no inner code and no Retry-After', { status: 503, innerCode: null }],
    ['a 502', { status: 502 }],
    ['invalidSessionReCreatable', { status: 404, innerCode: 'invalidSessionReCreatable' }],
  ])('ends the record as expired and answers 404 invalidSessionReCreatable for %s on refresh', async (_name, fault) => {
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', times: 10, ...fault });
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    stack.emulator.clearFaults();
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.innerError.code).toBe('invalidSessionReCreatable');
    expect((await stack.rows()).find((r) => r.sessionId === created.id)).toMatchObject({
      state: 'expired',
      endReason: 'expiredInGraph',
    });
  });

  it('never puts a token or a stack trace in a response or a log line', async () => {
    // Its own failures, so the check has something to look at when the test runs alone.
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', status: 500, times: 1 });
    const failed = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    assertNoSecrets(await failed.text());
    const bad = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': 'x y' } });
    assertNoSecrets(await bad.text());
    expect(stack.logs.length).toBeGreaterThan(0);
    assertNoSecrets(stack.logs.join('\n'));
  });
});

describe('storage faults', () => {
  it('closes the Graph session again when its record cannot be written, and answers 503', async () => {
    const response = await post(storageDown.sessionUrl('createSession'), { body: '{"persistChanges": false}' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    const text = await response.text();
    expect((JSON.parse(text) as ErrorBody).error.code).toBe('serviceUnavailable');
    assertNoSecrets(text);
    const created = storageDown.emulator.calls().filter((c) => c.op === 'createSession' && c.status === 201);
    expect(created).toHaveLength(1);
    expect(storageDown.emulator.activeSessions()).toEqual([]);
    expect(storageDown.emulator.calls().filter((c) => c.op === 'closeSession' && c.status === 204)).toHaveLength(1);
    assertNoSecrets(storageDown.logs.join('\n'));
  });

  it('answers refresh and close with 503 and no Graph call while storage is down', async () => {
    storageDown.emulator.resetCalls();
    for (const action of ['refreshSession', 'closeSession']) {
      const response = await post(storageDown.sessionUrl(action), {
        headers: { 'workbook-session-id': 'cluster=EMU1&session=x' },
      });
      expect(response.status).toBe(503);
    }
    expect(storageDown.emulator.calls()).toEqual([]);
  });
});
