import type { Config } from './config';
import type { CallOptions, GraphClient } from './graph/graphClient';
import type { SessionStore } from './store/sessionStore';
import type { WorkbookGate } from './gate/workbookGate';
import { shareTurn } from './gate/sharedTurn';
import type { WorkbookAddress } from './workbookAddress';
import type { Telemetry } from './telemetry/telemetry';

export interface Logger {
  info(message: string, properties?: Record<string, unknown>): void;
  warn(message: string, properties?: Record<string, unknown>): void;
  error(message: string, properties?: Record<string, unknown>): void;
}

/** Time, injected: real in production, moved by hand in tests so no test waits for Excel's minutes. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * Calls `tick` every `ms` on this clock until the returned function stops it: background work such as renewing a
   * lease or a claim, timed by the same clock that judges when those lapse.
   */
  every(ms: number, tick: () => void): () => void;
}

/**
 * Every effect the session logic uses, passed in one object: built once for production (host/productionDeps.ts),
 * built from local servers and a controllable clock in tests. Nothing in shared/ reads the environment or the clock.
 */
export interface Deps {
  readonly config: Config;
  readonly graph: GraphClient;
  readonly store: SessionStore;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly every: Clock['every'];
  readonly newRequestId: () => string;
  readonly telemetry: Telemetry;
  /** One call at a time per workbook, and Graph's cooldowns: every Graph call's turn comes from here. */
  readonly gate: WorkbookGate;
}

/** What one invocation adds to the deps: its logger, and the request id its answer and log lines carry. */
export interface Invocation {
  readonly deps: Deps;
  readonly log: Logger;
  readonly requestId: string;
}

/**
 * Options for a Graph call on `workbook` made on behalf of one invocation: the workbook's turn, taken now through the
 * gate and handed to the call (which releases it); the deadline; and the invocation's request id — sent to Graph as
 * `client-request-id`, and logged with Graph's own `request-id` for every answer, so an id from a caller's answer
 * finds Graph's, and Graph's finds the caller's. Pass the result straight to the Graph call: a turn taken and not
 * handed to a call would hold the workbook.
 */
export async function graphCallOptions(
  invocation: Invocation,
  workbook: WorkbookAddress,
  deadline: number,
  options: { readonly retry?: boolean } = {},
): Promise<CallOptions> {
  const turn = await invocation.deps.gate.take(workbook, deadline);
  return {
    deadline,
    ...options,
    turn,
    ...answerLogging(invocation),
  };
}

/**
 * Several Graph calls on `workbook` in one turn of the gate, for an operation whose later calls act on what its
 * earlier ones found (a row found by its key, then changed): `work` gets a function that makes the options for each
 * call, all lent the same turn, which ends when `work` has and every call it made has ended at Graph.
 */
export async function inOneTurn<T>(
  invocation: Invocation,
  workbook: WorkbookAddress,
  deadline: number,
  work: (callOptions: () => CallOptions) => Promise<T>,
): Promise<T> {
  const shared = shareTurn(await invocation.deps.gate.take(workbook, deadline));
  try {
    return await work(() => ({ ...answerLogging(invocation), deadline, turn: shared.lend() }));
  } finally {
    shared.end();
  }
}

function answerLogging(invocation: Invocation): Pick<CallOptions, 'requestId' | 'onAnswer'> {
  return {
    requestId: invocation.requestId,
    onAnswer: (answer) => invocation.log.info('Graph answered.', { requestId: invocation.requestId, ...answer }),
  };
}
