import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { freePort, isPortOpen } from './freePort';

/*
 * Azurite's table service as a child process on a port of our choosing (never assume 10002 is free).
 * https://github.com/Azure/Azurite#command-line-options
 */

// The development storage account's key is public and documented:
// https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
const DEVSTORE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
const STDERR_LINES_KEPT = 20;

/**
 * How often Azurite writes a changed table to its --location file. Its table store is LokiJS with autosave every
 * 5 s, fixed in Azurite (LokiTableMetadataStore: `autosaveInterval: 5000`, no option), so a kill -9 lost up to 5 s of
 * acknowledged writes. Loki saves only when something changed, to a temporary file it then renames, so a short
 * interval costs nothing when idle and never leaves half a file.
 */
export const AZURITE_SAVE_INTERVAL_MS = 200;

/*
 * Azurite runs under this preamble rather than directly:
 * - It is stopped by closing its stdin. The pipe also closes when our process dies in any way — even SIGKILL, when
 *   no 'exit' handler runs — so no orphan outlives us.
 * - End of input, SIGTERM and SIGHUP (a closed terminal) all run Azurite's own SIGINT handler (emitted, not
 *   signalled, so it also works on Windows), which closes the server and saves the table; by default those signals
 *   would end the process without saving. A hard exit is the backstop.
 * - Loki's autosave interval is AZURITE_SAVE_INTERVAL_MS instead of Azurite's 5 s, so only a kill -9 of Azurite
 *   itself (or a crash of the machine) can lose writes, and only those of the last moment. This patches the one
 *   LokiJS Azurite loads (resolved from Azurite's own folder) before Azurite creates its database.
 */
const PREAMBLE = `
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  process.stdin.destroy();
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGINT', stop);
const closeAzurite = () => {
  if (stopping) return;
  if (process.listenerCount('SIGINT') > 1) process.emit('SIGINT');
  else process.exit(0);
};
process.stdin.once('end', closeAzurite).resume();
process.once('SIGTERM', closeAzurite);
process.once('SIGHUP', closeAzurite);
const Loki = require(require.resolve('lokijs', { paths: [require('path').dirname(process.argv[1])] }));
const configure = Loki.prototype.configureOptions;
Loki.prototype.configureOptions = function (options, initial) {
  const patched = options && options.autosave ? { ...options, autosaveInterval: ${AZURITE_SAVE_INTERVAL_MS} } : options;
  return configure.call(this, patched, initial);
};
require(process.argv[1]);
`;

export interface AzuriteOptions {
  /** Table port; default 0, a free one. */
  port?: number;
  /** Folder for data (created if missing); undefined keeps everything in memory. */
  location?: string;
  /** If Azurite's table service already answers on `port`, use it instead of starting another. Default false. */
  reuseIfListening?: boolean;
  /** Swallow Azurite's console output (its stderr is still kept for error messages). Default false. */
  silent?: boolean;
}

export interface Azurite {
  readonly port: number;
  readonly connectionString: string;
  /** True when an Azurite already listening was reused; stop() then leaves it alone. */
  readonly reused: boolean;
  /** The child process's id (undefined when reused). */
  readonly pid: number | undefined;
  /** Called once if the child exits without stop() having been asked for. */
  onUnexpectedExit(listener: (why: string) => void): void;
  stop(): Promise<void>;
}

