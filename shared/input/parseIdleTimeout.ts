import type { Config } from '../config';
import { BadRequestError } from '../errors';

const MIN_SECONDS = 60;

/**
 * `x-session-idle-timeout: <seconds>` on createSession: how long the caller may stay silent before the sweep
 * closes the session. Absent = SESSION_IDLE_TIMEOUT_SECONDS; out of bounds is a 400 naming the bounds, rather than
 * a silent clamp a flow's author would never notice.
 */
export function parseIdleTimeout(headers: { get(name: string): string | null }, config: Config): number {
  const raw = headers.get('x-session-idle-timeout');
  if (raw === null) return config.idleTimeoutSeconds;
  const value = raw.trim();
  const seconds = Number(value);
  if (!/^\d{1,9}$/.test(value) || seconds < MIN_SECONDS || seconds > config.maxIdleTimeoutSeconds) {
    throw new BadRequestError(
      `x-session-idle-timeout must be a whole number of seconds from ${MIN_SECONDS} to ${config.maxIdleTimeoutSeconds}.`,
    );
  }
  return seconds;
}
