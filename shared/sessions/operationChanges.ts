import { OPERATION_GRACE_SECONDS, type OperationRecord } from './operationRecord';
import type { Timing } from './sessionRecord';

/** When the sweep next looks at an operation record: a running one after the caller's grace, an ended one after retention. */
export function operationDueAt(record: Omit<OperationRecord, 'dueAt'>, timing: Timing): number {
  if (record.state === 'running') return (record.checkedAt ?? record.createdAt) + OPERATION_GRACE_SECONDS * 1000;
  return (record.endedAt ?? record.createdAt) + timing.retentionSeconds * 1000;
}

/** A copy of `record` with `changes` applied and `dueAt` recomputed. */
export function withOperationChanges(
  record: OperationRecord,
  changes: Partial<Omit<OperationRecord, 'dueAt'>>,
  timing: Timing,
): OperationRecord {
  const merged = { ...record, ...changes };
  return { ...merged, dueAt: operationDueAt(merged, timing) };
}
