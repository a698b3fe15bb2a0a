import { BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * The request as the broker sees it: method, URL, route parameters, headers, and the body as a stream. The Functions
 * library's `HttpRequest` fits this shape, so the host passes it straight through; nothing else of Azure leaks in.
 */
export interface BrokerRequest {
  readonly method: string;
  /** The whole URL; only the route table reads its path (shared/routes/workbookRoutes.ts). */
  readonly url: string;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly headers: { get(name: string): string | null };
  /** The body as it streams in (`null` when there is none), so an oversized one is refused without being held. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/** What reading a body needs of the request: its declared length, and the stream. */
type BodySource = Pick<BrokerRequest, 'headers' | 'body'>;

/**
 * The most body each kind of call may carry, in bytes: the one place these limits live. A body over its limit is
 * refused with `413` as soon as its declared length (`Content-Length`) or the bytes streamed so far pass it, without
 * reading the rest (readBody, below).
 */
export const BODY_LIMITS = Object.freeze({
  /** createSession, refreshSession, closeSession: a few bytes of JSON at most; anything near this is not one. */
  sessionCall: 16 * 1024,
  /** A workbook call forwarded to Graph: a range or a batch of rows; above this, split it into several calls. */
  workbookCall: 4 * 1024 * 1024,
});

/**
 * The body as text, refusing anything over `limitBytes` (BODY_LIMITS) without holding more than that: by its
 * declared length before a byte is read, else as soon as the bytes streamed pass the limit — the rest is never
 * read, so a 100 MiB body costs what the limit costs.
 */
export async function readBody(request: BodySource, limitBytes: number): Promise<string> {
  return Buffer.from(await readBodyBytes(request, limitBytes)).toString('utf8');
}

/** The same, as the bytes that came: what the gateway forwards unchanged. */
export async function readBodyBytes(request: BodySource, limitBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !/^\s*\d+\s*$/.test(declared))
    throw new BadRequestError('Content-Length must be a whole number of bytes.');
  if (declared !== null && !(Number(declared) <= limitBytes)) throw tooLarge(limitBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      // The body is refused either way; a stream that cannot even be cancelled has nothing more to tell us.
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than ${limitBytes} bytes.`);
}
