import { REPEAT_WAIT_MS } from '../budgets';
import { ConcurrencyError } from '../errors';
import { claimIsAbandoned, secondsUntilAnswered, type ClaimLife } from './claimHeartbeat';

/** What the record found under a key means for the request that wants the key. */
export type Verdict<T> =
  /** It holds this request's answer already: the earlier request's session, or the answer to replay. */
  | { readonly answer: T }
  /** It no longer holds the key (what it made has ended): taken over at once. */
  | 'free'
  /** Another request's claim: waited for, or taken over once that request is known dead (claimHeartbeat.ts). */
  | 'held';

/** One kind of Idempotency-Key, as `claimKey` needs it. */
export interface KeyClaim<R extends ClaimLife, T> {
  /** The conditional insert of a fresh claim: a `ConcurrencyError` when the key is taken. */
  readonly insert: () => Promise<T>;
  /** The key's record now; `undefined` when it vanished (freed by its request) since the insert failed. */
  readonly read: () => Promise<R | undefined>;
  /** Throws to refuse the request (422: the key was used for another request). */
  readonly judge: (existing: R) => Promise<Verdict<T>> | Verdict<T>;
  /** The conditional replace of a free or abandoned record: a `ConcurrencyError` when someone wrote first. */
  readonly takeOver: (existing: R) => Promise<T>;
  /** How long a claim written without a heartbeat (`aliveUntil`) is taken as alive. */
  readonly windowSeconds: number;
  /** A vanished record: `insert` again at once, or `wait` as for a held claim (at the deadline: 409, Retry-After 1). */
  readonly onVanished: 'insert' | 'wait';
  /** The answer (409 + Retry-After) when the key is still held at the deadline. */
  readonly busy: (retryAfterSeconds: number) => Error;
}

/**
 * Claims an Idempotency-Key, the one way every key is claimed: insert a fresh claim if the key is free (conditional
 * insert); else read what holds it, and let the kind judge it — an answer for this request, a record free to take
 * over, or another request's claim, waited for every REPEAT_WAIT_MS until its request answers or is known dead and
 * the claim is taken over (conditional replace). A lost race at either write starts again from the insert.
 */
export async function claimKey<R extends ClaimLife, T>(
  claim: KeyClaim<R, T>,
  clock: { readonly now: () => number; readonly sleep: (ms: number) => Promise<void> },
  deadline: number,
): Promise<T> {
  for (;;) {
    const inserted = await unlessLost(claim.insert);
    if (inserted !== LOST) return inserted;
    const existing = await claim.read();
    let retryAfterSeconds = 1;
    if (existing === undefined) {
      if (claim.onVanished === 'insert') continue;
    } else {
      const verdict = await claim.judge(existing);
      if (typeof verdict === 'object') return verdict.answer;
      if (verdict === 'free' || claimIsAbandoned(existing, clock.now(), claim.windowSeconds)) {
        const taken = await unlessLost(() => claim.takeOver(existing));
        if (taken !== LOST) return taken;
        continue;
      }
      retryAfterSeconds = secondsUntilAnswered(existing, clock.now());
    }
    if (clock.now() + REPEAT_WAIT_MS >= deadline) throw claim.busy(retryAfterSeconds);
    await clock.sleep(REPEAT_WAIT_MS);
  }
}

const LOST = Symbol('lost');

async function unlessLost<T>(write: () => Promise<T>): Promise<T | typeof LOST> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ConcurrencyError) return LOST;
    throw error;
  }
}
