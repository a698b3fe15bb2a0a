import type { Invocation } from '../deps';
import { GraphUnavailableError } from '../errors';
import { keepClaimAlive } from '../store/claimHeartbeat';
import { claimWriteKey, freeWriteKey, keepAnswer, renderedError, type WriteAnswer, type WriteKey } from './replayKeys';

/**
 * A write done at most once under its Idempotency-Key (replayKeys.ts), whatever it is made of — one forwarded call or
 * several Graph calls in one turn. Without a key, `work` simply runs. With one, the key is looked at first: a repeat
 * of a write that was done gets its answer even if the session has ended since; while `work` runs its claim says the
 * request is alive, so a repeat that finds it silent knows the request died.
 */
export async function answerOnce(
  write: WriteKey | undefined,
  invocation: Invocation,
  deadline: number,
  work: () => Promise<WriteAnswer>,
  /**
   * For work of several calls: whether its write went out. Until then nothing can have changed, so whatever the work
   * ended with — a 504 on a read included — frees the key for a fresh attempt instead of being kept for every repeat.
   */
  wrote: () => boolean = () => true,
): Promise<WriteAnswer> {
  if (write === undefined) return work();
  const claim = await claimWriteKey(write, invocation, deadline);
  if (claim.kind === 'replay') return claim.answer;
  const { store } = invocation.deps;
  const heartbeat = keepClaimAlive(
    claim.record,
    (current, next) => store.replaceReplay(current, next),
    invocation.deps,
  );
  const made = await work().then(
    (answer) => ({ answer }),
    (error: unknown) => ({ error }),
  );
  const held = await heartbeat.stop();
  if (!wrote()) {
    await freeWriteKey(held, invocation);
    if ('error' in made) throw made.error;
    return made.answer;
  }
  if ('error' in made) {
    // No answer came back after a call went out: Graph may have acted, so this is the answer every repeat gets.
    if (made.error instanceof GraphUnavailableError) {
      const unknown = renderedError(made.error, invocation);
      await keepAnswer(held, unknown, invocation);
      return unknown;
    }
    await freeWriteKey(held, invocation);
    throw made.error;
  }
  const { answer } = made;
  if (answer.status === 429 || answer.status === 503) await freeWriteKey(held, invocation);
  else await keepAnswer(held, answer, invocation);
  return answer;
}
