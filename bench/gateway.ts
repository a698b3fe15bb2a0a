import { seededRandom } from '../dev/graphEmulator/seededRandom';
import { cpuWindow, machineWindow } from './processCpu';
import { type SessionCaller, type Workbook, expectOk } from './sessionCalls';
import { percentile, round, summarize, type Summary } from './stats';

/*
 * The gateway (`workbookRequest`) side by side with Graph itself: the same range calls, in a session, through the
 * broker and straight to the emulator with a token. The emulator is driven only through its HTTP admin API
 * (`/_emulator/workbooks`, `/_emulator/faults`, `/_emulator/concurrency`), as any client of it would.
 */

const RANGE = "worksheets('Sheet1')/range(address='A1:E5')";
const VALUES = Array.from({ length: 5 }, (_, r) =>
  Array.from({ length: 5 }, (_, c) => (c === 0 ? `row ${r + 1}` : r * 10 + c)),
);

export const GATEWAY_WORKBOOK: Workbook = { driveId: 'b!bench-drive', itemId: '01BENCHGATEWAY' };

/** The emulator's admin surface, on its own origin (outside `/v1.0`). */
export interface EmulatorAdmin {
  send(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<unknown>;
}

export function emulatorAdmin(graphBaseUrl: string): EmulatorAdmin {
  const origin = new URL(graphBaseUrl).origin;
  return {
    async send(method, route, body) {
      const response = await fetch(`${origin}/_emulator/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      const text = await response.text();
      if (!response.ok)
        throw new Error(`emulator admin ${method} ${route} answered ${response.status}: ${text.slice(0, 200)}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    },
  };
}

/** Graph takes `latencyMs` on every call from now on (0: no fault at all). */
export async function setGraphLatency(admin: EmulatorAdmin, latencyMs: number): Promise<void> {
  await admin.send('DELETE', 'faults');
  if (latencyMs > 0) await admin.send('POST', 'faults', { kind: 'latency', latencyMs });
}

/** A workbook call in a session, made the same way on both sides: Node's fetch, keep-alive, body read. */
export interface RangeCaller {
  readonly name: 'broker' | 'direct';
  call(workbook: Workbook, sessionId: string, method: 'GET' | 'PATCH'): Promise<{ status: number; ms: number }>;
}

export function brokerRangeCaller(brokerUrl: string): RangeCaller {
  return rangeCaller('broker', `${brokerUrl}/api`, {});
}

/** Graph (the emulator) with the headers the broker's Graph client sends. */
export function directRangeCaller(graphBaseUrl: string, token: string): RangeCaller {
  return rangeCaller('direct', graphBaseUrl, { authorization: `Bearer ${token}`, accept: 'application/json' });
}

function rangeCaller(name: RangeCaller['name'], base: string, headers: Record<string, string>): RangeCaller {
  const patchBody = JSON.stringify({ values: VALUES });
  return {
    name,
    async call(workbook, sessionId, method) {
      const url = `${base}/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${RANGE}`;
      const started = performance.now();
      const response = await fetch(url, {
        method,
        headers: {
          ...headers,
          'workbook-session-id': sessionId,
          ...(method === 'PATCH' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'PATCH' ? { body: patchBody } : {}),
      });
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    },
  };
}

async function sessionsOn(
  workbook: Workbook,
  broker: SessionCaller,
  direct: SessionCaller,
): Promise<{ broker: string; direct: string }> {
  const viaBroker = await expectOk(broker.createSession(workbook), 'gateway setup: broker createSession');
  const straight = await expectOk(direct.createSession(workbook), 'gateway setup: direct createSession');
  return { broker: viaBroker.sessionId ?? '', direct: straight.sessionId ?? '' };
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Overhead of one range GET

export interface GatewayOverhead {
  readonly graphLatencyMs: number;
  readonly samples: number;
  readonly warmup: number;
  readonly broker: Summary;
  readonly direct: Summary;
  /** broker p50 − direct p50, broker p99 − direct p99 (the convention of the session-call figures). */
  readonly overheadMsP50: number;
  readonly overheadMsP99: number;
  /** The same from each round's own pair (broker ms − direct ms of that round): p50 and p99 of the differences. */
  readonly pairedMsP50: number;
  readonly pairedMsP99: number;
  /** broker p50 ÷ direct p50, and the same of the means. */
  readonly ratioP50: number;
  readonly ratioMean: number;
  readonly errors: { readonly broker: number; readonly direct: number };
}

/**
 * `GET …/worksheets('Sheet1')/range(address='A1:E5')` in a session (the range holds 25 values), through the broker and
 * straight to the emulator, interleaved call by call with the order flipped every round, so the machine's noise falls
 * on both sides alike. Each side works in its own session on the same workbook: the broker's session made through
 * the broker (so the gateway checks it), the direct one made on the emulator.
 */
export async function measureGatewayOverhead(
  admin: EmulatorAdmin,
  sessions: { broker: SessionCaller; direct: SessionCaller },
  callers: { broker: RangeCaller; direct: RangeCaller },
  options: { graphLatencyMs: number; samples: number; warmup: number },
): Promise<GatewayOverhead> {
  await admin.send('POST', 'workbooks', GATEWAY_WORKBOOK);
  await setGraphLatency(admin, 0);
  const ids = await sessionsOn(GATEWAY_WORKBOOK, sessions.broker, sessions.direct);
  // Something to read: the direct session is persistent, so its write is the workbook's.
  const seeded = await callers.direct.call(GATEWAY_WORKBOOK, ids.direct, 'PATCH');
  if (seeded.status !== 200) throw new Error(`gateway setup: PATCH answered ${seeded.status}`);
  await setGraphLatency(admin, options.graphLatencyMs);
  try {
    const brokerMs: number[] = [];
    const directMs: number[] = [];
    const paired: number[] = [];
    const errors = { broker: 0, direct: 0 };
    for (let n = 0; n < options.warmup + options.samples; n += 1) {
      const order = n % 2 === 0 ? [callers.broker, callers.direct] : [callers.direct, callers.broker];
      const round: Record<string, { status: number; ms: number }> = {};
      for (const side of order) round[side.name] = await side.call(GATEWAY_WORKBOOK, ids[side.name], 'GET');
      if (n < options.warmup) continue;
      const b = round.broker as { status: number; ms: number };
      const d = round.direct as { status: number; ms: number };
      if (b.status === 200) brokerMs.push(b.ms);
      else errors.broker += 1;
      if (d.status === 200) directMs.push(d.ms);
      else errors.direct += 1;
      if (b.status === 200 && d.status === 200) paired.push(b.ms - d.ms);
    }
    const broker = summarize(brokerMs);
    const direct = summarize(directMs);
    const sortedPairs = [...paired].sort((a, b) => a - b);
    return {
      graphLatencyMs: options.graphLatencyMs,
      samples: options.samples,
      warmup: options.warmup,
      broker,
      direct,
      overheadMsP50: round(broker.p50 - direct.p50),
      overheadMsP99: round(broker.p99 - direct.p99),
      pairedMsP50: round(percentile(sortedPairs, 50)),
      pairedMsP99: round(percentile(sortedPairs, 99)),
      ratioP50: round(broker.p50 / direct.p50, 4),
      ratioMean: round(broker.mean / direct.mean, 4),
      errors,
    };
  } finally {
    await setGraphLatency(admin, 0);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Many calls over many workbooks, one at a time per workbook

export interface FanOutRun {
  readonly side: 'broker' | 'direct';
  readonly wallMs: number;
  readonly errors: number;
  /** The emulator's own count: the most calls it ever had in flight on any one of these workbooks, and overall. */
  readonly maxInFlightPerWorkbook: number;
  readonly maxInFlight: number;
  readonly latencyMs: Summary;
  /** CPU ms each process spent in the run, and how many of the machine's cores were busy (everyone's work). */
  readonly cpuMs: Record<string, number>;
  readonly machineCoresBusy: number;
}

export interface GatewayFanOut {
  readonly calls: number;
  readonly workbooks: number;
  readonly concurrency: number;
  readonly graphLatencyMs: number;
  /** Calls per workbook, as drawn (seeded): the smallest, median and largest. */
  readonly callsPerWorkbook: { readonly min: number; readonly median: number; readonly max: number };
  /** max over workbooks of calls on it × Graph's latency: no one-at-a-time gateway can finish sooner. */
  readonly lowerBoundMs: number;
  readonly patchEvery: number;
  readonly repetitions: number;
  readonly runs: readonly FanOutRun[];
  /** Medians over the repetitions. */
  readonly brokerWallMs: number;
  readonly directWallMs: number;
  readonly ratio: number;
  readonly directRatio: number;
  readonly brokerToDirect: number;
  /** The most in flight on one workbook over every broker repetition: 1 is one call at a time. */
  readonly maxInFlightPerWorkbook: number;
}

export interface FanOutOptions {
  readonly calls: number;
  readonly workbooks: number;
  readonly concurrency: number;
  readonly graphLatencyMs: number;
  /** Every n-th call is a PATCH of the range, the rest GETs. */
  readonly patchEvery: number;
  /** Broker and direct runs each, alternating (direct, broker, broker, direct, …), after one warm-up of each. */
  readonly repetitions: number;
  readonly seed: number;
  /** Processes whose CPU each run reads from /proc (name → pid). */
  readonly processes?: Readonly<Record<string, number>>;
}

/**
 * `calls` range calls over `workbooks` workbooks (which workbook each call goes to drawn at random, seeded), sent by
 * `concurrency` callers that each take the next call off one shared list. The list is in rounds — every workbook's
 * first call, then every workbook's second, the busiest workbooks first in each round — so a caller is rarely stuck
 * behind a busy workbook while another sits idle: with that order a gateway that cost nothing would finish at the
 * lower bound exactly. (In plain random order, FIFO callers block one another: a zero-cost gateway simulated over
 * five seeds took 1.03–1.19 × the bound, which would measure the load generator, not the gateway.)
 *
 * Side by side, the same list straight to the emulator, the bench itself keeping one call at a time per workbook
 * (a FIFO per workbook in the caller): the gateway with no cost at all, on this machine, now.
 */
export async function measureGatewayFanOut(
  admin: EmulatorAdmin,
  sessions: { broker: SessionCaller; direct: SessionCaller },
  callers: { broker: RangeCaller; direct: RangeCaller },
  options: FanOutOptions,
): Promise<GatewayFanOut> {
  const workbooks: Workbook[] = Array.from({ length: options.workbooks }, (_, n) => ({
    driveId: 'b!bench-drive',
    itemId: `01BENCHFANOUT${String(n).padStart(3, '0')}`,
  }));
  await setGraphLatency(admin, 0);
  const ids: Array<{ broker: string; direct: string }> = [];
  for (const workbook of workbooks) {
    await admin.send('POST', 'workbooks', workbook);
    ids.push(await sessionsOn(workbook, sessions.broker, sessions.direct));
  }
  const plan = planCalls(options);
  const counts = new Array<number>(options.workbooks).fill(0);
  for (const call of plan) counts[call.workbook] = (counts[call.workbook] ?? 0) + 1;
  const sortedCounts = [...counts].sort((a, b) => a - b);
  const lowerBoundMs = (sortedCounts[sortedCounts.length - 1] ?? 0) * options.graphLatencyMs;

  const keys = new Set(workbooks.map((w) => `${w.driveId}\u0000${w.itemId}`));
  const once = async (caller: RangeCaller): Promise<FanOutRun> => {
    await admin.send('DELETE', 'concurrency');
    const cpu = cpuWindow(options.processes ?? {});
    const machine = machineWindow();
    const outcome = await runPlan(
      plan,
      options.concurrency,
      caller,
      (n) => workbooks[n] as Workbook,
      (n) => (ids[n] as { broker: string; direct: string })[caller.name],
    );
    const report = (await admin.send('GET', 'concurrency')) as {
      maxInFlight: number;
      workbooks: Array<{ driveId: string; itemId: string; maxInFlight: number }>;
    };
    const ours = report.workbooks.filter((w) => keys.has(`${w.driveId}\u0000${w.itemId}`));
    return {
      side: caller.name,
      wallMs: round(outcome.wallMs, 1),
      errors: outcome.errors,
      maxInFlightPerWorkbook: Math.max(0, ...ours.map((w) => w.maxInFlight)),
      maxInFlight: report.maxInFlight,
      latencyMs: summarize(outcome.latencies),
      cpuMs: Object.fromEntries(Object.entries(cpu.stop().cpuMs).map(([name, value]) => [name, Math.round(value)])),
      machineCoresBusy: machine.stop().coresBusy,
    };
  };

  await setGraphLatency(admin, options.graphLatencyMs);
  try {
    await once(callers.direct); // warm-up: connections, JIT, and each broker session's first activity write
    await once(callers.broker);
    const runs: FanOutRun[] = [];
    for (let n = 0; n < options.repetitions; n += 1) {
      const pair = n % 2 === 0 ? [callers.direct, callers.broker] : [callers.broker, callers.direct];
      for (const caller of pair) runs.push(await once(caller));
    }
    const median = (side: FanOutRun['side']) => {
      const walls = runs
        .filter((r) => r.side === side)
        .map((r) => r.wallMs)
        .sort((a, b) => a - b);
      return percentile(walls, 50);
    };
    const brokerWallMs = median('broker');
    const directWallMs = median('direct');
    return {
      calls: options.calls,
      workbooks: options.workbooks,
      concurrency: options.concurrency,
      graphLatencyMs: options.graphLatencyMs,
      callsPerWorkbook: {
        min: sortedCounts[0] ?? 0,
        median: percentile(sortedCounts, 50),
        max: sortedCounts[sortedCounts.length - 1] ?? 0,
      },
      lowerBoundMs,
      patchEvery: options.patchEvery,
      repetitions: options.repetitions,
      runs,
      brokerWallMs,
      directWallMs,
      ratio: round(brokerWallMs / lowerBoundMs),
      directRatio: round(directWallMs / lowerBoundMs),
      brokerToDirect: round(brokerWallMs / directWallMs),
      maxInFlightPerWorkbook: Math.max(
        0,
        ...runs.filter((r) => r.side === 'broker').map((r) => r.maxInFlightPerWorkbook),
      ),
    };
  } finally {
    await setGraphLatency(admin, 0);
  }
}

interface PlannedCall {
  readonly workbook: number;
  readonly method: 'GET' | 'PATCH';
}

/** Seeded draw of a workbook per call, then the calls in rounds (see measureGatewayFanOut). */
export function planCalls(options: Pick<FanOutOptions, 'calls' | 'workbooks' | 'patchEvery' | 'seed'>): PlannedCall[] {
  const random = seededRandom(options.seed);
  const drawn = Array.from({ length: options.calls }, () => Math.floor(random() * options.workbooks));
  const counts = new Array<number>(options.workbooks).fill(0);
  const rank = drawn.map((w) => {
    counts[w] = (counts[w] ?? 0) + 1;
    return counts[w] - 1;
  });
  const order = drawn
    .map((_, n) => n)
    .sort(
      (a, b) =>
        (rank[a] as number) - (rank[b] as number) ||
        (counts[drawn[b] as number] as number) - (counts[drawn[a] as number] as number) ||
        a - b,
    );
  return order.map((n, at) => ({
    workbook: drawn[n] as number,
    method: options.patchEvery > 0 && at % options.patchEvery === options.patchEvery - 1 ? 'PATCH' : 'GET',
  }));
}

/**
 * `concurrency` callers over one shared list. The direct side keeps one call at a time per workbook itself (a FIFO
 * per workbook, as the broker's turns do); the broker side sends as soon as a caller is free and leaves the
 * ordering to the gateway.
 */
async function runPlan(
  plan: readonly PlannedCall[],
  concurrency: number,
  caller: RangeCaller,
  workbookOf: (n: number) => Workbook,
  sessionOf: (n: number) => string,
): Promise<{ wallMs: number; errors: number; latencies: number[] }> {
  const tails = new Map<number, Promise<void>>();
  const inTurn = async <T>(workbook: number, work: () => Promise<T>): Promise<T> => {
    if (caller.name === 'broker') return work();
    const before = tails.get(workbook) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    tails.set(workbook, mine);
    await before;
    try {
      return await work();
    } finally {
      done();
      if (tails.get(workbook) === mine) tails.delete(workbook);
    }
  };
  let next = 0;
  let errors = 0;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < plan.length) {
        const { workbook, method } = plan[next] as PlannedCall;
        next += 1;
        const taken = performance.now();
        try {
          const result = await inTurn(workbook, () => caller.call(workbookOf(workbook), sessionOf(workbook), method));
          // From taking the call off the list to its answer, the wait for the workbook's turn included on both sides.
          if (result.status === 200) latencies.push(performance.now() - taken);
          else errors += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { wallMs: performance.now() - started, errors, latencies };
}

// ---------------------------------------------------------------------------------------------------------------
// BENCHMARKS.md

const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;

export function gatewayMarkdown(at0: GatewayOverhead, at100: GatewayOverhead, fans: readonly GatewayFanOut[]): string {
  const overheadRow = (o: GatewayOverhead) =>
    `| ${o.graphLatencyMs} ms | ${o.samples} | ${ms(o.broker.p50)} / ${ms(o.broker.p99)} | ${ms(o.direct.p50)} / ${ms(o.direct.p99)} | ` +
    `**${ms(o.overheadMsP50)}** / ${ms(o.overheadMsP99)} | ${ms(o.pairedMsP50)} / ${ms(o.pairedMsP99)} | **${o.ratioP50.toFixed(3)}** (${o.ratioMean.toFixed(3)}) | ${o.errors.broker} / ${o.errors.direct} |`;
  const median = (values: readonly number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const fanRow = (fan: GatewayFanOut, name: FanOutRun['side']) => {
    const runs = fan.runs.filter((r) => r.side === name);
    const [wall, ratio] = name === 'broker' ? [fan.brokerWallMs, fan.ratio] : [fan.directWallMs, fan.directRatio];
    return (
      `| ${fan.graphLatencyMs} ms | ${ms(fan.lowerBoundMs, 0)} | ${name === 'broker' ? 'broker (its turns)' : "direct (the bench's FIFO per workbook)"} | ` +
      `${ms(wall, 0)} (${runs.map((r) => Math.round(r.wallMs)).join(', ')}) | **${ratio.toFixed(3)}** | ` +
      `${ms(median(runs.map((r) => r.latencyMs.p50)), 1)} / ${ms(median(runs.map((r) => r.latencyMs.p99)), 1)} | ${runs.reduce((sum, r) => sum + r.errors, 0)} | ` +
      `${Math.max(...runs.map((r) => r.maxInFlightPerWorkbook))} | ${Math.max(...runs.map((r) => r.maxInFlight))} | ` +
      `${Object.keys(runs[0]?.cpuMs ?? {})
        .map((k) => Math.round(median(runs.map((r) => r.cpuMs[k] ?? 0))))
        .join(' / ')} | ` +
      `${median(runs.map((r) => r.machineCoresBusy)).toFixed(2)} |`
    );
  };
  const fan = fans[0];
  const fanText =
    fan === undefined
      ? []
      : [
          `${fan.calls.toLocaleString('en-US')} range calls (${fan.patchEvery > 0 ? `every ${fan.patchEvery}th a PATCH of the 25 values, the rest GETs` : 'GETs of A1:E5'}) over ${fan.workbooks}` +
            ` workbooks added with \`POST /_emulator/workbooks\`, one persistent session each, ${fan.concurrency} callers taking the next call` +
            ' off one shared list. Which workbook each call goes to is drawn at random (seeded):' +
            ` ${fan.callsPerWorkbook.min}–${fan.callsPerWorkbook.max} calls per workbook, median ${fan.callsPerWorkbook.median}. Lower bound =` +
            ` the busiest workbook's calls × Graph's latency (${fan.callsPerWorkbook.max} × the latency): no gateway that keeps one call at a` +
            " time per workbook can finish sooner. The list is in rounds (every workbook's first call, then every second, busiest first)," +
            ' the order in which a gateway that cost nothing would finish at the bound exactly; in plain random order 64 FIFO callers block' +
            ' one another (a zero-cost gateway, simulated over five seeds, took 1.03–1.19 × the bound). Side by side, the same list straight' +
            ' to the emulator, the bench keeping one call at a time per workbook itself: a gateway that costs nothing, on this machine, now.' +
            ` ${fan.repetitions} runs of each, alternating, after one warm-up run of each; wall time is the median. Most in flight is the` +
            " emulator's own count (`GET /_emulator/concurrency`, reset before each run). CPU is read from /proc per run.",
          '',
          `| Graph latency | lower bound | path | wall, median (each run) | ÷ lower bound | call p50 / p99 (incl. wait for the turn), median of runs | errors | most in flight on one workbook | most in flight overall | CPU ms per run (${Object.keys(fan.runs[0]?.cpuMs ?? {}).join(' / ')}) | cores busy, whole machine |`,
          '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
          ...fans.flatMap((f) => [fanRow(f, 'broker'), fanRow(f, 'direct')]),
          '',
          fans.map((f) => `Broker ÷ direct at ${f.graphLatencyMs} ms: **${f.brokerToDirect.toFixed(3)}**.`).join(' '),
        ];
  return [
    '## Gateway: workbook calls through the broker and straight to Graph',
    '',
    "`GET …/workbook/worksheets('Sheet1')/range(address='A1:E5')` in a session (25 values), one call at a time, broker and direct" +
      ` interleaved call by call (order flipped each round), after ${at0.warmup} / ${at100.warmup} warm-up rounds. Each side in its own` +
      " persistent session on one workbook: the broker's made through the broker, which checks it on every call (a copy this instance" +
      " holds), takes the workbook's turn, forwards, and records activity at most once per 30 s; the direct one made on the emulator," +
      ' called with a token and the headers the broker sends. Graph\'s latency is the emulator\'s fault `{"kind":"latency","latencyMs":100}`,' +
      ' set through `POST /_emulator/faults`. "Overhead" is broker p50 − direct p50 (and p99 − p99); "paired" is the p50 / p99 of each' +
      " round's own broker − direct.",
    '',
    '| Graph latency | rounds | broker p50 / p99 | direct p50 / p99 | overhead p50 / p99 | paired p50 / p99 | ratio p50 (mean) | errors b / d |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    overheadRow(at0),
    overheadRow(at100),
    '',
    ...fanText,
  ].join('\n');
}
