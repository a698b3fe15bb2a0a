import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TableClient } from '@azure/data-tables';
import ts from 'typescript';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startAzurite, type Azurite } from '../dev/azurite';
import { isPortOpen } from '../dev/freePort';
import { testTableName } from './support/azurite';

const sharedConnectionString = inject('azuriteConnectionString');
const sharedPort = Number(/TableEndpoint=http:\/\/127\.0\.0\.1:(\d+)\//.exec(sharedConnectionString)?.[1]);

function table(connectionString: string, name: string): TableClient {
  return TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(options: Parameters<typeof startAzurite>[0]): Promise<Azurite> {
  const azurite = await startAzurite({ silent: true, ...options });
  cleanups.push(() => azurite.stop());
  return azurite;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'azurite-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Whether Azurite's table file under `location` holds `rowKey` yet (Loki renames a whole new file into place). */
async function onDisk(location: string, rowKey: string): Promise<boolean> {
  try {
    return readFileSync(join(location, '__azurite_db_table__.json'), 'utf8').includes(`"${rowKey}"`);
  } catch {
    return false;
  }
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('the shared Azurite from global setup', () => {
  it('stores and returns an entity through a real TableClient', async () => {
    const client = table(sharedConnectionString, testTableName('roundtrip'));
    await client.createTable();
    await client.createEntity({ partitionKey: 'p', rowKey: 'r', workbook: 'Book1.xlsx', count: 3 });

    const entity = await client.getEntity<{ workbook: string; count: number }>('p', 'r');
    expect(entity).toMatchObject({ partitionKey: 'p', rowKey: 'r', workbook: 'Book1.xlsx', count: 3 });
    expect(entity.etag).toEqual(expect.any(String));
  });

  it('is reused, not restarted, by startAzurite({ reuseIfListening }) and survives that handle being stopped', async () => {
    const reused = await startAzurite({ port: sharedPort, reuseIfListening: true, silent: true });
    expect(reused).toMatchObject({ port: sharedPort, reused: true, connectionString: sharedConnectionString });

    await reused.stop();
    const client = table(sharedConnectionString, testTableName('afterreuse'));
    await client.createTable();
    await client.createEntity({ partitionKey: 'p', rowKey: 'r' });
    expect((await client.getEntity('p', 'r')).rowKey).toBe('r');
  });
});

describe('startAzurite', () => {
  it('keeps entities across a stop and a start when given a location', async () => {
    const location = join(tempDir(), 'data');
    const name = testTableName('persist');
    const first = await startAzurite({ location, silent: true });
    await table(first.connectionString, name).createTable();
    await table(first.connectionString, name).createEntity({ partitionKey: 'p', rowKey: 'r', value: 'kept' });
    await first.stop();

    const second = await started({ location });
    expect(second.reused).toBe(false);
    expect(await table(second.connectionString, name).getEntity('p', 'r')).toMatchObject({ value: 'kept' });
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'saves what was just written when Azurite gets %s, as on a clean stop, instead of dying with it unsaved',
    async (signal) => {
      const location = join(tempDir(), 'data');
      const name = testTableName('signalled');
      const first = await startAzurite({ location, silent: true });
      await table(first.connectionString, name).createTable();
      await table(first.connectionString, name).createEntity({ partitionKey: 'p', rowKey: 'r', value: 'kept' });
      const exited = new Promise<string>((done) => first.onUnexpectedExit(done));
      process.kill(first.pid ?? 0, signal); // at once: no autosave has come round since the write
      await exited;

      const second = await started({ location });
      expect(await table(second.connectionString, name).getEntity('p', 'r')).toMatchObject({ value: 'kept' });
    },
  );

  it('loses nothing written a second before Azurite is killed -9: a change reaches the file within moments', async () => {
    const location = join(tempDir(), 'data');
    const name = testTableName('killed');
    const first = await startAzurite({ location, silent: true });
    const client = table(first.connectionString, name);
    await client.createTable();
    // Wait for a save to land on disk, so the next write starts a fresh interval: with Azurite's own 5 s autosave the
    // row written next is not on disk a second later; with the preamble's it is.
    await client.createEntity({ partitionKey: 'p', rowKey: 'marker' });
    expect(await until(async () => onDisk(location, 'marker'), 15_000)).toBe(true);
    await client.createEntity({ partitionKey: 'p', rowKey: 'r', value: 'kept' });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const exited = new Promise<string>((done) => first.onUnexpectedExit(done));
    process.kill(first.pid ?? 0, 'SIGKILL');
    await exited;

    const second = await started({ location });
    expect(await table(second.connectionString, name).getEntity('p', 'r')).toMatchObject({ value: 'kept' });
  });

  it('refuses a port held by something that is not Azurite', async () => {
    const server = createServer((_req, res) => res.end('not Azurite'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    await expect(startAzurite({ port, reuseIfListening: true, silent: true })).rejects.toThrow(/not Azurite/);
  });

  it('stops its Azurite when the process that started it is killed outright', async () => {
    // Run dev/azurite.ts in a separate Node process (transpiled, as nothing here runs TypeScript), then SIGKILL it:
    // no exit handler runs, so only the stdin watchdog can take Azurite down.
    const dir = tempDir();
    for (const file of ['azurite', 'freePort']) {
      const source = readFileSync(resolve(__dirname, `../dev/${file}.ts`), 'utf8');
      const out = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, `${file}.js`), out.outputText);
    }
    const script = `require('./azurite.js').startAzurite({ silent: true }).then((a) => console.log('PORT ' + a.port));`;
    const parent = spawn(process.execPath, ['-e', script], {
      cwd: dir,
      env: { ...process.env, NODE_PATH: resolve(__dirname, '../node_modules') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push(() => void parent.kill('SIGKILL'));
    const port = await new Promise<number>((done, fail) => {
      parent.stdout.setEncoding('utf8').on('data', (text: string) => {
        const match = /PORT (\d+)/.exec(text);
        if (match?.[1]) done(Number(match[1]));
      });
      parent.once('exit', (code) => fail(new Error(`starter exited with ${code}`)));
    });
    expect(await isPortOpen(port)).toBe(true);

    parent.kill('SIGKILL');
    expect(await until(async () => !(await isPortOpen(port)), 10_000)).toBe(true);
  });
});
