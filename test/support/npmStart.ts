import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(__dirname, '../..');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface StartedScript {
  readonly pid: number;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the output once it prints a line matching `pattern`; rejects if it exits first or takes too long. */
  waitFor(pattern: RegExp): Promise<string>;
  /** Resolves with its exit code once it has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (its clean stop), then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

/**
 * One of the `npm start` scripts (dev/start.ts, dev/joinStack.ts) from source in a child process, as a developer runs
 * it, with exactly `env` (plus PATH): nothing of this process's environment leaks in. Pass LOCAL_STACK_ROOT so the
 * script keeps its lock, settings and data in a folder of the test's own, and ports the test chose.
 */
export function startScript(script: 'start' | 'joinStack', env: Record<string, string>): StartedScript {
  const child = spawn(process.execPath, ['-r', './test/support/requireTs.cjs', `./dev/${script}.ts`], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', APPLICATIONINSIGHTS_CONNECTION_STRING: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return {
    pid: child.pid ?? -1,
    output: () => output,
    waitFor: (pattern) => waitFor(child, pattern, () => output),
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitFor(child: ChildProcess, pattern: RegExp, output: () => string): Promise<string> {
  return new Promise((done, fail) => {
    const check = () => {
      if (!pattern.test(output())) return;
      finish();
      done(output());
    };
    const onExit = (code: number | null) => {
      finish();
      fail(new Error(`It exited (${code}) before printing ${pattern}:\n${output()}`));
    };
    const timer = setTimeout(() => {
      finish();
      fail(new Error(`It did not print ${pattern} within ${READY_TIMEOUT_MS} ms:\n${output()}`));
    }, READY_TIMEOUT_MS);
    const finish = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    if (pattern.test(output())) check();
    else if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode);
  });
}
