import type { ConcurrencyReport } from './concurrency';
import type { DriveFolderOptions } from './workbook/localDrive';

// The emulator's public contracts. Behaviour follows Microsoft's Graph reference: the workbook-createsession,
// -refreshsession and -closesession pages, the range, table and worksheet resources, and "Working with Excel in
// Microsoft Graph" (https://learn.microsoft.com/graph/api/resources/excel).

/** How the emulator is started. Every field is optional. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; default 0 picks a free port. */
  port?: number;
  /** Milliseconds since epoch; default Date.now. Session lifetimes and async creates are measured on it. */
  now?: () => number;
  /** Default 1. Excel's idle lifetimes (5 min persistent, 7 min non-persistent) are divided by it. */
  timeScale?: number;
  /** Workbooks that live in memory (blank until written); with `drive`, calls on any other item answer 404. */
  workbooks?: Array<{ driveId: string; itemId: string }>;
  /** A folder of real .xlsx files served as a drive; sessions and operations are kept there across restarts. */
  drive?: DriveFolderOptions;
  /** Default: any non-empty Bearer token is accepted. */
  acceptToken?: (token: string) => boolean;
  /**
   * Default 0. With `Prefer: respond-async` and a value above 0, createSession answers 202 and an operation that
   * succeeds once this many ms have passed on the injected clock (not divided by timeScale).
   */
  asyncCreateMs?: number;
  /**
   * Default 0. With `Prefer: respond-async` in a session and a value above 0, `POST …/tables/{t}/rows` answers 202
   * and an operation that succeeds once this many ms have passed on the injected clock.
   */
  asyncRowsMs?: number;
  /** Default false. When true, a call that overlaps another on the same workbook is answered 429 + Retry-After. */
  contention?: boolean;
  /** Seed for the PRNG that decides probabilistic faults, so a run can be repeated. Default 1. */
  seed?: number;
}

/** One injected misbehaviour. Rules are kept in the order they were added. */
export interface FaultRule {
  /** Default 'any': every routed Graph call, sessionInfoResource included. 401/400/405 refusals never fault. */
  op?: FaultOp;
  /** Only calls with this method. */
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /**
   * Only calls whose percent-decoded path after `…/workbook/` matches this regular expression (case-insensitive),
   * e.g. `rows/add$` or `^worksheets\('Sheet1'\)/range`.
   */
  path?: string;
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

/** The session calls and their long-running create. */
export const sessionOps = [
  'createSession',
  'refreshSession',
  'closeSession',
  'getOperation',
  'getSessionInfo',
] as const;
/** The workbook calls inside (or outside) a session; `create…` are the `POST` on a collection, answered 201. */
export const workbookOps = [
  'listWorksheets',
  'getWorksheet',
  'addWorksheet',
  'createWorksheet',
  'getRange',
  'updateRange',
  'getUsedRange',
  'listTables',
  'getTable',
  'listTableRows',
  'addTableRows',
  'createTableRows',
  'getTableRowOperationResult',
  'getTableRange',
  'updateTableRange',
  'listTableColumns',
  'getTableColumn',
  'getTableRow',
  'updateTableRow',
  'deleteTableRow',
  'listNames',
  'getName',
  'getApplication',
  'calculateApplication',
] as const;
/** The drive calls a file picker makes: the drive, an item (or the root), and an item's children. */
export const driveOps = ['getDrive', 'getDriveItem', 'listDriveChildren'] as const;
export type SessionOp = (typeof sessionOps)[number];
export type WorkbookOp = (typeof workbookOps)[number];
export type DriveOp = (typeof driveOps)[number];
export type CallOp = SessionOp | WorkbookOp | DriveOp | 'unknown';
export type FaultOp = SessionOp | WorkbookOp | DriveOp | 'any';

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
  /** The query string without its `?`; empty when there was none. */
  query: string;
  /** The request headers that matter to Graph (lower-case names), as sent. */
  headers: Record<string, string>;
  /** The names of every header sent (lower-case), to show what a proxy did not pass on; values are not kept. */
  headerNames: string[];
  /** The header's session id, or for a create that made one, the new id. */
  sessionId?: string;
  status: number | 'dropped';
  /** True when a status or drop rule decided the answer (latency alone does not count). */
  faulted: boolean;
}

/** What can be changed while the emulator runs (`PATCH /_emulator/settings`). */
export interface EmulatorSettings {
  asyncCreateMs: number;
  asyncRowsMs: number;
  contention: boolean;
}

export interface EmulatedWorkbook {
  driveId: string;
  itemId: string;
  name: string;
  /** Absolute path of the .xlsx; absent for a workbook in memory. */
  file?: string;
}

export interface GraphEmulator {
  /** Base URL to use as GRAPH_BASE_URL, e.g. http://127.0.0.1:PORT/v1.0 */
  readonly url: string;
  readonly port: number;
  /** Adds a workbook that lives in memory (blank until written). */
  addWorkbook(driveId: string, itemId: string): void;
  /** Every workbook the drive holds, files first. */
  workbooks(): EmulatedWorkbook[];
  settings(): EmulatorSettings;
  /** Throws TypeError on an invalid value. */
  configure(settings: Partial<EmulatorSettings>): EmulatorSettings;
  /** Calls in flight now and the most ever seen, overall and per workbook. */
  concurrency(): ConcurrencyReport;
  resetConcurrency(): void;
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
  /** Stops listening, destroys open (also kept-alive) sockets, and saves the drive's state. */
  close(): Promise<void>;
}
