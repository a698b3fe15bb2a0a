import { LEASE_TIMING } from '../budgets';
import { StorageUnavailableError, ThrottledError } from '../errors';
import type { LeaseStore } from '../store/workbookLeaseStore';
import { workbookKey, type WorkbookAddress } from '../workbookAddress';
import { cooldownRefusal } from './cooldownRefusal';
import { takeLease, type HeldLease, type LeaseClock } from './tableLease';

/**
 * The one gate every Graph call on a workbook passes: one call at a time per workbook — Microsoft's advice for Excel
 * ("only send the next request after receiving a successful response to the current request",
 * https://learn.microsoft.com/graph/workbook-best-practice) — and no call before Graph's cooldown for it has passed.
 * Callers are served in arrival order. With a lease store (WORKBOOK_LEASE=table), the turn holds across instances.
 */
export interface WorkbookGate {
  /** Resolves with the turn, or rejects with a ThrottledError (429 + Retry-After) at `deadline`. */
  take(workbook: WorkbookAddress, deadline: number): Promise<Turn>;
  /** When Graph's cooldown for the workbook ends, as this instance knows it; `undefined` when it may be called now. */
  pausedUntil(workbook: WorkbookAddress, now: number): number | undefined;
  /**
   * The workbook's current tenure: the same object for as long as this instance holds the workbook without a break,
   * so that no other instance has called Graph on it meanwhile; `undefined` when it does not hold it. With no lease
   * (WORKBOOK_LEASE=instance, which presumes one instance) the whole process is one tenure.
   */
  tenureOf(workbook: WorkbookAddress): object | undefined;
}

export interface Turn {
  /**
   * Ends the turn. `cooldownUntil`: Graph's last answer asked that the workbook be left alone until then (429, or 503
   * with Retry-After); nobody here, nor on another instance, calls it earlier.
   */
  release(cooldownUntil?: number): void;
}

export interface GateOptions extends LeaseClock {
  /** The cross-instance lease; absent (WORKBOOK_LEASE=instance), the in-process line alone. */
  readonly leases?: LeaseStore;
  /** A renewal found the lease taken over: the call ran without the guard across instances. */
  readonly onLost?: (workbook: WorkbookAddress) => void;
  /** The table could not be reached: the call went ahead under the in-process line alone. */
  readonly onUnguarded?: (workbook: WorkbookAddress) => void;
}

interface Waiter {
  readonly grant: () => void;
  timer?: NodeJS.Timeout;
}

/** One workbook as this instance sees it. */
interface Lane {
  readonly workbook: WorkbookAddress;
  busy: boolean;
  readonly waiting: Waiter[];
  cooldownUntil: number;
  lease?: HeldLease;
  /** A release of the lease on its way to the table; the next take waits for it. */
  releasing?: Promise<void>;
  linger?: NodeJS.Timeout;
}

/** The gate's state: every workbook this instance is calling, or holds a lease or a cooldown for. */
interface Gate {
  readonly options: GateOptions;
  readonly lanes: Map<string, Lane>;
}

/**
 * Free in the steady state: while this instance has calls for a workbook, the lease stays with it and the next
 * caller takes the turn in-process, with no table write. The lease renews itself on its timer and is given up when
 * the line has been empty for LEASE_TIMING.lingerMs (off every caller's path), or after the call in progress once
 * another instance has named itself waiting — that instance then has it within one renewal interval.
 */
export function createWorkbookGate(options: GateOptions): WorkbookGate {
  const gate: Gate = { options, lanes: new Map() };
  const processTenure = {};
  return {
    take: (workbook, deadline) => takeTurn(gate, laneOf(gate, workbook), deadline),
    pausedUntil(workbook, now) {
      const until = gate.lanes.get(workbookKey(workbook))?.cooldownUntil ?? 0;
      return until > now ? until : undefined;
    },
    tenureOf(workbook) {
      if (options.leases === undefined) return processTenure;
      const lease = gate.lanes.get(workbookKey(workbook))?.lease;
      return lease !== undefined && !lease.lost && !lease.wanted ? lease : undefined;
    },
  };
}

/** In line, then past Graph's cooldown, then with the lease: the turn, or the caller is refused at its deadline. */
async function takeTurn(gate: Gate, lane: Lane, deadline: number): Promise<Turn> {
  const { options } = gate;
  refuseLongCooldown(lane, options.now(), deadline);
  await inLine(lane, deadline, options.now);
  try {
    const wait = lane.cooldownUntil - options.now();
    if (wait > 0) {
      refuseLongCooldown(lane, options.now(), deadline);
      await options.sleep(wait);
    }
    await leaseFor(gate, lane, deadline);
  } catch (error) {
    passOn(gate, lane);
    throw error;
  }
  return turnOf(gate, lane);
}

