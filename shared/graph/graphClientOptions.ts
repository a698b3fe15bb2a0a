import type { GraphMethod } from './graphRequest';

export interface GraphClientOptions {
  /** GRAPH_BASE_URL without a trailing slash. */
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly getToken: () => Promise<string>;
  /** Forgets a token Graph refused (401), so getToken fetches a new one. */
  readonly dropToken?: (refused: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Longest the broker waits for a single call's answer, within the deadline. */
  readonly timeoutMs: number;
  /** Longest a call it stopped waiting for may hold the workbook before its connection is ended (GRAPH_CALL_HOLD_MS). */
  readonly holdMs?: number;
  /** Told of every Graph call once it ends (for telemetry); never given the token. */
  readonly onCall?: (call: GraphCallRecord) => void;
}

export interface GraphCallRecord {
  readonly action: string;
  readonly method: GraphMethod;
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;
  readonly durationMs: number;
  readonly retryAfterSeconds: number | undefined;
}
