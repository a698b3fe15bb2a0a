import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAppInsightsTelemetry, type AppInsightsTelemetryOptions } from '../shared/telemetry/appInsightsTelemetry';
import type { AppInsightsClient } from '../shared/telemetry/loadAppInsightsClient';
import { looksLikeSecret, toEventData } from '../shared/telemetry/sanitizeProperties';
import { FAKE_JWT } from './support/telemetryScenario';

/*
 * The adapter's own rules — when it loads the SDK, what it buffers, how it fails — with a fake SDK client in place
 * of applicationinsights. What the real SDK sends is test/telemetry.test.ts's business.
 */

interface FakeSdk {
  readonly loads: string[];
  readonly sent: Array<[string, unknown]>;
  flushes: number;
  loadClient: NonNullable<AppInsightsTelemetryOptions['loadClient']>;
}

function fakeSdk(client: Partial<AppInsightsClient> = {}): FakeSdk {
  const sdk: FakeSdk = {
    loads: [],
    sent: [],
    flushes: 0,
    loadClient: async (connectionString) => {
      sdk.loads.push(connectionString);
      return {
        trackEvent: (event) => void sdk.sent.push(['event', event]),
        trackDependency: (dependency) => void sdk.sent.push(['dependency', dependency]),
        flush: async () => void sdk.flushes++,
        ...client,
      };
    },
  };
  return sdk;
}

const CS = 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/';

/** Lets the adapter's deferred load (a setImmediate) and what follows it run. */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

afterEach(() => {
  vi.useRealTimers();
});

describe('the Application Insights adapter', () => {
  it('loads nothing when created, and loads once, after the emitting call, when something is emitted', async () => {
    const sdk = fakeSdk();
    const telemetry = createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient });
    await settle();
    expect(sdk.loads).toEqual([]);

    telemetry.event('SessionClosed', { session: 's1' });
    telemetry.event('SessionClosed', { session: 's2' });
    for (let i = 0; i < 20; i++) await Promise.resolve(); // the invocation's own promise chain runs on first
    expect(sdk.loads).toEqual([]);
    await settle();
    expect(sdk.loads).toEqual([CS]);
    expect(sdk.sent.map(([, item]) => (item as { properties: unknown }).properties)).toEqual([
      { session: 's1' },
      { session: 's2' },
    ]);
  });

  it('sends what was buffered while loading in order, then sends directly', async () => {
    const sdk = fakeSdk();
    const telemetry = createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient });
    telemetry.event('SessionCreated', { session: 'a' });
    telemetry.dependency({
      name: 'createSession',
      method: 'POST',
      target: 'graph.microsoft.com',
      status: 201,
      durationMs: 5,
      success: true,
    });
    await settle();
    telemetry.event('SessionClosed', { session: 'a' });
    expect(sdk.sent.map(([kind, item]) => `${kind}:${(item as { name: string }).name}`)).toEqual([
      'event:SessionCreated',
      'dependency:createSession',
      'event:SessionClosed',
    ]);
  });

  it('keeps at most maxBuffered items while loading, dropping the oldest', async () => {
    const sdk = fakeSdk();
    const telemetry = createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient, maxBuffered: 3 });
    for (const n of [1, 2, 3, 4, 5]) telemetry.event('SessionRefreshed', { n });
    await settle();
    expect(sdk.sent.map(([, item]) => (item as { measurements: { n: number } }).measurements.n)).toEqual([3, 4, 5]);
  });

  it('maps a Graph call to an HTTP dependency the exporter keeps as HTTP, without a URL', async () => {
    const sdk = fakeSdk();
    const telemetry = createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient });
    telemetry.dependency({
      name: 'refreshSession',
      method: 'POST',
      target: 'graph.microsoft.com',
      status: 429,
      durationMs: 12,
      success: false,
    });
    await settle();
    expect(sdk.sent).toEqual([
      [
        'dependency',
        {
          name: 'refreshSession',
          target: 'graph.microsoft.com',
          dependencyTypeName: 'HTTP',
          resultCode: 429,
          duration: 12,
          success: false,
          properties: { 'http.method': 'POST' },
        },
      ],
    ]);
  });

  it('does not load the SDK to flush when nothing was emitted', async () => {
    const sdk = fakeSdk();
    await createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient }).flush();
    expect(sdk.loads).toEqual([]);
  });

  it('flush waits for the load and for the SDK flush', async () => {
    const sdk = fakeSdk();
    const telemetry = createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient });
    telemetry.event('SweepCompleted', { seen: 1 });
    await telemetry.flush();
    expect(sdk.sent).toHaveLength(1);
    expect(sdk.flushes).toBe(1);
  });

  it('gives up waiting on a flush after flushTimeoutMs and says so, without throwing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const errors: string[] = [];
    const sdk = fakeSdk({ flush: () => new Promise<void>(() => undefined) });
    const telemetry = createAppInsightsTelemetry(CS, {
      loadClient: sdk.loadClient,
      flushTimeoutMs: 5000,
      onError: (m) => errors.push(m),
    });
    telemetry.event('SweepCompleted', { seen: 1 });
    let done = false;
    const flushed = telemetry.flush().then(() => void (done = true));
    await settle();
    await vi.advanceTimersByTimeAsync(4999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await flushed;
    expect(errors).toEqual(['Application Insights did not flush within 5000 ms; it keeps retrying.']);
  });

  it('turns itself off when the SDK cannot be loaded: one report, no throw, nothing kept', async () => {
    const errors: unknown[] = [];
    let loads = 0;
    const telemetry = createAppInsightsTelemetry(CS, {
      loadClient: async () => {
        loads++;
        throw new Error("Cannot find module 'applicationinsights'");
      },
      onError: (message, error) => errors.push([message, (error as Error).message]),
    });
    telemetry.event('SessionCreated', { session: 'a' });
    await telemetry.flush();
    telemetry.event('SessionCreated', { session: 'b' });
    await telemetry.flush();
    expect(loads).toBe(1);
    expect(errors).toEqual([
      [
        'Application Insights could not be loaded; telemetry is off for this process.',
        "Cannot find module 'applicationinsights'",
      ],
    ]);
  });

  it.each(['', 'garbage', 'InstrumentationKey=not-a-guid', 'IngestionEndpoint=https://example.invalid/'])(
    'refuses the connection string %j out loud, where the SDK would drop everything silently',
    async (connectionString) => {
      const sdk = fakeSdk();
      const errors: string[] = [];
      const telemetry = createAppInsightsTelemetry(connectionString, {
        loadClient: sdk.loadClient,
        onError: (m) => errors.push(m),
      });
      telemetry.event('SessionCreated', { session: 'a' });
      await telemetry.flush();
      expect(sdk.loads).toEqual([]);
      expect(errors).toEqual([
        'The Application Insights connection string has no InstrumentationKey=<GUID>; telemetry is off.',
      ]);
    },
  );

  it('never throws into the broker when the SDK throws', async () => {
    const errors: string[] = [];
    const sdk = fakeSdk({
      trackEvent: () => {
        throw new TypeError('boom');
      },
      flush: () => Promise.reject(new Error('socket hang up')),
    });
    const telemetry = createAppInsightsTelemetry(CS, { loadClient: sdk.loadClient, onError: (m) => errors.push(m) });
    telemetry.event('SessionCreated', { session: 'a' });
    await settle();
    expect(() => telemetry.event('SessionCreated', { session: 'b' })).not.toThrow();
    await expect(telemetry.flush()).resolves.toBeUndefined();
    expect(errors).toEqual([
      'Application Insights rejected a telemetry item.',
      'Application Insights rejected a telemetry item.',
      'Application Insights flush failed.',
    ]);
  });
});

