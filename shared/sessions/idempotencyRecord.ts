import type { WorkbookAddress } from '../graph/graphClient';

/**
 * An `Idempotency-Key` seen on createSession: the first request claims it (`pending`), and what it created — a
 * session, or a long-running operation — is written back, so repeats from the same caller (Power Automate re-sends
 * POSTs on 408/429/5xx) get the same answer, across instances. It lives as long as the session it names.
 */
export interface IdempotencyRecord extends WorkbookAddress {
  readonly rowKey: string;
  readonly state: 'pending' | 'created' | 'accepted';
  readonly sessionId?: string;
  readonly operationId?: string;
  /** When the current request claimed the key; a pending claim older than IDEMPOTENCY_CLAIM_SECONDS is abandoned. */
  readonly claimedAt: number;
}

export interface StoredIdempotency extends IdempotencyRecord {
  readonly etag: string;
}

/** Longer than any create may take (the broker's answer budget), so a live claim is never taken over. */
export const IDEMPOTENCY_CLAIM_SECONDS = 90;
