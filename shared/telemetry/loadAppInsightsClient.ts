/** The part of the SDK's `TelemetryClient` the broker uses (applicationinsights 3.x, `shim/telemetryClient.d.ts`). */
export interface AppInsightsClient {
  trackEvent(event: { name: string; properties?: Record<string, string>; measurements?: Record<string, number> }): void;
  trackDependency(dependency: {
    name: string;
    target?: string;
    dependencyTypeName?: string;
    resultCode?: string | number;
    duration: number;
    success?: boolean;
    properties?: Record<string, string>;
  }): void;
  flush(): Promise<void>;
}

/**
 * Loads `applicationinsights` (1–2 s of synchronous module loading: call it off the request path) and makes a client
 * that sends only what the broker tracks by hand.
 *
 * `useGlobalProviders: false` gives the client its own OpenTelemetry providers instead of calling `useAzureMonitor`,
 * so nothing is instrumented: no http/console/logger auto-collection (which could record request headers), no
 * uncaught-exception hook, no performance counters, no live metrics. The SDK reads its statsbeat switches only from
 * the environment, so they are set here before the first exporter is built (`??=`: an operator's own value wins).
 * https://github.com/microsoft/ApplicationInsights-node.js#configuration
 */
export async function loadAppInsightsClient(
  connectionString: string,
  authentication?: { readonly clientId: string | undefined },
): Promise<AppInsightsClient> {
  process.env.APPLICATION_INSIGHTS_NO_STATSBEAT ??= 'true';
  process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED ??= 'true';
  const sdk = await import('applicationinsights');
  const client = new sdk.TelemetryClient(connectionString, { useGlobalProviders: false });
  if (authentication) {
    // A client of our own does not read APPLICATIONINSIGHTS_AUTHENTICATION_STRING (only the SDK's auto-attach does):
    // it sends with the token of the credential set on its config before its first item.
    // https://learn.microsoft.com/azure/azure-monitor/app/azure-ad-authentication
    const { ManagedIdentityCredential } = await import('@azure/identity');
    const { clientId } = authentication;
    client.config.aadTokenCredential = new ManagedIdentityCredential(clientId ? { clientId } : {});
  }
  return client;
}
