import type { GraphEmulator } from '../dev/graphEmulator';
import type { RowObject } from '../shared/rows/rowObjects';
import { setGraphLatency, type EmulatorAdmin } from './gateway';
import { ROW_OPS, type RowCaller, type RowOp, type Timed } from './rowCallers';
import { comparison, type Comparison } from './sideBySide';
import { round, summarize, type Summary } from './stats';

/** What one round asks of each side: the row to update (by key) and its change, the page size, the row to add. */
export interface RoundPlan {
  keyOf(round: number): { column: string; value: string };
  changeOf(round: number): RowObject;
  readonly top: number;
  rowOf(round: number): RowObject;
}

export interface RowsSideBySide {
  readonly graphLatencyMs: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly ops: Readonly<Record<RowOp, Comparison>>;
  /**
   * The same with the emulator's own time taken out of every sample (each operation's Graph calls, arrival to answer):
   * what each side spent outside Graph. The emulator's writes (an .xlsx saved per change) vary by tens of ms, which
   * the plain figures carry on both sides; these do not.
   */
  readonly outsideGraph: Readonly<Record<RowOp, Comparison>>;
  /** Graph calls each side made per round of the three operations, counted by the emulator by session id. */
  readonly graphCallsPerRound: { readonly broker: number; readonly direct: number };
  /** The emulator's own time per call (arrival to answer, the latency fault included), by side. */
  readonly graphMsPerCall: { readonly broker: Summary; readonly direct: Summary };
}

/**
 * The three row operations through the broker and straight to Graph, interleaved call by call — each round runs
 * every operation on both sides, the order of the sides flipped every round — so whatever else the machine does
 * falls on both alike. Each side works in its own persistent session on one workbook, so both write the same file.
 */
export async function measureRowsSideBySide(
  emulator: GraphEmulator,
  admin: EmulatorAdmin,
  sides: { broker: RowCaller; direct: RowCaller },
  sessions: { broker: string; direct: string },
  plan: RoundPlan,
  options: { graphLatencyMs: number; samples: number; warmup: number },
): Promise<RowsSideBySide> {
  await setGraphLatency(admin, options.graphLatencyMs);
  try {
    const samples = new Map<string, number[]>();
    const outside = new Map<string, number[]>();
    const errors = new Map<string, number>();
    const graphCalls = { broker: [] as number[], direct: [] as number[] };
    for (let n = 0; n < options.warmup + options.samples; n += 1) {
      const order = n % 2 === 0 ? [sides.broker, sides.direct] : [sides.direct, sides.broker];
      for (const op of ROW_OPS) {
        for (const side of order) {
          emulator.resetCalls();
          const result = await playOne(side, op, sessions[side.name], plan, n);
          if (n < options.warmup) continue;
          const ours = emulator.calls().filter((call) => call.sessionId === sessions[side.name]);
          graphCalls[side.name].push(...ours.map((call) => call.answeredMs - call.receivedMs));
          const key = `${side.name}.${op}`;
          if (result.status < 200 || result.status > 299) {
            errors.set(key, (errors.get(key) ?? 0) + 1);
            continue;
          }
          bucket(samples, key).push(result.ms);
          bucket(outside, key).push(result.ms - ours.reduce((sum, c) => sum + (c.answeredMs - c.receivedMs), 0));
        }
      }
    }
    emulator.resetCalls();
    const compare = (from: Map<string, number[]>) => (op: RowOp) =>
      comparison(from.get(`broker.${op}`) ?? [], from.get(`direct.${op}`) ?? [], {
        broker: errors.get(`broker.${op}`) ?? 0,
        direct: errors.get(`direct.${op}`) ?? 0,
      });
    const byOp = (from: Map<string, number[]>) => {
      const of = compare(from);
      return { updateByKey: of('updateByKey'), list: of('list'), addRow: of('addRow') };
    };
    return {
      graphLatencyMs: options.graphLatencyMs,
      rounds: options.samples,
      warmup: options.warmup,
      ops: byOp(samples),
      outsideGraph: byOp(outside),
      graphCallsPerRound: {
        broker: round(graphCalls.broker.length / options.samples, 2),
        direct: round(graphCalls.direct.length / options.samples, 2),
      },
      graphMsPerCall: { broker: summarize(graphCalls.broker), direct: summarize(graphCalls.direct) },
    };
  } finally {
    await setGraphLatency(admin, 0);
  }
}

function playOne(side: RowCaller, op: RowOp, sessionId: string, plan: RoundPlan, n: number): Promise<Timed> {
  switch (op) {
    case 'updateByKey':
      return side.updateByKey(sessionId, plan.keyOf(n), plan.changeOf(n));
    case 'list':
      return side.list(sessionId, plan.top);
    case 'addRow':
      return side.addRow(sessionId, plan.rowOf(n));
  }
}

function bucket(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
