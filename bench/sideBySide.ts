import type { GraphEmulator } from '../dev/graphEmulator';
import { expectOk, type CallKind, type SessionCaller, type Workbook } from './sessionCalls';
import { round, summarize, type Summary } from './stats';

export const OVERHEAD_WORKBOOK: Workbook = { driveId: 'b!bench-drive', itemId: '01BENCHOVERHEAD' };

export interface Comparison {
  readonly broker: Summary;
  readonly direct: Summary;
  /** broker p50 − direct p50: what the broker adds to a typical call. */
  readonly overheadMsP50: number;
  readonly overheadMsP99: number;
  /** broker p50 ÷ direct p50, and the same of the means. */
  readonly ratioP50: number;
  readonly ratioMean: number;
  readonly errors: { readonly broker: number; readonly direct: number };
}

export interface SideBySide {
  readonly graphLatencyMs: number;
  readonly samplesPerCall: number;
  readonly warmupPerCall: number;
  readonly createSession: Comparison;
  readonly refreshSession: Comparison;
  /** Both kinds pooled. */
  readonly overall: Comparison;
}

/**
 * The same createSession and refreshSession made through the broker and straight to Graph, interleaved call by
 * call (and the order flipped every round), so whatever else the machine is doing falls on both sides alike.
 * Graph's latency is the emulator's: every Graph call waits `graphLatencyMs` before it is answered.
 */
export async function measureSideBySide(
  emulator: GraphEmulator,
  broker: SessionCaller,
  direct: SessionCaller,
  options: { graphLatencyMs: number; samples: number; warmup: number },
): Promise<SideBySide> {
  emulator.addWorkbook(OVERHEAD_WORKBOOK.driveId, OVERHEAD_WORKBOOK.itemId);
  emulator.clearFaults();
  if (options.graphLatencyMs > 0) emulator.addFault({ op: 'any', kind: 'latency', latencyMs: options.graphLatencyMs });
  try {
    const sessions = new Map<SessionCaller, string>();
    for (const side of [broker, direct]) {
      const created = await expectOk(side.createSession(OVERHEAD_WORKBOOK), `${side.name} createSession`);
      sessions.set(side, created.sessionId ?? '');
    }
    const samples = new Map<string, number[]>();
    const errors = new Map<string, number>();
    const playRound = async (record: boolean, flip: boolean) => {
      const sides = flip ? [direct, broker] : [broker, direct];
      for (const kind of ['createSession', 'refreshSession'] as const) {
        for (const side of sides) {
          const result =
            kind === 'createSession'
              ? await side.createSession(OVERHEAD_WORKBOOK)
              : await side.refreshSession(OVERHEAD_WORKBOOK, sessions.get(side) ?? '');
          if (!record) continue;
          const key = `${side.name}.${kind}`;
          if (result.status >= 200 && result.status <= 299) bucket(samples, key).push(result.ms);
          else errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      }
    };
    for (let n = 0; n < options.warmup; n += 1) await playRound(false, n % 2 === 1);
    emulator.resetCalls();
    for (let n = 0; n < options.samples; n += 1) await playRound(true, n % 2 === 1);
    emulator.resetCalls();

    const of = (name: string, kinds: readonly CallKind[]) =>
      kinds.flatMap((kind) => samples.get(`${name}.${kind}`) ?? []);
    const errorsOf = (name: string, kinds: readonly CallKind[]) =>
      kinds.reduce((sum, kind) => sum + (errors.get(`${name}.${kind}`) ?? 0), 0);
    const compare = (kinds: readonly CallKind[]): Comparison =>
      comparison(of('broker', kinds), of('direct', kinds), {
        broker: errorsOf('broker', kinds),
        direct: errorsOf('direct', kinds),
      });
    return {
      graphLatencyMs: options.graphLatencyMs,
      samplesPerCall: options.samples,
      warmupPerCall: options.warmup,
      createSession: compare(['createSession']),
      refreshSession: compare(['refreshSession']),
      overall: compare(['createSession', 'refreshSession']),
    };
  } finally {
    emulator.clearFaults();
  }
}

function bucket(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

export function comparison(
  brokerMs: readonly number[],
  directMs: readonly number[],
  errors: Comparison['errors'],
): Comparison {
  const broker = summarize(brokerMs);
  const direct = summarize(directMs);
  return {
    broker,
    direct,
    overheadMsP50: round(broker.p50 - direct.p50),
    overheadMsP99: round(broker.p99 - direct.p99),
    ratioP50: round(broker.p50 / direct.p50, 4),
    ratioMean: round(broker.mean / direct.mean, 4),
    errors,
  };
}