function laneOf(gate: Gate, workbook: WorkbookAddress): Lane {
  const key = workbookKey(workbook);
  let lane = gate.lanes.get(key);
  if (lane === undefined) {
    lane = { workbook, busy: false, waiting: [], cooldownUntil: 0 };
    gate.lanes.set(key, lane);
  }
  return lane;
}

function forget(gate: Gate, lane: Lane): void {
  const idle = !lane.busy && lane.lease === undefined && lane.releasing === undefined;
  if (idle && lane.cooldownUntil <= gate.options.now()) gate.lanes.delete(workbookKey(lane.workbook));
}

function giveUpLease(gate: Gate, lane: Lane): void {
  const lease = lane.lease;
  if (lease === undefined) return;
  lane.lease = undefined;
  clearTimeout(lane.linger);
  const releasing = lease.release().finally(() => {
    if (lane.releasing === releasing) lane.releasing = undefined;
    forget(gate, lane);
  });
  lane.releasing = releasing;
}

/** The turn goes to the next caller in line, or the lane falls idle and its lease lingers a moment. */
function passOn(gate: Gate, lane: Lane): void {
  const next = lane.waiting.shift();
  if (next !== undefined) {
    clearTimeout(next.timer);
    next.grant();
    return;
  }
  lane.busy = false;
  if (lane.lease === undefined) return forget(gate, lane);
  lane.linger = setTimeout(() => {
    if (!lane.busy) giveUpLease(gate, lane);
  }, LEASE_TIMING.lingerMs);
  lane.linger.unref?.();
}

async function leaseFor(gate: Gate, lane: Lane, deadline: number): Promise<void> {
  const { options } = gate;
  if (options.leases === undefined) return;
  clearTimeout(lane.linger);
  if (lane.lease !== undefined && !lane.lease.lost && !lane.lease.wanted) return;
  if (lane.lease !== undefined) giveUpLease(gate, lane);
  if (lane.releasing !== undefined) await lane.releasing;
  try {
    lane.lease = await takeLease(options.leases, lane.workbook, deadline, options, {
      onLost: () => options.onLost?.(lane.workbook),
      onWanted: () => {
        if (!lane.busy) giveUpLease(gate, lane);
      },
    });
  } catch (error) {
    // The table out of reach: the call goes ahead under this instance's line alone, as with WORKBOOK_LEASE=instance.
    // Refusing would stop every workbook call — and the closes of sessions the broker could not record — for as
    // long as storage is down, while Graph's own 429s still guard the workbook.
    if (!(error instanceof StorageUnavailableError)) throw error;
    options.onUnguarded?.(lane.workbook);
  }
}

function turnOf(gate: Gate, lane: Lane): Turn {
  let released = false;
  return {
    release(cooldownUntil) {
      if (released) return;
      released = true;
      if (cooldownUntil !== undefined && cooldownUntil > lane.cooldownUntil) {
        lane.cooldownUntil = cooldownUntil;
        lane.lease?.keepCooldown(cooldownUntil);
      }
      if (lane.lease?.wanted || lane.lease?.lost) giveUpLease(gate, lane);
      passOn(gate, lane);
    },
  };
}

/** Graph's pause, known here, ends past the deadline: the caller hears its whole length at once. */
function refuseLongCooldown(lane: Lane, now: number, deadline: number): void {
  if (lane.cooldownUntil <= now || lane.cooldownUntil < deadline) return;
  throw cooldownRefusal(lane.cooldownUntil, now);
}

/** Waits for the lane's turn in arrival order; refused at the deadline (a real timer, measured on the clock). */
function inLine(lane: Lane, deadline: number, now: () => number): Promise<void> {
  if (!lane.busy) {
    lane.busy = true;
    return Promise.resolve();
  }
  return new Promise<void>((grant, refuse) => {
    const waiter: Waiter = { grant };
    const ahead = lane.waiting.length + 1;
    waiter.timer = setTimeout(
      () => {
        const at = lane.waiting.indexOf(waiter);
        if (at >= 0) lane.waiting.splice(at, 1);
        refuse(
          new ThrottledError(
            'Other calls to this workbook are ahead of this one; try again shortly.',
            Math.min(30, Math.max(1, ahead)),
          ),
        );
      },
      Math.max(0, deadline - now()),
    );
    waiter.timer.unref?.();
    lane.waiting.push(waiter);
  });
}
