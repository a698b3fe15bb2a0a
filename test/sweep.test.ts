import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSessions } from '../shared/sweep/sweepSessions';
import { post, startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

const MINUTE = 60_000;
let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack({ settings: { SESSION_RETENTION_SECONDS: '3600', SWEEP_CONCURRENCY: '3' } });
});
afterAll(async () => stack?.close());

type Workbook = { driveId: string; itemId: string };

async function create(workbook: Workbook = WORKBOOK, headers: Record<string, string> = {}): Promise<string> {
  const response = await post(stack.sessionUrl('createSession', workbook), {
    body: '{"persistChanges": true}',
    headers,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

const refresh = (id: string, workbook: Workbook = WORKBOOK) =>
  post(stack.sessionUrl('refreshSession', workbook), { headers: { 'workbook-session-id': id } });
const close = (id: string, workbook: Workbook = WORKBOOK) =>
  post(stack.sessionUrl('closeSession', workbook), { headers: { 'workbook-session-id': id } });
const graphState = (id: string) => stack.emulator.sessions().find((s) => s.id === id)?.state;
const row = async (id: string) => (await stack.rows()).find((r) => r.sessionId === id);
/** One timer tick, through the function as the host runs it. */
const tick = () => stack.host.invoke('sweepSessions');
const sweepNow = (budgetMs = 60_000, pageSize?: number) =>
  sweepSessions(
    {
      deps: stack.deps,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      requestId: 'sweep-test',
    },
    { budgetMs, ...(pageSize ? { pageSize } : {}) },
  );

describe('the sweep keeps wanted sessions alive and closes abandoned ones', () => {
  it("keeps a session whose caller refreshes only every 20 minutes alive for 90 minutes, far past Excel's 5-minute expiry", async () => {
    const id = await create();
    for (let minute = 1; minute <= 90; minute += 1) {
      stack.clock.advance(MINUTE);
      if (minute % 20 === 0) expect((await refresh(id)).status).toBe(204);
      await tick();
      expect(graphState(id)).toBe('active');
    }
    expect(await row(id)).toMatchObject({ state: 'live' });
    // The sweep refreshed Graph about every SESSION_REFRESH_AFTER_SECONDS (3 min), not every tick.
    const sweepRefreshes =
      stack.emulator.calls().filter((c) => c.sessionId === id && c.op === 'refreshSession').length - 4;
    expect(sweepRefreshes).toBeGreaterThanOrEqual(25);
    expect(sweepRefreshes).toBeLessThanOrEqual(35);
    await close(id);
  });

  it('closes an abandoned session in Graph once its idle timeout passes, and its next refresh answers 404 invalidSessionReCreatable', async () => {
    const id = await create(WORKBOOK, { 'x-session-idle-timeout': '600' });
    for (let minute = 1; minute <= 9; minute += 1) {
      stack.clock.advance(MINUTE);
      await tick();
    }
    expect(graphState(id)).toBe('active'); // kept alive by the sweep until the caller's 10 minutes are up
    stack.clock.advance(MINUTE);
    await tick();
    expect(graphState(id)).toBe('closed');
    expect(await row(id)).toMatchObject({ state: 'closed', endReason: 'idle' });

    const response = await refresh(id);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { innerError: { code: string } } }).error.innerError.code).toBe(
      'invalidSessionReCreatable',
    );
  });

  it('records a session that Graph expired as expired', async () => {
    const id = await create();
    stack.clock.advance(6 * MINUTE); // no sweep ran: Excel's idle expiry hit it
    expect(graphState(id)).toBe('expired');
    await tick();
    expect(await row(id)).toMatchObject({ state: 'expired', endReason: 'expiredInGraph' });
  });

  it('makes no Graph call for ended sessions and deletes their records after SESSION_RETENTION_SECONDS', async () => {
    const id = await create();
    expect((await close(id)).status).toBe(204);
    stack.emulator.resetCalls();
    stack.clock.advance(30 * MINUTE);
    await tick();
    expect(await row(id)).toMatchObject({ state: 'closed' });
    stack.clock.advance(31 * MINUTE);
    await tick();
    expect(await row(id)).toBeUndefined();
    expect(stack.emulator.calls().filter((c) => c.sessionId === id)).toEqual([]);
  });

  it('leaves a throttled workbook alone until its Retry-After has passed, across ticks, while other workbooks go on', async () => {
    const a = { driveId: WORKBOOK.driveId, itemId: '01THROTTLEDA' };
    const b = { driveId: WORKBOOK.driveId, itemId: '01CALMB' };
    stack.emulator.addWorkbook(a.driveId, a.itemId);
    stack.emulator.addWorkbook(b.driveId, b.itemId);
    const idsA = [await create(a), await create(a)];
    const idsB = [await create(b), await create(b)];
    await tick(); // settle whatever else is due
    stack.clock.advance(4 * MINUTE);
    stack.emulator.resetCalls();
    stack.emulator.addFault({
      op: 'refreshSession',
      itemId: a.itemId,
      kind: 'status',
      status: 429,
      retryAfterSeconds: 30,
      times: 1,
    });
    await tick();
    const callsTo = (itemId: string) => stack.emulator.calls().filter((c) => c.itemId === itemId);
    expect(callsTo(a.itemId).map((c) => c.status)).toEqual([429]); // the second session of A was not sent
    expect(callsTo(b.itemId).map((c) => c.status)).toEqual([204, 204]);

    stack.clock.advance(20_000);
    await tick();
    expect(callsTo(a.itemId)).toHaveLength(1); // still cooling down on the next tick

    stack.clock.advance(15_000);
    await tick();
    expect(callsTo(a.itemId).map((c) => c.status)).toEqual([429, 204, 204]);
    for (const id of idsA) expect(await row(id)).toMatchObject({ state: 'live' });
    for (const id of [...idsA, ...idsB]) await close(id, idsA.includes(id) ? a : b);
  });

  it('keeps at most SWEEP_CONCURRENCY Graph calls in flight, and one at a time per workbook', async () => {
    const workbooks = Array.from({ length: 6 }, (_, i) => ({ driveId: WORKBOOK.driveId, itemId: `01PARALLEL${i}` }));
    const ids: Array<[string, Workbook]> = [];
    for (const workbook of workbooks) {
      stack.emulator.addWorkbook(workbook.driveId, workbook.itemId);
      for (let n = 0; n < 3; n += 1) ids.push([await create(workbook), workbook]);
    }
    await tick();
    stack.clock.advance(4 * MINUTE);
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'refreshSession', kind: 'latency', latencyMs: 40 });
    await tick();
    stack.emulator.clearFaults();
    const calls = stack.emulator.calls().filter((c) => c.op === 'refreshSession');
    expect(calls).toHaveLength(18);
    // Calls in flight at the moment each call arrived (a call in flight then had arrived and not yet been answered).
    const maxOverlap = (list: typeof calls) =>
      Math.max(
        ...list.map((c) => list.filter((o) => o.receivedMs <= c.receivedMs && o.answeredMs > c.receivedMs).length),
      );
    expect(maxOverlap(calls)).toBe(3); // SWEEP_CONCURRENCY, reached and not exceeded
    for (const workbook of workbooks) expect(maxOverlap(calls.filter((c) => c.itemId === workbook.itemId))).toBe(1);
    for (const [id, workbook] of ids) await close(id, workbook);
  });

  it('stops starting work when its budget is spent, and the next tick carries on', async () => {
    await tick();
    const ids: string[] = [];
    for (let n = 0; n < 8; n += 1) ids.push(await create());
    stack.clock.advance(4 * MINUTE);
    const first = await sweepNow(0);
    expect(first).toMatchObject({ seen: 0, complete: false });
    const second = await sweepNow(60_000, 3);
    expect(second).toMatchObject({ seen: 8, refreshed: 8, complete: true, failed: 0 });
    for (const id of ids) await close(id);
  });

  it('hands an idle session back with the cooldown recorded when Graph throttles its close, and closes it after', async () => {
    await tick();
    const id = await create(WORKBOOK, { 'x-session-idle-timeout': '60' });
    stack.clock.advance(61_000);
    stack.emulator.resetCalls();
    stack.emulator.addFault({ op: 'closeSession', kind: 'status', status: 429, retryAfterSeconds: 30, times: 1 });
    await tick();
    const handedBack = await row(id);
    expect(handedBack).toMatchObject({ state: 'live' });
    expect((handedBack?.deferredUntil as Date).getTime()).toBe(stack.clock.now() + 30_000);
    expect(graphState(id)).toBe('active');
    stack.clock.advance(20_000);
    await tick();
    expect(stack.emulator.calls().filter((c) => c.sessionId === id)).toHaveLength(1); // nothing during the cooldown
    stack.clock.advance(15_000);
    await tick();
    expect(graphState(id)).toBe('closed');
    expect(await row(id)).toMatchObject({ state: 'closed', endReason: 'idle' });
  });
});
