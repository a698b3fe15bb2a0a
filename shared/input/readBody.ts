import { BadRequestError, PayloadTooLargeError } from '../errors';
import type { BrokerRequest } from './brokerRequest';

/**
 * The body as text, refusing anything over `limitBytes` (see bodyLimits.ts) without holding more than that: by its
 * declared length before a byte is read, else as soon as the bytes streamed pass the limit — the rest is never
 * read, so a 100 MiB body costs what the limit costs.
 */
export async function readBody(request: BrokerRequest, limitBytes: number): Promise<string> {
  return Buffer.from(await readBodyBytes(request, limitBytes)).toString('utf8');
}

/** The same, as the bytes that came: what the gateway forwards unchanged. */
export async function readBodyBytes(request: BrokerRequest, limitBytes: number): Promise<Uint8Array> {
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
