import { optional, type RecordOf } from './recordFields';

/**
 * The lease row of one workbook (store/workbookLeaseStore.ts): who holds the workbook's turn until when, and until
 * when Graph asked that nobody call it. Every field may be absent: a free lease with no cooldown has none.
 */
export const LEASE_FIELDS = {
  /** The holder's token, fresh for every take; absent = free. */
  holder: optional('string'),
  /** The holder renews before this; after it (and a margin for clock skew) anyone may take the lease over. */
  leaseUntil: optional('time'),
  /** Graph's cooldown for the workbook (429/503 + Retry-After): nobody calls it before then. */
  cooldownUntil: optional('time'),
  /** Another instance's waiter, named in the row so the holder's release can reserve the next turn for it. */
  waiter: optional('string'),
  waiterSince: optional('time'),
  /** A free lease is the named waiter's alone until then. */
  reservedUntil: optional('time'),
} as const;

export type LeaseFields = RecordOf<typeof LEASE_FIELDS>;
