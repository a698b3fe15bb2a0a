/** Who is calling, as App Service Authentication names them; `undefined` when it is off or the caller is anonymous. */
export interface Caller {
  readonly id: string;
  readonly name?: string;
}

/**
 * Reads `x-ms-client-principal-id` / `-name`. These headers are set by App Service Authentication, which strips any
 * a client sends itself; without it they are just headers anyone can send (see README, "Callers' identity").
 */
export function parseCaller(headers: { get(name: string): string | null }): Caller | undefined {
  const id = headers.get('x-ms-client-principal-id')?.trim();
  if (!id || id.length > 256) return undefined;
  const name = headers.get('x-ms-client-principal-name')?.trim().slice(0, 256);
  return name ? { id, name } : { id };
}
