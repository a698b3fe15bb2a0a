import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterEach, describe, expect, it } from 'vitest';
import { startAzurite, startOwnAzurite, superviseAzurite, type Azurite } from '../dev/azurite';
import { acquireStackLock } from '../dev/stackLock';

// npm start's own parts that keep two local stacks from crossing wires: one stack per checkout (a lock), an Azurite
// of its own (never one that happens to listen), and a watchdog that brings a dead Azurite back or stops the stack.

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-stack-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function stopLater(azurite: Azurite): Azurite {
  cleanups.push(() => azurite.stop());
  return azurite;
}

const table = (azurite: Azurite, name: string) =>
  TableClient.fromConnectionString(azurite.connectionString, name, { allowInsecureConnection: true });

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('one npm start per checkout', () => {
  it('refuses a second start while the first runs, naming its process, and takes over a lock whose process is gone', async () => {
    const lockFile = join(tempDir(), '.local-stack.lock');
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    cleanups.push(() => void holder.kill('SIGKILL'));
    writeFileSync(lockFile, `${holder.pid}\n`);
    expect(() => acquireStackLock(lockFile)).toThrow(new RegExp(`running \\(process ${holder.pid}\\)`));

    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    const lock = acquireStackLock(lockFile);
    expect(existsSync(lockFile)).toBe(true);
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
  });
});

describe("a checkout's own Azurite", () => {
  it('starts its own beside one already listening on the preferred port, so the two stacks never share a table', async () => {
    const other = stopLater(await startAzurite({ location: tempDir(), silent: true }));
    const own = stopLater(await startOwnAzurite(tempDir(), other.port));
    expect(own.reused).toBe(false);
    expect(own.port).not.toBe(other.port);
    await table(own, 'Mine').createTable();
    await table(own, 'Mine').createEntity({ partitionKey: 'p', rowKey: 'r' });
    await expect(table(own, 'Mine').getEntity('p', 'r')).resolves.toMatchObject({ rowKey: 'r' });
    await expect(table(other, 'Mine').getEntity('p', 'r')).rejects.toMatchObject({ statusCode: 404 });
  }, 30_000);
});

describe('the Azurite watchdog', () => {
  it('starts a dead Azurite again on the same port, and says so at once', async () => {
    const location = tempDir();
    const warned: string[] = [];
    const gaveUp: string[] = [];
    const first = await startOwnAzurite(location, 0);
    const supervised = superviseAzurite(first, (port) => startAzurite({ port, location, silent: true }), {
      warn: (line) => warned.push(line),
      giveUp: (why) => gaveUp.push(why),
    });
    cleanups.push(() => supervised.stop());
    await table(first, 'Watched').createTable();

    process.kill(first.pid ?? 0, 'SIGKILL');
    expect(await until(async () => warned.length > 0, 5_000)).toBe(true);
    expect(warned[0]).toMatch(new RegExp(`Azurite exited with SIGKILL; starting it again on port ${first.port}`));
    expect(await until(async () => supervised.current() !== first, 20_000)).toBe(true);
    expect(supervised.current().port).toBe(first.port);
    await table(supervised.current(), 'Again').createTable();
    await table(supervised.current(), 'Again').createEntity({ partitionKey: 'p', rowKey: 'r' });
    expect(gaveUp).toEqual([]);
  }, 40_000);

  it('gives up, saying why, when Azurite keeps dying', async () => {
    const gaveUp: string[] = [];
    const first = await startOwnAzurite(tempDir(), 0);
    const supervised = superviseAzurite(
      first,
      () => Promise.reject(new Error('never called')),
      {
        warn: () => undefined,
        giveUp: (why) => gaveUp.push(why),
      },
      { maxRestarts: 0, windowMs: 60_000 },
    );
    cleanups.push(() => supervised.stop());
    process.kill(first.pid ?? 0, 'SIGKILL');
    expect(await until(async () => gaveUp.length > 0, 5_000)).toBe(true);
    expect(gaveUp[0]).toMatch(/Azurite exited with SIGKILL 1 times within 60 s/);
  }, 20_000);
});
