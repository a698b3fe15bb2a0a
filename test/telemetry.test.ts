import { dirname } from 'node:path';
import { startIdentityEndpoint } from '../dev/identityEndpoint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startBrokerStack } from './support/brokerStack';
import {
  startIngestionCollector,
  type Envelope,
  type IngestionCollector,
  type ReceivedRequest,
} from './support/ingestionCollector';
import { runTelemetryChild, type ChildRun } from './support/runTelemetryChild';
import { selfSignedCertificate, type SelfSignedCertificate } from './support/selfSignedCertificate';
import { FAKE_JWT, FAKE_KEY, TELEMETRY_SDK_MODULE } from './support/telemetryScenario';

/*
 * Application Insights end to end: a child process builds telemetry as production does and sends to a local HTTPS
 * ingestion collector (the SDK only speaks TLS, and trusts our certificate through NODE_EXTRA_CA_CERTS, which Node
 * reads at start only — hence the child). What the child emits is test/support/telemetryScenario.ts.
 */

// An all-zero instrumentation key: valid in form, owned by no one.
const IKEY = '00000000-0000-0000-0000-000000000000';

let cert: SelfSignedCertificate;
let collector: IngestionCollector;
beforeAll(async () => {
  cert = await selfSignedCertificate();
  collector = await startIngestionCollector(cert);
});
afterAll(async () => {
  await collector?.close();
  await cert?.remove();
});

/** The settings of a quiet test process: no statsbeat, no SDK stats, no Azure metadata probe, every span kept. */
function childSettings(extra: Record<string, string> = {}): Record<string, string> {
  const tmp = dirname(cert.certPath); // the SDK's offline storage, should a send fail, lands here and is removed
  return {
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
    OTEL_TRACES_SAMPLER: 'always_on',
    FUNCTIONS_WORKER_RUNTIME: 'node',
    TMPDIR: tmp,
    TMP: tmp,
    TEMP: tmp,
    ...extra,
  };
}

const eventsIn = (envelopes: readonly Envelope[]) => envelopes.filter((e) => e.data?.baseType === 'EventData');
const dependenciesIn = (envelopes: readonly Envelope[]) =>
  envelopes.filter((e) => e.data?.baseType === 'RemoteDependencyData');

