import type {
  GraphDependency,
  Telemetry,
  TelemetryEventName,
  TelemetryProperties,
} from '../../shared/telemetry/telemetry';

/*
 * What the telemetry child process emits, shared with the test that checks what arrived. The secrets are fakes built
 * at run time (no token-shaped literal in the repository for a scanner to flag): an unsigned JWT and an opaque key.
 */
const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
export const FAKE_JWT = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ aud: 'https://graph.microsoft.com', fake: 'for-a-test' })}.`;
export const FAKE_KEY = 'fAkE0key1for2a3test4only5'.repeat(2);

export const SCENARIO_EVENTS: ReadonlyArray<readonly [TelemetryEventName, TelemetryProperties]> = [
  [
    'SessionCreated',
    {
      session: 'hSess0000000001',
      persistChanges: true,
      idleTimeoutSeconds: 300,
      owned: false,
      authorization: `Bearer ${FAKE_JWT}`,
    },
  ],
  ['SessionRefreshed', { session: 'hSess0000000001', by: 'caller', note: FAKE_JWT }],
  ['SessionClosed', { session: 'hSess0000000001', reason: 'closedByCaller', apiKey: 'short' }],
  ['SessionExpired', { session: 'hSess0000000002', by: 'sweep', detail: `graph said ${FAKE_KEY}` }],
  ['SessionAbandoned', { session: 'hSess0000000003', idleSeconds: 1900, connection: `AccountKey=${FAKE_KEY};` }],
  ['SweepCompleted', { seen: 5, refreshed: 2, closed: 1, expired: 1, failed: 0, durationMs: 1234, note: undefined }],
  ['GraphThrottled', { action: 'refreshSession', status: 429, retryAfterSeconds: 7 }],
];

export const SCENARIO_DEPENDENCIES: readonly GraphDependency[] = [
  { name: 'createSession', method: 'POST', target: 'graph.microsoft.com', status: 201, durationMs: 42, success: true },
  { name: 'refreshSession', method: 'POST', target: 'graph.microsoft.com', status: 429, durationMs: 7, success: false },
  { name: 'getOperation', method: 'GET', target: 'graph.microsoft.com', status: 0, durationMs: 30_000, success: false },
];

export function emitScenario(telemetry: Telemetry): void {
  for (const [name, properties] of SCENARIO_EVENTS) telemetry.event(name, properties);
  for (const call of SCENARIO_DEPENDENCIES) telemetry.dependency(call);
}

/** What the child prints as its last line of output. */
export interface ChildReport {
  /** Which telemetry createTelemetry chose. */
  readonly telemetry: 'none' | 'appInsights';
  /** Telemetry-SDK modules in require.cache at each step. */
  readonly sdkModulesAfterCreate: number;
  readonly sdkModulesAfterEmit: number;
  readonly sdkModulesAtEnd: number;
  /** A module the child surely loaded, to show the probe sees the cache at all. */
  readonly probeSeesConfigModule: boolean;
  readonly createMs: number;
  readonly flushMs: number;
  readonly totalMs: number;
}

/** applicationinsights and what only it brings: the Azure Monitor distro and exporter, OpenTelemetry. */
export const TELEMETRY_SDK_MODULE =
  /[\\/]node_modules[\\/](?:applicationinsights|@azure[\\/]monitor-opentelemetry[^\\/]*|@opentelemetry)[\\/]/;
