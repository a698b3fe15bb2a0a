/**
 * Runs the sweep's per-session tasks with at most `limit` in flight in all, and one at a time per key (a workbook):
 * Microsoft's advice is to send a workbook its next request only after the previous one answered
 * (https://learn.microsoft.com/graph/workbook-best-practice). A task waiting for its workbook does not hold a slot,
 * so other workbooks go on. `add` waits while `maxPending` tasks are queued: that bounds memory however big the table.
 */
export interface SweepScheduler {
  add(key: string, task: () => Promise<void>): Promise<void>;
  /** Resolves when every task added so far has finished. */
  idle(): Promise<void>;
}

export function createSweepScheduler(limit: number, maxPending: number): SweepScheduler {
  let running = 0;
  let pending = 0;
  const queues = new Map<string, Array<() => Promise<void>>>();
  const ready: string[] = [];
  let waiters: Array<() => void> = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    woken.forEach((resolve) => resolve());
  };
  const wait = () => new Promise<void>((resolve) => waiters.push(resolve));

  const pump = (): void => {
    while (running < limit && ready.length > 0) {
      const key = ready.shift() as string;
      const queue = queues.get(key) as Array<() => Promise<void>>;
      const task = queue[0] as () => Promise<void>;
      running += 1;
      void task()
        .catch(() => undefined) // tasks report their own failures; one must not stop the others
        .finally(() => {
          running -= 1;
          pending -= 1;
          queue.shift();
          if (queue.length > 0) ready.push(key);
          else queues.delete(key);
          wake();
          pump();
        });
    }
  };

  return {
    async add(key, task) {
      while (pending >= maxPending) await wait();
      pending += 1;
      const queue = queues.get(key);
      if (queue) queue.push(task);
      else {
        queues.set(key, [task]);
        ready.push(key);
      }
      pump();
    },
    async idle() {
      while (pending > 0) await wait();
    },
  };
}
