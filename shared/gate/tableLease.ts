import { randomUUID } from 'node:crypto';
import { LEASE_TIMING } from '../budgets';
import { ConcurrencyError, ThrottledError } from '../errors';
import { cooldownRefusal } from './cooldownRefusal';
import type { LeaseRow, LeaseStore } from '../store/workbookLeaseStore';
import type { WorkbookAddress } from '../workbookAddress';

export interface LeaseClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Renewals' timer, on the clock that judges the lease's end (deps.ts `Clock.every`); default a real interval. */
  readonly every?: (ms: number, tick: () => void) => () => void;
}

function realInterval(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref?.();
  return () => clearInterval(timer);
}

/**
 * The workbook's lease row as this instance holds it. It renews itself on a timer until released; a renewal that
 * finds another instance named as waiter marks the lease `wanted`, so the gate hands it over after the call in
 * progress instead of keeping it for its own line.
 */
export interface HeldLease {
  /** Another instance has named itself waiting: release after the current call. */
  readonly wanted: boolean;
  /** The lease was taken over (the table out of reach longer than the lease): the holder no longer guards anything. */
  readonly lost: boolean;
  /** Graph's cooldown, written into the row for every instance (rare: a throttling answer). */
  keepCooldown(until: number): void;
  /** Gives the lease up — reserved for the instance that named itself, Graph's cooldown kept — off the caller's path. */
  release(): Promise<void>;
}

export interface LeaseEvents {
  /** A renewal found the lease taken over: calls ran without the guard across instances. */
  readonly onLost?: () => void;
  /** A renewal found another instance waiting. */
  readonly onWanted?: () => void;
}

/**
 * Takes the workbook's lease row: inserted when there is none, taken over with If-Match when free, lapsed (past its
 * end plus the clock-skew margin) or reserved for this instance. A waiter names itself in the row so the holder hands
 * it over; a cooldown in the row is waited out whole, or refused with its real length when it ends past `deadline`.
 * Rejects with ThrottledError at `deadline`.
 */
export async function takeLease(
  leases: LeaseStore,
  workbook: WorkbookAddress,
  deadline: number,
  clock: LeaseClock,
  events: LeaseEvents,
): Promise<HeldLease> {
  const me = randomUUID();
  const { now } = clock;
  for (let attempt = 0; ; attempt += 1) {
    const take = () => ({ holder: me, leaseUntil: now() + LEASE_TIMING.durationMs });
    let row: LeaseRow | undefined;
    try {
      return holdLease(leases, workbook, await leases.insert(workbook, take()), clock, events);
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      row = await leases.read(workbook);
    }
    if (row === undefined) continue; // released between the insert and the read
    const at = now();
    const cooling = (row.cooldownUntil ?? 0) > at;
    const busyUntil = heldUntil(row, me, at);
    if (!cooling && busyUntil === undefined) {
      try {
        const taken = await leases.replace(workbook, row.etag, { ...take(), ...othersWaiting(row, me, at) });
        return holdLease(leases, workbook, taken, clock, events);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        continue;
      }
    }
    await waitForLease(leases, workbook, row, { me, at, deadline, cooling, busyUntil, attempt }, clock);
  }
}

interface WaitState {
  readonly me: string;
  readonly at: number;
  readonly deadline: number;
  readonly cooling: boolean;
  readonly busyUntil: number | undefined;
  readonly attempt: number;
}

/** One wait for a lease someone else holds or Graph cools: named as waiter, then polled — never past the deadline. */
async function waitForLease(
  leases: LeaseStore,
  workbook: WorkbookAddress,
  row: LeaseRow,
  { me, at, deadline, cooling, busyUntil, attempt }: WaitState,
  clock: LeaseClock,
): Promise<void> {
  const cooldownEnd = row.cooldownUntil ?? at;
  if (cooling && busyUntil === undefined && cooldownEnd >= deadline) throw cooldownRefusal(cooldownEnd, at);
  if (at >= deadline) {
    const until = Math.max(cooling ? cooldownEnd : at, busyUntil ?? at);
    throw new ThrottledError(
      'Another call to this workbook is in progress; try again shortly.',
      Math.min(30, Math.max(1, Math.ceil((until - at) / 1000))),
    );
  }
  if (busyUntil !== undefined && row.holder !== undefined && row.waiter !== me && canWait(row, at)) {
    await leases.replace(workbook, row.etag, { ...fieldsOf(row), waiter: me, waiterSince: at }).catch((e: unknown) => {
      if (!(e instanceof ConcurrencyError)) throw e; // someone else wrote first: the next poll sees it
    });
  }
  // A cooldown is Graph's own wait, slept through whole; a held lease is polled.
  const wait = cooling && busyUntil === undefined ? cooldownEnd - at : pollDelay(attempt, clock.random());
  await clock.sleep(Math.max(1, Math.min(wait, deadline - at)));
}

