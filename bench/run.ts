import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine, writeSection } from './benchmarksFile';
import { runBench, spawnBroker, type BrokerProcess } from './brokerProcess';
import { measureEntryLoad } from './entryLoad';
import { startLocalStack } from './localStack';
import { childPids, machineWindow } from './processCpu';
import {
  gatewaySection,
  overheadSection,
  resultsSection,
  startupSection,
  sweepSection,
  targetsSection,
  throughputSection,
  tokensSection,
} from './report';
import type { BenchResults, ColdStart, Figures, Phase, TokenUse } from './results';
import { brokerCaller, directCaller } from './sessionCalls';
import { measureSideBySide, type SideBySide } from './sideBySide';
import { summarize, round } from './stats';
import { benchSweep, type SweepBenchResult } from './sweep';
import {
  brokerRangeCaller,
  directRangeCaller,
  emulatorAdmin,
  measureGatewayFanOut,
  measureGatewayOverhead,
  type GatewayFanOut,
  type GatewayOverhead,
} from './gateway';
import { evaluateTargets } from './targets';
import { measureTableOps, type TableOpsFigure } from './tableOps';
import { measureRefreshThroughput, type ThroughputLevel } from './throughput';

/**
 * `npm run bench`: every figure in one run on loopback, each comparison side by side, then
 * bench/results/latest.json and BENCHMARKS.md. Knobs (environment) exist to shorten a trial run; the defaults are
 * the published ones.
 */
const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SAMPLES_AT_0 = knob('BENCH_SAMPLES', 500);
const SAMPLES_AT_100 = knob('BENCH_SAMPLES_100MS', 100);
const THROUGHPUT_SECONDS = knob('BENCH_THROUGHPUT_SECONDS', 5);
const ENTRY_RUNS = knob('BENCH_ENTRY_RUNS', 5);
const COLD_STARTS = knob('BENCH_COLD_STARTS', 3);
const GATEWAY_SAMPLES = knob('BENCH_GATEWAY_SAMPLES', 1000);
const GATEWAY_SAMPLES_100MS = knob('BENCH_GATEWAY_SAMPLES_100MS', 100);
const FAN_OUT = {
  calls: knob('BENCH_FANOUT_CALLS', 1000),
  workbooks: knob('BENCH_FANOUT_WORKBOOKS', 50),
  concurrency: knob('BENCH_FANOUT_CONCURRENCY', 64),

  patchEvery: knob('BENCH_FANOUT_PATCH_EVERY', 0),
  repetitions: knob('BENCH_FANOUT_RUNS', 5),
  seed: 20_26,
};
/** Graph's latency per call in the fan-out: 20 ms, and 100 ms where the lower bound outweighs what the machine's CPU can do. */
const FAN_OUT_LATENCIES_MS = (process.env.BENCH_FANOUT_LATENCIES_MS ?? '20,100').split(',').map(Number);
const RUN_SWEEP = process.env.BENCH_SWEEP !== '0';
const TABLE_OPS_CALLS = knob('BENCH_TABLE_OPS_CALLS', 1000);
/** BENCH_CPU_PROF=1: the measured broker runs under --cpu-prof; its profile lands in bench/results (git-ignored). */
const CPU_PROF = process.env.BENCH_CPU_PROF === '1';

const root = path.resolve(__dirname, '../..');
const log = (line: string) => console.log(`bench: ${line}`);

