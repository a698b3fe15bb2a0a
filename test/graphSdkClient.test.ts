import { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => stack?.close());

it("drives create → refresh → close with Microsoft's own Graph JavaScript client pointed at the broker", async () => {
  const client = Client.init({
    baseUrl: `${stack.url}/api`,
    defaultVersion: '',
    // The broker holds the Graph identity; a caller needs only a function key, which the local host does not check.
    authProvider: (done) => done(null, 'not-a-graph-token'),
    customHosts: new Set([new URL(stack.url).host]),
  });
  const workbook = `/drives/${WORKBOOK.driveId}/items/${WORKBOOK.itemId}/workbook`;

  const session = (await client.api(`${workbook}/createSession`).post({ persistChanges: false })) as { id: string; persistChanges: boolean };
  expect(session.persistChanges).toBe(false);
  expect(stack.emulator.activeSessions().map((s) => s.id)).toEqual([session.id]);

  await client.api(`${workbook}/refreshSession`).header('workbook-session-id', session.id).post({});
  expect(stack.emulator.calls().filter((c) => c.op === 'refreshSession').map((c) => c.status)).toEqual([204]);

  await client.api(`${workbook}/closeSession`).header('workbook-session-id', session.id).post({});
  expect(stack.emulator.activeSessions()).toEqual([]);
  const rows = await stack.rows();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ sessionId: session.id, state: 'closed', endReason: 'closedByCaller', persistChanges: false });

  // And the SDK sees a Graph-shaped error it can act on.
  await expect(client.api(`${workbook}/refreshSession`).header('workbook-session-id', session.id).post({})).rejects.toMatchObject({
    statusCode: 404,
    code: 'itemNotFound',
  });
});
