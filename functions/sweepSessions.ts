import { DEFAULT_SWEEP_SCHEDULE } from '../shared/config';
import { errorMessage } from '../shared/errorMessage';
import type { Timer } from '@azure/functions';
import { declareTimer } from '../host/declare';
import type { Invocation } from '../shared/deps';
import { sweepSessions as sweep } from '../shared/sweep/sweepSessions';
import { SWEEP_BUDGET_MS } from '../shared/budgets';

/** Timer on %SWEEP_SCHEDULE%: keeps wanted sessions alive, closes abandoned ones, forgets old records. */
export async function sweepSessions(timer: Timer, invocation: Invocation): Promise<void> {
  try {
    const summary = await sweep(invocation, { budgetMs: SWEEP_BUDGET_MS });
    invocation.log.info('Sweep finished.', { ...summary, isPastDue: timer.isPastDue });
  } catch (error) {
    // Storage down: nothing was lost, the next tick starts over. Said without internals.
    invocation.log.error('Sweep stopped early.', { reason: errorMessage(error) });
  } finally {
    await invocation.deps.telemetry.flush();
  }
}

declareTimer({
  name: 'sweepSessions',
  schedule: '%SWEEP_SCHEDULE%',
  scheduleDefaults: { SWEEP_SCHEDULE: DEFAULT_SWEEP_SCHEDULE },
  handler: sweepSessions,
});
