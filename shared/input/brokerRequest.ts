/**
 * The request as the session logic sees it: route parameters, headers, and the body as a stream. The Functions
 * library's `HttpRequest` fits this shape, so adapters pass it straight through; nothing else of Azure leaks in.
 */
export interface BrokerRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly headers: { get(name: string): string | null };
  /** The body as it streams in (`null` when there is none), so an oversized one is refused without being held. */
  readonly body: ReadableStream<Uint8Array> | null;
}
