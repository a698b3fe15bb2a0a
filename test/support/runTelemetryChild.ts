import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { ChildReport } from './telemetryScenario';

const REPO = resolve(__dirname, '../..');
const CHILD_TIMEOUT_MS = 25_000;

export interface ChildRun {
  readonly report: ChildReport;
  readonly stderr: string;
  /** Wall time of the whole child: node start, TypeScript transpiling, the SDK's load, the first export. */
  readonly elapsedMs: number;
}

/**
 * Runs test/support/telemetryChild.ts in a fresh `node` with exactly the telemetry settings given: every inherited
 * Application Insights / OpenTelemetry variable and NODE_OPTIONS (vitest's, say) is removed first, so neither the
 * test's own environment nor a developer's shell can change what the child does.
 */
export function runTelemetryChild(settings: Record<string, string>): Promise<ChildRun> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      /^(APPLICATIONINSIGHTS_|APPINSIGHTS_|APPLICATION_INSIGHTS_|OTEL_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/i.test(name)
    )
      continue;
    env[name] = value;
  }
  Object.assign(env, settings);
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', './test/support/requireTs.cjs', './test/support/telemetryChild.ts'], {
      cwd: REPO,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        fail(new Error(`telemetry child ended with ${signal ?? `code ${code}`}\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      done({ report: JSON.parse(last) as ChildReport, stderr, elapsedMs: Date.now() - started });
    });
  });
}
