import type { Invocation } from '../deps';
import { InProgressError, UnprocessableEntityError } from '../errors';
import type { WorkbookAddress } from '../workbookAddress';
import type { Caller } from '../input/requestHeaders';
import type { CreateOutcome } from './followOperation';
import {
  IDEMPOTENCY_CLAIM_SECONDS,
  withIdempotencyChanges,
  type StoredIdempotency,
} from '../records/idempotencyRecord';
import { idempotencyRowKeyOf } from '../store/sessionKeys';
import { warnOnFailure } from '../errorMessage';
import { REPEAT_POLL_AFTER_SECONDS } from '../budgets';
import { aliveFrom } from '../store/claimHeartbeat';
import { claimKey } from '../store/claimKey';

export type Claim =
  | { readonly kind: 'answered'; readonly outcome: CreateOutcome }
  | { readonly kind: 'claimed'; readonly record: StoredIdempotency };

/**
 * Claims an Idempotency-Key for this create, or answers with what the earlier request with the same key, the same
 * caller and the same options (`fingerprint`; other options are a 422) made: its session while it lives, or its still-running operation. A concurrent duplicate waits for the
 * first to finish, so both map to one Graph session. A key whose session has ended, or whose claim was abandoned
 * (a crashed instance), is claimed afresh.
 */
export async function claimIdempotencyKey(
  workbook: WorkbookAddress,
  key: string,
  caller: Caller | undefined,
  fingerprint: string,
  invocation: Invocation,
  deadline: number,
): Promise<Claim> {
  const { deps } = invocation;
  const rowKey = idempotencyRowKeyOf(caller?.id, key);
  const fresh = () =>
    withIdempotencyChanges({ ...workbook, rowKey, state: 'pending', ...aliveFrom(deps.now()), fingerprint });
  const claimed = (record: StoredIdempotency): Claim => ({ kind: 'claimed', record });
  return claimKey<StoredIdempotency, Claim>(
    {
      insert: async () => claimed(await deps.store.insertIdempotency(fresh())),
      read: () => deps.store.getIdempotency(workbook, rowKey),
      judge: async (existing) => {
        // A key written before fingerprints were kept has none: it is taken as matching.
        if (existing.fingerprint !== undefined && existing.fingerprint !== fingerprint) {
          throw new UnprocessableEntityError(
            'This Idempotency-Key was already used for a createSession with a different body or x-session-idle-timeout; use a new key.',
          );
        }
        const earlier = await earlierOutcome(existing, invocation);
        if (earlier) return { answer: { kind: 'answered', outcome: earlier } };
        return existing.state === 'pending' ? 'held' : 'free';
      },
      takeOver: async (existing) => claimed(await deps.store.replaceIdempotency(existing, fresh())),
      windowSeconds: IDEMPOTENCY_CLAIM_SECONDS,
      // Freed by its failed create between our insert and our read: the key is free, so it is claimed again at once.
      onVanished: 'insert',
      busy: (retryAfterSeconds) =>
        new InProgressError('A createSession with this Idempotency-Key is still in progress.', retryAfterSeconds),
    },
    deps,
    deadline,
  );
}

/** Writes what this request made under its key, for the repeats to find. */
export async function settleIdempotencyKey(
  claim: StoredIdempotency,
  outcome: CreateOutcome,
  { deps, log, requestId }: Invocation,
): Promise<void> {
  const next =
    outcome.kind === 'created'
      ? withIdempotencyChanges(claim, { state: 'created', sessionId: outcome.session.id, operationId: undefined })
      : withIdempotencyChanges(claim, { state: 'accepted', operationId: outcome.operationId, sessionId: undefined });
  // A failed settle leaves the claim pending: repeats wait for it to lapse, then get 409 or a new session.
  await deps.store
    .replaceIdempotency(claim, next)
    .catch(
      warnOnFailure(
        log,
        'Could not record what a create made under its Idempotency-Key; repeats wait for the claim to lapse, then get 409.',
        { requestId },
      ),
    );
}

/** The create failed: let a retry with the same key try again. */
export async function releaseIdempotencyKey(
  claim: StoredIdempotency,
  { deps, log, requestId }: Invocation,
): Promise<void> {
  await deps.store
    .deleteIdempotency(claim)
    .catch(
      warnOnFailure(
        log,
        'Could not free an Idempotency-Key after its create failed; repeats wait for the claim to lapse.',
        { requestId },
      ),
    );
}

async function earlierOutcome(existing: StoredIdempotency, { deps }: Invocation): Promise<CreateOutcome | undefined> {
  if (existing.state === 'created' && existing.sessionId) {
    const session = await deps.store.getSession(existing, existing.sessionId);
    if (session?.state === 'live')
      return { kind: 'created', session: { id: session.sessionId, persistChanges: session.persistChanges } };
  }
  if (existing.state === 'accepted' && existing.operationId) {
    const operation = await deps.store.getOperation(existing, existing.operationId);
    if (operation?.state === 'running')
      return { kind: 'pending', operationId: operation.operationId, retryAfterSeconds: REPEAT_POLL_AFTER_SECONDS };
    if (operation?.state === 'succeeded' && operation.sessionId) {
      const session = await deps.store.getSession(operation, operation.sessionId);
      if (session?.state === 'live')
        return { kind: 'created', session: { id: session.sessionId, persistChanges: session.persistChanges } };
    }
  }
  return undefined;
}