describe('with APPLICATIONINSIGHTS_CONNECTION_STRING set', () => {
  let run: ChildRun;
  let received: ReceivedRequest[];
  let envelopes: Envelope[];
  beforeAll(async () => {
    const before = collector.requests.length;
    run = await runTelemetryChild(
      childSettings({
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=${collector.url}/`,
        NODE_EXTRA_CA_CERTS: cert.certPath,
      }),
    );
    received = collector.requests.slice(before);
    envelopes = received.flatMap((r) => r.envelopes);
  });

  it('creates Application Insights telemetry that loads the SDK after the emitting call, not when created', () => {
    expect(run.report).toMatchObject({ telemetry: 'appInsights', sdkModulesAfterCreate: 0, sdkModulesAfterEmit: 0 });
    expect(run.report.sdkModulesAtEnd).toBeGreaterThan(0);
    expect(run.stderr).not.toMatch(/Application Insights/);
  });

  it('posts only to /v2.1/track, for the instrumentation key of the connection string', () => {
    expect(received.length).toBeGreaterThan(0);
    expect(received.map((r) => `${r.method} ${r.path}`)).toEqual(received.map(() => 'POST /v2.1/track'));
    expect(new Set(envelopes.map((e) => e.iKey))).toEqual(new Set([IKEY]));
  });

  it.each([
    [
      'SessionCreated',
      { session: 'hSess0000000001', persistChanges: 'true', owned: 'false', authorization: '[redacted]' },
      { idleTimeoutSeconds: 300 },
    ],
    ['SessionRefreshed', { session: 'hSess0000000001', by: 'caller', note: '[redacted]' }, {}],
    ['SessionClosed', { session: 'hSess0000000001', reason: 'closedByCaller', apiKey: '[redacted]' }, {}],
    ['SessionExpired', { session: 'hSess0000000002', by: 'sweep', detail: '[redacted]' }, {}],
    ['SessionAbandoned', { session: 'hSess0000000003', connection: '[redacted]' }, { idleSeconds: 1900 }],
    ['SweepCompleted', {}, { seen: 5, refreshed: 2, closed: 1, expired: 1, failed: 0, durationMs: 1234 }],
    ['GraphThrottled', { action: 'refreshSession' }, { status: 429, retryAfterSeconds: 7 }],
  ])(
    'sends %s once, as a custom event with text dimensions and numeric measurements',
    (name, properties, measurements) => {
      const sent = eventsIn(envelopes).filter((e) => e.data?.baseData?.name === name);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.name).toBe('Microsoft.ApplicationInsights.Event');
      expect(sent[0]?.data?.baseData?.properties).toEqual(properties);
      expect(sent[0]?.data?.baseData?.measurements ?? {}).toEqual(measurements);
    },
  );

  it('sends each Graph call as an HTTP dependency with its target, result code, duration and outcome', () => {
    const sent = dependenciesIn(envelopes).map((e) => {
      const d = e.data?.baseData;
      return {
        envelope: e.name,
        name: d?.name,
        type: d?.type,
        target: d?.target,
        resultCode: d?.resultCode,
        duration: d?.duration,
        success: d?.success,
      };
    });
    const common = {
      envelope: 'Microsoft.ApplicationInsights.RemoteDependency',
      type: 'Http',
      target: 'graph.microsoft.com',
    };
    expect(sent.sort((a, b) => String(a.name).localeCompare(String(b.name)))).toEqual([
      { ...common, name: 'createSession', resultCode: '201', duration: '00:00:00.042', success: true },
      { ...common, name: 'getOperation', resultCode: '0', duration: '00:00:30.000', success: false },
      { ...common, name: 'refreshSession', resultCode: '429', duration: '00:00:00.007', success: false },
    ]);
    // No URL: it would carry drive and item ids, and the exporter would rename the dependency after its path.
    expect(dependenciesIn(envelopes).map((e) => e.data?.baseData?.data ?? '')).toEqual(['', '', '']);
  });

  it('sends no token, key or "Bearer" anywhere: not in a body, not in a header', () => {
    const everything = received.map((r) => `${JSON.stringify(r.headers)}\n${r.text}`).join('\n');
    expect(everything).not.toMatch(/bearer/i);
    expect(everything).not.toContain(FAKE_JWT.split('.')[0]);
    expect(everything).not.toContain(FAKE_JWT.split('.')[1]);
    expect(everything).not.toContain(FAKE_KEY);
    expect(received.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('with APPLICATIONINSIGHTS_AUTHENTICATION_STRING set too (Application Insights without local authentication)', () => {
  it("sends every item with a token of the managed identity the setting names, for Azure Monitor's audience", async () => {
    const identity = await startIdentityEndpoint();
    try {
      const before = collector.requests.length;
      const clientId = '0b6f7c2e-1d3a-4e5f-8a9b-0c1d2e3f4a5b';
      const run = await runTelemetryChild(
        childSettings({
          APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${IKEY};IngestionEndpoint=${collector.url}/`,
          APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `ClientId=${clientId};Authorization=AAD`,
          IDENTITY_ENDPOINT: identity.url,
          IDENTITY_HEADER: identity.header,
          NODE_EXTRA_CA_CERTS: cert.certPath,
        }),
      );
      expect(run.report.telemetry).toBe('appInsights');
      const received = collector.requests.slice(before);
      expect(eventsIn(received.flatMap((r) => r.envelopes)).length).toBeGreaterThan(0);
      for (const request of received) {
        const token = /^Bearer (.+)$/.exec(String(request.headers.authorization))?.[1] ?? '';
        expect(identity.verify(token), 'a token the identity endpoint issued').toBe(true);
      }
      expect(identity.requests().map((r) => [r.resource, r.clientId])).toContainEqual([
        'https://monitor.azure.com',
        clientId,
      ]);
    } finally {
      await identity.close();
    }
  });
});

describe('without APPLICATIONINSIGHTS_CONNECTION_STRING', () => {
  it('in a fresh process, creates no-op telemetry, emits and flushes without ever loading the SDK, and sends nothing', async () => {
    const connectionsBefore = collector.connections();
    const run = await runTelemetryChild(childSettings({ NODE_EXTRA_CA_CERTS: cert.certPath }));
    expect(run.report).toMatchObject({
      telemetry: 'none',
      sdkModulesAfterCreate: 0,
      sdkModulesAfterEmit: 0,
      sdkModulesAtEnd: 0,
    });
    expect(run.report.probeSeesConfigModule).toBe(true); // the cache probe does see what the child loaded
    expect(collector.connections()).toBe(connectionsBefore);
  });

  it('serves create, refresh, close and a sweep through the production wiring without loading the SDK', async () => {
    const stack = await startBrokerStack();
    try {
      const created = await post(stack.sessionUrl('createSession'), {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await post(stack.sessionUrl('refreshSession'), { headers: { 'workbook-session-id': id } })).status).toBe(
        204,
      );
      expect((await post(stack.sessionUrl('closeSession'), { headers: { 'workbook-session-id': id } })).status).toBe(
        204,
      );
      await stack.host.invoke('sweepSessions'); // the timer, awaited: it ends with telemetry.flush()
    } finally {
      await stack.close();
    }
    // vitest imports packages with Node's own loaders: a CommonJS package — @azure/functions, applicationinsights —
    // lands in require.cache however it was imported (ESM builds, like @azure/data-tables', do not).
    const sdkModules = () => Object.keys(require.cache).filter((path) => TELEMETRY_SDK_MODULE.test(path));
    expect(
      Object.keys(require.cache).some((path) => /[\\/]node_modules[\\/]@azure[\\/]functions[\\/]/.test(path)),
    ).toBe(true);
    expect(sdkModules()).toEqual([]);
    // And the probe is not blind: once imported, the SDK shows.
    await import('applicationinsights');
    expect(sdkModules().length).toBeGreaterThan(0);
  });
});
