import { DEFAULT_SWEEP_SCHEDULE } from '../shared/config';
import { errorMessage } from '../shared/errorMessage';
import type { InvocationContext, Timer } from '@azure/functions';
import { invocationOf } from '../host/invocation';
import { declareTimer } from '../host/declare';
import type { Deps } from '../shared/deps';
import { sweepSessions as sweep } from '../shared/sweep/sweepSessions';
import { SWEEP_BUDGET_MS } from '../shared/budgets';

/** Timer on %SWEEP_SCHEDULE%: keeps wanted sessions alive, closes abandoned ones, forgets old records. */
export async function sweepSessions(timer: Timer, context: InvocationContext, deps: Deps): Promise<void> {
  const invocation = invocationOf(context, deps);
  try {
    const summary = await sweep(invocation, { budgetMs: SWEEP_BUDGET_MS });
    invocation.log.info('Sweep finished.', { ...summary, isPastDue: timer.isPastDue });
  } catch (error) {
    // Storage down: nothing was lost, the next tick starts over. Said without internals.
    invocation.log.error('Sweep stopped early.', { reason: errorMessage(error) });
  } finally {
    await deps.telemetry.flush();
  }
}

declareTimer({
  name: 'sweepSessions',
  schedule: '%SWEEP_SCHEDULE%',
  scheduleDefaults: { SWEEP_SCHEDULE: DEFAULT_SWEEP_SCHEDULE },
  handler: sweepSessions,
});
