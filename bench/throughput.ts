import type { GraphEmulator } from '../dev/graphEmulator';
import { cpuWindow, machineWindow } from './processCpu';
import { expectOk, type SessionCaller, type Workbook } from './sessionCalls';
import { round, summarize, type Summary } from './stats';

export interface ThroughputLevel {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly ok: number;
  readonly errors: number;
  readonly rps: number;
  readonly latencyMs: Summary;
  /** CPU ms each process spent per successful call in the window, and how full the machine's cores were. */
  readonly cpuMsPerCall: Record<string, number>;
  readonly coresBusy: number;
  /** The whole machine, everyone's processes: well above `coresBusy`, other work shared the cores. */
  readonly machineCoresBusy: number;
}

/**
 * refreshSession through the local host as fast as `concurrency` callers can go, Graph at latency 0. Each caller
 * refreshes its own session on its own workbook (its own table partition), so no two calls race for one record's
 * ETag: the figure is the broker's, not a contention test.
 */
export async function measureRefreshThroughput(
  emulator: GraphEmulator,
  broker: SessionCaller,
  options: {
    concurrencies: readonly number[];
    durationMs: number;
    warmupMs: number;
    processes: Readonly<Record<string, number>>;
  },
): Promise<ThroughputLevel[]> {
  emulator.clearFaults();
  const most = Math.max(...options.concurrencies);
  const sessions: Array<{ workbook: Workbook; sessionId: string }> = [];
  for (let n = 0; n < most; n += 1) {
    const workbook = { driveId: 'b!bench-drive', itemId: `01BENCHTHROUGHPUT${String(n).padStart(3, '0')}` };
    emulator.addWorkbook(workbook.driveId, workbook.itemId);
    const created = await expectOk(broker.createSession(workbook), 'throughput setup createSession');
    sessions.push({ workbook, sessionId: created.sessionId ?? '' });
  }
  const levels: ThroughputLevel[] = [];
  for (const concurrency of options.concurrencies) {
    await run(broker, sessions.slice(0, concurrency), options.warmupMs);
    emulator.resetCalls();
    const window = cpuWindow(options.processes);
    const machine = machineWindow();
    const outcome = await run(broker, sessions.slice(0, concurrency), options.durationMs);
    const { wallMs, cpuMs } = window.stop();
    const { coresBusy: machineCoresBusy } = machine.stop();
    const ok = outcome.latencies.length;
    levels.push({
      concurrency,
      durationMs: Math.round(outcome.elapsedMs),
      ok,
      errors: outcome.errors,
      rps: round(ok / (outcome.elapsedMs / 1000), 1),
      latencyMs: summarize(outcome.latencies),
      cpuMsPerCall: Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, round(ms / Math.max(1, ok))])),
      coresBusy: round(Object.values(cpuMs).reduce((sum, ms) => sum + ms, 0) / wallMs, 2),
      machineCoresBusy,
    });
    emulator.resetCalls();
  }
  return levels;
}

/** Every caller loops until the time is up; the window closes when the last call in flight has come back. */
async function run(
  broker: SessionCaller,
  sessions: ReadonlyArray<{ workbook: Workbook; sessionId: string }>,
  durationMs: number,
) {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + durationMs;
  await Promise.all(
    sessions.map(async ({ workbook, sessionId }) => {
      while (performance.now() < until) {
        try {
          const result = await broker.refreshSession(workbook, sessionId);
          if (result.status === 204) latencies.push(result.ms);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - started };
}
