/**
 * The request as the session logic sees it: route parameters, headers, and the body on demand. The Functions
 * library's `HttpRequest` fits this shape, so adapters pass it straight through; nothing else of Azure leaks in.
 */
export interface BrokerRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** Bodies here are a few bytes of JSON; anything near this is not a session call. */
export const MAX_BODY_BYTES = 16 * 1024;
