import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString } from '../dev/azurite';
import { freePort } from '../dev/freePort';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
let storageDown: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
  // A table endpoint nothing listens on: storage is down from the start.
  storageDown = await startBrokerStack({ settings: { SESSION_TABLE_CONNECTION: azuriteConnectionString(await freePort()) } });
});
afterAll(async () => {
  await stack?.close();
  await storageDown?.close();
});

type ErrorBody = { error: { code: string; message: string; innerError: { code?: string; 'request-id': string } } };

function assertNoSecrets(text: string): void {
  expect(text).not.toMatch(/emu\.[A-Za-z0-9_-]+\./); // a token from the identity endpoint
  expect(text).not.toMatch(/Bearer /);
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/); // a stack trace
  expect(text).not.toMatch(/AccountKey=/);
}

describe('Graph faults reach the caller as Graph-shaped answers and leave nothing behind', () => {
  it('passes on a 429 with its Retry-After and writes no record', async () => {
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 429, retryAfterSeconds: 7, times: 1 });
    const before = (await stack.rows()).length;
    const sessionsBefore = stack.emulator.sessions().length;
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code.toLowerCase()).toBe('toomanyrequests');
    expect((await stack.rows()).length).toBe(before);
    expect(stack.emulator.sessions().length).toBe(sessionsBefore);
  });

  it.each([
    [503, 'serviceUnavailable'],
    [504, 'gatewayTimeout'],
    [500, 'internalServerError'],
  ])('passes on a Graph %s on create as %s, with no record and no Graph session', async (status, code) => {
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status, times: 1 });
    const sessionsBefore = stack.emulator.sessions().length;
    const rowsBefore = (await stack.rows()).length;
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(status);
    expect(((await response.json()) as ErrorBody).error.code.toLowerCase()).toBe(code.toLowerCase());
    expect(stack.emulator.sessions().length).toBe(sessionsBefore);
    expect((await stack.rows()).length).toBe(rowsBefore);
  });

  it('answers a dropped Graph connection with 503 serviceUnavailable and Retry-After', async () => {
    stack.emulator.addFault({ op: 'createSession', kind: 'drop', times: 1 });
    const response = await post(stack.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).not.toBeNull();
    const text = await response.text();
    expect((JSON.parse(text) as ErrorBody).error.code).toBe('serviceUnavailable');
    assertNoSecrets(text);
  });

  it('passes on a Graph 503 on refresh and keeps the session live for the caller to retry', async () => {
    const created = (await (await post(stack.sessionUrl('createSession'), { body: '{}' })).json()) as { id: string };
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', status: 503, retryAfterSeconds: 3, times: 1 });
    const failed = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('3');
    expect((await stack.rows()).find((r) => r.sessionId === created.id)?.state).toBe('live');
    const retried = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': created.id } });
    expect(retried.status).toBe(204);
  });

  it('never puts a token or a stack trace in a response or a log line', async () => {
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
      const response = await post(storageDown.sessionUrl(action), { headers: { 'workbook-session-id': 'cluster=EMU1&session=x' } });
      expect(response.status).toBe(503);
    }
    expect(storageDown.emulator.calls()).toEqual([]);
  });
});
