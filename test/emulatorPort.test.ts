import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../dev/freePort';
import { testTableName } from './support/azurite';
import { startScript, type StartedScript } from './support/npmStart';

// `npm start` and EMULATOR_PORT: the emulator's blocks in docs/emulator.md read `${EMULATOR_PORT:-7080}`, so the setting must pin
// the emulator's port — or stop npm start, naming it, when that port is taken. Ports are the test's own free ones.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function stackEnv(settings: Record<string, string>): Record<string, string> {
  const root = mkdtempSync(join(tmpdir(), 'emulator-port-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  return {
    LOCAL_STACK_ROOT: root,
    PORT: '0',
    // The run's own Azurite, so npm start starts none; a table of this test's own.
    SESSION_TABLE_CONNECTION: inject('azuriteConnectionString'),
    SESSION_TABLE_NAME: testTableName('emulatorPort'),
    ALLOWED_DRIVE_IDS: '*',
    ...settings,
  };
}

function run(env: Record<string, string>): StartedScript {
  const script = startScript('start', env);
  cleanups.push(() => script.stop());
  return script;
}

/** Whether the script served (then it is stopped) or exited first, with its exit code. */
async function outcome(script: StartedScript): Promise<{ started: boolean; code: number | null }> {
  return Promise.race([
    script.exited.then((code) => ({ started: false, code })),
    script.waitFor(/Ctrl-C stops everything/).then(() => ({ started: true, code: null })),
  ]);
}

async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe("npm start's emulator port", () => {
  it('serves the emulator on EMULATOR_PORT, where the blocks in docs/emulator.md look for it', async () => {
    const port = await freePort();
    const stack = run(stackEnv({ EMULATOR_PORT: String(port) }));
    expect(await outcome(stack)).toEqual({ started: true, code: null });
    expect(stack.output()).toContain(`bundled workbook emulator at http://127.0.0.1:${port}/v1.0`);
    const workbooks = await fetch(`http://127.0.0.1:${port}/_emulator/workbooks`);
    expect(workbooks.status).toBe(200);
    expect(JSON.stringify(await workbooks.json())).toContain('01LOCALDEMOWORKBOOK');
  });

  it('stops at once, naming EMULATOR_PORT, when that port is taken, rather than serve the emulator elsewhere', async () => {
    const port = await occupiedPort();
    const stack = run(stackEnv({ EMULATOR_PORT: String(port) }));
    const result = await outcome(stack);
    expect(result.started, stack.output()).toBe(false);
    expect(result.code).not.toBe(0);
    expect(stack.output()).toContain(`EMULATOR_PORT=${port}: port ${port} is already in use on 127.0.0.1`);
    expect(stack.output()).not.toMatch(/^Functions: /m);
  });

  it('refuses an EMULATOR_PORT that is not a port number, before starting anything', async () => {
    const stack = run(stackEnv({ EMULATOR_PORT: 'seven' }));
    const result = await outcome(stack);
    expect(result.started).toBe(false);
    expect(stack.output()).toContain('EMULATOR_PORT must be a TCP port number');
  });
});
