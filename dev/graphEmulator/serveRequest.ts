import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { errorReply, writeReply, type EmulatorReply, type RequestIds } from './emulatorReply';
import { GraphError } from './graphError';
import { handleAdminRequest, type AdminApi } from './handleAdminRequest';
import { handleGraphRequest, type GraphDeps, type GraphResult } from './handleGraphRequest';
import { parseGraphPath } from './parseGraphPath';
import { maxBodyBytes, readBody } from './readBody';
import type { RecordedCall } from './types';

// The only place node:http meets the handlers: read the body, pick the surface, record the call, write or drop.
// Nothing a client sends may crash the process, so anything unexpected becomes a generic Graph-shaped 500.

export interface ServeDeps {
  graph: GraphDeps;
  admin: AdminApi;
  record: (call: RecordedCall) => void;
}

export async function serveRequest(req: IncomingMessage, res: ServerResponse, deps: ServeDeps): Promise<void> {
  const arrivedAt = deps.graph.now();
  const receivedMs = performance.now();
  const ids = requestIds(req.headers, arrivedAt);
  try {
    const method = req.method ?? 'GET';
    const [path = '/', query = ''] = splitTarget(req.url ?? '/');
    const body = await readBody(req);
    if (body.kind === 'aborted') return;
    const tooLarge = () => new GraphError(413, 'payloadTooLarge', `The request body exceeds ${maxBodyBytes} bytes.`);

    if (path === '/_emulator' || path.startsWith('/_emulator/')) {
      const reply =
        body.kind === 'tooLarge'
          ? errorReply(tooLarge(), ids)
          : handleAdminRequest(method, path, body.body, ids, deps.admin);
      writeReply(res, reply, ids);
      return;
    }

    const result: GraphResult =
      body.kind === 'tooLarge'
        ? { outcome: errorReply(tooLarge(), ids), route: parseGraphPath(path, method), faulted: false }
        : await handleGraphRequest(
            { method, path, query: new URLSearchParams(query), headers: req.headers, body: body.body },
            ids,
            deps.graph,
          );
    const { outcome, route, sessionId, faulted } = result;
    deps.record({
      at: arrivedAt,
      receivedMs,
      answeredMs: performance.now(),
      method,
      path,
      query,
      headers: recordedHeaders(req.headers),
      headerNames: Object.keys(req.headers).sort(),
      op: route.op,
      ...(route.driveId === undefined ? {} : { driveId: route.driveId }),
      ...(route.itemId === undefined ? {} : { itemId: route.itemId }),
      ...(sessionId === undefined ? {} : { sessionId }),
      status: outcome.kind === 'drop' ? 'dropped' : outcome.status,
      faulted,
    });
    if (outcome.kind === 'drop') req.socket.destroy();
    else writeReply(res, outcome, ids);
  } catch {
    const failure = new GraphError(500, 'internalServerError', 'The emulator failed unexpectedly.');
    const reply: EmulatorReply = errorReply(failure, ids);
    if (!res.headersSent) writeReply(res, reply, ids);
    else res.destroy();
  }
}

function splitTarget(target: string): [string, string] {
  const mark = target.indexOf('?');
  return mark < 0 ? [target, ''] : [target.slice(0, mark), target.slice(mark + 1)];
}

// What a test of the broker needs to see of each request: what Graph acts on, never the bearer token.
const kept = [
  'workbook-session-id',
  'prefer',
  'content-type',
  'accept',
  'client-request-id',
  'if-match',
  'if-none-match',
];

function recordedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const name of kept) {
    const value = headers[name];
    if (value !== undefined) recorded[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return recorded;
}

// Graph echoes the caller's client-request-id and mints a request-id of its own on every response.
function requestIds(headers: IncomingHttpHeaders, at: number): RequestIds {
  const sent = headers['client-request-id'];
  const clientRequestId = typeof sent === 'string' && sent.length > 0 && sent.length <= 200 ? sent : randomUUID();
  const when = new Date(at);
  const date = Number.isNaN(when.getTime()) ? new Date(0).toISOString() : when.toISOString();
  return { requestId: randomUUID(), clientRequestId, date };
}
