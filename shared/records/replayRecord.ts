import { WORKBOOK_FIELDS, choice, chunks, optional, required, type RecordOf, type Stored } from './recordFields';

export const REPLAY_STATES = ['pending', 'answered'] as const;
export type ReplayState = (typeof REPLAY_STATES)[number];

/**
 * The largest answer body kept for replay: what fits in one table entity (1 MiB, in binary properties of at most
 * 64 KiB — https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model) with
 * room for the rest of the record. A larger answer is still recorded as done, and its repeats are refused rather
 * than done twice.
 */
export const REPLAY_CHUNK_BYTES = 60 * 1024;
export const REPLAY_CHUNKS = 14;
export const REPLAY_BODY_LIMIT = REPLAY_CHUNK_BYTES * REPLAY_CHUNKS;

/**
 * An `Idempotency-Key` on a forwarded workbook write (`POST`, `PATCH`): the first request claims it (`pending`) with
 * the fingerprint of what it asked for, then keeps Graph's answer (`answered`) so repeats by the same caller get that
 * answer replayed exactly instead of a second write. Kept for SESSION_RETENTION_SECONDS, then deleted by the sweep.
 * A state the code does not know reads as `pending`, which its claim's age then judges.
 */
export const REPLAY_FIELDS = {
  ...WORKBOOK_FIELDS,
  rowKey: required('string', ''),
  state: choice(REPLAY_STATES, 'pending'),
  /** sha256 of method, path, query and body: the same key with another request is refused (422). */
  fingerprint: required('string', ''),
  claimedAt: required('time', 0),
  /** While pending: until when its request is known to be alive (claimHeartbeat.ts); past it, it died. */
  aliveUntil: optional('time'),
  status: optional('number'),
  /** The answer's headers, as JSON. */
  headers: optional('string'),
  /** The answer's body, whole, when it fits (see REPLAY_BODY_LIMIT); absent when it did not. */
  body: chunks(REPLAY_CHUNKS, REPLAY_CHUNK_BYTES),
  /** The answer's size in bytes, kept even when the body was too large to keep. */
  bodyBytes: optional('number'),
  /** When the sweep deletes it (replayDueAt). */
  dueAt: required('time', 0),
} as const;

export type ReplayRecord = RecordOf<typeof REPLAY_FIELDS>;
export type StoredReplay = Stored<ReplayRecord>;

/**
 * Longer than any forwarded call may take (the answer budget), so a live claim is never judged abandoned: how a claim
 * written without `aliveUntil` (before the heartbeat) is judged, and how long the sweep leaves a pending one alone.
 */
export const REPLAY_CLAIM_SECONDS = 90;

/**
 * When the sweep looks at a key: its retention after it was claimed, but never before its claim could have lapsed —
 * a claim still running must not be swept away under its request (a repeat would then do the write again). Set once,
 * at the claim: keeping the answer does not move it, so this kind has no `withReplayChanges` (only the sweep, settling
 * a claim it found abandoned, sets a date of its own).
 */
export function replayDueAt(record: Pick<ReplayRecord, 'claimedAt'>, retentionSeconds: number): number {
  return record.claimedAt + Math.max(retentionSeconds, 2 * REPLAY_CLAIM_SECONDS) * 1000;
}
