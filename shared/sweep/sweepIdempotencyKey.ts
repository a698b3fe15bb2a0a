import type { Invocation } from '../deps';
import { ConcurrencyError } from '../errors';
import { withIdempotencyChanges, type StoredIdempotency } from '../records/idempotencyRecord';
import type { StoredReplay } from '../records/replayRecord';
import { settleUnknown } from '../workbook/replayKeys';

export type KeyOutcome = 'deleted' | 'skipped' | 'failed';

/**
 * An Idempotency-Key the normal path left behind: an abandoned claim, or a key whose session or operation is gone.
 * Deleted, conditional on its ETag; a key that still names a record is checked again a day later.
 */
export async function sweepIdempotencyKey(key: StoredIdempotency, { deps }: Invocation): Promise<KeyOutcome> {
  try {
    const named =
      key.state === 'pending'
        ? undefined
        : key.sessionId
          ? await deps.store.getSession(key, key.sessionId, { fresh: true })
          : key.operationId
            ? await deps.store.getOperation(key, key.operationId)
            : undefined;
    if (named) {
      await deps.store.replaceIdempotency(key, withIdempotencyChanges(key, { checkedAt: deps.now() }));
      return 'skipped';
    }
    await deps.store.deleteIdempotency(key);
    return 'deleted';
  } catch (error) {
    return error instanceof ConcurrencyError ? 'skipped' : 'failed';
  }
}

/** A workbook write's Idempotency-Key past its retention (SESSION_RETENTION_SECONDS): deleted, conditional on its ETag. */
export async function sweepReplayKey(key: StoredReplay, invocation: Invocation): Promise<KeyOutcome> {
  const { deps } = invocation;
  try {
    // A claim still pending this long lost its request after it may have reached Graph: taken over as a repeat would
    // take it (claimKey), it stays, as "outcome unknown", for one more retention, so no repeat ever does that write
    // again. A repeat that took it first makes this write lose its ETag: skipped.
    if (key.state === 'pending') {
      await settleUnknown(key, invocation, deps.config.retentionSeconds);
      return 'skipped';
    }
    await deps.store.deleteReplay(key);
    return 'deleted';
  } catch (error) {
    return error instanceof ConcurrencyError ? 'skipped' : 'failed';
  }
}
