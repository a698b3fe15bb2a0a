import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';
import { rawRequest } from './support/rawRequest';

let quick: BrokerStack;
let slow: BrokerStack;
beforeAll(async () => {
  quick = await startBrokerStack({ emulator: { asyncCreateMs: 5_000 } }); // finishes inside the answer budget
  slow = await startBrokerStack({ emulator: { asyncCreateMs: 100_000 } }); // outlasts it
});
afterAll(async () => {
  await quick?.close();
  await slow?.close();
});

type ErrorBody = { error: { code: string; message: string; innerError: { code?: string; 'request-id'?: string } } };

describe('long creates (Prefer: respond-async)', () => {
  it('asks Graph for an asynchronous create, follows the operation, and answers 201 when it finishes inside the budget', async () => {
    const response = await post(quick.sessionUrl('createSession'), { body: '{"persistChanges": false}' });
    expect(response.status).toBe(201);
    const session = (await response.json()) as { id: string; persistChanges: boolean };
    expect(session.persistChanges).toBe(false);
    const ops = quick.emulator.calls().map((c) => `${c.op} ${c.status}`);
    expect(ops[0]).toBe('createSession 202');
    expect(ops.at(-1)).toBe('getSessionInfo 200');
    expect(ops.filter((o) => o === 'getOperation 200').length).toBeGreaterThanOrEqual(2);
    // Polled at a doubling interval from 1 s, never sleeping past the operation's end by more than one step.
    expect(quick.clock.slept.slice(0, 3)).toEqual([1000, 2000, 4000]);
    const rows = (await quick.rows()).filter((r) => r.sessionId === session.id && String(r.rowKey).startsWith('s'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'live', persistChanges: false });
    expect(quick.emulator.activeSessions().map((s) => s.id)).toContain(session.id);
  });

  it('answers 202 with Location and Retry-After past its budget; polling that URL answers 202, then 201 with the session, recorded once', async () => {
    const response = await post(slow.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(202);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(new RegExp(`^${slow.url}/api/drives/.+/items/.+/workbook/operations/[0-9a-f-]{36}$`));
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await response.text()).toBe('');
    expect((await slow.rows()).filter((r) => String(r.rowKey).startsWith('s'))).toEqual([]);

    const stillRunning = await fetch(location);
    expect(stillRunning.status).toBe(202);
    expect(stillRunning.headers.get('location')).toBe(location);

    slow.clock.advance(100_000);
    const done = await fetch(location);
    expect(done.status).toBe(201);
    const session = (await done.json()) as { id: string; persistChanges: boolean };
    expect(session.persistChanges).toBe(true);
    expect(slow.emulator.activeSessions().map((s) => s.id)).toEqual([session.id]);

    const again = await fetch(location);
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).toBe(session.id);
    const sessionRows = (await slow.rows()).filter((r) => String(r.rowKey).startsWith('s'));
    expect(sessionRows).toHaveLength(1);
    expect(sessionRows[0]).toMatchObject({ sessionId: session.id, state: 'live' });

    // The session it made is an ordinary one: refresh and close work.
    const refreshed = await post(slow.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': session.id } });
    expect(refreshed.status).toBe(204);
  });

  it("turns a failed operation — HTTP 200 with status failed — into Graph's error, with no session recorded", async () => {
    quick.emulator.failNextOperations(1);
    const before = (await quick.rows()).filter((r) => String(r.rowKey).startsWith('s')).length;
    const response = await post(quick.sessionUrl('createSession'), { body: '{}' });
    expect(response.status).toBe(500);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('internalServerError');
    expect(body.error.innerError.code).toBe('internalServerErrorUncategorized');
    expect((await quick.rows()).filter((r) => String(r.rowKey).startsWith('s')).length).toBe(before);
    expect((await quick.rows()).some((r) => String(r.rowKey).startsWith('o') && r.state === 'failed')).toBe(true);
  });

  it("forwards an operation id that is not one of its long creates to Graph, and answers with Graph's answer", async () => {
    const base = new URL(slow.sessionUrl('createSession')).pathname.replace('/createSession', '/operations/');
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      slow.emulator.resetCalls();
      const unknown = await rawRequest(slow.url, `${base}${id}`, { method: 'GET' });
      expect(unknown.status).toBe(404);
      const body = JSON.parse(unknown.text) as ErrorBody;
      expect(body.error.code).toBe('itemNotFound');
      expect(slow.emulator.calls()).toEqual([
        expect.objectContaining({ method: 'GET', op: 'getOperation', status: 404 }),
      ]);
      // Graph's own answer, with Graph's own request-id: the one Microsoft support asks for.
      expect(unknown.headers['request-id']).toBe(body.error.innerError['request-id']);
    }
  });

  it("hides a signed-in caller's operation from anyone else", async () => {
    const response = await post(slow.sessionUrl('createSession'), {
      body: '{}',
      headers: { 'x-ms-client-principal-id': 'owner-1' },
    });
    expect(response.status).toBe(202);
    const location = response.headers.get('location') ?? '';
    expect((await fetch(location, { headers: { 'x-ms-client-principal-id': 'someone-else' } })).status).toBe(404);
    expect((await fetch(location)).status).toBe(404);
    expect((await fetch(location, { headers: { 'x-ms-client-principal-id': 'owner-1' } })).status).toBe(202);
  });

  it('records the session of a long create nobody polled any more, from the sweep, so Graph holds none the table does not know', async () => {
    const response = await post(slow.sessionUrl('createSession'), {
      body: '{}',
      headers: { 'x-session-idle-timeout': '600' },
    });
    expect(response.status).toBe(202);
    const operationId = (response.headers.get('location') ?? '').split('/').at(-1);
    slow.emulator.resetCalls();
    slow.clock.advance(30_000);
    await slow.host.invoke('sweepSessions'); // inside the caller's grace: left to the caller
    expect(slow.emulator.calls().filter((c) => c.op === 'getOperation')).toEqual([]);
    slow.clock.advance(130_000); // Graph has finished; the caller never came back
    await slow.host.invoke('sweepSessions');
    const rows = await slow.rows();
    const sessionRows = rows.filter((r) => String(r.rowKey).startsWith('s'));
    for (const graphSession of slow.emulator.activeSessions()) {
      expect(sessionRows.find((r) => r.sessionId === graphSession.id)).toMatchObject({ state: 'live' });
    }
    const operation = rows.find((r) => r.operationId === operationId);
    expect(operation).toMatchObject({ state: 'succeeded' });
    const orphan = sessionRows.find((r) => r.sessionId === operation?.sessionId);
    expect(orphan).toMatchObject({ state: 'live', idleTimeoutSeconds: 600 });
    // And then it idles out like any abandoned session.
    for (let minute = 0; minute < 11; minute += 1) {
      slow.clock.advance(60_000);
      await slow.host.invoke('sweepSessions');
    }
    expect(slow.emulator.sessions().find((s) => s.id === orphan?.sessionId)?.state).toBe('closed');
  });
});
