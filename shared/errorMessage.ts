/** Anything thrown, as a short message fit for a log line: never a stack, never more than 200 characters. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : typeof error;
  return text.slice(0, 200);
}
