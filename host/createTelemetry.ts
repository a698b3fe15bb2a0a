import type { Config } from '../shared/config';
import { createAppInsightsTelemetry } from '../shared/telemetry/appInsightsTelemetry';
import { loadAppInsightsClient } from '../shared/telemetry/loadAppInsightsClient';
import { noTelemetry, type Telemetry } from '../shared/telemetry/telemetry';

/**
 * Telemetry for this process: Application Insights when its connection string is set, otherwise nothing at all.
 * Neither path loads `applicationinsights` here (1–2 s of module loading): the adapter imports it on first use, and
 * only when the setting exists, so a cold start without it stays fast (test/telemetry.test.ts checks both).
 */
export function createTelemetry(config: Config): Telemetry {
  if (!config.appInsightsConnectionString) return noTelemetry;
  const authentication = config.appInsightsAuthentication;
  return createAppInsightsTelemetry(config.appInsightsConnectionString, {
    loadClient: (connectionString) => loadAppInsightsClient(connectionString, authentication),
    // The Functions host records console output with the invocation logs; there is no invocation here to log to.
    onError: (message, error) => console.warn(error instanceof Error ? `${message} ${error.message}` : message),
  });
}
