import { beforeAll, describe, expect, inject, it } from 'vitest';
import { StorageUnavailableError, ThrottledError } from '../shared/errors';
import { createTableAccess } from '../shared/store/tableAccess';
import { createLeaseStore, type LeaseStore } from '../shared/store/workbookLeaseStore';
import { LEASE_TIMING } from '../shared/budgets';
import { createWorkbookGate, type WorkbookGate } from '../shared/gate/workbookGate';
import { testTableName } from './support/azurite';
import { testClock } from './support/brokerStack';

// The lease rules over real Azurite: two gates stand for two instances on one table. Time is a hand-moved
// clock both read; a poll's short wait is real (so a held lease never looks lapsed because a waiter polled), while a
// cooldown's wait moves the clock, as the broker's other waits do in tests.

const FAR = 60_000;
/** The table as the test reads it; `leases` is the same, counted, as the instances use it. */
let raw: LeaseStore;
let leases: LeaseStore;
let ops: string[];
let t: number;
const now = () => t;
let workbookNo = 0;
const freshWorkbook = () => ({ driveId: 'b!lease-drive', itemId: `01LEASE${(workbookNo += 1)}` });

beforeAll(() => {
  const store = (raw = createLeaseStore(
    createTableAccess({ connectionString: inject('azuriteConnectionString'), tableName: testTableName('lease') }),
  ));
  ops = [];
  // Every table operation the lease makes, by name: what the lease costs.
  leases = {
    read: (w) => (ops.push('read'), store.read(w)),
    insert: (w, f) => (ops.push('insert'), store.insert(w, f)),
    replace: (w, e, f) => (ops.push('replace'), store.replace(w, e, f)),
    remove: (w, e) => (ops.push('remove'), store.remove(w, e)),
  };
  t = Date.UTC(2026, 10, 22, 9, 0, 0);
});

function instance(
  options: {
    sleep?: (ms: number) => Promise<void>;
    onLost?: () => void;
    /** A clock of its own, for its renewals' timer; else the shared `t`, with renewals on a real interval. */
    clock?: ReturnType<typeof testClock>;
  } = {},
): WorkbookGate {
  return createWorkbookGate({
    leases,
    now: options.clock?.now ?? now,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: () => 0.5,
    ...(options.clock ? { every: options.clock.every } : {}),
    ...(options.onLost ? { onLost: options.onLost } : {}),
  });
}

/** Waits (for real, briefly) until the table shows what a racing instance did. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 1000 && !(await check()); tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The release runs after the call's answer; a test waits for it through the table. */
const released = (workbook: { driveId: string; itemId: string }) =>
  until(async () => (await raw.read(workbook))?.holder === undefined);