export function azuriteConnectionString(port: number): string {
  return (
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;' +
    `AccountKey=${DEVSTORE_KEY};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`
  );
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const requested = options.port ?? 0;
  if (requested > 0 && options.reuseIfListening && (await answersAsAzuriteTable(requested))) {
    return {
      port: requested,
      connectionString: azuriteConnectionString(requested),
      reused: true,
      pid: undefined,
      onUnexpectedExit: () => undefined,
      stop: async () => {},
    };
  }
  if (requested > 0 && (await isPortOpen(requested))) {
    throw new Error(
      `Port ${requested} is already in use${options.reuseIfListening ? ' by something that is not Azurite' : ''}`,
    );
  }
  const port = requested > 0 ? requested : await freePort();
  const child = spawnAzurite(port, options);
  const stderr = tailOf(child, !options.silent);
  try {
    await waitUntilReady(child, port, stderr);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  let stopping = false;
  return {
    port,
    connectionString: azuriteConnectionString(port),
    reused: false,
    pid: child.pid,
    onUnexpectedExit: (listener) => {
      child.once('exit', (code, signal) => {
        if (!stopping) listener(`exited with ${signal ?? `code ${code}`}`);
      });
    },
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

/**
 * An Azurite of this checkout's own, never one that happens to be listening: two stacks on one machine must not
 * share a table, or each one's sweep would end the other's sessions. Port `preferred` when it is free (tools such
 * as Storage Explorer look there), else any free port.
 */
export async function startOwnAzurite(location: string, preferred: number): Promise<Azurite> {
  const port = (await isPortOpen(preferred)) ? 0 : preferred;
  return startAzurite({ port, location, silent: true });
}

/**
 * Keeps the stack's Azurite running: when it dies, it is started again on the same port with the same data, so the
 * broker's connection string stays right, and the log says so at once. More than `maxRestarts` deaths within
 * `windowMs` is not going to get better: `giveUp` is told why.
 */
export function superviseAzurite(
  first: Azurite,
  restart: (port: number) => Promise<Azurite>,
  report: { warn: (line: string) => void; giveUp: (why: string) => void },
  limits: { maxRestarts: number; windowMs: number } = { maxRestarts: 3, windowMs: 60_000 },
): { current: () => Azurite; stop: () => Promise<void> } {
  let current = first;
  let stopped = false;
  const deaths: number[] = [];
  const watch = (azurite: Azurite) =>
    azurite.onUnexpectedExit((why) => {
      if (stopped) return;
      const now = Date.now();
      deaths.push(now);
      while (deaths.length > 0 && (deaths[0] ?? now) < now - limits.windowMs) deaths.shift();
      if (deaths.length > limits.maxRestarts) {
        report.giveUp(`Azurite ${why} ${deaths.length} times within ${limits.windowMs / 1000} s.`);
        return;
      }
      report.warn(`Azurite ${why}; starting it again on port ${azurite.port}. Calls meanwhile answer 503.`);
      restart(azurite.port).then(
        (next) => {
          current = next;
          if (stopped) void next.stop();
          else watch(next);
        },
        (error: unknown) =>
          report.giveUp(
            `Azurite could not be started again: ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    });
  watch(first);
  return {
    current: () => current,
    stop: async () => {
      stopped = true;
      await current.stop();
    },
  };
}

function spawnAzurite(port: number, options: AzuriteOptions): ChildProcess {
  const pkg = require.resolve('azurite/package.json');
  const manifest: unknown = JSON.parse(readFileSync(pkg, 'utf8'));
  const bins = typeof manifest === 'object' && manifest !== null && 'bin' in manifest ? manifest.bin : undefined;
  const bin = typeof bins === 'object' && bins !== null && 'azurite-table' in bins ? bins['azurite-table'] : undefined;
  if (typeof bin !== 'string') throw new Error(`azurite-table bin not found in ${pkg}`);
  const args = ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--disableTelemetry', '--skipApiVersionCheck'];
  if (options.location === undefined) {
    args.push('--inMemoryPersistence');
  } else {
    mkdirSync(options.location, { recursive: true });
    args.push('--location', resolve(options.location));
  }
  if (options.silent) args.push('--silent');
  return spawn(process.execPath, ['-e', PREAMBLE, '--', resolve(dirname(pkg), bin), ...args], {
    stdio: ['pipe', options.silent ? 'ignore' : 'inherit', 'pipe'],
  });
}

/** Keeps the last lines of the child's stderr for error messages, echoing them when `forward`. */
function tailOf(child: ChildProcess, forward: boolean): () => string {
  const lines: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    if (forward) process.stderr.write(chunk);
    lines.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - STDERR_LINES_KEPT));
  });
  return () => lines.join('\n');
}

async function waitUntilReady(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  child.once('error', (err) => (exited = `failed to start: ${err.message}`));
  for (;;) {
    if (exited !== undefined) break;
    if (await answersAsAzuriteTable(port)) return;
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const why = exited ?? `did not answer within ${READY_TIMEOUT_MS} ms`;
  throw new Error(`Azurite table service on port ${port} ${why}.${stderr() ? `\nLast stderr:\n${stderr()}` : ''}`);
}

/** Azurite's table service names itself in the Server header of every answer, even a 400 to `GET /`. */
function answersAsAzuriteTable(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', method: 'GET', timeout: timeoutMs, agent: false },
      (res) => {
        res.resume();
        done(String(res.headers.server ?? '').startsWith('Azurite-Table'));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}

/** Ends the child's stdin (see PREAMBLE) and waits for it to exit; SIGKILL if it takes over STOP_TIMEOUT_MS. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
