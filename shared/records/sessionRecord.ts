import type { WorkbookAddress } from '../workbookAddress';

/** `closing`: claimed by a sweep that is closing it in Graph; a claim older than CLAIM_SECONDS may be taken over. */
export const SESSION_STATES = ['live', 'closing', 'closed', 'expired'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const CLAIM_SECONDS = 120;
/** Why a session ended: its caller closed it, the sweep closed it for idleness, or Graph reported it gone. */
export const END_REASONS = ['closedByCaller', 'idle', 'expiredInGraph'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** What the broker remembers of one Graph workbook session. Times are epoch milliseconds. */
export interface SessionRecord extends WorkbookAddress {
  readonly sessionId: string;
  readonly persistChanges: boolean;
  readonly createdAt: number;
  /** Last create, refresh or close by the caller: the idle clock. */
  readonly lastCallerActivityAt: number;
  /** Last successful call to Graph with this session: Excel's own idle clock. */
  readonly lastGraphContactAt: number;
  readonly idleTimeoutSeconds: number;
  readonly state: SessionState;
  readonly endReason?: EndReason;
  readonly endedAt?: number;
  /** When a sweep claimed the record to close it (state `closing`). */
  readonly claimedAt?: number;
  /** Graph asked us to leave the workbook alone until then (Retry-After): the sweep does not look before. */
  readonly deferredUntil?: number;
  /**
   * The broker stopped tracking the session while Graph may still hold it, and has not yet had Graph close it
   * (see closeOwed.ts). The sweep keeps trying until Graph has, or Excel's own expiry surely has.
   */
  readonly graphCloseOwed?: boolean;
  /** The Idempotency-Key record that created it, deleted with it. */
  readonly idempotencyRowKey?: string;
  /** `x-ms-client-principal-id` of the creator, when App Service Authentication named one. */
  readonly owner?: string;
  readonly ownerName?: string;
  /** The next moment the sweep has anything to do with this record (see `sessionDueAt`). */
  readonly dueAt: number;
}

/** A record as read from the store, with the ETag that makes the next write conditional. */
export interface StoredSession extends SessionRecord {
  readonly etag: string;
}

export interface Timing {
  readonly refreshAfterSeconds: number;
  readonly retentionSeconds: number;
}

/**
 * When the sweep next needs to look at a record, kept in the record so the sweep can ask the table for due records
 * only: a live one when its caller's idle timeout runs out or its Graph contact gets stale, whichever is first, but
 * not before a throttling cooldown ends; a closing one when its claim lapses; an ended one when its retention is
 * over and it can be deleted.
 */
export function sessionDueAt(record: Omit<SessionRecord, 'dueAt'>, timing: Timing): number {
  if (record.state === 'closing') return (record.claimedAt ?? 0) + CLAIM_SECONDS * 1000;
  if (record.state !== 'live') {
    // A close Graph still owes is due now (after any cooldown Graph asked for); the record is kept until it is sent.
    if (record.graphCloseOwed) return Math.max(record.endedAt ?? 0, record.deferredUntil ?? 0);
    return (record.endedAt ?? record.lastCallerActivityAt) + timing.retentionSeconds * 1000;
  }
  const due = Math.min(
    record.lastCallerActivityAt + record.idleTimeoutSeconds * 1000,
    record.lastGraphContactAt + timing.refreshAfterSeconds * 1000,
  );
  return Math.max(due, record.deferredUntil ?? 0);
}

/** A copy of `record` with `changes` applied and `dueAt` recomputed. */
export function withSessionChanges(
  record: SessionRecord,
  changes: Partial<Omit<SessionRecord, 'dueAt'>>,
  timing: Timing,
): SessionRecord {
  const merged = { ...record, ...changes };
  return { ...merged, dueAt: sessionDueAt(merged, timing) };
}
