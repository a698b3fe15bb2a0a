import { ThrottledError } from '../errors';
import { workbookKey, type WorkbookAddress } from '../workbookAddress';

/**
 * One Graph call at a time per workbook — Microsoft's advice for Excel ("only send the next request after receiving
 * a successful response to the current request", https://learn.microsoft.com/graph/workbook-best-practice) — with
 * callers served in arrival order. Whoever waits past its deadline gets `429` + `Retry-After` instead of a call.
 * This is the in-process queue (`WORKBOOK_LEASE=instance`); tableTurns.ts puts a lease shared by every instance behind
 * it (`table`).
 */
export interface WorkbookTurns {
  /** Resolves with the turn (release it when the call is answered), or rejects with a ThrottledError at `deadline`. */
  take(workbook: WorkbookAddress, deadline: number): Promise<Turn>;
}

export interface Turn {
  /**
   * Ends the turn. `cooldownUntil`: Graph's last answer asked that the workbook be left alone until then (429, or 503
   * with Retry-After); a turn shared across instances keeps it so that none calls the workbook earlier.
   */
  release(cooldownUntil?: number): void;
}

interface Waiter {
  readonly grant: (turn: Turn) => void;
  readonly refuse: (error: ThrottledError) => void;
  timer?: NodeJS.Timeout;
}

interface Line {
  held: boolean;
  readonly waiting: Waiter[];
}

/** A caller's wait is measured on the injected clock but timed by a real timer, which the turn cancels. */
export function inProcessTurns(now: () => number): WorkbookTurns {
  const lines = new Map<string, Line>();

  const handOn = (key: string, line: Line): void => {
    const next = line.waiting.shift();
    if (next === undefined) {
      line.held = false;
      lines.delete(key);
      return;
    }
    clearTimeout(next.timer);
    next.grant(turnOf(key, line));
  };

  const turnOf = (key: string, line: Line): Turn => {
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        handOn(key, line);
      },
    };
  };

  return {
    take(workbook, deadline) {
      const key = workbookKey(workbook);
      let line = lines.get(key);
      if (line === undefined) {
        line = { held: false, waiting: [] };
        lines.set(key, line);
      }
      if (!line.held) {
        line.held = true;
        return Promise.resolve(turnOf(key, line));
      }
      const queue = line;
      return new Promise<Turn>((grant, refuse) => {
        const waiter: Waiter = { grant, refuse };
        const ahead = queue.waiting.length + 1;
        waiter.timer = setTimeout(
          () => {
            const at = queue.waiting.indexOf(waiter);
            if (at >= 0) queue.waiting.splice(at, 1);
            refuse(
              new ThrottledError(
                'Other calls to this workbook are ahead of this one; try again shortly.',
                retryAfterFor(ahead),
              ),
            );
          },
          Math.max(0, deadline - now()),
        );
        waiter.timer.unref?.();
        queue.waiting.push(waiter);
      });
    },
  };
}

/** A hint, not a promise: a second per call that was ahead, at least one, at most thirty. */
function retryAfterFor(ahead: number): number {
  return Math.min(30, Math.max(1, ahead));
}

/**
 * Graph's cooldown for a workbook, kept in this process: after a 429 (or a 503 with Retry-After) nothing here calls
 * that workbook again before the time Graph gave (https://learn.microsoft.com/graph/workbook-best-practice). A
 * caller whose deadline comes first gets `429` with the time left at once. The table lease keeps the same cooldown
 * for every instance; this keeps it whatever WORKBOOK_LEASE says, and while the table cannot be reached.
 */
export function withCooldowns(
  inner: WorkbookTurns,
  clock: { now: () => number; sleep: (ms: number) => Promise<void> },
): WorkbookTurns {
  const until = new Map<string, number>();
  return {
    async take(workbook, deadline) {
      const key = workbookKey(workbook);
      const cooldown = until.get(key);
      const now = clock.now();
      if (cooldown !== undefined && cooldown > now) {
        if (cooldown >= deadline) {
          throw new ThrottledError(
            'Graph asked for this workbook to be left alone for now; try again later.',
            Math.ceil((cooldown - now) / 1000),
          );
        }
        await clock.sleep(cooldown - now);
      }
      if (cooldown !== undefined && cooldown <= clock.now()) until.delete(key);
      const turn = await inner.take(workbook, deadline);
      return {
        release: (cooldownUntil) => {
          if (cooldownUntil !== undefined) until.set(key, Math.max(cooldownUntil, until.get(key) ?? 0));
          turn.release(cooldownUntil);
        },
      };
    },
  };
}
