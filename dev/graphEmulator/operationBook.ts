import { randomUUID } from 'node:crypto';
import { newResourceKey } from './sessionId';
import type { SessionBook } from './sessionBook';

// The long-running create (https://learn.microsoft.com/graph/api/workbook-createsession, "Prefer: respond-async";
// resource: https://learn.microsoft.com/graph/api/resources/workbookoperation). An operation runs until its
// deadline on the injected clock, then is settled lazily: a success creates the session *at the deadline*, so
// its idle clock starts when Graph would have finished, not when someone happened to poll.

export interface OperationError {
  code: string;
  message: string;
  innerError: { code: string };
}

export interface EmulatedOperation {
  readonly id: string;
  readonly driveId: string;
  readonly itemId: string;
  readonly persistChanges: boolean;
  readonly completesAt: number;
  readonly willFail: boolean;
  status: 'running' | 'succeeded' | 'failed';
  /** Set on success: the key of `sessionInfoResource(key='...')`. */
  resourceKey?: string;
  sessionId?: string;
  error?: OperationError;
}

export class OperationBook {
  private readonly byId = new Map<string, EmulatedOperation>();
  private readonly sessionsByKey = new Map<string, string>();
  private failuresLeft = 0;

  constructor(private readonly sessions: SessionBook) {}

  failNext(n: number): void {
    this.failuresLeft = n;
  }

  start(driveId: string, itemId: string, persistChanges: boolean, now: number, durationMs: number): EmulatedOperation {
    const willFail = this.failuresLeft > 0;
    if (willFail) this.failuresLeft -= 1;
    const operation: EmulatedOperation = {
      id: randomUUID(),
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
      operation.status = 'succeeded';
      operation.sessionId = session.id;
      operation.resourceKey = newResourceKey();
      this.sessionsByKey.set(operation.resourceKey, session.id);
    }
  }
}
