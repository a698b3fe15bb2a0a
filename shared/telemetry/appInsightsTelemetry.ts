import { loadAppInsightsClient, type AppInsightsClient } from './loadAppInsightsClient';
import { safeText, toEventData } from './sanitizeProperties';
import { noTelemetry, type GraphDependency, type Telemetry } from './telemetry';

export interface AppInsightsTelemetryOptions {
  /** Items held while the SDK loads; past this the oldest are dropped. Default 1000. */
  readonly maxBuffered?: number;
  /** How long `flush()` waits for the SDK's own flush (which retries a dead endpoint for seconds). Default 5000. */
  readonly flushTimeoutMs?: number;
  /**
   * Told when telemetry cannot do its job: a connection string without a key or an SDK that will not load (both
   * turn it off), an item the SDK throws on, a flush that fails or times out.
   */
  readonly onError?: (message: string, error?: unknown) => void;
  /** Makes the SDK client. Default: `loadAppInsightsClient`; tests pass a fake. */
  readonly loadClient?: (connectionString: string) => Promise<AppInsightsClient>;
}

type Send = (client: AppInsightsClient) => void;
type Report = (message: string, error?: unknown) => void;

// https://learn.microsoft.com/azure/azure-monitor/app/connection-strings#connection-string-format
const INSTRUMENTATION_KEY =
  /(?:^|;)\s*InstrumentationKey\s*=\s*[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\s*(?:;|$)/i;

/**
 * Telemetry to Application Insights, costing nothing until used: the SDK is loaded on the first event, dependency
 * or flush, in a later turn of the event loop (so the invocation that emitted it answers first), and what is
 * emitted meanwhile is buffered, bounded, then sent in order. Telemetry never throws into the broker: a failed
 * load turns it off, and a failed send is the SDK's to retry.
 */
export function createAppInsightsTelemetry(
  connectionString: string,
  options: AppInsightsTelemetryOptions = {},
): Telemetry {
  const maxBuffered = options.maxBuffered ?? 1000;
  const flushTimeoutMs = options.flushTimeoutMs ?? 5000;
  const loadClient = options.loadClient ?? loadAppInsightsClient;
  const report = safeReporter(options.onError);
  // The SDK swallows a connection string it cannot use (no exporter, no error, nothing sent): say so here instead.
  if (!INSTRUMENTATION_KEY.test(connectionString)) {
    report('The Application Insights connection string has no InstrumentationKey=<GUID>; telemetry is off.');
    return noTelemetry;
  }

  let buffer: Send[] = [];
  let client: AppInsightsClient | undefined;
  let loading: Promise<void> | undefined;
  let failed = false;

  const load = (): Promise<void> =>
    (loading ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => loadClient(connectionString))
      .then(
        (loaded) => {
          client = loaded;
          const pending = buffer;
          buffer = [];
          for (const send of pending) sendSafely(loaded, send, report);
        },
        (error: unknown) => {
          failed = true;
          buffer = [];
          report('Application Insights could not be loaded; telemetry is off for this process.', error);
        },
      ));

  const submit = (send: Send): void => {
    if (client) return sendSafely(client, send, report);
    if (failed) return;
    buffer.push(send);
    if (buffer.length > maxBuffered) buffer.shift();
    void load();
  };

  return {
    event(name, properties) {
      const data = toEventData(properties);
      submit((c) => c.trackEvent({ name, properties: data.properties, measurements: data.measurements }));
    },
    dependency(call) {
      submit((c) => c.trackDependency(toDependency(call)));
    },
    async flush() {
      if (!loading) return; // nothing was ever emitted: no reason to load the SDK
      await loading;
      if (!client) return;
      await flushWithin(client, flushTimeoutMs, report);
    },
  };
}

/** One item to the SDK; one it throws on is reported and dropped, never thrown into the broker. */
function sendSafely(client: AppInsightsClient, send: Send, report: Report): void {
  try {
    send(client);
  } catch (error) {
    report('Application Insights rejected a telemetry item.', error);
  }
}

/** `onError`, made safe: a broken reporter must not break the broker either. */
function safeReporter(onError: AppInsightsTelemetryOptions['onError']): Report {
  return (message, error) => {
    try {
      onError?.(message, error);
    } catch {
      // nothing left to tell
    }
  };
}

/** The SDK's flush, waited for at most `timeoutMs`: it retries a dead endpoint for seconds, and keeps on after. */
async function flushWithin(client: AppInsightsClient, timeoutMs: number, report: Report): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([client.flush().then(() => 'flushed' as const), timeout]);
    if (outcome === 'timeout') report(`Application Insights did not flush within ${timeoutMs} ms; it keeps retrying.`);
  } catch (error) {
    report('Application Insights flush failed.', error);
  } finally {
    clearTimeout(timer);
  }
}

/*
 * A Graph call as an HTTP dependency. The 3.x SDK turns trackDependency into an OpenTelemetry span, and its exporter
 * classifies a span as HTTP — keeping the result code and target — only when the span has `http.method`; without
 * it the envelope says type "Dependency" and result code "0" whatever was passed. `data` (the URL) is left out on purpose: the exporter would rename the dependency after its
 * path, which holds drive and item ids.
 */
function toDependency(call: GraphDependency): Parameters<AppInsightsClient['trackDependency']>[0] {
  return {
    name: safeText(call.name),
    target: safeText(call.target),
    dependencyTypeName: 'HTTP',
    resultCode: call.status,
    duration: Math.max(0, call.durationMs),
    success: call.success,
    properties: { 'http.method': call.method },
  };
}
