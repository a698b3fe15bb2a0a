import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

const PATH = `/api/drives/${encodeURIComponent(WORKBOOK.driveId)}/items/${WORKBOOK.itemId}/workbook/createSession`;
const MiB = 1024 * 1024;

/**
 * Streams a chunked body of `total` bytes, in `chunk`-sized writes that wait for the socket, until the answer
 * comes. `ready` resolves once `first` bytes (under the limit) are on the wire; the rest waits for `go`.
 */
function streamBody(port: number, path: string, total: number, options: { first: number; go: Promise<void> }) {
  let answeredEarly = false;
  let readyResolve: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const status = new Promise<number>((resolve, reject) => {
    const outgoing = request({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json' },
    });
    let answered = false;
    outgoing.on('response', (incoming) => {
      answered = true;
      incoming.resume();
      incoming.on('end', () => resolve(incoming.statusCode ?? 0));
      outgoing.destroy();
    });
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const write = (bytes: Buffer) =>
      new Promise<void>((done) => (outgoing.write(bytes) ? done() : outgoing.once('drain', done)));
    void (async () => {
      await new Promise<void>((done) => outgoing.write(chunk.subarray(0, options.first), () => done()));
      readyResolve();
      await options.go;
      if (answered) answeredEarly = true;
      for (let sent = options.first; sent < total && !answered && !outgoing.destroyed; sent += chunk.length) {
        await Promise.race([write(chunk), status.catch(() => undefined)]);
      }
      if (!answered && !outgoing.destroyed) outgoing.end();
    })();
  });
  return { ready, status, answeredEarly: () => answeredEarly };
}

describe('bounded memory for any request body', () => {
  let child: ChildProcess;
  let port = 0;
  const ask = <T>(message: string) =>
    new Promise<T>((resolve) => {
      child.once('message', (answer) => resolve(answer as T));
      child.send(message);
    });
  beforeAll(async () => {
    child = spawn(process.execPath, ['-r', './test/support/requireTs.cjs', './test/support/bodyLimitChild.ts'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    port = (
      await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })))
    ).port;
  });
  afterAll(() => {
    child?.kill();
  });

  it("refuses twelve concurrent 100 MiB chunked bodies with 413, growing the host's RSS by under 50 MB", async () => {
    // Warm up once, so the baseline includes the code paths and not just an idle process.
    let go: () => void = () => undefined;
    const warm = streamBody(port, PATH, MiB, { first: 1024, go: Promise.resolve() });
    expect(await warm.status).toBe(413);
    const before = await ask<{ rss: number; maxRss: number }>('rss');
    const started = new Promise<void>((resolve) => (go = resolve));
    const bodies = Array.from({ length: 12 }, () =>
      streamBody(port, PATH, 100 * MiB, { first: 8 * 1024, go: started }),
    );
    // The overlap this test relies on: all twelve requests are open, each with part of its body sent, before any
    // of them streams past the limit.
    await Promise.all(bodies.map((body) => body.ready));
    go();
    const statuses = await Promise.all(bodies.map((body) => body.status));
    expect(statuses).toEqual(Array(12).fill(413));
    expect(bodies.some((body) => body.answeredEarly())).toBe(false);
    const after = await ask<{ rss: number; maxRss: number }>('rss');
    const growthMb = (Math.max(after.maxRss, after.rss) - before.rss) / 1e6;
    expect(growthMb, `RSS grew ${growthMb.toFixed(1)} MB`).toBeLessThan(50);
  });
});

describe('a declared length over the limit', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack();
  });
  afterAll(async () => stack?.close());

  it.each(['createSession', 'refreshSession', 'closeSession'])(
    'is refused by %s with 413 before any of the body is sent',
    async (action) => {
      stack.emulator.resetCalls();
      const url = new URL(stack.sessionUrl(action));
      const status = await new Promise<number>((resolve, reject) => {
        const outgoing = request({
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': '1000000000000',
            'workbook-session-id': 'cluster=EMU1&session=x',
          },
        });
        outgoing.on('response', (incoming) => {
          incoming.resume();
          resolve(incoming.statusCode ?? 0);
          outgoing.destroy();
        });
        outgoing.on('error', reject);
        outgoing.flushHeaders(); // headers only: not one byte of the trillion
      });
      expect(status).toBe(413);
      expect(stack.emulator.calls()).toHaveLength(0);
    },
  );
});
