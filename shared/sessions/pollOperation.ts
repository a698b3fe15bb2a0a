import type { Invocation } from '../deps';
import { SessionNotFoundError } from '../errors';
import type { WorkbookAddress } from '../workbookAddress';
import type { Caller } from '../input/requestHeaders';
import { POLL_BUDGET_MS } from '../budgets';
import { followOperation, type CreateOutcome } from './followOperation';

export interface PollOperationInput {
  readonly workbook: WorkbookAddress;
  readonly operationId: string;
  readonly caller: Caller | undefined;
}

/**
 * A caller polling a long create it was handed (`202` + `Location`): the broker looks at Graph's operation again and,
 * if it succeeded, records the session and answers with it. `undefined`: the broker has no such operation — the id
 * may be one of Graph's own workbook operations, which the caller polls through the gateway. An operation another
 * signed-in caller started is a 404, as for sessions.
 */
export async function pollOperation(
  input: PollOperationInput,
  invocation: Invocation,
): Promise<CreateOutcome | undefined> {
  const operation = await invocation.deps.store.getOperation(input.workbook, input.operationId);
  if (!operation) return undefined;
  if (operation.owner !== undefined && operation.owner !== input.caller?.id) {
    throw new SessionNotFoundError('The operation does not exist.');
  }
  return followOperation(operation, invocation, invocation.deps.now() + POLL_BUDGET_MS);
}
