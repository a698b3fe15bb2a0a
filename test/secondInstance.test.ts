import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { freePort } from '../dev/freePort';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { testTableName } from './support/azurite';
import { startScript, type StartedScript } from './support/npmStart';

// `npm run start:second`: a second broker process on the first `npm start`'s stack — its emulator, identity
// endpoint and table — found through the stack file alone, as a developer runs it: nothing but PORT in its
// environment. A session made through one instance is refreshed and closed through the other.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A folder standing in for a checkout: its local.settings.json as a developer's, no table or Graph settings. */
function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'second-instance-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const values = { ALLOWED_DRIVE_IDS: '*', SWEEP_SCHEDULE: '0 0 0 1 1 *' };
  writeFileSync(join(root, 'local.settings.json'), JSON.stringify({ IsEncrypted: false, Values: values }));
  return root;
}

function run(script: 'start' | 'joinStack', env: Record<string, string>): StartedScript {
  const started = startScript(script, env);
  cleanups.push(() => started.stop());
  return started;
}

const functionsUrl = (output: string) => /^Functions: (http:\/\/127\.0\.0\.1:\d+)\/api\//m.exec(output)?.[1] ?? '';

async function call(base: string, action: string, init: { sessionId?: string; body?: string } = {}) {
  const url = `${base}/api/drives/${DEMO_DRIVE_ID}/items/${DEMO_ITEM_ID}/workbook/${action}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.sessionId) headers['workbook-session-id'] = init.sessionId;
  return fetch(url, { method: 'POST', headers, body: init.body ?? '' });
}

describe('a second local instance (npm run start:second)', () => {
  it("joins the running npm start's emulator, identity endpoint and table, and stops when it does", async () => {
    const root = checkout();
    const first = run('start', {
      LOCAL_STACK_ROOT: root,
      PORT: '0',
      EMULATOR_PORT: String(await freePort()),
      // The run's own Azurite stands in for the checkout's, so this stack starts none; a table of its own.
      SESSION_TABLE_CONNECTION: inject('azuriteConnectionString'),
      SESSION_TABLE_NAME: testTableName('secondInstance'),
    });
    const firstOutput = await first.waitFor(/Ctrl-C stops everything/);
    expect(firstOutput).toContain('npm run start:second');
    expect(statSync(join(root, '.local-stack.json')).mode & 0o077).toBe(0); // it holds the identity endpoint's secret

    const second = run('joinStack', { LOCAL_STACK_ROOT: root, PORT: '0' });
    const secondOutput = await second.waitFor(/Ctrl-C stops this instance/);
    const [a, b] = [functionsUrl(firstOutput), functionsUrl(secondOutput)];
    expect(b).not.toBe('');
    expect(b).not.toBe(a);

    const created = await call(b, 'createSession', { body: '{"persistChanges":false}' });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await call(a, 'refreshSession', { sessionId: id })).status).toBe(204);
    expect((await call(b, 'closeSession', { sessionId: id })).status).toBe(204);
    expect((await call(a, 'refreshSession', { sessionId: id })).status).toBe(404);

    await first.stop();
    expect(existsSync(join(root, '.local-stack.json'))).toBe(false);
    await second.waitFor(/The first stack \(npm start, process \d+\) has stopped; stopping this instance too/);
    expect(await second.exited).toBe(0);
  });

  it('says what to do when no npm start runs in the checkout', async () => {
    const root = checkout();
    const lonely = run('joinStack', { LOCAL_STACK_ROOT: root, PORT: '0' });
    expect(await lonely.exited).toBe(1);
    expect(lonely.output()).toContain(`No npm start is running in ${root}`);
    expect(lonely.output()).toContain('start one with npm start first');
  });
});
