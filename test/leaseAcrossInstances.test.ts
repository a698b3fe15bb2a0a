import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startGraphEmulator, type GraphEmulator } from '../dev/graphEmulator';
import { startIdentityEndpoint, type IdentityEndpoint } from '../dev/identityEndpoint';
import { createTableAccess } from '../shared/store/tableAccess';
import { createLeaseStore, type LeaseStore } from '../shared/store/workbookLeaseStore';
import { testTableName } from './support/azurite';
import { startBrokerChild, type BrokerChild } from './support/brokerChild';

// Two broker instances, each in its own process, on one session table (Azurite) and one Graph emulator: what
// WORKBOOK_LEASE=table promises across instances. The emulator counts calls in flight per workbook; a control pair
// with WORKBOOK_LEASE=instance shows the count does catch two instances calling one workbook at once.

const DRIVE = 'b!lease-drive';
const WORKBOOKS = [1, 2, 3].map((n) => ({ driveId: DRIVE, itemId: `01SHARED${n}` }));
const CONTROL = { driveId: DRIVE, itemId: '01CONTROL' };
const THROTTLED = { driveId: DRIVE, itemId: '01THROTTLED' };
const CRASH = { driveId: DRIVE, itemId: '01CRASH' };

let identity: IdentityEndpoint;
let emulator: GraphEmulator;
let leases: LeaseStore;
let a: BrokerChild;
let b: BrokerChild;
let controlA: BrokerChild;
let controlB: BrokerChild;

beforeAll(async () => {
  identity = await startIdentityEndpoint();
  emulator = await startGraphEmulator({
    workbooks: [...WORKBOOKS, CONTROL, THROTTLED, CRASH],
    acceptToken: (token) => identity.verify(token),
  });
  const connection = inject('azuriteConnectionString');
  const tableName = testTableName('leaseInstances');
  leases = createLeaseStore(createTableAccess({ connectionString: connection, tableName }));
  const settings = {
    GRAPH_BASE_URL: emulator.url,
    IDENTITY_ENDPOINT: identity.url,
    IDENTITY_HEADER: identity.header,
    SESSION_TABLE_CONNECTION: connection,
    ALLOWED_DRIVE_IDS: '*',
  };
  [a, b, controlA, controlB] = await Promise.all([
    startBrokerChild({ ...settings, SESSION_TABLE_NAME: tableName }),
    startBrokerChild({ ...settings, SESSION_TABLE_NAME: tableName, WORKBOOK_LEASE: 'table' }),
    startBrokerChild({ ...settings, SESSION_TABLE_NAME: `${tableName}c`, WORKBOOK_LEASE: 'instance' }),
    startBrokerChild({ ...settings, SESSION_TABLE_NAME: `${tableName}c`, WORKBOOK_LEASE: 'instance' }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a, b, controlA, controlB].map((child) => child?.kill()));
  await emulator?.close();
  await identity?.close();
});

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly instance: 'a' | 'b';
  /** performance.now() when it was sent and answered, in this process: which calls waited at the same time. */
  readonly sentMs: number;
  readonly answeredMs: number;
}

/** One of a mix of reads and writes, sessionless, on `workbook` through `broker`. */
async function mixedCall(
  broker: BrokerChild,
  instance: 'a' | 'b',
  workbook: { driveId: string; itemId: string },
  n: number,
): Promise<Answer> {
  const sentMs = performance.now();
  const kind = n % 3;
  const response =
    kind === 0
      ? await fetch(broker.workbookUrl(workbook, 'worksheets'))
      : await fetch(broker.workbookUrl(workbook, `worksheets('Sheet1')/range(address='A${(n % 50) + 1}')`), {
          method: kind === 1 ? 'PATCH' : 'GET',
          ...(kind === 1
            ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ values: [[n]] }) }
            : {}),
        });
  await response.arrayBuffer();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    instance,
    sentMs,
    answeredMs: performance.now(),
  };
}

/** Pairs of calls, one through each instance, that were both waiting for the same workbook at the same time. */
function crossInstanceOverlaps(answers: readonly Answer[]): number {
  const fromA = answers.filter((x) => x.instance === 'a');
  const fromB = answers.filter((x) => x.instance === 'b');
  let pairs = 0;
  for (const x of fromA) for (const y of fromB) if (x.sentMs < y.answeredMs && y.sentMs < x.answeredMs) pairs += 1;
  return pairs;
}

const inFlightOn = (workbook: { itemId: string }) =>
  emulator.concurrency().workbooks.find((w) => w.itemId === workbook.itemId);

