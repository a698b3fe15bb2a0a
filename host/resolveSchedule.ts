/**
 * A timer schedule with `%NAME%` app-setting references resolved. The Functions host would refuse to index a timer
 * whose setting is missing; resolving here lets the contract's default apply instead (SWEEP_SCHEDULE unset = every
 * minute), the same way on Azure and under the local host.
 */
export function resolveSchedule(
  schedule: string,
  env: Readonly<Record<string, string | undefined>>,
  defaults: Readonly<Record<string, string>>,
): string {
  return schedule.replace(/%([^%]+)%/g, (_match, name: string) => {
    const value = env[name]?.trim() || defaults[name];
    if (!value) throw new Error(`The schedule names app setting ${name}, which is not set.`);
    return value;
  });
}
