import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../dev/azurite';
import { createDeps } from '../host/productionDeps';
import { loadConfig } from '../shared/config';
import type { Deps } from '../shared/deps';
import { createSweepScheduler } from '../shared/sweep/sweepScheduler';
import { sessionDueAt, type SessionRecord } from '../shared/records/sessionRecord';
import { sweepSessions, type SweepSummary } from '../shared/sweep/sweepSessions';
import { machine, writeSection } from './benchmarksFile';
import { startGraphProcess, type GraphProcess } from './graphProcess';

/**
 * bench:sweep — one sweep over 1,000 and 10,000 live sessions that are all due for a Graph refresh, against Azurite
 * and the emulator with a fixed latency per Graph call. The lower bound is sessions × latency ÷ SWEEP_CONCURRENCY:
 * the time the Graph calls alone need at full concurrency. Everything else the sweep does shows up as the ratio.
 */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const SESSIONS_PER_WORKBOOK = 10;

export interface SweepBenchResult {
  sessions: number;
  latencyMs: number;
  concurrency: number;
  wallMs: number;
  lowerBoundMs: number;
  ratio: number;
  /** The same refreshes sent straight to the emulator (no broker, no table), same concurrency, just before and after. */
  directFloorMs: number;
  /** directFloorMs ÷ lowerBoundMs: what this machine's timers and loopback add to the Graph calls alone. */
  floorRatio: number;
  /** wallMs ÷ directFloorMs: the sweep's own cost over Graph-only calls measured side by side. */
  ratioToFloor: number;
  recordsRead: number;
  refreshed: number;
  failed: number;
  /** Heap right before the sweep (after a GC), and the most it grew during it: the sweep's own memory. */
  baseHeapMiB: number;
  peakHeapGrowthMiB: number;
  /** Heap still held after the sweep and a full GC, over the base: what the sweep keeps, not its garbage. */
  retainedHeapMiB: number;
  peakRssMiB: number;
}

export async function benchSweep(log: (line: string) => void = console.log): Promise<SweepBenchResult[]> {
  const azurite = await startAzurite({ silent: true });
  const graph = await startGraphProcess();
  process.env.IDENTITY_ENDPOINT = graph.identityUrl;
  process.env.IDENTITY_HEADER = graph.identityHeader;
  const results: SweepBenchResult[] = [];
  try {
    for (const size of SIZES) {
      const config = loadConfig({
        IDENTITY_ENDPOINT: graph.identityUrl,
        IDENTITY_HEADER: graph.identityHeader,
        GRAPH_BASE_URL: graph.graphUrl,
        SESSION_TABLE_CONNECTION: azurite.connectionString,
        SESSION_TABLE_NAME: `benchsweep${size}`,
        ALLOWED_DRIVE_IDS: '*',
        SWEEP_CONCURRENCY: String(CONCURRENCY),
      });
      const deps = createDeps(config);
      log(`bench:sweep: seeding ${size} sessions…`);
      const seeded = await seed(deps, graph, size);
      await graph.admin('DELETE', 'faults');
      await graph.admin('POST', 'faults', { op: 'refreshSession', kind: 'latency', latencyMs: LATENCY_MS });
      await graph.admin('DELETE', 'calls');
      const floorBefore = await directFloor(graph, seeded, CONCURRENCY);
      global.gc?.();
      const memory = sampleMemory();
      const started = performance.now();
      const summary: SweepSummary = await sweepSessions(
        { deps, log: { info: () => undefined, warn: () => undefined, error: (m) => log(m) }, requestId: 'bench-sweep' },
        { budgetMs: 10 * 60_000, pageSize: Number(process.env.BENCH_PAGE_SIZE ?? 500) },
      );
      const wallMs = performance.now() - started;
      const peak = memory.stop();
      global.gc?.();
      const retainedHeapMiB = Number(
        Math.max(0, process.memoryUsage().heapUsed / 2 ** 20 - peak.baseHeapMiB).toFixed(1),
      );
      // Side by side: the same Graph calls made directly, same latency and concurrency, no broker and no table —
      // just before and just after the sweep, because this machine's timing drifts from minute to minute.
      const floorMs = (floorBefore + (await directFloor(graph, seeded, CONCURRENCY))) / 2;
      await graph.admin('DELETE', 'faults');
      const lowerBoundMs = (size * LATENCY_MS) / CONCURRENCY;
      const result: SweepBenchResult = {
        sessions: size,
        latencyMs: LATENCY_MS,
        concurrency: CONCURRENCY,
        wallMs: Math.round(wallMs),
        lowerBoundMs: Math.round(lowerBoundMs),
        ratio: Number((wallMs / lowerBoundMs).toFixed(3)),
        directFloorMs: Math.round(floorMs),
        floorRatio: Number((floorMs / lowerBoundMs).toFixed(3)),
        ratioToFloor: Number((wallMs / floorMs).toFixed(3)),
        recordsRead: summary.seen,
        refreshed: summary.refreshed,
        failed: summary.failed,
        baseHeapMiB: peak.baseHeapMiB,
        peakHeapGrowthMiB: peak.heapGrowthMiB,
        retainedHeapMiB,
        peakRssMiB: peak.rssMiB,
      };
      log(`bench:sweep: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    await graph.stop();
    await azurite.stop();
  }
  return results;
}

/** Sessions in Graph (the emulator) and in the table, all live and due for a refresh (last Graph contact 4 min ago). */
interface Seeded {
  readonly token: string;
  readonly sessions: Array<{ driveId: string; itemId: string; id: string }>;
}

async function seed(deps: Deps, graph: GraphProcess, size: number): Promise<Seeded> {
  const token = await tokenFrom(deps);
  const sessions: Seeded['sessions'] = [];
  const now = deps.now();
  const scheduler = createSweepScheduler(32, 256);
  for (let n = 0; n < size; n += 1) {
    const workbook = {
      driveId: 'b!bench-drive',
      itemId: `01BENCH${String(Math.floor(n / SESSIONS_PER_WORKBOOK)).padStart(6, '0')}`,
    };
    if (n % SESSIONS_PER_WORKBOOK === 0) await graph.admin('POST', 'workbooks', workbook);
    await scheduler.add(String(n), async () => {
      const response = await fetch(
        `${graph.graphUrl}/drives/${workbook.driveId}/items/${workbook.itemId}/workbook/createSession`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{"persistChanges":true}',
        },
      );
      const { id } = (await response.json()) as { id: string };
      sessions.push({ ...workbook, id });
      const fields: Omit<SessionRecord, 'dueAt'> = {
        ...workbook,
        sessionId: id,
        persistChanges: true,
        createdAt: now - 240_000,
        lastCallerActivityAt: now - 240_000,
        lastGraphContactAt: now - 240_000,
        idleTimeoutSeconds: 1800,
        state: 'live',
      };
      await deps.store.insertSession({ ...fields, dueAt: sessionDueAt(fields, deps.config) });
    });
  }
  await scheduler.idle();
  return { token, sessions };
}

const FLOOR_SAMPLE = 2000;

/**
 * How long refreshing every seeded session straight at the emulator takes with `concurrency` calls in flight: the
 * Graph-only time on this machine now. Measured on at most FLOOR_SAMPLE sessions and scaled, to keep the run short.
 */
async function directFloor(graph: GraphProcess, seeded: Seeded, concurrency: number): Promise<number> {
  const sample = seeded.sessions.slice(0, FLOOR_SAMPLE);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sample.length) {
        const session = sample[next] as Seeded['sessions'][number];
        next += 1;
        const response = await fetch(
          `${graph.graphUrl}/drives/${session.driveId}/items/${session.itemId}/workbook/refreshSession`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${seeded.token}`, 'workbook-session-id': session.id },
          },
        );
        await response.arrayBuffer();
      }
    }),
  );
  return ((performance.now() - started) * seeded.sessions.length) / sample.length;
}

