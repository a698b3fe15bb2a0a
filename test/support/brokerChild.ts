import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');
const READY_TIMEOUT_MS = 30_000;

export interface BrokerChild {
  readonly url: string;
  readonly pid: number;
  /** `{base}/api/drives/{drive}/items/{item}/workbook/{path}` on this instance. */
  workbookUrl(workbook: { driveId: string; itemId: string }, path: string): string;
  /** SIGKILL: the process ends at once, whatever it holds — a crashed instance. */
  kill(): Promise<void>;
  /** Its last lines on stderr, for a failure's message. */
  stderr(): string;
}

/**
 * Starts one broker instance in a child process (test/support/brokerChildMain.ts) with exactly `settings` on top of
 * this process's environment, minus NODE_OPTIONS (vitest's own). Free ports only: the child listens on port 0 and
 * says where. Resolves once it listens.
 */
export function startBrokerChild(settings: Record<string, string>): Promise<BrokerChild> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && name !== 'NODE_OPTIONS') env[name] = value;
  // Empty reads as "not set": telemetry off, whatever the developer's shell holds.
  Object.assign(env, { APPLICATIONINSIGHTS_CONNECTION_STRING: '' }, settings);
  const child = spawn(process.execPath, ['-r', './test/support/requireTs.cjs', './test/support/brokerChildMain.ts'], {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((done, fail) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`The broker child did not listen within ${READY_TIMEOUT_MS} ms.\n${stderr}`));
    }, READY_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`The broker child exited (${signal ?? code}) before listening.\n${stderr}`));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = /^\{.*\}$/m.exec(stdout)?.[0];
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const { url } = JSON.parse(line) as { url: string };
      done(handle(child, url, () => stderr));
    });
  });
}

function handle(child: ChildProcess, url: string, stderr: () => string): BrokerChild {
  return {
    url,
    pid: child.pid ?? -1,
    workbookUrl: (workbook, path) =>
      `${url}/api/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${path}`,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
    stderr,
  };
}
