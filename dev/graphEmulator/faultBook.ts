import type { CallOp, FaultRule } from './types';

// Rules are evaluated per request, in the order they were added: every matching latency rule adds its delay,
// then the first matching status/drop rule whose dice roll passes decides the answer. `times` counts only
// applications, so a rule that lost its roll is not spent.

export interface FaultTarget {
  op: CallOp;
  method?: string;
  driveId?: string;
  itemId?: string;
  /** The decoded path after `workbook/`. */
  workbookPath?: string;
}

export interface FaultDecision {
  /** Total real delay to add before answering. */
  latencyMs: number;
  /** The status or drop rule that decides the answer, if any. */
  rule?: FaultRule;
}

interface Entry {
  readonly rule: FaultRule;
  /** The rule's `path`, compiled once. */
  readonly path?: RegExp;
  applied: number;
}

export class FaultBook {
  private entries: Entry[] = [];

  constructor(private readonly random: () => number) {}

  add(rule: FaultRule): void {
    this.entries.push({ rule, applied: 0, ...(rule.path === undefined ? {} : { path: new RegExp(rule.path, 'i') }) });
  }

  clear(): void {
    this.entries = [];
  }

  decide(target: FaultTarget): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const entry of this.entries) {
      const { rule } = entry;
      if (!matches(entry, target) || isSpent(entry)) continue;
      if (rule.kind !== 'latency' && decision.rule !== undefined) continue;
      if (!this.roll(rule.probability)) continue;
      entry.applied += 1;
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs ?? 0;
      else decision.rule = rule;
    }
    return decision;
  }

  // Certain outcomes skip the PRNG so that adding a deterministic rule does not shift a seeded sequence.
  private roll(probability: number | undefined): boolean {
    if (probability === undefined || probability >= 1) return true;
    if (probability <= 0) return false;
    return this.random() < probability;
  }
}

function matches({ rule, path }: Entry, target: FaultTarget): boolean {
  const op = rule.op ?? 'any';
  if (op !== 'any' && op !== target.op) return false;
  if (rule.method !== undefined && rule.method !== target.method) return false;
  if (path !== undefined && !path.test(target.workbookPath ?? '')) return false;
  if (rule.driveId !== undefined && rule.driveId !== target.driveId) return false;
  return rule.itemId === undefined || rule.itemId === target.itemId;
}

function isSpent(entry: Entry): boolean {
  return entry.rule.times !== undefined && entry.applied >= entry.rule.times;
}
