import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { hostRefusal, type HostRefusalKind } from './hostRefusal';

/**
 * Node's HTTP server answers a request it cannot parse — a request head over its 16 KiB limit, bytes that are not
 * HTTP, headers that never finish — before any request object exists, with a bare status line. This answers the same
 * cases with the same statuses in Graph's error shape, written straight to the socket as Node's own default does
 * (https://nodejs.org/api/http.html#event-clienterror), then closes the connection.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const kind = refusalFor(error.code);
  // Only a connection nothing was written to yet gets an answer: one mid-response would garble it.
  const untouched = 'bytesWritten' in socket && socket.bytesWritten === 0;
  if (kind && socket.writable && untouched) socket.write(rawResponse(kind));
  socket.destroy();
}

function refusalFor(code: string | undefined): HostRefusalKind | undefined {
  if (code === 'HPE_HEADER_OVERFLOW') return 'headersTooLarge';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'headersTimeout';
  if (code?.startsWith('HPE_')) return 'unparsable';
  return undefined; // a reset or a timeout of an idle connection: nobody is waiting for an answer
}

function rawResponse(kind: HostRefusalKind): string {
  const { status, headers = {}, jsonBody } = hostRefusal(kind);
  const body = JSON.stringify(jsonBody);
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`content-length: ${Buffer.byteLength(body)}`, 'connection: close');
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
