import type { Turn } from './workbookGate';

/** One turn of the gate, lent to several Graph calls made one after another (inOneTurn, shared/deps.ts). */
export interface SharedTurn {
  /** A turn for one call: its release ends that call's part only. */
  lend(): Turn;
  /** No more calls will be lent the turn: it is released once every lent part has been. */
  end(): void;
}

/**
 * Keeps a workbook's turn across several calls, so that what one call finds (a row's index) is still true when the
 * next acts on it: no other call through the broker reaches the workbook in between. Each call releases its part as
 * it would release a whole turn — late, for a call the broker stopped waiting for, so the workbook is never handed on
 * while Graph may still be working — and the turn itself goes with the last part, carrying the latest cooldown Graph
 * asked for.
 */
export function shareTurn(turn: Turn): SharedTurn {
  let lent = 0;
  let ended = false;
  let released = false;
  let cooldown: number | undefined;
  const settle = () => {
    if (!ended || lent > 0 || released) return;
    released = true;
    turn.release(cooldown);
  };
  return {
    lend() {
      lent += 1;
      let done = false;
      return {
        release(cooldownUntil) {
          if (done) return;
          done = true;
          lent -= 1;
          if (cooldownUntil !== undefined) cooldown = Math.max(cooldown ?? 0, cooldownUntil);
          settle();
        },
      };
    },
    end() {
      ended = true;
      settle();
    },
  };
}