async function main(): Promise<void> {
  const loadStart = os.loadavg()[0] ?? 0;
  const phases: Phase[] = [];
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    log(`${name}…`);
    const started = performance.now();
    const cpu = machineWindow();
    const result = await work();
    const { coresBusy, coresStolen } = cpu.stop();
    phases.push({
      name,
      ms: Math.round(performance.now() - started),
      loadAverage: round(os.loadavg()[0] ?? 0, 2),
      machineCoresBusy: coresBusy,
      machineCoresStolen: coresStolen,
    });
    return result;
  };

  const entryLoad = await phase('entry load (fresh processes, telemetry off and on)', () =>
    measureEntryLoad(ENTRY_RUNS),
  );
  const stack = await startLocalStack();
  let broker: BrokerProcess | undefined;
  let overheadAt0ms: SideBySide;
  let overheadAt100ms: SideBySide;
  let gatewayAt0ms: GatewayOverhead;
  let gatewayAt100ms: GatewayOverhead;
  const gatewayFanOut: GatewayFanOut[] = [];
  let gatewayTableOps: TableOpsFigure[];
  let throughput: ThroughputLevel[];
  let coldStart: ColdStart;
  let tokens: TokenUse;
  let tokensBefore = 0;
  try {
    // Cold starts: each a new process; the last one stays up and is the broker measured below.
    const firstOk: number[] = [];
    const listening: number[] = [];
    broker = await phase('cold starts', async () => {
      let last: BrokerProcess | undefined;
      for (let n = 0; n < COLD_STARTS; n += 1) {
        await last?.stop();
        if (n === COLD_STARTS - 1) tokensBefore = stack.identity.requestCount();
        last = await spawnBroker(stack, CPU_PROF && n === COLD_STARTS - 1 ? { nodeArgs: profileArgs() } : {});
        firstOk.push(last.firstOkMs);
        listening.push(last.listeningMs);
      }
      return last as BrokerProcess;
    });
    coldStart = {
      runs: COLD_STARTS,
      firstOkMs: firstOk.map((v) => round(v, 1)),
      listeningMs: listening.map((v) => round(v, 1)),
      firstOk: summarize(firstOk),
      listening: summarize(listening),
    };

    const viaBroker = brokerCaller(broker.url);
    const direct = directCaller(stack.emulator.url, stack.token);
    overheadAt0ms = await phase('overhead, Graph at 0 ms', () =>
      measureSideBySide(stack.emulator, viaBroker, direct, { graphLatencyMs: 0, samples: SAMPLES_AT_0, warmup: 50 }),
    );
    overheadAt100ms = await phase('overhead, Graph at 100 ms', () =>
      measureSideBySide(stack.emulator, viaBroker, direct, { graphLatencyMs: 100, samples: SAMPLES_AT_100, warmup: 5 }),
    );
    // The gateway: range calls in a session, the emulator driven only through its HTTP admin API.
    const admin = emulatorAdmin(stack.emulator.url);
    const sessionCallers = { broker: viaBroker, direct };
    const rangeCallers = {
      broker: brokerRangeCaller(broker.url),
      direct: directRangeCaller(stack.emulator.url, stack.token),
    };
    gatewayAt0ms = await phase('gateway overhead, Graph at 0 ms', () =>
      measureGatewayOverhead(admin, sessionCallers, rangeCallers, {
        graphLatencyMs: 0,
        samples: GATEWAY_SAMPLES,
        warmup: 50,
      }),
    );
    gatewayAt100ms = await phase('gateway overhead, Graph at 100 ms', () =>
      measureGatewayOverhead(admin, sessionCallers, rangeCallers, {
        graphLatencyMs: 100,
        samples: GATEWAY_SAMPLES_100MS,
        warmup: 5,
      }),
    );
    for (const graphLatencyMs of FAN_OUT_LATENCIES_MS) {
      const name = `gateway fan-out (${FAN_OUT.calls} calls, ${FAN_OUT.workbooks} workbooks, ${FAN_OUT.concurrency} callers, Graph at ${graphLatencyMs} ms)`;
      const processes = { broker: broker.pid, 'bench (callers + emulator)': process.pid };
      gatewayFanOut.push(
        await phase(name, () =>
          measureGatewayFanOut(admin, sessionCallers, rangeCallers, { ...FAN_OUT, graphLatencyMs, processes }),
        ),
      );
    }
    const processes = {
      broker: broker.pid,
      azurite: childPids('azurite')[0] ?? -1,
      'bench (client + emulator)': process.pid,
    };
    throughput = await phase('refresh throughput', () =>
      measureRefreshThroughput(stack.emulator, viaBroker, {
        concurrencies: [1, 16, 64],
        durationMs: THROUGHPUT_SECONDS * 1000,
        warmupMs: 1000,
        processes,
      }),
    );
    const identityRequests = stack.identity.requestCount() - tokensBefore;
    const brokerCalls = viaBroker.calls() + 1; // + the cold start's first createSession
    tokens = { identityRequests, brokerCalls, per1000Calls: round((identityRequests / brokerCalls) * 1000, 3) };
    // One broker per checkout at a time (the stack lock): the measured one stops before the counted one starts.
    await broker.stop();
    broker = undefined;
    gatewayTableOps = await phase('table operations per gateway call (a broker of its own, counted at the wire)', () =>
      measureTableOps(stack, admin, [
        { graphLatencyMs: 0, calls: TABLE_OPS_CALLS },
        { graphLatencyMs: 100, calls: Math.max(1, Math.round(TABLE_OPS_CALLS / 10)) },
      ]),
    );
  } finally {
    await broker?.stop();
    await stack.close();
  }

  let sweep: SweepBenchResult[] = [];
  if (RUN_SWEEP) {
    // bench:sweep's own code and knobs (BENCH_LATENCY_MS, BENCH_CONCURRENCY, BENCH_SIZES), after the broker has stopped.
    sweep = await phase('sweep (bench:sweep)', () =>
      benchSweep((line) => log(line.replace(/^bench:sweep: /, 'sweep: '))),
    );
  }

  const figures: Figures = {
    overheadMsP50: byCall(overheadAt0ms, (c) => c.overheadMsP50),
    overheadMsP99: byCall(overheadAt0ms, (c) => c.overheadMsP99),
    overheadRatioAt100ms: byCall(overheadAt100ms, (c) => c.ratioP50),
    refreshThroughputRps: Object.fromEntries(throughput.map((l) => [String(l.concurrency), l.rps])),
    refreshThroughputErrors: Object.fromEntries(throughput.map((l) => [String(l.concurrency), l.errors])),
    coldStartMs: Math.round(coldStart.firstOk.p50),
    entryLoadMs: { telemetryOff: entryLoad.telemetryOff.p50, telemetryOn: entryLoad.telemetryOn.p50 },
    tokenRequestsPer1000Calls: tokens.per1000Calls,
    gatewayOverheadMsP50: gatewayAt0ms.overheadMsP50,
    gatewayOverheadMsP99: gatewayAt0ms.overheadMsP99,
    gatewayRatioAt100ms: gatewayAt100ms.ratioP50,
    gatewayFanOut: gatewayFanOut.map((f) => ({
      graphLatencyMs: f.graphLatencyMs,
      ratio: f.ratio,
      directRatio: f.directRatio,
      maxInFlightPerWorkbook: f.maxInFlightPerWorkbook,
    })),
    sweep,
    gatewayTableOps,
  };
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machine(),
    node: process.version,
    cores: os.cpus().length,
    runMs: Math.round(performance.now()),
    loadAverage: { start: round(loadStart, 2), end: round(os.loadavg()[0] ?? 0, 2) },
    figures,
    targets: evaluateTargets(figures),
    details: {
      overheadAt0ms,
      overheadAt100ms,
      gatewayAt0ms,
      gatewayAt100ms,
      gatewayFanOut,
      throughput,
      coldStart,
      entryLoad,
      tokens,
      phases,
    },
  };
  write(results, RUN_SWEEP);
  for (const t of results.targets) log(`${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${t.measured} (goal ${t.goal})`);
  log(`done in ${(results.runMs / 1000).toFixed(1)} s`);
}

function byCall(s: SideBySide, pick: (c: SideBySide['overall']) => number): Figures['overheadMsP50'] {
  return { createSession: pick(s.createSession), refreshSession: pick(s.refreshSession), overall: pick(s.overall) };
}

function profileArgs(): string[] {
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}

function write(results: BenchResults, withSweep: boolean): void {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const file = path.join(root, 'BENCHMARKS.md');
  writeSection(file, 'targets', targetsSection(results));
  writeSection(file, 'results', resultsSection(results));
  writeSection(file, 'overhead', overheadSection(results));
  writeSection(file, 'gateway', gatewaySection(results));
  writeSection(file, 'throughput', throughputSection(results));
  writeSection(file, 'startup', startupSection(results));
  writeSection(file, 'tokens', tokensSection(results));
  if (withSweep) writeSection(file, 'sweep', sweepSection(results));
}

runBench(main);
