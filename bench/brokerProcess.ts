import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../dev/freePort';
import type { LocalStack } from './localStack';

/** The workbook every cold start creates its first session on. */
export const COLD_START_WORKBOOK = { driveId: 'b!bench-drive', itemId: '01BENCHCOLDSTART' } as const;

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;
/** Rare enough never to fire during a run (1 January, midnight): the timer must not disturb the figures. */
const QUIET_SWEEP_SCHEDULE = '0 0 0 1 1 *';

export interface BrokerProcess {
  readonly url: string;
  readonly pid: number;
  /** Spawn to the local host's "Functions:" line: the process is listening. */
  readonly listeningMs: number;
  /** Spawn to the first 2xx createSession answer: coldStartMs. */
  readonly firstOkMs: number;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();

/** Kills every broker still running, synchronously: for the bench's exit and signal handlers. */
export function killAllBrokers(): void {
  for (const child of live) child.kill('SIGKILL');
}

/**
 * Runs a bench's `main` as the process: exit 0 when it ends, 1 with its error, and the broker children never outlive
 * it, however it ends (Azurite's children end with our stdin pipe).
 */
export function runBench(main: () => Promise<void>): void {
  process.on('exit', killAllBrokers);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAllBrokers();
      process.exit(130);
    });
  }
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}

/**
 * `node dist/dev/start.js` as a child process, pointed at the bench's own Azurite, identity endpoint and emulator
 * (so start.ts starts none of its own), telemetry off. Resolves once a createSession has been answered 2xx.
 */
export async function spawnBroker(
  stack: LocalStack,
  options: { nodeArgs?: readonly string[]; env?: Record<string, string> } = {},
): Promise<BrokerProcess> {
  stack.emulator.addWorkbook(COLD_START_WORKBOOK.driveId, COLD_START_WORKBOOK.itemId);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    GRAPH_BASE_URL: stack.emulator.url,
    IDENTITY_ENDPOINT: stack.identity.url,
    IDENTITY_HEADER: stack.identity.header,
    SESSION_TABLE_CONNECTION: stack.azurite.connectionString,
    SESSION_TABLE_NAME: 'BenchSessions',
    ALLOWED_DRIVE_IDS: '*',
    SWEEP_SCHEDULE: QUIET_SWEEP_SCHEDULE,
    // Empty wins over local.settings.json (start.ts only fills unset names) and reads as "not set": telemetry off.
    APPLICATIONINSIGHTS_CONNECTION_STRING: '',
    ...options.env,
  };
  const script = path.resolve(__dirname, '../dev/start.js');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  const stderr = tail(child);
  const stop = () => stopChild(child);
  try {
    const listening = listeningLine(child, spawnedAt);
    const firstOkMs = await firstSuccess(child, url, spawnedAt, stderr);
    const listeningMs = await listening;
    return { url, pid: child.pid ?? -1, listeningMs, firstOkMs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The local host prints "Functions: …" once it listens; every later line (one per request) is drained unread. */
function listeningLine(child: ChildProcess, spawnedAt: number): Promise<number> {
  return new Promise((resolve) => {
    let seen = '';
    let found = false;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      if (found) return;
      seen += chunk;
      if (/^Functions: /m.test(seen)) {
        found = true;
        seen = '';
        resolve(performance.now() - spawnedAt);
      }
    });
    child.once('exit', () => resolve(Number.NaN));
  });
}

async function firstSuccess(
  child: ChildProcess,
  url: string,
  spawnedAt: number,
  stderr: () => string,
): Promise<number> {
  const { driveId, itemId } = COLD_START_WORKBOOK;
  const target = `${url}/api/drives/${driveId}/items/${itemId}/workbook/createSession`;
  const deadline = spawnedAt + READY_TIMEOUT_MS;
  let lastStatus: number | undefined;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The broker exited (${child.exitCode ?? child.signalCode}) before answering.\n${stderr()}`);
    }
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"persistChanges":true}',
      });
      await response.arrayBuffer();
      if (response.ok) return performance.now() - spawnedAt;
      lastStatus = response.status;
    } catch {
      // Not listening yet: ECONNREFUSED comes back at once, so a short pause keeps the poll from spinning.
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(
    `The broker did not answer createSession with 2xx within ${READY_TIMEOUT_MS} ms (last status ${lastStatus ?? 'none'}).\n${stderr()}`,
  );
}

function tail(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text = (text + chunk).slice(-4000);
  });
  return () => text;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
