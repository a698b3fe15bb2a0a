import { TableClient } from '@azure/data-tables';
import { inject } from 'vitest';
import { startGraphEmulator, type EmulatorOptions, type GraphEmulator } from '../../dev/graphEmulator';
import { startIdentityEndpoint, type IdentityEndpoint } from '../../dev/identityEndpoint';
import { startLocalHost, type LocalHost, type LocalHostOptions } from '../../dev/localHost';
import { startCountingTableProxy, type CountingTableProxy } from '../../dev/countingTableProxy';
import { createDeps } from '../../host/productionDeps';
import { loadConfig } from '../../shared/config';
import type { Deps } from '../../shared/deps';
import type { Telemetry } from '../../shared/telemetry/telemetry';
import { testTableName } from './azurite';
import { LEASE_ROW_KEY } from '../../shared/store/sessionKeys';

export const WORKBOOK = { driveId: 'b!test-drive-0001', itemId: '01TESTWORKBOOK' } as const;

/**
 * A clock tests move by hand; the broker and the emulator both read it. The broker's waits move it too. Its functions
 * are properties, not methods: they are handed around on their own (`now: clock.now`) and use no `this`.
 */
export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
  sleep: (ms: number) => Promise<void>;
  /** Background timers (renewals) fire as the clock passes their time, however it was moved. */
  every: (ms: number, tick: () => void) => () => void;
  /** Everything the broker slept, in order. */
  readonly slept: number[];
}

export function testClock(start = Date.UTC(2026, 10, 22, 9, 0, 0)): TestClock {
  let t = start;
  const slept: number[] = [];
  const timers = new Set<{ next: number; readonly ms: number; readonly tick: () => void }>();
  // A timer that fell due fires once, then counts on from now: a jump of minutes is not a burst of renewals.
  const moveTo = (to: number) => {
    t = to;
    for (const timer of [...timers]) {
      if (timer.next > t) continue;
      timer.next = t + timer.ms;
      timer.tick();
    }
  };
  return {
    now: () => t,
    advance: (ms) => moveTo(t + ms),
    slept,
    sleep: async (ms) => {
      slept.push(ms);
      moveTo(t + ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
    every: (ms, tick) => {
      const timer = { next: t + ms, ms, tick };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
  };
}

export interface BrokerStack {
  readonly url: string;
  readonly emulator: GraphEmulator;
  readonly identity: IdentityEndpoint;
  readonly host: LocalHost;
  readonly deps: Deps;
  readonly table: TableClient;
  readonly clock: TestClock;
  /** Every line the functions logged. */
  readonly logs: string[];
  /** The broker's table operations since the last reset (with `countTableOps`). */
  readonly tableOps: CountingTableProxy | undefined;
  /**
   * The broker's records in its table (sessions, operations, keys), each as Table Storage holds it. The workbook
   * gate's lease rows are not among them: a lease lingers a moment after a call (so the caller's next call writes
   * nothing), which is the gate's business, not a record's — `leaseRows` has them.
   */
  rows(): Promise<Array<Record<string, unknown>>>;
  leaseRows(): Promise<Array<Record<string, unknown>>>;
  sessionUrl(action: string, workbook?: { driveId: string; itemId: string }): string;
  close(): Promise<void>;
}

let identity: Promise<IdentityEndpoint> | undefined;

/**
 * The broker as it runs under `npm start`, on free ports: the local host serving the real function files, the
 * real managed-identity credential against the local identity endpoint, the Graph emulator over HTTP, and Azurite.
 * The identity endpoint is one per test process: the SDK fixes the endpoint at its first token request.
 */
export async function startBrokerStack(
  options: {
    settings?: Record<string, string>;
    emulator?: EmulatorOptions;
    clock?: TestClock;
    cors?: LocalHostOptions['cors'];
    routeOrder?: LocalHostOptions['routeOrder'];
    /** Watches what the broker reports, in place of Application Insights. */
    telemetry?: Telemetry;
    /** Graph call timings short enough for a test to wait out (real time: they bound waits on the network). */
    graphCallTimeoutMs?: number;
    graphCallHoldMs?: number;
    /** The broker talks to Azurite through a proxy that counts its table operations (`tableOps`). */
    countTableOps?: boolean;
  } = {},
): Promise<BrokerStack> {
  identity ??= startIdentityEndpoint().then((endpoint) => {
    process.env.IDENTITY_ENDPOINT = endpoint.url;
    process.env.IDENTITY_HEADER = endpoint.header;
    return endpoint;
  });
  const id = await identity;
  const clock = options.clock ?? testClock();
  const emulator = await startGraphEmulator({
    workbooks: [WORKBOOK],
    acceptToken: (token) => id.verify(token),
    now: clock.now,
    ...options.emulator,
  });
  const tableName = testTableName('broker');
  const connection = inject('azuriteConnectionString');
  const counter = options.countTableOps ? await startCountingTableProxy(connection) : undefined;
  const logs: string[] = [];
  // The host listens first, so the deps know its address (the broker's own, for the Locations it hands out).
  let deps: Deps | undefined;
  const host = await startLocalHost({
    port: 0,
    deps: () => {
      if (deps === undefined) throw new Error('The deps are not built yet.');
      return deps;
    },
    timers: false,
    log: (line) => logs.push(line),
    cors: options.cors,
    ...(options.routeOrder ? { routeOrder: options.routeOrder } : {}),
  });
  const config = loadConfig({
    IDENTITY_ENDPOINT: id.url,
    IDENTITY_HEADER: id.header,
    GRAPH_BASE_URL: emulator.url,
    SESSION_TABLE_CONNECTION: counter?.connectionString ?? connection,
    SESSION_TABLE_NAME: tableName,
    ALLOWED_DRIVE_IDS: '*',
    PUBLIC_BASE_URL: host.url,
    ...options.settings,
  });
  deps = createDeps(config, clock, {
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.graphCallTimeoutMs === undefined ? {} : { graphCallTimeoutMs: options.graphCallTimeoutMs }),
    ...(options.graphCallHoldMs === undefined ? {} : { graphCallHoldMs: options.graphCallHoldMs }),
  });
  const table = TableClient.fromConnectionString(connection, tableName, { allowInsecureConnection: true });
  return {
    url: host.url,
    emulator,
    identity: id,
    host,
    deps,
    table,
    clock,
    logs,
    tableOps: counter,
    async rows() {
      return (await allRows(table)).filter((row) => row.rowKey !== LEASE_ROW_KEY);
    },
    async leaseRows() {
      return (await allRows(table)).filter((row) => row.rowKey === LEASE_ROW_KEY);
    },
    sessionUrl(action, workbook = WORKBOOK) {
      return `${host.url}/api/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${action}`;
    },
    async close() {
      await host.close();
      await emulator.close();
      await counter?.close();
    },
  };
}

async function allRows(table: TableClient): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  try {
    for await (const entity of table.listEntities()) rows.push(entity);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error; // table not created yet: no rows
  }
  return rows;
}

/** POST to one of the broker's session routes. */
export function post(url: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: init.headers, body: init.body ?? '' });
}
