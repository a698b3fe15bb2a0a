import { errorMessage, warnOnFailure } from '../errorMessage';
import { randomUUID } from 'node:crypto';
import { type Invocation, graphCallOptions } from '../deps';
import type { WorkbookAddress } from '../workbookAddress';
import type { Caller } from '../input/requestHeaders';
import { ANSWER_BUDGET_MS, COME_BACK_SECONDS } from '../budgets';
import { operationPollWaits } from './operationPollWaits';
import { followOperation, type CreateOutcome } from './followOperation';
import { claimIdempotencyKey, releaseIdempotencyKey, settleIdempotencyKey } from './idempotency';
import type { StoredIdempotency } from '../records/idempotencyRecord';
import { operationDueAt, type OperationRecord, type StoredOperation } from '../records/operationRecord';
import { recordNewSession } from './recordNewSession';
import { keepClaimAlive } from '../store/claimHeartbeat';

export type { CreateOutcome } from './followOperation';

export interface CreateSessionInput {
  readonly workbook: WorkbookAddress;
  readonly persistChanges: boolean;
  readonly idleTimeoutSeconds: number;
  readonly caller: Caller | undefined;
  readonly idempotencyKey?: string;
}

/**
 * Creates a session in Graph and records it. Graph is asked to answer asynchronously when it needs long
 * (`Prefer: respond-async`); such a create is followed within the answer budget, then handed to the caller as a
 * broker operation to poll. With an Idempotency-Key, repeats and concurrent duplicates get the first one's session.
 */
export async function createSession(input: CreateSessionInput, invocation: Invocation): Promise<CreateOutcome> {
  const { deps } = invocation;
  const deadline = deps.now() + ANSWER_BUDGET_MS;
  let claim: StoredIdempotency | undefined;
  if (input.idempotencyKey !== undefined) {
    // What a repeat must match: the options that decide what kind of session it gets.
    const fingerprint = `persistChanges=${input.persistChanges};idleTimeoutSeconds=${input.idleTimeoutSeconds}`;
    const claimed = await claimIdempotencyKey(
      input.workbook,
      input.idempotencyKey,
      input.caller,
      fingerprint,
      invocation,
      deadline,
    );
    if (claimed.kind === 'answered') return claimed.outcome;
    claim = claimed.record;
  }
  if (claim === undefined) return create(input, invocation, deadline, undefined);
  // While the create runs, the claim says this request is alive; a repeat that finds it silent claims the key afresh.
  const heartbeat = keepClaimAlive(claim, (current, next) => deps.store.replaceIdempotency(current, next), deps);
  const made = await create(input, invocation, deadline, claim.rowKey).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error }),
  );
  const held = await heartbeat.stop();
  if ('error' in made) {
    await releaseIdempotencyKey(held, invocation);
    throw made.error;
  }
  await settleIdempotencyKey(held, made.outcome, invocation);
  return made.outcome;
}

async function create(
  input: CreateSessionInput,
  invocation: Invocation,
  deadline: number,
  idempotencyRowKey: string | undefined,
): Promise<CreateOutcome> {
  const { deps } = invocation;
  const result = await deps.graph.createSession(
    input.workbook,
    input.persistChanges,
    await graphCallOptions(invocation, input.workbook, deadline),
  );
  const keyed = idempotencyRowKey ? { idempotencyRowKey } : {};
  if (result.kind === 'created') {
    await recordNewSession(
      {
        workbook: input.workbook,
        session: result.session,
        idleTimeoutSeconds: input.idleTimeoutSeconds,
        caller: input.caller,
        ...keyed,
      },
      invocation,
    );
    return { kind: 'created', session: result.session };
  }
  return followAccepted(input, result.operationUrl, keyed, invocation, deadline);
}

/**
 * Graph accepted the create as a long-running operation: it is recorded, so a poll or the sweep finishes it, and
 * followed until the deadline. Unless it is known to have failed, the caller gets the session or 202 to poll.
 */
async function followAccepted(
  input: CreateSessionInput,
  operationUrl: string,
  keyed: { idempotencyRowKey?: string },
  invocation: Invocation,
  deadline: number,
): Promise<CreateOutcome> {
  const { deps } = invocation;
  const fields: Omit<OperationRecord, 'dueAt'> = {
    ...input.workbook,
    operationId: randomUUID(),
    graphOperationUrl: operationUrl,
    persistChanges: input.persistChanges,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    ...(input.caller ? { owner: input.caller.id, ownerName: input.caller.name } : {}),
    ...keyed,
    state: 'running',
    createdAt: deps.now(),
  };
  let operation: StoredOperation;
  try {
    operation = await deps.store.insertOperation({ ...fields, dueAt: operationDueAt(fields, deps.config) });
  } catch (error) {
    // Nothing would remember Graph's operation: see it through now and close what it makes.
    await abandonOperation(input.workbook, operationUrl, invocation, deadline);
    throw error;
  }
  try {
    return await followOperation(operation, invocation, deadline);
  } catch (error) {
    // The operation is recorded, so it will be finished (by a poll or the sweep) even if this look failed. Unless it
    // really failed, the caller gets 202 and its key stays claimed: its retry must not make a second session.
    const latest = await deps.store
      .getOperation(operation, operation.operationId)
      .catch(
        warnOnFailure(
          invocation.log,
          'Could not read a long create back after following it failed; the caller gets 202 and polls.',
        ),
      );
    if (latest?.state === 'failed') throw error;
    return { kind: 'pending', operationId: operation.operationId, retryAfterSeconds: COME_BACK_SECONDS };
  }
}

/**
 * A long create the broker could not record: follow Graph's operation to its end within the deadline and close the
 * session it made, so Graph holds none the broker does not know. If even that fails, say so loudly: Excel ends the
 * session after its idle expiry (~5-7 min).
 */
async function abandonOperation(
  workbook: WorkbookAddress,
  operationUrl: string,
  invocation: Invocation,
  deadline: number,
): Promise<void> {
  const { deps, log } = invocation;
  let reason = 'Graph had not finished it within the deadline.';
  try {
    const nextWait = operationPollWaits();
    for (;;) {
      const status = await deps.graph.getOperation(
        operationUrl,
        await graphCallOptions(invocation, workbook, deadline),
      );
      if (status.status === 'failed') return;
      if (status.status === 'succeeded') {
        const session = await deps.graph.getSessionInfo(
          status.resourceUrl,
          await graphCallOptions(invocation, workbook, deadline),
        );
        await deps.graph.closeSession(workbook, session.id, await graphCallOptions(invocation, workbook, deadline));
        return;
      }
      const wait = nextWait(status.retryAfterSeconds);
      if (deps.now() + wait >= deadline) break;
      await deps.sleep(wait);
    }
  } catch (error) {
    reason = errorMessage(error);
  }
  log.error('A long-running create could not be recorded or closed; Excel will end its session when idle.', {
    requestId: invocation.requestId,
    reason,
  });
}
