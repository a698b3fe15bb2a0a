import { randomUUID } from 'node:crypto';
import { LEASE_TIMING } from '../budgets';
import { ConcurrencyError, StorageUnavailableError, ThrottledError } from '../errors';
import type { LeaseRow, LeaseStore } from '../store/workbookLeaseStore';
import type { WorkbookAddress } from '../workbookAddress';
import type { Turn, WorkbookTurns } from './workbookTurns';

export interface TableTurnsOptions {
  /** This instance's own line: FIFO, and only its head competes for the table lease. */
  readonly local: WorkbookTurns;
  readonly leases: LeaseStore;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly newToken?: () => string;
  /** A renewal found the lease taken over (the table was out of reach longer than the lease): the call ran unguarded. */
  readonly onLost?: (workbook: WorkbookAddress) => void;
  /** The table could not be reached: the call went ahead under the in-process line alone. */
  readonly onUnguarded?: (workbook: WorkbookAddress) => void;
}

/**
 * One Graph call at a time per workbook across every instance (`WORKBOOK_LEASE=table`): the in-process line first,
 * then its head takes the workbook's lease row (workbookLeaseStore.ts) — inserted when there is none, taken over
 * with If-Match when free or lapsed — renews it while the call runs and removes it after. A waiter that finds it held
 * names itself in the row, and the holder's release reserves the lease for it briefly, so one busy instance cannot
 * keep a workbook from another. A cooldown Graph gave (release(cooldownUntil)) stays in the row and every instance
 * waits it out. Past the deadline a waiter gets `429` + `Retry-After`. While the table cannot be reached, calls go
 * ahead under the in-process line alone.
 */
