import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAzurite } from '../dev/azurite';
import { startGraphEmulator } from '../dev/graphEmulator';
import { startIdentityEndpoint } from '../dev/identityEndpoint';
import { createDeps } from '../host/productionDeps';
import { loadConfig } from '../shared/config';
import type { Deps } from '../shared/deps';
import { createSweepScheduler } from '../shared/sessions/sweepScheduler';
import { nextDueAt, type SessionRecord } from '../shared/sessions/sessionRecord';
import { sweepSessions, type SweepSummary } from '../shared/sessions/sweepSessions';
import { machine, writeSection } from './benchmarksFile';

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
  recordsRead: number;
  refreshed: number;
  failed: number;
  peakHeapMiB: number;
  peakRssMiB: number;
}

export async function benchSweep(log: (line: string) => void = console.log): Promise<SweepBenchResult[]> {
  const azurite = await startAzurite({ silent: true });
  const identity = await startIdentityEndpoint();
  process.env.IDENTITY_ENDPOINT = identity.url;
  process.env.IDENTITY_HEADER = identity.header;
  const emulator = await startGraphEmulator({ acceptToken: (token) => identity.verify(token) });
  const results: SweepBenchResult[] = [];
  try {
    for (const size of SIZES) {
      const config = loadConfig({
        IDENTITY_ENDPOINT: identity.url,
        IDENTITY_HEADER: identity.header,
        GRAPH_BASE_URL: emulator.url,
        SESSION_TABLE_CONNECTION: azurite.connectionString,
        SESSION_TABLE_NAME: `benchsweep${size}`,
        ALLOWED_DRIVE_IDS: '*',
        SWEEP_CONCURRENCY: String(CONCURRENCY),
      });
      const deps = createDeps(config);
      log(`bench:sweep: seeding ${size} sessions…`);
      await seed(deps, emulator, size);
      emulator.clearFaults();
      emulator.addFault({ op: 'refreshSession', kind: 'latency', latencyMs: LATENCY_MS });
      emulator.resetCalls();
      global.gc?.();
      const memory = sampleMemory();
      const started = performance.now();
      const summary: SweepSummary = await sweepSessions(
        { deps, log: { info: () => undefined, warn: () => undefined, error: (m) => log(m) } },
        { budgetMs: 10 * 60_000, pageSize: 500 },
      );
      const wallMs = performance.now() - started;
      const peak = memory.stop();
      emulator.clearFaults();
      const lowerBoundMs = (size * LATENCY_MS) / CONCURRENCY;
      const result: SweepBenchResult = {
        sessions: size,
        latencyMs: LATENCY_MS,
        concurrency: CONCURRENCY,
        wallMs: Math.round(wallMs),
        lowerBoundMs: Math.round(lowerBoundMs),
        ratio: Number((wallMs / lowerBoundMs).toFixed(3)),
        recordsRead: summary.seen,
        refreshed: summary.refreshed,
        failed: summary.failed,
        peakHeapMiB: peak.heapMiB,
        peakRssMiB: peak.rssMiB,
      };
      log(`bench:sweep: ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    await emulator.close();
    await identity.close();
    await azurite.stop();
  }
  return results;
}

/** Sessions in Graph (the emulator) and in the table, all live and due for a refresh (last Graph contact 4 min ago). */
async function seed(deps: Deps, emulator: Awaited<ReturnType<typeof startGraphEmulator>>, size: number): Promise<void> {
  const token = await tokenFrom(deps);
  const now = deps.now();
  const scheduler = createSweepScheduler(32, 256);
  for (let n = 0; n < size; n += 1) {
    const workbook = { driveId: 'b!bench-drive', itemId: `01BENCH${String(Math.floor(n / SESSIONS_PER_WORKBOOK)).padStart(6, '0')}` };
    emulator.addWorkbook(workbook.driveId, workbook.itemId);
    await scheduler.add(String(n), async () => {
      const response = await fetch(`${emulator.url}/drives/${workbook.driveId}/items/${workbook.itemId}/workbook/createSession`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"persistChanges":true}',
      });
      const { id } = (await response.json()) as { id: string };
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
      await deps.store.insertSession({ ...fields, dueAt: nextDueAt(fields, deps.config) });
    });
  }
  await scheduler.idle();
}

async function tokenFrom(deps: Deps): Promise<string> {
  // The same credential path the broker uses, through the identity endpoint.
  const { ManagedIdentityCredential } = await import('@azure/identity');
  const token = await new ManagedIdentityCredential().getToken('https://graph.microsoft.com/.default');
  void deps;
  return token.token;
}

function sampleMemory(): { stop(): { heapMiB: number; rssMiB: number } } {
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
      return { heapMiB: mib(heap), rssMiB: mib(rss) };
    },
  };
}

export function sweepTable(results: readonly SweepBenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.sessions.toLocaleString('en-US')} | ${r.latencyMs} ms | ${r.concurrency} | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.lowerBoundMs / 1000).toFixed(2)} s | **${r.ratio.toFixed(3)}** | ${r.recordsRead.toLocaleString('en-US')} | ${r.refreshed.toLocaleString('en-US')} / ${r.failed} | ${r.peakHeapMiB} MiB / ${r.peakRssMiB} MiB |`,
  );
  return [
    '| live sessions | Graph latency | SWEEP_CONCURRENCY | wall time | lower bound | ratio | records read | refreshed / failed | peak heap / RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  benchSweep()
    .then((results) => {
      const root = path.resolve(__dirname, '../..');
      mkdirSync(path.join(root, 'bench/results'), { recursive: true });
      writeFileSync(path.join(root, 'bench/results/sweep.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), results }, null, 2)}\n`);
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
