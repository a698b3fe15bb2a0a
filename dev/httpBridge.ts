import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The Functions host's default request size limit (`maxRequestBodySize`, 100 MB). */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;

/** Reads a Node request into the Functions library's own `HttpRequest`, as the worker would hand it over. */
export async function toHttpRequest(
  incoming: IncomingMessage,
  url: URL,
  params: Record<string, string>,
): Promise<HttpRequest | 'tooLarge'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return 'tooLarge';
    chunks.push(chunk as Buffer);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const method = incoming.method ?? 'GET';
  return new HttpRequest({
    method,
    url: url.toString(),
    headers,
    query: Object.fromEntries(url.searchParams),
    params,
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: { bytes: new Uint8Array(Buffer.concat(chunks)) } }),
  });
}

/** Writes a function's result the way the Functions host does: `jsonBody` as JSON, otherwise the body as given. */
export function writeResponse(response: ServerResponse, init: HttpResponseInit, extraHeaders: Record<string, string>): void {
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
  return Object.entries(headers as Record<string, string>);
}