describe('the workbook lease', () => {
  it('is taken with one insert and given back with one delete, leaving no row behind', async () => {
    const workbook = freshWorkbook();
    ops.length = 0;
    const turn = await instance().take(workbook, t + FAR);
    expect(await raw.read(workbook)).toMatchObject({
      holder: expect.any(String),
      leaseUntil: t + LEASE_TIMING.durationMs,
    });
    turn.release();
    await until(async () => (await raw.read(workbook)) === undefined);
    expect(ops.filter((op) => op !== 'read')).toEqual(['insert', 'remove']);
  });

  it('keeps a second instance waiting while held, and answers it 429 with Retry-After at its deadline', async () => {
    const workbook = freshWorkbook();
    const a = await instance().take(workbook, t + FAR);
    const refused = await instance({ sleep: async (ms) => void (t += ms) })
      .take(workbook, t + 2_000)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ThrottledError);
    expect((refused as ThrottledError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    a.release();
    await released(workbook);
  });

  it("lets a crashed holder's lease lapse by itself, and only then is it taken over", async () => {
    const workbook = freshWorkbook();
    const leaseUntil = t + LEASE_TIMING.durationMs;
    await raw.insert(workbook, { holder: 'crashed-instance', leaseUntil });
    const woken: number[] = [];
    const taken = instance({ sleep: async (ms) => void woken.push((t += ms)) }).take(workbook, t + 30_000);
    const turn = await taken;
    const row = await raw.read(workbook);
    expect(row?.holder).not.toBe('crashed-instance');
    // Taken over only once the lease and the skew margin had passed on the clock.
    expect(woken.at(-1)).toBeGreaterThanOrEqual(leaseUntil + LEASE_TIMING.skewMs);
    expect(woken.slice(0, -1).every((at) => at < leaseUntil + LEASE_TIMING.skewMs)).toBe(true);
    turn.release();
    await released(workbook);
  });

  it('never lets a holder whose lease lapsed release or extend the lease another instance took over', async () => {
    const workbook = freshWorkbook();
    const lost: string[] = [];
    const stale = await instance({ onLost: () => lost.push('lost') }).take(workbook, t + FAR);
    const staleRow = await raw.read(workbook);
    t += LEASE_TIMING.durationMs + LEASE_TIMING.skewMs;
    const next = await instance().take(workbook, t + FAR);
    const nextRow = await raw.read(workbook);
    expect(nextRow?.holder).not.toBe(staleRow?.holder);

    stale.release();
    await until(async () => lost.length > 0);
    expect(lost).toEqual(['lost']);
    // The stale holder's ETag no longer matches: an extension is refused by the table itself.
    await expect(
      raw.replace(workbook, staleRow?.etag ?? '', { holder: staleRow?.holder, leaseUntil: t + FAR }),
    ).rejects.toThrow(/412/);
    expect(await raw.read(workbook)).toMatchObject({ holder: nextRow?.holder, etag: nextRow?.etag });
    next.release();
    await released(workbook);
  });

  it('renews the lease while a long call runs, so it never lapses under a live holder', async () => {
    const workbook = freshWorkbook();
    const turn = await instance().take(workbook, t + FAR);
    t += LEASE_TIMING.durationMs - 1_000; // the lease would end in a second without a renewal
    const renewedTo = t + LEASE_TIMING.durationMs;
    await until(async () => (await raw.read(workbook))?.leaseUntil === renewedTo);
    expect((await raw.read(workbook))?.leaseUntil).toBe(renewedTo);
    t += 2_000; // past the first lease's end
    await expect(instance({ sleep: async (ms) => void (t += ms) }).take(workbook, t + 1_000)).rejects.toBeInstanceOf(
      ThrottledError,
    );
    turn.release();
    await released(workbook);
  }, 15_000);

  it("keeps Graph's cooldown in the row: another instance answers 429 if it ends past its deadline, else waits it out", async () => {
    const workbook = freshWorkbook();
    const a = await instance().take(workbook, t + FAR);
    a.release(t + 5_000);
    await until(async () => (await raw.read(workbook))?.holder === undefined);
    expect(await raw.read(workbook)).toMatchObject({ cooldownUntil: t + 5_000 });

    const slept: number[] = [];
    const b = instance({ sleep: async (ms) => void (slept.push(ms), (t += ms)) });
    const refused = await b.take(workbook, t + 2_000).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ThrottledError);
    expect((refused as ThrottledError).retryAfterSeconds).toBe(5);
    expect(slept).toEqual([]);

    const turn = await b.take(workbook, t + 30_000);
    expect(slept).toEqual([5_000]);
    turn.release();
    await until(async () => (await raw.read(workbook)) === undefined);
  });

  it('tells a caller the whole cooldown Graph asked for as its Retry-After, however long (no 30 s cap)', async () => {
    const workbook = freshWorkbook();
    const a = await instance().take(workbook, t + FAR);
    a.release(t + 110_000);
    await until(async () => (await raw.read(workbook))?.holder === undefined);

    const refused = await instance()
      .take(workbook, t + 40_000)
      .catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ThrottledError);
    expect((refused as ThrottledError).retryAfterSeconds).toBe(110);
  });

  it('serves one instance’s callers in arrival order, handing the turn on in-process: one insert, one delete', async () => {
    const workbook = freshWorkbook();
    const one = instance();
    ops.length = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3].map(async (n) => {
        const turn = await one.take(workbook, t + FAR);
        order.push(n);
        turn.release();
      }),
    );
    await until(async () => (await raw.read(workbook)) === undefined);
    expect(order).toEqual([1, 2, 3]);
    expect(ops).toEqual(['insert', 'remove']);
  });

  it('writes nothing to the table between one caller’s back-to-back calls: the lease lingers for the next', async () => {
    const workbook = freshWorkbook();
    const one = instance();
    ops.length = 0;
    for (let n = 0; n < 20; n += 1) (await one.take(workbook, t + FAR)).release();
    expect(ops).toEqual(['insert']);
    await until(async () => (await raw.read(workbook)) === undefined);
    expect(ops).toEqual(['insert', 'remove']);
  });

  it('lets calls go ahead under the instance’s own line while the table cannot be reached, and says so', async () => {
    const down = () => Promise.reject(new StorageUnavailableError(undefined, { detail: 'table down' }));
    const unguarded: string[] = [];
    const turns = createWorkbookGate({
      leases: { read: down, insert: down, replace: down, remove: down },
      now,
      sleep: async () => undefined,
      random: () => 0.5,
      onUnguarded: (workbook) => unguarded.push(workbook.itemId),
    });
    const workbook = freshWorkbook();
    const first = await turns.take(workbook, t + FAR);
    let secondGranted = false;
    const second = turns.take(workbook, t + FAR).then((turn) => ((secondGranted = true), turn));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondGranted).toBe(false); // the in-process line still holds
    first.release();
    (await second).release();
    expect(unguarded).toEqual([workbook.itemId, workbook.itemId]);
  });

  it('hands the workbook to an instance that named itself waiting while the holder’s line never empties', async () => {
    const workbook = freshWorkbook();
    // Both read one clock, which renews A's lease on its timer: the test moves it rather than waiting out a renewal.
    const clock = testClock(t);
    const a = instance({ clock });
    const b = instance({ clock });
    const order: string[] = [];
    // A keeps a line of callers, each holding its turn for a few real milliseconds: the workbook is never idle.
    const hold = () => new Promise((resolve) => setTimeout(resolve, 10));
    let bServed = false;
    const aCalls = (async () => {
      for (let n = 0; !bServed && n < 2_000; n += 1) {
        const turns = [a.take(workbook, clock.now() + FAR), a.take(workbook, clock.now() + FAR)];
        for (const taken of turns) {
          const turn = await taken;
          order.push('a');
          await hold();
          turn.release();
        }
      }
    })();
    await until(async () => (await raw.read(workbook))?.holder !== undefined);
    const bTaking = b.take(workbook, clock.now() + FAR);
    // A learns that B waits at its next renewal: the clock gets there once B has named itself in the row.
    await until(async () => (await raw.read(workbook))?.waiter !== undefined);
    clock.advance(LEASE_TIMING.renewEveryMs);
    const bTurn = await bTaking;
    bServed = true;
    order.push('b');
    bTurn.release();
    await aCalls;
    // B was served while A still had callers lined up, and A carried on after it.
    expect(order.indexOf('b')).toBeGreaterThan(0);
    expect(order.lastIndexOf('a')).toBeGreaterThan(order.indexOf('b'));
    await until(async () => (await raw.read(workbook)) === undefined);
  });
});
