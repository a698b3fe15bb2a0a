import { withIdempotencyChanges } from '../records/idempotencyRecord';
import { sessionLogId } from '../store/sessionKeys';
import { warnOnFailure } from '../errorMessage';
import { graphCallOptions, type Invocation } from '../deps';
import { ConcurrencyError, GraphError, SessionNotFoundError } from '../errors';
import type { GraphSession } from '../graph/graphClient';
import { operationPollWaits } from './operationPollWaits';
import { withOperationChanges, type StoredOperation } from '../records/operationRecord';
import { recordNewSession } from './recordNewSession';

/** What a create came to: the session, or Graph still working on it (answer `202` with the broker's operation). */
export type CreateOutcome =
  | { readonly kind: 'created'; readonly session: GraphSession }
  | { readonly kind: 'pending'; readonly operationId: string; readonly retryAfterSeconds: number };

/**
 * Follows a long-running create until the session exists, it failed, or the deadline comes. Graph's operation is
 * polled at its Retry-After, else at a doubling interval (budgets.ts); a failed operation — HTTP 200 with
 * `status: failed` — becomes its error. The session is recorded by whoever sees the operation succeed first (the
 * caller's create, its poll of getOperation, or the sweep); the others find it recorded.
 */
export async function followOperation(
  operation: StoredOperation,
  invocation: Invocation,
  deadline: number,
  options: { readonly once?: boolean } = {},
): Promise<CreateOutcome> {
  const { deps } = invocation;
  let current = operation;
  const nextWait = operationPollWaits();
  for (;;) {
    if (current.state === 'succeeded') return { kind: 'created', session: await sessionOf(current, invocation) };
    if (current.state === 'failed') {
      throw new GraphError(
        current.errorStatus ?? 500,
        current.errorCode ?? 'internalServerError',
        current.errorMessage ?? 'The session could not be created.',
        current.errorInnerCode,
        undefined,
      );
    }
    const status = await deps.graph
      .getOperation(current.graphOperationUrl, await graphCallOptions(invocation, current, deadline))
      .catch((error: unknown) => {
        // Graph no longer knows the operation: it will never produce a session.
        if (error instanceof GraphError && error.status === 404) return { status: 'failed' as const, error };
        throw error;
      });
    if (status.status === 'succeeded') {
      current = await recordSucceeded(current, status.resourceUrl, invocation, deadline);
      continue;
    }
    if (status.status === 'failed') {
      current = await settle(current, failedWith(status.error, deps.now()), invocation);
      continue;
    }
    const wait = nextWait(status.retryAfterSeconds);
    if (options.once || deps.now() + wait >= deadline) {
      return {
        kind: 'pending',
        operationId: current.operationId,
        retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)),
      };
    }
    await deps.sleep(wait);
  }
}

/**
 * Graph's operation succeeded: the session it made is recorded and the operation settled as succeeded — or as failed,
 * when the session is already gone.
 */
async function recordSucceeded(
  current: StoredOperation,
  resourceUrl: string,
  invocation: Invocation,
  deadline: number,
): Promise<StoredOperation> {
  const { deps } = invocation;
  const session = await deps.graph
    .getSessionInfo(resourceUrl, await graphCallOptions(invocation, current, deadline))
    .catch((error: unknown) => {
      if (error instanceof GraphError && error.status === 404) return error; // the session is already gone
      throw error;
    });
  if (session instanceof GraphError) return settle(current, failedWith(session, deps.now()), invocation);
  // If the record cannot be written now, the operation row stays `running`: the next poll or the sweep records
  // the session then — closing it here would hand a dead session to whoever finishes.
  await recordNewSession(
    {
      workbook: current,
      session,
      idleTimeoutSeconds: current.idleTimeoutSeconds,
      caller: callerOf(current),
      ...(current.idempotencyRowKey ? { idempotencyRowKey: current.idempotencyRowKey } : {}),
    },
    invocation,
    { closeOnFailure: false },
  );
  const settled = await settle(current, { state: 'succeeded', sessionId: session.id, endedAt: deps.now() }, invocation);
  await nameSessionUnderKey(settled, session.id, invocation);
  return settled;
}

/** Writes the operation's end; if someone else ended it first, theirs stands and is read back. */
async function settle(
  current: StoredOperation,
  changes: Parameters<typeof withOperationChanges>[1],
  { deps }: Invocation,
): Promise<StoredOperation> {
  try {
    return await deps.store.replaceOperation(current, withOperationChanges(current, changes, deps.config));
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
    const latest = await deps.store.getOperation(current, current.operationId);
    if (!latest) throw new SessionNotFoundError();
    return latest;
  }
}

function failedWith(error: GraphError, endedAt: number) {
  return {
    state: 'failed' as const,
    endedAt,
    errorStatus: error.status,
    errorCode: error.code,
    errorInnerCode: error.innerCode,
    errorMessage: error.message,
  };
}

/**
 * The key that started this create now names the session itself, so it lives as long as the session does (the
 * session record carries the key and deletes it with itself), not as long as the operation row.
 */
async function nameSessionUnderKey(
  operation: StoredOperation,
  sessionId: string,
  { deps, log }: Invocation,
): Promise<void> {
  if (!operation.idempotencyRowKey) return;
  const failed = warnOnFailure(
    log,
    'Could not move an Idempotency-Key to the session its long create made; the key lives on until the sweep finds its operation gone.',
    { session: sessionLogId(sessionId) },
  );
  const key = await deps.store.getIdempotency(operation, operation.idempotencyRowKey).catch(failed);
  if (key?.operationId !== operation.operationId) return;
  await deps.store
    .replaceIdempotency(key, withIdempotencyChanges(key, { state: 'created', sessionId, operationId: undefined }))
    .catch(failed);
}

async function sessionOf(operation: StoredOperation, { deps }: Invocation): Promise<GraphSession> {
  const record = operation.sessionId ? await deps.store.getSession(operation, operation.sessionId) : undefined;
  // A late poll of an old operation must not hand out a session that has since ended.
  if (record?.state !== 'live') throw new SessionNotFoundError();
  return { id: record.sessionId, persistChanges: record.persistChanges };
}

function callerOf(operation: StoredOperation) {
  return operation.owner
    ? { id: operation.owner, ...(operation.ownerName ? { name: operation.ownerName } : {}) }
    : undefined;
}
