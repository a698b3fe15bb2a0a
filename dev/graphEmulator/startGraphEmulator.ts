import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { Concurrency } from './concurrency';
import { FaultBook } from './faultBook';
import type { GraphDeps } from './handleGraphRequest';
import { OperationBook } from './operationBook';
import { seededRandom } from './seededRandom';
import { serveRequest } from './serveRequest';
import { SessionBook } from './sessionBook';
import { StateFile } from './stateFile';
import { toFaultRule } from './toFaultRule';
import type { EmulatorOptions, EmulatorSettings, GraphEmulator, RecordedCall } from './types';
import { LocalDrive } from './workbook/localDrive';
import { SessionCopies } from './workbook/sessionCopies';
import { WorkbookStore } from './workbook/workbookStore';

// Every emulator owns its state (no module singletons), so tests can run several side by side on free ports.

/** Starts a Graph workbook emulator on 127.0.0.1 and resolves once it is listening. */
export async function startGraphEmulator(options: EmulatorOptions = {}): Promise<GraphEmulator> {
  const now = options.now ?? Date.now;
  const timeScale = options.timeScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale > 0)) throw new TypeError('timeScale must be a positive number.');
  const settings = checkedSettings({
    asyncCreateMs: options.asyncCreateMs ?? 0,
    asyncRowsMs: options.asyncRowsMs ?? 0,
    contention: options.contention ?? false,
  });

  const drive = await LocalDrive.open(options.drive);
  for (const { driveId, itemId } of options.workbooks ?? []) drive.addMemoryItem(driveId, itemId);
  const stateFolder = drive.folderPath === undefined ? undefined : path.join(drive.folderPath, '.emulator');
  const store = new WorkbookStore(stateFolder === undefined ? undefined : path.join(stateFolder, 'sessions'), now);
  const copies = new SessionCopies(drive, store);
  const sessions = new SessionBook(timeScale);
  const operations = new OperationBook(sessions, (session) => copies.begin(session));
  const state =
    stateFolder === undefined
      ? undefined
      : new StateFile(path.join(stateFolder, 'state.json'), () => ({
          sessions: sessions.snapshot(),
          operations: operations.snapshot(),
        }));
  restore(state, sessions, operations, copies);
  await copies.endGone(sessions, now());

  const faults = new FaultBook(seededRandom(options.seed ?? 1));
  const concurrency = new Concurrency();
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
    addWorkbook: (driveId, itemId) => drive.addMemoryItem(driveId, itemId),
    workbooks: () =>
      drive
        .list()
        .map(({ driveId, itemId, name, file }) => ({ driveId, itemId, name, ...(file === undefined ? {} : { file }) })),
    settings: () => ({ ...settings }),
    configure: (patch) => Object.assign(settings, checkedSettings({ ...settings, ...patch })),
    concurrency: () => concurrency.report(),
    resetConcurrency: () => concurrency.reset(),
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
    calls: () =>
      recorded.map((call) => ({ ...call, headers: { ...call.headers }, headerNames: [...call.headerNames] })),
    resetCalls: () => {
      recorded = [];
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        state?.close();
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
    drive,
    store,
    copies,
    faults,
    concurrency,
    now,
    sleep,
    acceptToken,
    asyncCreateMs: () => settings.asyncCreateMs,
    asyncRowsMs: () => settings.asyncRowsMs,
    contention: () => settings.contention,
    baseUrl: url,
  };
  server.on('request', (req, res) => {
    const record = (call: RecordedCall): void => {
      recorded.push(call);
      state?.schedule();
    };
    serveRequest(req, res, { graph, admin: emulator, record }).catch(() => res.destroy());
  });
  return emulator;
}

function restore(
  state: StateFile | undefined,
  sessions: SessionBook,
  operations: OperationBook,
  copies: SessionCopies,
): void {
  const saved = state?.load();
  if (saved === undefined) return;
  sessions.restore(saved.sessions);
  operations.restore(saved.operations);
  for (const session of saved.sessions) copies.adopt({ ...session, state: 'active' });
}

function checkedSettings(settings: EmulatorSettings): EmulatorSettings {
  for (const name of ['asyncCreateMs', 'asyncRowsMs'] as const) {
    const value = settings[name];
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0))
      throw new TypeError(`${name} must be a number >= 0.`);
  }
  if (typeof settings.contention !== 'boolean') throw new TypeError('contention must be a boolean.');
  return { asyncCreateMs: settings.asyncCreateMs, asyncRowsMs: settings.asyncRowsMs, contention: settings.contention };
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
