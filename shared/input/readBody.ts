import { PayloadTooLargeError } from '../errors';
import { MAX_BODY_BYTES, type BrokerRequest } from './brokerRequest';

/** The body as text, refusing anything over MAX_BODY_BYTES — by its declared length before reading, when it has one. */
export async function readBody(request: BrokerRequest): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const text = await request.text();
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) throw tooLarge();
  return text;
}

function tooLarge(): PayloadTooLargeError {
  return new PayloadTooLargeError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}
