import { randomUUID } from 'node:crypto';
import { newResourceKey } from './sessionId';
import type { SessionBook } from './sessionBook';
import type { EmulatedSession } from './types';

// Long-running operations (resource: https://learn.microsoft.com/graph/api/resources/workbookoperation): the create
// (https://learn.microsoft.com/graph/api/workbook-createsession, "Prefer: respond-async") and adding table rows
// (https://learn.microsoft.com/graph/api/table-post-rows). An operation runs until its deadline on the injected
// clock, then is settled lazily: a create's success makes the session *at the deadline*, so its idle clock starts
// when Graph would have finished, not when someone happened to poll. Rows are written when the request arrives
// (so later calls in the session see them, as they queue behind the operation in Excel); only the answer waits.

export interface OperationError {
  code: string;
  message: string;
  innerError: { code: string };
}

export interface RowResult {
  index: number;
  values: unknown[][];
}

export interface EmulatedOperation {
  readonly id: string;
  readonly kind: 'createSession' | 'tableRows';
  readonly driveId: string;
  readonly itemId: string;
  readonly persistChanges: boolean;
  readonly completesAt: number;
  readonly willFail: boolean;
  status: 'running' | 'succeeded' | 'failed';
  /** Set on a create's success: the key of `sessionInfoResource(key='...')`. */
  resourceKey?: string;
  /** The session a create made, or the session rows were added in. */
  sessionId?: string;
  /** Rows added: what `tableRowOperationResult(key='{id}')` answers once the operation succeeded. */
  rowResult?: RowResult;
  error?: OperationError;
}

/** What a restart keeps. */
export interface OperationState {
  operations: EmulatedOperation[];
  sessionsByKey: Array<[string, string]>;
}

export class OperationBook {
  private readonly byId = new Map<string, EmulatedOperation>();
  private readonly sessionsByKey = new Map<string, string>();
  private failuresLeft = 0;

  /** @param onSessionMade told of every session a create makes when it settles (a non-persistent one needs its copy) */
  constructor(
    private readonly sessions: SessionBook,
    private readonly onSessionMade: (session: EmulatedSession) => Promise<void> = () => Promise.resolve(),
  ) {}

  failNext(n: number): void {
    this.failuresLeft = n;
  }

  start(driveId: string, itemId: string, persistChanges: boolean, now: number, durationMs: number): EmulatedOperation {
    const willFail = this.failuresLeft > 0;
    if (willFail) this.failuresLeft -= 1;
    const operation: EmulatedOperation = {
      id: randomUUID(),
      kind: 'createSession',
      driveId,
      itemId,
      persistChanges,
      completesAt: now + durationMs,
      willFail,
      status: 'running',
    };
    this.byId.set(operation.id, operation);
    return operation;
  }

  /** Rows already added in a session, answered as an operation that finishes after durationMs. */
  startRows(
    driveId: string,
    itemId: string,
    sessionId: string,
    rowResult: RowResult,
    now: number,
    durationMs: number,
  ): EmulatedOperation {
    const operation: EmulatedOperation = {
      id: randomUUID(),
      kind: 'tableRows',
      driveId,
      itemId,
      persistChanges: true,
      completesAt: now + durationMs,
      willFail: false,
      status: 'running',
      sessionId,
      rowResult,
    };
    this.byId.set(operation.id, operation);
    return operation;
  }

  get(id: string): EmulatedOperation | undefined {
    return this.byId.get(id);
  }

  /** The session id behind a resourceLocation key. */
  sessionIdForKey(key: string): string | undefined {
    return this.sessionsByKey.get(key);
  }

  /** Completes every operation whose deadline has passed. Call before reading sessions or operations. */
  settle(now: number): void {
    for (const operation of this.byId.values()) {
      if (operation.status !== 'running' || now < operation.completesAt) continue;
      if (operation.kind === 'tableRows') {
        operation.status = 'succeeded';
        continue;
      }
      if (operation.willFail) {
        operation.status = 'failed';
        // A failed operation is still HTTP 200; the failure travels in this error object (workbookOperationError).
        operation.error = {
          code: 'internalServerError',
          message: 'The session could not be created.',
          innerError: { code: 'internalServerErrorUncategorized' },
        };
        continue;
      }
      const { driveId, itemId, persistChanges, completesAt } = operation;
      const session = this.sessions.create(driveId, itemId, persistChanges, completesAt);
      // The copy is queued in turn with the workbook's writes; a failure to take it shows on the session's first call.
      this.onSessionMade(session).catch(() => undefined);
      operation.status = 'succeeded';
      operation.sessionId = session.id;
      operation.resourceKey = newResourceKey();
      this.sessionsByKey.set(operation.resourceKey, session.id);
    }
  }

  snapshot(): OperationState {
    return { operations: [...this.byId.values()], sessionsByKey: [...this.sessionsByKey] };
  }

  restore(state: OperationState): void {
    for (const operation of state.operations) this.byId.set(operation.id, operation);
    for (const [key, sessionId] of state.sessionsByKey) this.sessionsByKey.set(key, sessionId);
  }
}
