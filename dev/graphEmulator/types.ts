// The emulator's public contracts. Behaviour follows /work/shared/reference/graph-workbook-sessions.md,
// itself distilled from Microsoft's workbook-createsession / refreshsession / closesession pages.

/** How the emulator is started. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; default 0 picks a free port. */
  port?: number;
  /** Milliseconds since epoch; default Date.now. Session lifetimes and async creates are measured on it. */
  now?: () => number;
  /** Default 1. Excel's idle lifetimes (5 min persistent, 7 min non-persistent) are divided by it. */
  timeScale?: number;
  /** Workbooks that exist; calls on any other item answer 404 itemNotFound. */
  workbooks?: Array<{ driveId: string; itemId: string }>;
  /** Default: any non-empty Bearer token is accepted. */
  acceptToken?: (token: string) => boolean;
  /**
   * Default 0. With `Prefer: respond-async` and a value above 0, createSession answers 202 and an operation that
   * succeeds once this many ms have passed on the injected clock (not divided by timeScale).
   */
  asyncCreateMs?: number;
  /** Seed for the PRNG that decides probabilistic faults, so a run can be repeated. Default 1. */
  seed?: number;
}

export type FaultOp = 'createSession' | 'refreshSession' | 'closeSession' | 'getOperation' | 'any';

/** One injected misbehaviour. Rules are kept in the order they were added. */
export interface FaultRule {
  /** Default 'any': every routed Graph call, sessionInfoResource included. 401/400/405 refusals never fault. */
  op?: FaultOp;
  driveId?: string;
  itemId?: string;
  /** drop = destroy the socket without an answer. */
  kind: 'latency' | 'status' | 'drop';
  /** For latency: real milliseconds (setTimeout), not the injected clock. */
  latencyMs?: number;
  /** For status: the HTTP status to answer. */
  status?: number;
  /** Adds a Retry-After header (seconds). */
  retryAfterSeconds?: number;
  /** innerError.code in the body; a per-status default from the Excel error-code page when absent. */
  /** `null`: no inner code at all (Graph's "502/503 with no known inner code"). */
  innerCode?: string | null;
  /** 0..1, default 1. Rules at 1 never consume the PRNG, so adding them does not shift a seeded sequence. */
  probability?: number;
  /** Apply at most this many times, then the rule is spent. */
  times?: number;
  /** Perform the operation, then answer the fault ("Graph did it but the answer was lost"). Default false. */
  afterEffect?: boolean;
}

export interface EmulatedSession {
  id: string;
  driveId: string;
  itemId: string;
  persistChanges: boolean;
  createdAt: number;
  lastActivityAt: number;
  state: 'active' | 'closed' | 'expired';
  closedAt?: number;
}

export type CallOp =
  | 'createSession'
  | 'refreshSession'
  | 'closeSession'
  | 'getOperation'
  | 'getSessionInfo'
  | 'unknown';

/** One request under the Graph surface (admin calls are not recorded). */
export interface RecordedCall {
  /** Injected-clock time the request arrived. */
  at: number;
  /** Real time (performance.now(), ms) the request arrived and was answered: for measuring overlap. */
  receivedMs: number;
  answeredMs: number;
  method: string;
  /** The path as sent (still percent-encoded), without the query string. */
  path: string;
  op: CallOp;
  driveId?: string;
  itemId?: string;
  /** The header's session id, or for a create that made one, the new id. */
  sessionId?: string;
  status: number | 'dropped';
  /** True when a status or drop rule decided the answer (latency alone does not count). */
  faulted: boolean;
}

export interface GraphEmulator {
  /** Base URL to use as GRAPH_BASE_URL, e.g. http://127.0.0.1:PORT/v1.0 */
  readonly url: string;
  readonly port: number;
  addWorkbook(driveId: string, itemId: string): void;
  /** Throws TypeError on an invalid rule. */
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  /** The next n async creates end as HTTP 200 `status: "failed"` operations and create no session. */
  failNextOperations(n: number): void;
  /** All sessions, with state computed at now(). */
  sessions(): EmulatedSession[];
  activeSessions(): EmulatedSession[];
  calls(): RecordedCall[];
  resetCalls(): void;
  /** Stops listening and destroys open (also kept-alive) sockets. */
  close(): Promise<void>;
}
