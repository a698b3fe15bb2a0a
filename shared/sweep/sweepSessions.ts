import type { Invocation } from '../deps';
import { partitionKeyOf } from '../store/sessionKeys';
import { createGraphSlots } from './graphSlots';
import { createSweepScheduler } from './sweepScheduler';
import { sweepIdempotencyKey, sweepReplayKey, type KeyOutcome } from './sweepIdempotencyKey';
import { sweepOperation, type OperationOutcome } from './sweepOperation';
import { sweepSession, type SweepOutcome } from './sweepSession';

export interface SweepOptions {
  /** Stop taking new work after this long; the next tick carries on. Well inside functionTimeout. */
  readonly budgetMs: number;
  readonly pageSize?: number;
}

export type SweepSummary = Record<SweepOutcome | 'seen', number> & {
  /** Long creates nobody polled any more, finished by the sweep (or found failed). */
  operationsCompleted: number;
  durationMs: number;
  /** False when the budget ran out before every due record was handled. */
  complete: boolean;
};

/**
 * One tick of the keep-alive policy over the records that are due (see `sessionDueAt`), streamed from the table a page
 * at a time — memory stays flat however many sessions there are. At most SWEEP_CONCURRENCY Graph calls are in flight,
 * one at a time per workbook. When the budget is spent no new record is started; the next tick picks up the rest,
 * which are still due.
 */
export async function sweepSessions(invocation: Invocation, options: SweepOptions): Promise<SweepSummary> {
  const { deps } = invocation;
  const started = deps.now();
  const pageSize = options.pageSize ?? 500;
  const summary = emptySummary();
  const outOfTime = () => {
    if (deps.now() - started < options.budgetMs) return false;
    summary.complete = false;
    return true;
  };
  const count = (outcome: SweepOutcome | OperationOutcome | KeyOutcome) => {
    if (outcome === 'completed') summary.operationsCompleted += 1;
    else summary[outcome] += 1;
  };
  // Graph calls are limited by the slots; sessions in progress (with their table writes) may be twice as many, so
  // a slot never waits on the table.
  const slots = createGraphSlots(deps.config.sweepConcurrency);
  const scheduler = createSweepScheduler(deps.config.sweepConcurrency * 2, pageSize);
  /** Streams one kind of due record through the scheduler, one workbook at a time, until the budget is spent. */
  const drain = async <T extends { driveId: string; itemId: string }>(
    pages: AsyncIterable<T[]>,
    work: (record: T) => Promise<SweepOutcome | OperationOutcome | KeyOutcome>,
    counted: boolean,
  ): Promise<void> => {
    for await (const page of pages) {
      for (const record of page) {
        if (outOfTime()) return;
        await scheduler.add(partitionKeyOf(record), async () => {
          if (outOfTime()) return; // queued before the budget ran out; still due, so the next tick takes it
          if (counted) summary.seen += 1;
          count(await work(record));
        });
      }
    }
  };
  try {
    await drain(deps.store.listDue(started, pageSize), (record) => sweepSession(record, invocation, slots), true);
    // Long creates are rare; they come after the sessions and share the workbook serialisation.
    await drain(
      deps.store.listDueOperations(started, pageSize),
      (operation) => sweepOperation(operation, invocation, slots),
      true,
    );
    // Idempotency keys the normal path left behind (abandoned claims, keys of deleted records): table work only.
    await drain(deps.store.listDueIdempotency(started, pageSize), (key) => sweepIdempotencyKey(key, invocation), false);
    await drain(deps.store.listDueReplays(started, pageSize), (key) => sweepReplayKey(key, invocation), false);
  } finally {
    // Even when reading fails (storage down), what was started is finished before the tick ends.
    await scheduler.idle();
    summary.durationMs = deps.now() - started;
    deps.telemetry.event('SweepCompleted', { ...summary });
  }
  return summary;
}

function emptySummary(): SweepSummary {
  return {
    seen: 0,
    refreshed: 0,
    closed: 0,
    expired: 0,
    deleted: 0,
    deferred: 0,
    failed: 0,
    skipped: 0,
    operationsCompleted: 0,
    durationMs: 0,
    complete: true,
  };
}
