/**
 * At most `limit` Graph calls in flight (SWEEP_CONCURRENCY). Only the Graph call holds a slot: the table reads and
 * writes around it do not, so Graph is kept exactly as busy as the setting allows while the sweep does its own
 * bookkeeping beside it.
 */
export interface GraphSlots {
  use<T>(work: () => Promise<T>): Promise<T>;
}

export function createGraphSlots(limit: number): GraphSlots {
  let free = limit;
  const waiting: Array<() => void> = [];
  return {
    async use(work) {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free += 1;
      }
    },
  };
}
