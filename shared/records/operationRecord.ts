import { WORKBOOK_FIELDS, choice, optional, required, type RecordOf, type Stored } from './recordFields';
import type { Timing } from './sessionRecord';

export const OPERATION_STATES = ['running', 'succeeded', 'failed'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/**
 * A createSession Graph answered with `202` (Prefer: respond-async), which the broker follows until the session
 * exists. Kept so that `getOperation` can finish the job when the caller polls, and the sweep when nobody does:
 * either way the Graph session ends up recorded, exactly once. A state the code does not know reads as `failed`.
 */
export const OPERATION_FIELDS = {
  ...WORKBOOK_FIELDS,
  /** The broker's own id, in its `Location` (`…/workbook/operations/{operationId}`). */
  operationId: required('string', ''),
  /** Graph's operation URL. */
  graphOperationUrl: required('string', ''),
  persistChanges: required('boolean', true),
  idleTimeoutSeconds: required('number', 0),
  owner: optional('string'),
  ownerName: optional('string'),
  /** The Idempotency-Key record that started it, if any. */
  idempotencyRowKey: optional('string'),
  state: choice(OPERATION_STATES, 'failed'),
  sessionId: optional('string'),
  errorStatus: optional('number'),
  errorCode: optional('string'),
  errorInnerCode: optional('string'),
  errorMessage: optional('string'),
  createdAt: required('time', 0),
  /** When the sweep last looked at Graph's operation for a caller who stopped polling. */
  checkedAt: optional('time'),
  endedAt: optional('time'),
  /** Running: when the sweep should finish it if nobody polls; ended: when the record may be deleted. */
  dueAt: required('time', 0),
} as const;

export type OperationRecord = RecordOf<typeof OPERATION_FIELDS>;
export type StoredOperation = Stored<OperationRecord>;

/** How long a running operation is left to its caller's polling before the sweep follows it itself. */
export const OPERATION_GRACE_SECONDS = 120;

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
