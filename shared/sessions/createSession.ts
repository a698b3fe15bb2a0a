import { randomUUID } from 'node:crypto';
import type { Call } from '../deps';
import type { WorkbookAddress } from '../graph/graphClient';
import type { Caller } from '../input/parseCaller';
import { ANSWER_BUDGET_MS } from './budgets';
import { followOperation, type CreateOutcome } from './followOperation';
import { claimIdempotencyKey, releaseIdempotencyKey, settleIdempotencyKey } from './idempotency';
import type { StoredIdempotency } from './idempotencyRecord';
import { operationDueAt } from './operationChanges';
import type { OperationRecord } from './operationRecord';
import { recordNewSession } from './recordNewSession';

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
export async function createSession(input: CreateSessionInput, call: Call): Promise<CreateOutcome> {
  const { deps } = call;
  const deadline = deps.now() + ANSWER_BUDGET_MS;
  let claim: StoredIdempotency | undefined;
  if (input.idempotencyKey !== undefined) {
    const claimed = await claimIdempotencyKey(input.workbook, input.idempotencyKey, input.caller, call, deadline);
    if (claimed.kind === 'answered') return claimed.outcome;
    claim = claimed.record;
  }
  try {
    const outcome = await create(input, call, deadline, claim?.rowKey);
    if (claim) await settleIdempotencyKey(claim, outcome, call);
    return outcome;
  } catch (error) {
    if (claim) await releaseIdempotencyKey(claim, call);
    throw error;
  }
}

async function create(input: CreateSessionInput, call: Call, deadline: number, idempotencyRowKey: string | undefined): Promise<CreateOutcome> {
  const { deps } = call;
  const result = await deps.graph.createSession(input.workbook, input.persistChanges, { deadline });
  const keyed = idempotencyRowKey ? { idempotencyRowKey } : {};
  if (result.kind === 'created') {
    await recordNewSession({ workbook: input.workbook, session: result.session, idleTimeoutSeconds: input.idleTimeoutSeconds, caller: input.caller, ...keyed }, call);
    return { kind: 'created', session: result.session };
  }
  const fields: Omit<OperationRecord, 'dueAt'> = {
    ...input.workbook,
    operationId: randomUUID(),
    graphOperationUrl: result.operationUrl,
    persistChanges: input.persistChanges,
    idleTimeoutSeconds: input.idleTimeoutSeconds,
    ...(input.caller ? { owner: input.caller.id, ownerName: input.caller.name } : {}),
    ...keyed,
    state: 'running',
    createdAt: deps.now(),
  };
  const operation = await deps.store.insertOperation({ ...fields, dueAt: operationDueAt(fields, deps.config) });
  return followOperation(operation, call, deadline);
}
