/** Anything thrown, as a short message fit for a log line: never a stack, never more than 200 characters. */
export function errorMessage(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : typeof error;
  return text.slice(0, 200);
}

/**
 * A `.catch` for best-effort work whose failure must not fail the caller but must be seen: logs a warning naming
 * what did not happen and why it matters, with the error's message, then carries on with `undefined`.
 */
export function warnOnFailure(
  log: { warn(message: string, properties?: Record<string, unknown>): void },
  what: string,
  properties: Record<string, unknown> = {},
): (error: unknown) => undefined {
  return (error) => {
    log.warn(what, { ...properties, reason: errorMessage(error) });
    return undefined;
  };
}
