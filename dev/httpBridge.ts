import { HttpRequest, type HttpRequestInit, type HttpResponseInit } from '@azure/functions';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Hands a Node request to a function as the Functions library's own `HttpRequest`, its body streaming as the worker
 * streams it with `enableHttpStream` (host/declare.ts): the library's own stream path wraps a `Request` whose body is
 * the incoming message (`createStreamRequest` in @azure/functions). Nothing is read here: the function reads what it
 * needs and refuses the rest (readBody in shared/input/brokerRequest.ts), so no body is ever held whole by the host.
 */
export function toHttpRequest(incoming: IncomingMessage, url: URL, params: Record<string, string>): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const nativeRequest = new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: bodyStream(incoming), duplex: 'half' } : {}),
  });
  // `nativeRequest` is how the library itself builds a streamed request; its public init type leaves it out.
  const init: HttpRequestInit & { nativeRequest: Request } = {
    nativeRequest,
    params,
    query: Object.fromEntries(url.searchParams),
  };
  return new HttpRequest(init);
}

/**
 * The incoming body as a web stream that reads only when the function asks (highWaterMark 0). Cancelling it stops
 * reading but leaves the connection alone — `Readable.toWeb` would destroy the socket before the 413 is written;
 * the host then discards what the client still sends (discardUnreadBody).
 */
function bodyStream(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  incoming.pause();
  return new ReadableStream<Uint8Array>(
    {
      pull: (controller) =>
        new Promise<void>((resolve, reject) => {
          const settle = () => {
            incoming.off('data', onData).off('end', onEnd).off('error', onError);
            incoming.pause();
            resolve();
          };
          const onData = (chunk: Buffer) => {
            controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
            settle();
          };
          const onEnd = () => {
            controller.close();
            settle();
          };
          const onError = (error: Error) => {
            incoming.off('data', onData).off('end', onEnd).off('error', onError);
            reject(error);
          };
          if (incoming.readableEnded) return onEnd();
          incoming.on('data', onData).once('end', onEnd).once('error', onError);
          incoming.resume();
        }),
      cancel: () => undefined,
    },
    { highWaterMark: 0 },
  );
}

/** How long a client that is refused mid-body may go on sending (all of it dropped) before the connection is cut. */
const LINGER_AFTER_ANSWER_MS = 2000;

/**
 * After an answer that left the body unread (a 413), drop what the client still sends — never kept — for a short
 * while, so it reads the answer instead of a connection reset, as servers do ("lingering close"). Node would
 * otherwise destroy the socket as soon as the answer is written when the client asked to close, and the unread bytes
 * make the kernel send a reset that can overtake the answer. Only the write side is closed at once; the socket goes
 * when the client closes its side, or after LINGER_AFTER_ANSWER_MS.
 */
export function discardUnreadBody(incoming: IncomingMessage): void {
  if (incoming.complete || incoming.readableEnded) return;
  const socket = incoming.socket;
  socket.destroySoon = () => void socket.end();
  const cut = setTimeout(() => socket.destroy(), LINGER_AFTER_ANSWER_MS).unref();
  socket.once('close', () => clearTimeout(cut));
  incoming.once('end', () => clearTimeout(cut)); // the body did end after all: a kept-alive connection stays usable
  incoming.on('data', () => undefined);
  incoming.resume();
}

/** Writes a function's result the way the Functions host does: `jsonBody` as JSON, otherwise the body as given. */
export function writeResponse(
  response: ServerResponse,
  init: HttpResponseInit,
  extraHeaders: Record<string, string>,
): void {
  // Header names lower-cased into a plain object: cheaper per request than building a WHATWG Headers.
  const headers: Record<string, string> = {};
  for (const [name, value] of headerEntries(init.headers)) headers[name.toLowerCase()] = value;
  for (const [name, value] of Object.entries(extraHeaders)) headers[name.toLowerCase()] = value;
  let body: string | Uint8Array | undefined;
  if (init.jsonBody !== undefined) {
    body = JSON.stringify(init.jsonBody);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  } else if (typeof init.body === 'string' || init.body instanceof Uint8Array) {
    body = init.body;
    if (typeof init.body === 'string') headers['content-type'] ??= 'text/plain; charset=utf-8';
  }
  headers['content-length'] = String(body === undefined ? 0 : Buffer.byteLength(body));
  response.writeHead(init.status ?? 200, headers);
  response.end(body);
}

/** `HttpResponseInit.headers` may be a plain record, an array of pairs, or a Headers object. */
function headerEntries(headers: HttpResponseInit['headers']): Iterable<[string, string]> {
  if (!headers) return [];
  if (headers instanceof Headers || Array.isArray(headers)) return headers as Iterable<[string, string]>;
  return Object.entries(headers);
}
