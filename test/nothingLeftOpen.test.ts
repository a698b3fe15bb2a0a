import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => {
  await stack?.close();
});

const json = { 'content-type': 'application/json' };

async function createSession(): Promise<string> {
  const response = await post(stack.sessionUrl('createSession'), { headers: json, body: '{}' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const call = (action: string, id: string) => post(stack.sessionUrl(action), { headers: { 'workbook-session-id': id } });
const graphState = (id: string) => stack.emulator.sessions().find((s) => s.id === id)?.state;
const row = async (id: string) => (await stack.rows()).find((r) => r.sessionId === id);
const closesOf = (id: string) => stack.emulator.calls().filter((c) => c.op === 'closeSession' && c.sessionId === id);

describe('nothing left open: a session the broker stops tracking while Graph may still hold it is closed in Graph', () => {
  it.each([
    ['a transient 502', { status: 502, times: 1 }],
    ['a 503 with no inner code and no Retry-After (after the retries)', { status: 503, innerCode: null, times: 4 }],
  ])(
    "closes the session in Graph when a refresh meets %s, and the caller's close then answers 204",
    async (_name, fault) => {
      const id = await createSession();
      stack.emulator.addFault({ op: 'refreshSession', kind: 'status', ...fault });
      const refreshed = await call('refreshSession', id);
      stack.emulator.clearFaults();
      expect(refreshed.status).toBe(404);
      expect(graphState(id)).toBe('closed');
      expect(await row(id)).toMatchObject({ state: 'expired', endReason: 'expiredInGraph' });
      expect((await row(id))?.graphCloseOwed).toBeUndefined();
      expect((await call('closeSession', id)).status).toBe(204);
      expect(graphState(id)).toBe('closed');
    },
  );

  it('sends no close when Graph itself says the session is gone (404 invalidSessionReCreatable)', async () => {
    const id = await createSession();
    stack.emulator.resetCalls();
    stack.emulator.addFault({
      op: 'refreshSession',
      kind: 'status',
      status: 404,
      innerCode: 'invalidSessionReCreatable',
      times: 1,
    });
    expect((await call('refreshSession', id)).status).toBe(404);
    expect(closesOf(id)).toHaveLength(0);
    expect((await row(id))?.graphCloseOwed).toBeUndefined();
  });

  it("records a close Graph refused, retries it from the caller's close and the sweep until Graph has it", async () => {
    const id = await createSession();
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', status: 502, times: 1 });
    stack.emulator.addFault({ op: 'closeSession', kind: 'status', status: 500, times: 2 });
    expect((await call('refreshSession', id)).status).toBe(404);
    expect(graphState(id)).toBe('active');
    expect(await row(id)).toMatchObject({ state: 'expired', graphCloseOwed: true });
    // The caller's close tries again (Graph refuses once more) and still answers 204: the session is over for it.
    expect((await call('closeSession', id)).status).toBe(204);
    expect(graphState(id)).toBe('active');
    expect(await row(id)).toMatchObject({ graphCloseOwed: true });
    await stack.host.invoke('sweepSessions');
    expect(graphState(id)).toBe('closed');
    expect(closesOf(id).map((c) => c.status)).toEqual([500, 500, 204]);
    expect(await row(id)).toMatchObject({ state: 'expired' });
    expect((await row(id))?.graphCloseOwed).toBeUndefined();
  });

  it("records a caller's close that Graph answered 502 as owed, and the sweep closes it in Graph", async () => {
    const id = await createSession();
    stack.emulator.addFault({ op: 'closeSession', kind: 'status', status: 502, times: 1 });
    expect((await call('closeSession', id)).status).toBe(204);
    expect(graphState(id)).toBe('active');
    expect(await row(id)).toMatchObject({ state: 'closed', graphCloseOwed: true });
    await stack.host.invoke('sweepSessions');
    expect(graphState(id)).toBe('closed');
    expect((await row(id))?.graphCloseOwed).toBeUndefined();
  });

  it('closes in Graph a session the sweep finds dropped with a 502 on its refresh', async () => {
    const id = await createSession();
    stack.clock.advance(stack.deps.config.refreshAfterSeconds * 1000 + 1000);
    stack.emulator.addFault({ op: 'refreshSession', kind: 'status', status: 502, times: 1 });
    await stack.host.invoke('sweepSessions');
    stack.emulator.clearFaults();
    expect(await row(id)).toMatchObject({ state: 'expired' });
    // The close is owed from the sweep's own tick; the next tick sends it if this one did not.
    await stack.host.invoke('sweepSessions');
    expect(graphState(id)).toBe('closed');
    expect((await row(id))?.graphCloseOwed).toBeUndefined();
  });
});
