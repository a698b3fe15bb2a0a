import {
  WORKBOOK_FIELDS,
  choice,
  flag,
  optional,
  optionalChoice,
  required,
  type RecordOf,
  type Stored,
} from './recordFields';

/** `closing`: claimed by a sweep that is closing it in Graph; a claim older than CLAIM_SECONDS may be taken over. */
export const SESSION_STATES = ['live', 'closing', 'closed', 'expired'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const CLAIM_SECONDS = 120;
/** Why a session ended: its caller closed it, the sweep closed it for idleness, or Graph reported it gone. */
export const END_REASONS = ['closedByCaller', 'idle', 'expiredInGraph'] as const;
export type EndReason = (typeof END_REASONS)[number];

/**
 * What the broker remembers of one Graph workbook session. Times are epoch milliseconds. A state the code does not
 * know reads as `expired`, so a damaged record is never acted on as live.
 */
export const SESSION_FIELDS = {
  ...WORKBOOK_FIELDS,
  sessionId: required('string', ''),
  persistChanges: required('boolean', true),
  createdAt: required('time', 0),
  /** Last create, refresh or close by the caller: the idle clock. */
  lastCallerActivityAt: required('time', 0),
  /** Last successful call to Graph with this session: Excel's own idle clock. */
  lastGraphContactAt: required('time', 0),
  idleTimeoutSeconds: required('number', 0),
  state: choice(SESSION_STATES, 'expired'),
  endReason: optionalChoice(END_REASONS, 'expiredInGraph'),
  endedAt: optional('time'),
  /** When a sweep claimed the record to close it (state `closing`). */
  claimedAt: optional('time'),
  /** Graph asked us to leave the workbook alone until then (Retry-After): the sweep does not look before. */
  deferredUntil: optional('time'),
  /**
   * The broker stopped tracking the session while Graph may still hold it, and has not yet had Graph close it
   * (see closeOwed.ts). The sweep keeps trying until Graph has, or Excel's own expiry surely has.
   */
  graphCloseOwed: flag(),
  /** The Idempotency-Key record that created it, deleted with it. */
  idempotencyRowKey: optional('string'),
  /** `x-ms-client-principal-id` of the creator, when App Service Authentication named one. */
  owner: optional('string'),
  ownerName: optional('string'),
  /** The next moment the sweep has anything to do with this record (see `sessionDueAt`). */
  dueAt: required('time', 0),
} as const;

export type SessionRecord = RecordOf<typeof SESSION_FIELDS>;
export type StoredSession = Stored<SessionRecord>;

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
