import { Cron } from 'croner';
import type { Declaration, TimerDeclaration } from '../host/declare';
import { resolveSchedule } from '../host/resolveSchedule';

/**
 * Runs each timer function on its NCRONTAB schedule (six fields, seconds first — croner reads the same format).
 * `protect` skips a tick while the previous run is still going: the Functions host runs a timer as a singleton too.
 * Returns a function that stops them all.
 */
export function scheduleTimers(
  declarations: readonly Declaration[],
  env: Readonly<Record<string, string | undefined>>,
  run: (declaration: TimerDeclaration) => Promise<void>,
): () => void {
  const jobs = declarations
    .filter((d): d is TimerDeclaration => d.kind === 'timer')
    .map((declaration) => {
      const schedule = resolveSchedule(declaration.schedule, env, declaration.scheduleDefaults ?? {});
      return new Cron(schedule, { protect: true }, () => run(declaration));
    });
  return () => jobs.forEach((job) => job.stop());
}
