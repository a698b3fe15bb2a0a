import { SWEEP_CALL_BUDGET_MS } from '../budgets';
import { errorMessage, warnOnFailure } from '../errorMessage';
import type { Invocation } from '../deps';
import { ConcurrencyError } from '../errors';
import { followOperation } from '../sessions/followOperation';
import { withOperationChanges, type StoredOperation } from '../records/operationRecord';
import { forgetIdempotencyKey } from '../sessions/forgetIdempotencyKey';
import type { GraphSlots } from './graphSlots';

export type OperationOutcome = 'completed' | 'deleted' | 'skipped' | 'failed';

/**
 * A long create whose caller stopped polling: the sweep looks at Graph's operation once per grace period, and when it
 * has succeeded records the session — which then lives and idles out like any other — so Graph never holds a
 * session the table does not know. Ended operations past retention are deleted with their idempotency key.
 */
export async function sweepOperation(
  operation: StoredOperation,
  invocation: Invocation,
  slots: GraphSlots,
): Promise<OperationOutcome> {
  const { deps, log } = invocation;
  try {
    if (operation.state !== 'running') {
      await deps.store.deleteOperation(operation);
      await forgetIdempotencyKey(
        operation,
        operation.idempotencyRowKey,
        { operationId: operation.operationId },
        invocation,
      );
      return 'deleted';
    }
    // One look at Graph's operation (and, once it succeeded, the session it made): one slot, calls one after another.
    const outcome = await slots.use(() =>
      followOperation(operation, invocation, deps.now() + SWEEP_CALL_BUDGET_MS, { once: true }),
    );
    if (outcome.kind === 'created') return 'completed';
    await deps.store.replaceOperation(
      operation,
      withOperationChanges(operation, { checkedAt: deps.now() }, deps.config),
    );
    return 'skipped';
  } catch (error) {
    if (error instanceof ConcurrencyError) return 'skipped';
    // A failed Graph operation is recorded as failed by followOperation: nothing was created, nothing more to do.
    const latest = await deps.store
      .getOperation(operation, operation.operationId)
      .catch(warnOnFailure(log, 'Could not read an operation back after following it failed.'));
    if (latest && latest.state !== 'running') return 'completed';
    log.warn('The sweep could not follow an operation; it is retried next tick.', {
      reason: errorMessage(error),
    });
    return 'failed';
  }
}