async function tokenFrom(deps: Deps): Promise<string> {
  // The same credential path the broker uses, through the identity endpoint.
  const { ManagedIdentityCredential } = await import('@azure/identity');
  const token = await new ManagedIdentityCredential().getToken('https://graph.microsoft.com/.default');
  void deps;
  return token.token;
}

function sampleMemory(): { stop(): { baseHeapMiB: number; heapGrowthMiB: number; rssMiB: number } } {
  const base = process.memoryUsage().heapUsed;
  let heap = 0;
  let rss = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    heap = Math.max(heap, usage.heapUsed);
    rss = Math.max(rss, usage.rss);
  };
  sample();
  const timer = setInterval(sample, 25);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));
      return { baseHeapMiB: mib(base), heapGrowthMiB: mib(heap - base), rssMiB: mib(rss) };
    },
  };
}

export function sweepTable(results: readonly SweepBenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.sessions.toLocaleString('en-US')} | ${r.latencyMs} ms | ${r.concurrency} | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.lowerBoundMs / 1000).toFixed(2)} s | **${r.ratio.toFixed(3)}** | ${(r.directFloorMs / 1000).toFixed(2)} s (${r.floorRatio.toFixed(3)}) | **${r.ratioToFloor.toFixed(3)}** | ${r.recordsRead.toLocaleString('en-US')} | ${r.refreshed.toLocaleString('en-US')} / ${r.failed} | ${r.baseHeapMiB} MiB | +${r.peakHeapGrowthMiB} MiB | +${r.retainedHeapMiB} MiB | ${r.peakRssMiB} MiB |`,
  );
  return [
    '| live sessions | Graph latency | SWEEP_CONCURRENCY | wall time | lower bound | ratio | Graph-only floor (ratio) | sweep ÷ floor | records read | refreshed / failed | heap before | peak heap growth (incl. garbage) | retained after GC | peak RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  benchSweep()
    .then((results) => {
      const root = path.resolve(__dirname, '../..');
      mkdirSync(path.join(root, 'bench/results'), { recursive: true });
      writeFileSync(
        path.join(root, 'bench/results/sweep.json'),
        `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), results }, null, 2)}\n`,
      );
      writeSection(
        path.join(root, 'BENCHMARKS.md'),
        'sweep',
        `## Sweep (\`npm run bench:sweep\`)\n\nMeasured ${new Date().toISOString().slice(0, 10)} on ${machine()}.\n\n${sweepTable(results)}`,
      );
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
