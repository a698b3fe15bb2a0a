import { createServer, type Server } from 'node:http';
import { FaultBook } from './faultBook';
import type { GraphDeps } from './handleGraphRequest';
import { KnownWorkbooks } from './knownWorkbooks';
import { OperationBook } from './operationBook';
import { seededRandom } from './seededRandom';
import { serveRequest } from './serveRequest';
import { SessionBook } from './sessionBook';
import { toFaultRule } from './toFaultRule';
import type { EmulatorOptions, GraphEmulator, RecordedCall } from './types';

// Every emulator owns its state (no module singletons), so tests can run several side by side on free ports.

/** Starts a Graph workbook emulator on 127.0.0.1 and resolves once it is listening. */
export async function startGraphEmulator(options: EmulatorOptions = {}): Promise<GraphEmulator> {
  const now = options.now ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  const asyncCreateMs = options.asyncCreateMs ?? 0;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) throw new TypeError('timeScale must be a positive number.');
  if (!(Number.isFinite(asyncCreateMs) && asyncCreateMs >= 0)) throw new TypeError('asyncCreateMs must be >= 0.');

  const sessions = new SessionBook(timeScale);
  const operations = new OperationBook(sessions);
  const workbooks = new KnownWorkbooks(options.workbooks);
  const faults = new FaultBook(seededRandom(options.seed ?? 1));
  let recorded: RecordedCall[] = [];
  const timers = new Set<NodeJS.Timeout>();
  // Latency faults are real time by design (they exercise the caller's timeouts), but close() must not wait.
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer();
  const port = await listen(server, options.port ?? 0);
  const url = `http://127.0.0.1:${port}/v1.0`;
  let closing: Promise<void> | undefined;

  const emulator: GraphEmulator = {
    url,
    port,
    addWorkbook: (driveId, itemId) => workbooks.add(driveId, itemId),
    addFault: (rule) => faults.add(toFaultRule(rule)),
    clearFaults: () => faults.clear(),
    failNextOperations: (n) => {
      if (!Number.isInteger(n) || n < 0) throw new TypeError('failNextOperations needs a non-negative integer.');
      operations.failNext(n);
    },
    sessions: () => {
      const at = now();
      operations.settle(at);
      return sessions.list(at);
    },
    activeSessions: () => emulator.sessions().filter((session) => session.state === 'active'),
    calls: () => recorded.map((call) => ({ ...call })),
    resetCalls: () => {
      recorded = [];
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Kept-alive sockets would otherwise hold server.close() open until their idle timeout.
        server.closeAllConnections();
      });
      return closing;
    },
  };

  const acceptToken = options.acceptToken ?? (() => true);
  const graph: GraphDeps = {
    sessions,
    operations,
    workbooks,
    faults,
    now,
    sleep,
    acceptToken,
    asyncCreateMs,
    baseUrl: url,
  };
  server.on('request', (req, res) => {
    const record = (call: RecordedCall): void => {
      recorded.push(call);
    };
    serveRequest(req, res, { graph, admin: emulator, record }).catch(() => res.destroy());
  });
  return emulator;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('The emulator has no TCP address.'));
      else resolve(address.port);
    });
  });
}