describe('WORKBOOK_LEASE=table across two broker processes', () => {
  it('never puts two calls in flight on one workbook: 500 mixed calls over 3 workbooks from both instances', async () => {
    emulator.addFault({ kind: 'latency', latencyMs: 2, driveId: DRIVE });
    emulator.resetConcurrency();
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, n) => {
        const instance = n % 2 === 0 ? 'a' : 'b';
        const workbook = WORKBOOKS[Math.floor(n / 2) % 3]!;
        return mixedCall(instance === 'a' ? a : b, instance, workbook, n).then((answer) => ({ answer, workbook }));
      }),
    );
    emulator.clearFaults();
    expect(answers.filter(({ answer }) => answer.status !== 200)).toEqual([]);
    const report = emulator.concurrency();
    const shared = WORKBOOKS.map((workbook) => report.workbooks.find((w) => w.itemId === workbook.itemId));
    expect(shared.map((w) => w?.maxInFlight)).toEqual([1, 1, 1]);
    // The overlap the test relies on: calls on different workbooks were in Graph together, and on each workbook the
    // two instances had calls waiting at the same time, so the lease — not luck — kept them apart.
    expect(report.maxInFlight).toBeGreaterThan(1);
    for (const workbook of WORKBOOKS) {
      const overlaps = crossInstanceOverlaps(answers.filter((x) => x.workbook === workbook).map((x) => x.answer));
      console.info(
        `${workbook.itemId}: ${overlaps} cross-instance overlapping pairs; emulator maxInFlight overall ${report.maxInFlight}`,
      );
      expect(overlaps).toBeGreaterThan(0);
    }
  }, 60_000);

  it('is what keeps them apart: two instances with WORKBOOK_LEASE=instance do put two calls in flight on one workbook', async () => {
    emulator.addFault({ kind: 'latency', latencyMs: 5, itemId: CONTROL.itemId });
    emulator.resetConcurrency();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, n) =>
        n % 2 === 0 ? mixedCall(controlA, 'a', CONTROL, n) : mixedCall(controlB, 'b', CONTROL, n),
      ),
    );
    emulator.clearFaults();
    expect(answers.every((x) => x.status === 200)).toBe(true);
    expect(inFlightOn(CONTROL)?.maxInFlight).toBe(2);
  }, 30_000);

  it('keeps a cooldown Graph gave one instance for the other: it answers 429 with the same Retry-After and calls nobody', async () => {
    // Longer than the answer budget, so the first caller hears Graph's 429 and the cooldown outlives its call.
    emulator.addFault({ itemId: THROTTLED.itemId, kind: 'status', status: 429, retryAfterSeconds: 110, times: 1 });
    emulator.resetCalls();
    const first = await mixedCall(a, 'a', THROTTLED, 0);
    expect(first).toMatchObject({ status: 429, retryAfter: '110' });
    const throttledAt = emulator.calls().find((call) => call.itemId === THROTTLED.itemId)?.at ?? Number.NaN;
    expect((await leases.read(THROTTLED))?.cooldownUntil).toBeGreaterThanOrEqual(throttledAt + 110_000);
    const second = await mixedCall(b, 'b', THROTTLED, 1);
    expect(second.status).toBe(429);
    // The time really left of Graph's pause, not a capped hint: the caller retries once, when it is over.
    expect(Number(second.retryAfter)).toBeGreaterThan(100);
    expect(Number(second.retryAfter)).toBeLessThanOrEqual(110);
    expect(emulator.calls().filter((call) => call.itemId === THROTTLED.itemId)).toHaveLength(1);
  });

  it('lets the other instance carry on once the lease of one killed while holding it has lapsed', async () => {
    // A's call stays in Graph for 3 s (real time): long enough to kill A while it holds the lease, short enough to
    // be over before the lease lapses, so Graph never has the orphaned call and B's in flight together.
    emulator.addFault({ itemId: CRASH.itemId, kind: 'latency', latencyMs: 3_000, times: 1 });
    emulator.resetConcurrency();
    const orphan = mixedCall(a, 'a', CRASH, 0).catch(() => 'connection lost');
    // The lease is taken a moment before the call reaches Graph: wait for both, so A is killed mid-call.
    let held = await leases.read(CRASH);
    while (held?.holder === undefined || inFlightOn(CRASH)?.inFlight !== 1)
      held = await new Promise((resolve) => setTimeout(resolve, 5)).then(() => leases.read(CRASH));
    expect(inFlightOn(CRASH)?.inFlight).toBe(1);
    await a.kill();
    expect(await orphan).toBe('connection lost');
    expect((await leases.read(CRASH))?.holder).toBe(held.holder); // nobody released it: it must lapse

    const after = await mixedCall(b, 'b', CRASH, 1);
    expect(after.status).toBe(200);
    expect(inFlightOn(CRASH)?.maxInFlight).toBe(1);
    // B's call went to Graph only after the dead holder's lease (and the skew margin) had passed.
    const sent = emulator
      .calls()
      .filter((call) => call.itemId === CRASH.itemId)
      .at(-1);
    expect(sent?.at).toBeGreaterThanOrEqual(held.leaseUntil ?? Number.POSITIVE_INFINITY);
    // B releases after its answer has gone, off the caller's path: the row goes a moment later.
    let left = await leases.read(CRASH);
    for (let tries = 0; left !== undefined && tries < 400; tries += 1) {
      left = await new Promise((resolve) => setTimeout(resolve, 10)).then(() => leases.read(CRASH));
    }
    expect(left).toBeUndefined();
  }, 30_000);
});
