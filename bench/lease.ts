import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../dev/azurite';
import { createTableAccess } from '../shared/store/tableAccess';
import { createLeaseStore, type LeaseStore } from '../shared/store/workbookLeaseStore';
import { createWorkbookGate, type WorkbookGate } from '../shared/gate/workbookGate';
import { machine, writeSection } from './benchmarksFile';
import { summarize, type Summary } from './stats';

/**
 * bench:lease — what WORKBOOK_LEASE=table costs per Graph call, beside the in-process line (`instance`), over real
 * Azurite on loopback: table operations and milliseconds to take the turn (the caller waits for it) and to give it
 * back (after the answer has gone, off the caller's path). Each "call" holds the turn for a fixed stand-in for
 * Graph's time. Two `tableTurns` on one table are two instances; in one process they share an event loop, which
 * flatters neither side (both pay it).
 */
const CALLS = Number(process.env.BENCH_LEASE_CALLS ?? 500);
const HOLD_MS = Number(process.env.BENCH_LEASE_HOLD_MS ?? 5);
const DEADLINE_MS = 40_000;

interface Scenario {
  readonly name: string;
  readonly mode: 'instance' | 'table';
  readonly instances: number;
  readonly calls: number;
  /** Caller's wait for the turn: queueing behind other calls included. */
  readonly takeMs: Summary;
  /** Giving the turn back, after the answer. */
  readonly releaseMs: Summary;
  readonly tableOpsPerCall: number;
  readonly opsByKind: Record<string, number>;
  readonly callsPerSecond: number;
}

async function main(): Promise<void> {
  const azurite = await startAzurite({ silent: true });
  try {
    const counted = countingStore(
      createLeaseStore(createTableAccess({ connectionString: azurite.connectionString, tableName: 'BenchLease' })),
    );
    // Open the table (created on first use) before anything is timed.
    await counted.store.read({ driveId: 'b!bench', itemId: 'warm-up' });
    const scenarios: Scenario[] = [];
    for (const mode of ['instance', 'table'] as const) {
      for (const instances of [1, 2]) {
        const workbook = { driveId: 'b!bench', itemId: `01LEASE-${mode}-${instances}` };
        counted.reset();
        const lines = Array.from({ length: instances }, () => turnsFor(mode, counted.store));
        scenarios.push(await run(mode, lines, workbook, counted));
      }
    }
    report(scenarios);
  } finally {
    await azurite.stop();
  }
}

function turnsFor(mode: 'instance' | 'table', leases: LeaseStore): WorkbookGate {
  return createWorkbookGate({
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    ...(mode === 'table' ? { leases } : {}),
  });
}

/**
 * Every instance sends its share of the calls back to back, one at a time (a busy flow per instance): with two
 * instances on one workbook, each call finds the other instance's call holding or waiting — full contention.
 * `instance` with two lines on one workbook is the no-lease baseline: it does overlap, which is the point of the lease.
 */
async function run(
  mode: 'instance' | 'table',
  lines: WorkbookGate[],
  workbook: { driveId: string; itemId: string },
  counted: ReturnType<typeof countingStore>,
): Promise<Scenario> {
  const take: number[] = [];
  const release: number[] = [];
  const perLine = Math.ceil(CALLS / lines.length);
  const started = performance.now();
  await Promise.all(
    lines.map(async (line) => {
      for (let n = 0; n < perLine; n += 1) {
        const asked = performance.now();
        const turn = await line.take(workbook, Date.now() + DEADLINE_MS);
        take.push(performance.now() - asked);
        await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
        const releasing = performance.now();
        turn.release();
        // The release's table write runs after the answer; wait for it only to time it and to keep calls apart.
        await counted.settled();
        release.push(performance.now() - releasing);
      }
    }),
  );
  const elapsed = performance.now() - started;
  const calls = perLine * lines.length;
  const ops = counted.ops();
  const total = Object.values(ops).reduce((sum, n) => sum + n, 0);
  return {
    name: `${mode}, ${lines.length === 1 ? 'one instance, no contention' : `${lines.length} instances contending for one workbook`}`,
    mode,
    instances: lines.length,
    calls,
    takeMs: summarize(take),
    releaseMs: summarize(release),
    tableOpsPerCall: Math.round((total / calls) * 100) / 100,
    opsByKind: ops,
    callsPerSecond: Math.round((calls / elapsed) * 1000),
  };
}

/** The lease store with every operation counted, and a way to wait until none is running. */
function countingStore(inner: LeaseStore) {
  let counts: Record<string, number> = {};
  let running = 0;
  const idle: Array<() => void> = [];
  const counted =
    <A extends unknown[], R>(kind: string, op: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      counts[kind] = (counts[kind] ?? 0) + 1;
      running += 1;
      try {
        return await op(...args);
      } finally {
        running -= 1;
        if (running === 0) for (const wake of idle.splice(0)) wake();
      }
    };
  const store: LeaseStore = {
    read: counted('read', inner.read.bind(inner)),
    insert: counted('insert', inner.insert.bind(inner)),
    replace: counted('replace', inner.replace.bind(inner)),
    remove: counted('remove', inner.remove.bind(inner)),
  };
  return {
    store,
    ops: () => ({ ...counts }),
    reset: () => void (counts = {}),
    /** Resolves once the release just started has reached the table (or at once for the in-process line). */
    settled: () => new Promise<void>((resolve) => (running === 0 ? setImmediate(resolve) : idle.push(resolve))),
  };
}

function report(scenarios: Scenario[]): void {
  const root = path.resolve(__dirname, '../..');
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench/results/lease.json'),
    `${JSON.stringify({ machine: machine(), calls: CALLS, holdMs: HOLD_MS, scenarios }, null, 2)}\n`,
  );
  const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
  const rows = scenarios.map((s) => {
    const ops =
      Object.entries(s.opsByKind)
        .map(([kind, n]) => `${kind} ${Math.round((n / s.calls) * 100) / 100}`)
        .join(', ') || '—';
    return `| ${s.name} | ${s.calls} | ${ms(s.takeMs.p50)} / ${ms(s.takeMs.p99)} | ${ms(s.releaseMs.p50)} / ${ms(s.releaseMs.p99)} | **${s.tableOpsPerCall}** (${ops}) | ${s.callsPerSecond} |`;
  });
  const body = `## Workbook lease (\`npm run bench:lease\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, Azurite in memory on loopback. ${CALLS} calls per row, each holding
the turn ${HOLD_MS} ms (a stand-in for Graph); each instance sends its calls one after another. "take" is what the caller
waits for its turn (queueing included); "release" runs after the answer has gone, off the caller's path.

| scenario | calls | take p50 / p99 (ms) | release p50 / p99 (ms) | table ops per call | calls/s |
|---|---:|---:|---:|---|---:|
${rows.join('\n')}

With two instances and \`instance\`, the two lines do not see each other: calls overlap on the workbook (what the lease
exists to stop), so that row is the speed of no rule across instances, not a fair baseline.`;
  writeSection(path.join(root, 'BENCHMARKS.md'), 'lease', body);
  console.log(body);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
