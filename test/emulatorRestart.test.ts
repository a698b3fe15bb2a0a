import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID, startGraphEmulator, type GraphEmulator } from '../dev/graphEmulator';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

// `npm start` stopped and started again: the emulator comes back on the same drive folder and port, and the
// broker's next sweep must find its sessions still alive in Graph, as they would be on Microsoft's side.

const MINUTE = 60_000;
const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("keeps a live session live across a restart of the local Graph: the broker's first sweep refreshes it, not expires it", async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'drive-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  const stack: BrokerStack = await startBrokerStack({ emulator: { drive: { path: folder } } });
  cleanups.push(() => stack.close());

  const created = await post(stack.sessionUrl('createSession', DEMO), {
    body: '{"persistChanges":true}',
    headers: { 'content-type': 'application/json' },
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await stack.emulator.close();
  stack.clock.advance(MINUTE);
  const restarted: GraphEmulator = await startGraphEmulator({
    port: stack.emulator.port,
    drive: { path: folder },
    now: stack.clock.now,
    acceptToken: (token) => stack.identity.verify(token),
  });
  cleanups.push(() => restarted.close());

  stack.clock.advance(3 * MINUTE); // past SESSION_REFRESH_AFTER_SECONDS, inside Excel's 5 idle minutes
  await stack.host.invoke('sweepSessions');

  expect(restarted.calls()).toEqual([expect.objectContaining({ op: 'refreshSession', sessionId: id, status: 204 })]);
  expect(restarted.activeSessions().map((session) => session.id)).toEqual([id]);
  expect((await stack.rows()).find((row) => row.sessionId === id)).toMatchObject({ state: 'live' });
});
