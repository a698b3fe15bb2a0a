import type { WorkbookAddress } from '../workbookAddress';
import type { Timing } from './sessionRecord';

export const OPERATION_STATES = ['running', 'succeeded', 'failed'] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

/**
 * A createSession Graph answered with `202` (Prefer: respond-async), which the broker follows until the session
 * exists. Kept so that `getOperation` can finish the job when the caller polls, and the sweep when nobody does:
 * either way the Graph session ends up recorded, exactly once.
 */
export interface OperationRecord extends WorkbookAddress {
  /** The broker's own id, in its `Location` (`…/workbook/operations/{operationId}`). */
  readonly operationId: string;
  /** Graph's operation URL. */
  readonly graphOperationUrl: string;
  readonly persistChanges: boolean;
  readonly idleTimeoutSeconds: number;
  readonly owner?: string;
  readonly ownerName?: string;
  /** The Idempotency-Key record that started it, if any. */
  readonly idempotencyRowKey?: string;
  readonly state: OperationState;
  readonly sessionId?: string;
  readonly errorStatus?: number;
  readonly errorCode?: string;
  readonly errorInnerCode?: string;
  readonly errorMessage?: string;
  readonly createdAt: number;
  /** When the sweep last looked at Graph's operation for a caller who stopped polling. */
  readonly checkedAt?: number;
  readonly endedAt?: number;
  /** Running: when the sweep should finish it if nobody polls; ended: when the record may be deleted. */
  readonly dueAt: number;
}

export interface StoredOperation extends OperationRecord {
  readonly etag: string;
}

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