/** The lease once taken: renewed on its timer, each write on the ETag the one before left. */
function holdLease(
  leases: LeaseStore,
  workbook: WorkbookAddress,
  taken: LeaseRow,
  clock: LeaseClock,
  events: LeaseEvents,
): HeldLease {
  const me = taken.holder;
  let current: LeaseRow | undefined = taken;
  let wanted = false;
  let chain: Promise<void> = Promise.resolve();
  const then = (step: () => Promise<void>) => (chain = chain.then(step).catch(() => undefined));
  // A write that lost its If-Match: read the row again, note a named waiter, and go on only while it names this holder.
  const conditional = async (write: (row: LeaseRow) => Promise<LeaseRow | void>): Promise<void> => {
    for (let tries = 0; current !== undefined && tries < 3; tries += 1) {
      try {
        current = (await write(current)) ?? undefined;
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        const row = await leases.read(workbook);
        current = row?.holder === me ? row : undefined;
        if (current !== undefined && waitingOther(current, me, clock.now()) && !wanted) {
          wanted = true;
          events.onWanted?.();
        }
      }
    }
    if (current === undefined) {
      stopRenewing();
      events.onLost?.();
    }
  };
  const renew = () => conditional((row) => extend(leases, workbook, row, clock.now()));
  // Fire and forget: the chain runs renewals one after another and catches their failures; a lost lease is
  // reported through onLost, and a write that failed is tried again at the next renewal.
  const stopRenewing = (clock.every ?? realInterval)(LEASE_TIMING.renewEveryMs, () => void then(renew));
  return {
    get wanted() {
      return wanted;
    },
    get lost() {
      return current === undefined;
    },
    keepCooldown(until) {
      void then(() => conditional((row) => keepCooldown(leases, workbook, row, until)));
    },
    release() {
      stopRenewing();
      return then(() => conditional((row) => giveUp(leases, workbook, row, clock.now())));
    },
  };
}

/** A renewal: the lease runs LEASE_TIMING.durationMs from now. */
function extend(leases: LeaseStore, workbook: WorkbookAddress, row: LeaseRow, at: number): Promise<LeaseRow> {
  return leases.replace(workbook, row.etag, { ...fieldsOf(row), leaseUntil: at + LEASE_TIMING.durationMs });
}

/** Graph's cooldown written into the row, for every instance; a longer one already there stands. */
function keepCooldown(leases: LeaseStore, workbook: WorkbookAddress, row: LeaseRow, until: number): Promise<LeaseRow> {
  return leases.replace(workbook, row.etag, {
    ...fieldsOf(row),
    cooldownUntil: Math.max(until, row.cooldownUntil ?? 0),
  });
}

/** The row after its holder is done: gone, unless it must keep Graph's cooldown or a reservation for a waiter. */
function giveUp(leases: LeaseStore, workbook: WorkbookAddress, row: LeaseRow, at: number): Promise<LeaseRow | void> {
  const cooldown = row.cooldownUntil ?? 0;
  const waiting = row.waiter !== undefined && (row.waiterSince ?? 0) + LEASE_TIMING.durationMs > at;
  if (cooldown <= at && !waiting) return leases.remove(workbook, row.etag);
  return leases.replace(workbook, row.etag, {
    ...(cooldown > at ? { cooldownUntil: cooldown } : {}),
    ...(waiting
      ? {
          waiter: row.waiter,
          waiterSince: row.waiterSince,
          reservedUntil: Math.max(at, cooldown) + LEASE_TIMING.reserveMs,
        }
      : {}),
  });
}

/** When the lease held by someone else ends for `me`, or `undefined` if `me` may take it now. */
function heldUntil(row: LeaseRow, me: string, at: number): number | undefined {
  if (row.holder !== undefined) {
    const end = (row.leaseUntil ?? 0) + LEASE_TIMING.skewMs;
    return end > at ? end : undefined;
  }
  const reservedForOther = row.waiter !== undefined && row.waiter !== me && (row.reservedUntil ?? 0) > at;
  return reservedForOther ? row.reservedUntil : undefined;
}

/** Another instance named itself, recently enough to be waiting still. */
function waitingOther(row: LeaseRow, me: string | undefined, at: number): boolean {
  return row.waiter !== undefined && row.waiter !== me && (row.waiterSince ?? 0) + LEASE_TIMING.durationMs > at;
}

/** A waiter may name itself when nobody is named, or the one named has been waiting longer than a lease. */
function canWait(row: LeaseRow, at: number): boolean {
  return row.waiter === undefined || (row.waiterSince ?? 0) + LEASE_TIMING.durationMs <= at;
}

/** Taking the lease keeps another instance's claim to the next turn; its own is spent. */
function othersWaiting(row: LeaseRow, me: string, at: number) {
  return waitingOther(row, me, at) ? { waiter: row.waiter, waiterSince: row.waiterSince } : {};
}

function fieldsOf({ etag: _etag, ...fields }: LeaseRow) {
  return fields;
}

function pollDelay(attempt: number, random: number): number {
  const ceiling = Math.min(LEASE_TIMING.pollMaxMs, LEASE_TIMING.pollStartMs * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling * (0.5 + random / 2));
}
