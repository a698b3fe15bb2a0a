import type { ServerResponse } from 'node:http';
import type { GraphError } from './graphError';

// The handlers speak plain data; only writeReply touches node:http's response.

export interface EmulatorReply {
  kind: 'reply';
  status: number;
  headers: Record<string, string>;
  json?: unknown;
}

/** Destroy the socket without answering. */
export interface EmulatorDrop {
  kind: 'drop';
}

export type EmulatorOutcome = EmulatorReply | EmulatorDrop;

/** Per-request identifiers Graph echoes in headers and in every error's innerError. */
export interface RequestIds {
  requestId: string;
  clientRequestId: string;
  /** ISO time of the request on the injected clock. */
  date: string;
}

export function jsonReply(status: number, json: unknown, headers: Record<string, string> = {}): EmulatorReply {
  return { kind: 'reply', status, headers, json };
}

export function emptyReply(status: number, headers: Record<string, string> = {}): EmulatorReply {
  return { kind: 'reply', status, headers };
}

/** Graph's error shape: https://learn.microsoft.com/graph/errors */
export function errorReply(error: GraphError, ids: RequestIds): EmulatorReply {
  const innerError = {
    ...(error.innerCode === undefined ? {} : { code: error.innerCode }),
    date: ids.date,
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
  };
  return jsonReply(
    error.status,
    { error: { code: error.code, message: error.message, innerError } },
    {
      ...error.headers,
    },
  );
}

export function writeReply(res: ServerResponse, reply: EmulatorReply, ids: RequestIds): void {
  if (res.destroyed || res.writableEnded) return;
  const body = reply.json === undefined ? undefined : Buffer.from(JSON.stringify(reply.json), 'utf8');
  const headers: Record<string, string | number> = {
    ...reply.headers,
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
  };
  // RFC 9110 forbids Content-Length on 204; everything else states its length so keep-alive stays framed.
  if (reply.status !== 204) headers['Content-Length'] = body?.length ?? 0;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  res.writeHead(reply.status, headers);
  res.end(body);
}
