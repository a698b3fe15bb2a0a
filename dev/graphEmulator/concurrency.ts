// Counts Graph calls in flight, per workbook and overall, and remembers the most ever seen: what a test of "one call
// at a time per workbook" asserts on. A call counts from the moment its body has arrived until it is answered.

export interface ConcurrencyReport {
  inFlight: number;
  maxInFlight: number;
  workbooks: Array<{ driveId: string; itemId: string; inFlight: number; maxInFlight: number }>;
}

export class Concurrency {
  private inFlight = 0;
  private maxInFlight = 0;
  private readonly byWorkbook = new Map<
    string,
    { driveId: string; itemId: string; inFlight: number; maxInFlight: number }
  >();

  /** Returns how many calls are now in flight on that workbook, this one included. */
  enter(workbook: { driveId?: string; itemId?: string }): number {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const entry = this.entry(workbook);
    if (entry === undefined) return 1;
    entry.inFlight += 1;
    entry.maxInFlight = Math.max(entry.maxInFlight, entry.inFlight);
    return entry.inFlight;
  }

  leave(workbook: { driveId?: string; itemId?: string }): void {
    this.inFlight -= 1;
    const entry = this.entry(workbook);
    if (entry !== undefined) entry.inFlight -= 1;
  }

  report(): ConcurrencyReport {
    return {
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      workbooks: [...this.byWorkbook.values()].map((entry) => ({ ...entry })),
    };
  }

  /** Forgets the maxima (calls still in flight stay counted). */
  reset(): void {
    this.maxInFlight = this.inFlight;
    for (const entry of this.byWorkbook.values()) entry.maxInFlight = entry.inFlight;
  }

  private entry({ driveId, itemId }: { driveId?: string; itemId?: string }) {
    if (driveId === undefined || itemId === undefined) return undefined;
    const key = `${driveId}\u0000${itemId}`;
    let entry = this.byWorkbook.get(key);
    if (entry === undefined) {
      entry = { driveId, itemId, inFlight: 0, maxInFlight: 0 };
      this.byWorkbook.set(key, entry);
    }
    return entry;
  }
}
