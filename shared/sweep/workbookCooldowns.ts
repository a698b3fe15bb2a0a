/**
 * Workbooks Graph told us to leave alone (429/503 with Retry-After), remembered for the life of the process so the
 * next ticks respect them too. Graph's rule is to send *no* request to a throttled workbook until the cooldown
 * passes (https://learn.microsoft.com/graph/workbook-best-practice#reduce-throttling-errors). The sweep also writes
 * the cooldown into the affected records' `deferredUntil`, so another instance does not pick them up early either.
 */
export interface WorkbookCooldowns {
  /** When the workbook may be called again, or `undefined` if it may be called now. */
  pausedUntil(workbookKey: string, now: number): number | undefined;
  pause(workbookKey: string, until: number): void;
}

export function createWorkbookCooldowns(maxEntries = 10_000): WorkbookCooldowns {
  const until = new Map<string, number>();
  return {
    pausedUntil(workbookKey, now) {
      const end = until.get(workbookKey);
      if (end === undefined) return undefined;
      if (end > now) return end;
      until.delete(workbookKey);
      return undefined;
    },
    pause(workbookKey, end) {
      if (until.size >= maxEntries) {
        const oldest = until.keys().next();
        if (!oldest.done) until.delete(oldest.value);
      }
      until.set(workbookKey, Math.max(end, until.get(workbookKey) ?? 0));
    },
  };
}
