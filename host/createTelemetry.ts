import type { Config } from '../shared/config';
import { noTelemetry, type Telemetry } from '../shared/telemetry/telemetry';

/** Telemetry for this process: Application Insights when its connection string is set, otherwise nothing at all. */
export function createTelemetry(config: Config): Telemetry {
  if (!config.appInsightsConnectionString) return noTelemetry;
  return noTelemetry; // Application Insights adapter: see issue 5.
}