describe('event properties on their way to Application Insights', () => {
  it('makes finite numbers measurements, booleans and text dimensions, and leaves undefined out', () => {
    expect(toEventData({ seen: 5, ratio: 0.5, odd: Number.NaN, owned: false, by: 'sweep', note: undefined })).toEqual({
      properties: { odd: 'NaN', owned: 'false', by: 'sweep' },
      measurements: { seen: 5, ratio: 0.5 },
    });
  });

  it.each([
    'authorization',
    'Authorization',
    'accessToken',
    'refresh_token',
    'clientSecret',
    'password',
    'apiKey',
    'x-functions-key',
    'cookie',
    'connectionString',
  ])('redacts a property named %s whatever its value', (name) => {
    expect(toEventData({ [name]: 'plain' }).properties).toEqual({ [name]: '[redacted]' });
  });

  it.each([
    ['a bearer header', 'Bearer abc.def'],
    ['the bare word', 'bearer'],
    ['a JWT', FAKE_JWT],
    ['a JWT inside text', `token was ${FAKE_JWT}`],
    ['a storage key', 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123=='],
    ['a SAS signature', 'https://a.blob.core.windows.net/c?sv=2024&sig=abcdef%3D'],
    ['a function key in a query', '/api/x?code=abc'],
    ['a long opaque key', `${'k3Y'.repeat(11)}`],
  ])('redacts %s in a value', (_, value) => {
    expect(looksLikeSecret(value)).toBe(true);
    expect(toEventData({ detail: value }).properties).toEqual({ detail: '[redacted]' });
  });

  it.each([
    ['a hashed session id', 'AbCdEf0123456789'],
    ['a GUID', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['a drive id', 'b!s3cOndDr1veIdThatIsQuiteLongButHasAnExclamationMark0123456789'],
    ['a host', 'graph.microsoft.com'],
    ['a reason', 'closedBySweep'],
    ['a Graph error code', 'InvalidSessionReCreatable'],
  ])('keeps %s', (_, value) => {
    expect(looksLikeSecret(value)).toBe(false);
    expect(toEventData({ detail: value }).properties).toEqual({ detail: value });
  });
});
