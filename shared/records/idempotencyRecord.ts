import { WORKBOOK_FIELDS, choice, optional, required, type RecordOf, type Stored } from './recordFields';

export const IDEMPOTENCY_STATES = ['pending', 'created', 'accepted'] as const;
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

/**
 * An `Idempotency-Key` seen on createSession: the first request claims it (`pending`), and what it created — a
 * session, or a long-running operation — is written back, so repeats from the same caller (Power Automate re-sends
 * POSTs on 408/429/5xx) get the same answer, across instances. It lives as long as the session it names. A state the
 * code does not know reads as `pending`, which its claim's age then judges.
 */
export const IDEMPOTENCY_FIELDS = {
  ...WORKBOOK_FIELDS,
  rowKey: required('string', ''),
  state: choice(IDEMPOTENCY_STATES, 'pending'),
  sessionId: optional('string'),
  operationId: optional('string'),
  /** When the current request claimed the key; a pending claim older than IDEMPOTENCY_CLAIM_SECONDS is abandoned. */
  claimedAt: required('time', 0),
  /** While pending: until when its request is known to be alive (claimHeartbeat.ts); past it, it died. */
  aliveUntil: optional('time'),
  /** When the sweep last found the session or operation it names still there. */
  checkedAt: optional('time'),
  /** The create's options; a repeat with other options is refused (422). */
  fingerprint: optional('string'),
  /** When the sweep looks at it (idempotencyDueAt). */
  dueAt: required('time', 0),
} as const;

export type IdempotencyRecord = RecordOf<typeof IDEMPOTENCY_FIELDS>;
export type StoredIdempotency = Stored<IdempotencyRecord>;

/** Longer than any create may take (the broker's answer budget), so a live claim is never taken over. */
export const IDEMPOTENCY_CLAIM_SECONDS = 90;

/** How often the sweep checks that a settled key still names something (a key is normally deleted with it). */
export const IDEMPOTENCY_CHECK_SECONDS = 86_400;

/**
 * When the sweep looks at a key: a pending one when its claim is abandoned (its request crashed, or could not release
 * it while the table was down); a settled one once a day, to delete it if what it named is gone.
 */
export function idempotencyDueAt(record: Omit<IdempotencyRecord, 'dueAt'>): number {
  if (record.state === 'pending') return record.claimedAt + IDEMPOTENCY_CLAIM_SECONDS * 1000;
  return (record.checkedAt ?? record.claimedAt) + IDEMPOTENCY_CHECK_SECONDS * 1000;
}

/** A copy of `record` with `changes` applied and `dueAt` recomputed. */
export function withIdempotencyChanges(
  record: Omit<IdempotencyRecord, 'dueAt'>,
  changes: Partial<Omit<IdempotencyRecord, 'dueAt'>> = {},
): IdempotencyRecord {
  const merged = { ...record, ...changes };
  return { ...merged, dueAt: idempotencyDueAt(merged) };
}
