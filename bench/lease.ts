import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../dev/azurite';
import { createTableAccess } from '../shared/store/tableAccess';
import { createLeaseStore, type LeaseStore } from '../shared/store/workbookLeaseStore';
import { createWorkbookGate, type WorkbookGate } from '../shared/gate/workbookGate';
import { machine, writeSection } from './benchmarksFile';
import { summarize, type Summary } from './stats';
import { LEASE_TIMING } from '../shared/budgets';

/**
 * bench:lease — what WORKBOOK_LEASE=table costs per Graph call, beside the in-process line (`instance`), over real
 * Azurite on loopback, and how two instances share one workbook under continuous traffic. Each instance keeps
 * CALLERS_PER_INSTANCE callers sending calls back to back for SECONDS, so its line never empties; each "call" holds
 * the turn for a fixed stand-in for Graph's time. Two gates on one table are two instances; in one process they share
 * an event loop, which flatters neither side (both pay it).
 */
const SECONDS = Number(process.env.BENCH_LEASE_SECONDS ?? 10);
const HOLD_MS = Number(process.env.BENCH_LEASE_HOLD_MS ?? 5);
const CALLERS_PER_INSTANCE = Number(process.env.BENCH_LEASE_CALLERS ?? 2);
const DEADLINE_MS = 40_000;

interface Scenario {
  readonly name: string;
  readonly mode: 'instance' | 'table';
  readonly instances: number;
  readonly calls: number;
  /** Caller's wait for the turn: queueing behind other calls included. `max` is the longest any caller waited. */
  readonly takeMs: Summary;
  readonly tableOpsPerCall: number;
  readonly opsByKind: Record<string, number>;
  /** Each instance's share of the calls served. */
  readonly shares: readonly number[];
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
        const gates = Array.from({ length: instances }, () => gateFor(mode, counted.store));
        scenarios.push(await run(mode, gates, workbook, counted));
      }
    }
    report(scenarios);
  } finally {
    await azurite.stop();
  }
}

function gateFor(mode: 'instance' | 'table', leases: LeaseStore): WorkbookGate {
  return createWorkbookGate({
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    ...(mode === 'table' ? { leases } : {}),
  });
}

/**
 * Continuous traffic from every instance for SECONDS. `instance` with two gates on one workbook is the no-lease
 * baseline: it does overlap, which is the point of the lease.
 */
async function run(
  mode: 'instance' | 'table',
  gates: WorkbookGate[],
  workbook: { driveId: string; itemId: string },
  counted: ReturnType<typeof countingStore>,
): Promise<Scenario> {
  const take: number[] = [];
  const served = gates.map(() => 0);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  const caller = async (gate: WorkbookGate, instance: number) => {
    while (performance.now() < until) {
      const asked = performance.now();
      const turn = await gate.take(workbook, Date.now() + DEADLINE_MS);
      take.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
      served[instance] = (served[instance] ?? 0) + 1;
      turn.release();
    }
  };
  await Promise.all(
    gates.flatMap((gate, instance) => Array.from({ length: CALLERS_PER_INSTANCE }, () => caller(gate, instance))),
  );
  const elapsed = performance.now() - started;
  await counted.settled();
  const calls = served.reduce((sum, n) => sum + n, 0);
  const ops = counted.ops();
  const total = Object.values(ops).reduce((sum, n) => sum + n, 0);
  return {
    name: `${mode}, ${gates.length === 1 ? 'one instance' : `${gates.length} instances on one workbook`}`,
    mode,
    instances: gates.length,
    calls,
    takeMs: summarize(take),
    tableOpsPerCall: Math.round((total / calls) * 1000) / 1000,
    opsByKind: ops,
    shares: served.map((n) => Math.round((n / calls) * 1000) / 1000),
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
    /** Resolves once every lease has been given back (the linger included), so the counts are whole. */
    settled: () =>
      new Promise<void>((resolve) => setTimeout(resolve, LEASE_TIMING.lingerMs * 3)).then(
        () => new Promise<void>((resolve) => (running === 0 ? setImmediate(resolve) : idle.push(resolve))),
      ),
  };
}

function report(scenarios: Scenario[]): void {
  const root = path.resolve(__dirname, '../..');
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(
    path.join(root, 'bench/results/lease.json'),
    `${JSON.stringify({ machine: machine(), seconds: SECONDS, holdMs: HOLD_MS, callersPerInstance: CALLERS_PER_INSTANCE, scenarios }, null, 2)}\n`,
  );
  const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
  const rows = scenarios.map((s) => {
    const ops =
      Object.entries(s.opsByKind)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ') || '—';
    const shares = s.shares.map((share) => `${Math.round(share * 100)} %`).join(' / ');
    return `| ${s.name} | ${s.calls} | ${ms(s.takeMs.p50)} / ${ms(s.takeMs.p99)} / **${ms(s.takeMs.max)}** | **${s.tableOpsPerCall}** (${ops}) | ${shares} | ${s.callsPerSecond} |`;
  });
  const body = `## Workbook lease (\`npm run bench:lease\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}, Azurite in memory on loopback. Each instance keeps
${CALLERS_PER_INSTANCE} callers sending calls back to back for ${SECONDS} s, so its line never empties; each call holds the turn
${HOLD_MS} ms (a stand-in for Graph). "take" is what a caller waits for its turn, queueing included; max is the longest
any caller waited. "share" is each instance's part of the calls served.

| scenario | calls | take p50 / p99 / max (ms) | table ops per call (all ops) | share | calls/s |
|---|---:|---:|---|---|---:|
${rows.join('\n')}

With two instances and \`instance\`, the two lines do not see each other: calls overlap on the workbook (what the lease
exists to stop), so that row is the speed of no rule across instances, not a fair baseline. With \`table\`, the lease
stays with an instance while its line has callers and goes to the other at the holder's next renewal (every
${LEASE_TIMING.renewEveryMs / 1000} s) once that one has named itself waiting: the longest wait is about one renewal interval.`;
  writeSection(path.join(root, 'BENCHMARKS.md'), 'lease', body);
  console.log(body);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
