import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => {
  await stack?.close();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request-id on every answer', () => {
  it("gives every answer, success included, its own request-id, and logs it together with Graph's own", async () => {
    const json = { 'content-type': 'application/json' };
    const created = await post(stack.sessionUrl('createSession'), { headers: json, body: '{"persistChanges":true}' });
    const { id } = (await created.json()) as { id: string };
    const refreshed = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': id } });
    const closed = await post(stack.sessionUrl('closeSession'), { headers: { 'workbook-session-id': id } });
    const refused = await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': id } });
    expect([created.status, refreshed.status, closed.status, refused.status]).toEqual([201, 204, 204, 404]);
    const ids = [created, refreshed, closed, refused].map((response) => response.headers.get('request-id'));
    for (const requestId of ids) expect(requestId).toMatch(UUID);
    expect(new Set(ids).size).toBe(4);
    // The error body quotes the same id as its header.
    const body = (await refused.json()) as { error: { innerError: { 'request-id': string } } };
    expect(body.error.innerError['request-id']).toBe(ids[3]);
    // Each call that reached Graph logged the broker's id with Graph's request-id, so either finds the other.
    for (const requestId of ids.slice(0, 3)) {
      const line = stack.logs.find((l) => l.includes(requestId as string) && l.includes('graphRequestId'));
      expect(line, `no log line pairs ${requestId} with Graph's request-id`).toBeDefined();
      expect(/"graphRequestId":"([^"]+)"/.exec(line as string)?.[1]).toMatch(UUID);
    }
  });

  it("sends the broker's request-id to Graph as client-request-id", async () => {
    stack.emulator.resetCalls();
    const created = await post(stack.sessionUrl('createSession'), {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(created.status).toBe(201);
    const requestId = created.headers.get('request-id') as string;
    const line = stack.logs.find((l) => l.includes(requestId) && l.includes('graphRequestId'));
    expect(line).toContain(`"clientRequestId":"${requestId}"`);
  });
});
