import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => stack?.close());

async function create(body = '{"persistChanges": true}', headers: Record<string, string> = {}) {
  const response = await post(stack.sessionUrl('createSession'), {
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { response, json: (await response.json()) as { id: string; persistChanges: boolean } };
}

describe('the session lifecycle through the local host', () => {
  it("creates a session: 201 with exactly Graph's body, a Graph session, and one live record", async () => {
    const { response, json } = await create();
    expect(response.status).toBe(201);
    expect(Object.keys(json).sort()).toEqual(['id', 'persistChanges']);
    expect(json.persistChanges).toBe(true);

    const graphSession = stack.emulator.sessions().find((s) => s.id === json.id);
    expect(graphSession).toMatchObject({
      driveId: WORKBOOK.driveId,
      itemId: WORKBOOK.itemId,
      persistChanges: true,
      state: 'active',
    });

    const rows = (await stack.rows()).filter((row) => row.sessionId === json.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      driveId: WORKBOOK.driveId,
      itemId: WORKBOOK.itemId,
      persistChanges: true,
      state: 'live',
      idleTimeoutSeconds: 1800,
    });
    expect((rows[0]?.createdAt as Date).getTime()).toBe(stack.clock.now());
  });

  it.each([
    ['{"persistChanges": false}', false],
    ['{"persistSession": false}', false],
    ['', true],
    ['{}', true],
  ])('honours the create body %j as persistChanges %s', async (body, expected) => {
    const { response, json } = await create(body);
    expect(response.status).toBe(201);
    expect(json.persistChanges).toBe(expected);
    expect(stack.emulator.sessions().find((s) => s.id === json.id)?.persistChanges).toBe(expected);
  });

  it('refreshes a session: 204, Graph saw the refresh, and both clocks in the record moved', async () => {
    const { json } = await create();
    stack.clock.advance(60_000);
    stack.emulator.resetCalls();
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } });
    expect(response.status).toBe(204);
    expect(stack.emulator.calls()).toEqual([
      expect.objectContaining({ op: 'refreshSession', sessionId: json.id, status: 204 }),
    ]);
    const row = (await stack.rows()).find((r) => r.sessionId === json.id);
    expect((row?.lastCallerActivityAt as Date).getTime()).toBe(stack.clock.now());
    expect((row?.lastGraphContactAt as Date).getTime()).toBe(stack.clock.now());
  });

  it('closes a session: 204, closed in Graph, recorded closed by its caller — and a second close is 204 again without Graph', async () => {
    const { json } = await create();
    const first = await post(stack.sessionUrl('closeSession'), { headers: { 'Workbook-Session-Id': json.id } });
    expect(first.status).toBe(204);
    expect(stack.emulator.sessions().find((s) => s.id === json.id)?.state).toBe('closed');
    const row = (await stack.rows()).find((r) => r.sessionId === json.id);
    expect(row).toMatchObject({ state: 'closed', endReason: 'closedByCaller' });

    stack.emulator.resetCalls();
    const again = await post(stack.sessionUrl('closeSession'), { headers: { 'workbook-session-id': json.id } });
    expect(again.status).toBe(204);
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('answers 404 invalidSessionReCreatable for a refresh after close, without calling Graph', async () => {
    const { json } = await create();
    await post(stack.sessionUrl('closeSession'), { headers: { 'workbook-session-id': json.id } });
    stack.emulator.resetCalls();
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; innerError: { code: string } } };
    expect(body.error.innerError.code).toBe('invalidSessionReCreatable');
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('answers 404 for a session id the broker never issued, without calling Graph or writing', async () => {
    const before = (await stack.rows()).length;
    stack.emulator.resetCalls();
    const response = await post(stack.sessionUrl('refreshSession'), {
      headers: { 'workbook-session-id': 'cluster=X&session=never-issued' },
    });
    expect(response.status).toBe(404);
    expect(stack.emulator.calls()).toEqual([]);
    expect((await stack.rows()).length).toBe(before);
  });

  it('records a session Graph let expire as expired and tells the caller to recreate it', async () => {
    const { json } = await create('{"persistChanges": true}');
    stack.clock.advance(6 * 60_000); // past Excel's ~5 min idle expiry for a persistent session
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { innerError: { code: string } } }).error.innerError.code).toBe(
      'invalidSessionReCreatable',
    );
    const row = (await stack.rows()).find((r) => r.sessionId === json.id);
    expect(row).toMatchObject({ state: 'expired', endReason: 'expiredInGraph' });
  });

  it('keeps a session per workbook apart: the same id on another workbook is unknown', async () => {
    const { json } = await create();
    stack.emulator.addWorkbook(WORKBOOK.driveId, '01OTHERWORKBOOK');
    const response = await post(
      stack.sessionUrl('refreshSession', { driveId: WORKBOOK.driveId, itemId: '01OTHERWORKBOOK' }),
      {
        headers: { 'workbook-session-id': json.id },
      },
    );
    expect(response.status).toBe(404);
  });

  it("takes x-session-idle-timeout as the session's idle timeout", async () => {
    const { json } = await create('{}', { 'x-session-idle-timeout': '7200' });
    const row = (await stack.rows()).find((r) => r.sessionId === json.id);
    expect(row?.idleTimeoutSeconds).toBe(7200);
  });

  it('records the signed-in caller as owner and hides the session from anyone else', async () => {
    const { json } = await create('{}', {
      'x-ms-client-principal-id': 'user-a',
      'x-ms-client-principal-name': 'a@contoso.example',
    });
    const row = (await stack.rows()).find((r) => r.sessionId === json.id);
    expect(row).toMatchObject({ owner: 'user-a', ownerName: 'a@contoso.example' });

    stack.emulator.resetCalls();
    const stranger = await post(stack.sessionUrl('closeSession'), {
      headers: { 'workbook-session-id': json.id, 'x-ms-client-principal-id': 'user-b' },
    });
    expect(stranger.status).toBe(404);
    const anonymous = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } });
    expect(anonymous.status).toBe(404);
    expect(stack.emulator.calls()).toEqual([]);

    const owner = await post(stack.sessionUrl('closeSession'), {
      headers: { 'workbook-session-id': json.id, 'x-ms-client-principal-id': 'user-a' },
    });
    expect(owner.status).toBe(204);
  });

  it('gets its Graph token from the managed-identity endpoint once, not per call', async () => {
    // Three calls of its own, so the test stands alone; the token may already have been fetched by an earlier test.
    const before = stack.identity.requests().filter((r) => r.status === 200).length;
    const { json } = await create();
    await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } });
    await post(stack.sessionUrl('closeSession'), { headers: { 'workbook-session-id': json.id } });
    const fetched = stack.identity.requests().filter((r) => r.status === 200);
    expect(fetched.length).toBe(Math.max(before, 1));
    expect(fetched[0]?.resource).toBe('https://graph.microsoft.com');
    expect(
      stack.emulator
        .calls()
        .filter((c) => c.sessionId === json.id)
        .map((c) => c.op),
    ).toEqual(['createSession', 'refreshSession', 'closeSession']);
  });

  it('lets a record another instance changed win over the copy this instance keeps', async () => {
    const { json } = await create();
    await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } }); // copy cached
    const row = (await stack.rows()).find((r) => r.sessionId === json.id && String(r.rowKey).startsWith('s'));
    // Another instance closed it: the table says closed, and Graph too.
    await stack.table.updateEntity(
      {
        partitionKey: String(row?.partitionKey),
        rowKey: String(row?.rowKey),
        state: 'closed',
        endReason: 'closedByCaller',
      },
      'Merge',
    );
    // This instance's copy still says live: the refresh goes to Graph, but its conditional write fails, the record is
    // read afresh, and the caller hears what the table says.
    const response = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': json.id } });
    expect(response.status).toBe(404);
    expect((await stack.rows()).find((r) => r.sessionId === json.id && String(r.rowKey).startsWith('s'))).toMatchObject(
      { state: 'closed' },
    );
  });
});
