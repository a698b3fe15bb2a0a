import { ANSWER_BUDGET_MS, CLAIM_TIMING } from '../budgets';
import { ConcurrencyError } from '../errors';

/** What every Idempotency-Key claim carries to say whether its request is alive. */
export interface ClaimLife {
  readonly claimedAt: number;
  readonly aliveUntil?: number;
}

/** A claim written now: alive for CLAIM_TIMING.aliveForMs unless its request renews it. */
export function aliveFrom(now: number): { claimedAt: number; aliveUntil: number } {
  return { claimedAt: now, aliveUntil: now + CLAIM_TIMING.aliveForMs };
}

/**
 * True once the request holding `claim` is known gone: its heartbeat stopped (past `aliveUntil` and the skew between
 * instances' clocks), or — for a claim written without one — its whole window (`windowSeconds`) has passed.
 */
export function claimIsAbandoned(claim: ClaimLife, now: number, windowSeconds: number): boolean {
  const alive = claim.aliveUntil === undefined ? claim.claimedAt + windowSeconds * 1000 : claim.aliveUntil;
  return alive + CLAIM_TIMING.skewMs <= now;
}

/** Whole seconds until the request holding `claim` has its answer at the latest (its answer budget), at least one. */
export function secondsUntilAnswered(claim: ClaimLife, now: number): number {
  return Math.max(1, Math.ceil((claim.claimedAt + ANSWER_BUDGET_MS - now) / 1000));
}

/** Renews a held claim while its request works; `stop` hands back the claim as last written, with its ETag. */
export interface ClaimHeartbeat<T> {
  stop(): Promise<T>;
}

/**
 * Renews `claim`'s `aliveUntil` every CLAIM_TIMING.renewEveryMs with `renew` (a conditional replace) until stopped.
 * A call answered within one interval writes nothing extra. A renewal that loses its If-Match means another request
 * judged this one dead and settled the key: the heartbeat stops, and the final write, on the old ETag, fails too.
 * A renewal that fails otherwise (the table out of reach) is tried again at the next beat.
 */
export function keepClaimAlive<T extends ClaimLife>(
  claim: T,
  renew: (current: T, next: T) => Promise<T>,
  clock: { readonly now: () => number; readonly every: (ms: number, tick: () => void) => () => void },
): ClaimHeartbeat<T> {
  const { now } = clock;
  let current = claim;
  let lost = false;
  let chain: Promise<void> = Promise.resolve();
  const beat = async () => {
    if (lost) return;
    try {
      current = await renew(current, { ...current, aliveUntil: now() + CLAIM_TIMING.aliveForMs });
    } catch (error) {
      if (error instanceof ConcurrencyError) lost = true;
    }
  };
  const stopBeating = clock.every(CLAIM_TIMING.renewEveryMs, () => {
    chain = chain.then(beat);
  });
  return {
    async stop() {
      stopBeating();
      await chain;
      return current;
    },
  };
}
