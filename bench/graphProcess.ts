import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface GraphProcess {
  readonly graphUrl: string;
  readonly identityUrl: string;
  readonly identityHeader: string;
  /** The emulator's admin surface (`/_emulator/...`). */
  admin(method: 'POST' | 'DELETE', route: string, body?: unknown): Promise<void>;
  stop(): Promise<void>;
}

/** Starts bench/graphChild.ts and reads its addresses. */
export async function startGraphProcess(): Promise<GraphProcess> {
  const child: ChildProcess = spawn(process.execPath, [path.join(__dirname, 'graphChild.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (first) => {
      lines.close();
      resolve(first);
    });
    child.once('exit', (code) => reject(new Error(`graph child exited with ${code}`)));
  });
  const addresses = JSON.parse(line) as { graphUrl: string; identityUrl: string; identityHeader: string };
  const origin = new URL(addresses.graphUrl).origin;
  return {
    ...addresses,
    async admin(method, route, body) {
      const response = await fetch(`${origin}/_emulator/${route}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`emulator admin ${method} ${route} answered ${response.status}`);
    },
    async stop() {
      child.stdin?.end();
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve(undefined);
        else child.once('exit', resolve);
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    },
  };
}
