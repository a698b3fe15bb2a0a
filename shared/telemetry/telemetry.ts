/**
 * What the broker reports about itself. The production implementation sends to Application Insights
 * (appInsightsTelemetry.ts) and is only loaded when APPLICATIONINSIGHTS_CONNECTION_STRING is set; otherwise
 * `noTelemetry` costs nothing. Properties never hold a token or a raw session id (see `sessionLogId`).
 */
export type TelemetryEventName =
  | 'SessionCreated'
  | 'SessionRefreshed'
  | 'SessionClosed'
  | 'SessionExpired'
  | 'SessionAbandoned'
  | 'SweepCompleted'
  | 'GraphThrottled'
  | 'WorkbookLeaseLost'
  | 'WorkbookLeaseUnavailable';

export type TelemetryProperties = Readonly<Record<string, string | number | boolean | undefined>>;

export interface GraphDependency {
  /** The Graph action, e.g. `createSession`. */
  readonly name: string;
  /** Host of GRAPH_BASE_URL. */
  readonly target: string;
  /** The HTTP method (the session calls are POSTs, following an operation a GET, forwarded calls their own). */
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** HTTP status, or 0 when no answer came (network failure, timeout). */
  readonly status: number;
  readonly durationMs: number;
  readonly success: boolean;
}

export interface Telemetry {
  event(name: TelemetryEventName, properties: TelemetryProperties): void;
  dependency(call: GraphDependency): void;
  /** Sends what is buffered; the timer awaits it so a sweep's summary is not lost when the worker idles. */
  flush(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  event: () => undefined,
  dependency: () => undefined,
  flush: async () => undefined,
};