export function tableTurns(options: TableTurnsOptions): WorkbookTurns {
  const { leases, now } = options;
  const newToken = options.newToken ?? randomUUID;

  const acquire = async (workbook: WorkbookAddress, deadline: number): Promise<LeaseRow> => {
    const me = newToken();
    for (let attempt = 0; ; attempt += 1) {
      const take = () => ({ holder: me, leaseUntil: now() + LEASE_TIMING.durationMs });
      let row: LeaseRow | undefined;
      try {
        return await leases.insert(workbook, take());
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        row = await leases.read(workbook);
      }
      if (row === undefined) continue; // released between the insert and the read
      const at = now();
      const cooling = row.cooldownUntil !== undefined && row.cooldownUntil > at;
      const busyUntil = heldUntil(row, me, at);
      if (!cooling && busyUntil === undefined) {
        try {
          return await leases.replace(workbook, row.etag, { ...take(), ...othersWaiting(row, me, at) });
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          continue;
        }
      }
      const until = Math.max(cooling ? (row.cooldownUntil ?? at) : at, busyUntil ?? at);
      if (cooling && !busyUntil && until >= deadline) {
        throw new ThrottledError(
          'Microsoft Graph asked for a pause on this workbook; try again after it.',
          cooldownSecondsLeft(until, at),
        );
      }
      if (at >= deadline)
        throw new ThrottledError(
          'Another call to this workbook is in progress; try again shortly.',
          secondsUntil(until, at),
        );
      if (busyUntil !== undefined && row.holder !== undefined && row.waiter !== me && canWait(row, at)) {
        await leases
          .replace(workbook, row.etag, { ...fieldsOf(row), waiter: me, waiterSince: at })
          .catch((error: unknown) => {
            if (!(error instanceof ConcurrencyError)) throw error; // someone else wrote first: the next poll sees it
          });
      }
      // A cooldown is Graph's own wait, slept through whole; a held lease is polled, never past the deadline.
      const wait = cooling && !busyUntil ? until - at : pollDelay(attempt, options.random());
      await options.sleep(Math.max(1, Math.min(wait, deadline - at)));
    }
  };

  return {
    async take(workbook, deadline) {
      const line = await options.local.take(workbook, deadline);
      let held: LeaseRow;
      try {
        held = await acquire(workbook, deadline);
      } catch (error) {
        // The table out of reach: the call goes ahead under this instance's line alone, as with
        // WORKBOOK_LEASE=instance. Refusing would stop every workbook call — and the broker's closes of sessions it
        // could not record — for as long as storage is down, while Graph's own 429s still guard the workbook.
        if (error instanceof StorageUnavailableError) {
          options.onUnguarded?.(workbook);
          return line;
        }
        line.release();
        throw error;
      }
      return holding(workbook, held, line);
    },
  };

  function holding(workbook: WorkbookAddress, taken: LeaseRow, line: Turn): Turn {
    const me = taken.holder;
    let current: LeaseRow | undefined = taken;
    // Renewals and the release run one after another, each on the ETag the one before left.
    let chain: Promise<void> = Promise.resolve();
    const then = (step: () => Promise<void>) => (chain = chain.then(step).catch(() => undefined));
    // A write that lost its If-Match: read the row again, and go on only while it still names this holder.
    const conditional = async (write: (row: LeaseRow) => Promise<LeaseRow | void>): Promise<void> => {
      if (current === undefined) return;
      for (let tries = 0; current !== undefined && tries < 3; tries += 1) {
        try {
          const written = await write(current);
          current = written ?? undefined;
          return;
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          const row = await leases.read(workbook);
          current = row?.holder === me ? row : undefined;
        }
      }
      if (current === undefined) {
        clearInterval(timer);
        options.onLost?.(workbook);
      }
    };
    const timer = setInterval(() => {
      // Fire and forget: the chain runs renewals one after another and catches their failures; a lost lease is
      // reported through onLost, and a write that failed is tried again at the next renewal.
      void then(() =>
        conditional((row) =>
          leases.replace(workbook, row.etag, { ...fieldsOf(row), leaseUntil: now() + LEASE_TIMING.durationMs }),
        ),
      );
    }, LEASE_TIMING.renewEveryMs);
    timer.unref?.();
    let released = false;
    return {
      release(cooldownUntil) {
        if (released) return;
        released = true;
        clearInterval(timer);
        // Fire and forget: release() is synchronous for its caller, whose call is done; the table write goes on
        // behind it on the chain (which catches its own failures) and the instance's line is handed back after it.
        void then(() =>
          conditional(async (row) => {
            const at = now();
            const cooldown = Math.max(cooldownUntil ?? 0, row.cooldownUntil ?? 0);
            const waiting =
              row.waiter !== undefined &&
              row.waiterSince !== undefined &&
              row.waiterSince + LEASE_TIMING.durationMs > at;
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
          }),
        ).finally(() => line.release());
      },
    };
  }
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

/** A waiter may name itself when nobody is named, or the one named has been waiting longer than a lease. */
function canWait(row: LeaseRow, at: number): boolean {
  return row.waiter === undefined || (row.waiterSince ?? 0) + LEASE_TIMING.durationMs <= at;
}

/** Taking the lease keeps another instance's claim to the next turn; its own is spent. */
function othersWaiting(row: LeaseRow, me: string, at: number) {
  return row.waiter !== undefined && row.waiter !== me && (row.waiterSince ?? 0) + LEASE_TIMING.durationMs > at
    ? { waiter: row.waiter, waiterSince: row.waiterSince }
    : {};
}

function fieldsOf({ etag: _etag, ...fields }: LeaseRow) {
  return fields;
}

function pollDelay(attempt: number, random: number): number {
  const ceiling = Math.min(LEASE_TIMING.pollMaxMs, LEASE_TIMING.pollStartMs * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling * (0.5 + random / 2));
}

/** A hint, not a promise: whole seconds until `until`, at least one, at most thirty. */
function secondsUntil(until: number, at: number): number {
  return Math.min(30, cooldownSecondsLeft(until, at));
}

/** Graph's own pause, handed on whole: a caller told less would only come back to be refused again. */
function cooldownSecondsLeft(until: number, at: number): number {
  return Math.max(1, Math.ceil((until - at) / 1000));
}
