import type { IncomingHttpHeaders } from 'node:http';
import { badRequest, itemNotFound } from './graphError';
import { emptyReply, jsonReply, type EmulatorReply } from './emulatorReply';
import type { LocalDrive } from './workbook/localDrive';
import type { EmulatedOperation, OperationBook } from './operationBook';
import type { SessionBook } from './sessionBook';
import { isRecord } from './toFaultRule';

// The five workbook routes, as plain functions of (route, request) → reply. They throw GraphError for refusals.
// Pages: workbook-createsession, workbook-refreshsession, workbook-closesession, resources/workbookoperation.

export interface WorkbookContext {
  sessions: SessionBook;
  operations: OperationBook;
  drive: LocalDrive;
  now: () => number;
  /** e.g. http://127.0.0.1:PORT/v1.0 — Location and resourceLocation are absolute, as Graph's are. */
  baseUrl: string;
  /** Above 0: a create with `Prefer: respond-async` answers 202 and an operation this long. */
  asyncCreateMs: () => number;
}

export interface WorkbookCall {
  op: 'createSession' | 'refreshSession' | 'closeSession' | 'getOperation' | 'getSessionInfo';
  driveId: string;
  itemId: string;
  operationId?: string;
  resourceKey?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface WorkbookResult {
  reply: EmulatorReply;
  /** The session a create made, for the call record. */
  createdSessionId?: string;
}

export function runWorkbookCall(call: WorkbookCall, ctx: WorkbookContext): WorkbookResult {
  const now = ctx.now();
  ctx.operations.settle(now);
  if (ctx.drive.find(call.driveId, call.itemId) === undefined) throw itemNotFound();
  const item = `${ctx.baseUrl}/drives/${encodeURIComponent(call.driveId)}/items/${encodeURIComponent(call.itemId)}`;
  switch (call.op) {
    case 'createSession': {
      const persistChanges = readPersistChanges(call.body);
      if (prefersAsync(call.headers) && ctx.asyncCreateMs() > 0) {
        const operation = ctx.operations.start(call.driveId, call.itemId, persistChanges, now, ctx.asyncCreateMs());
        return { reply: emptyReply(202, { Location: `${item}/workbook/operations/${operation.id}` }) };
      }
      const session = ctx.sessions.create(call.driveId, call.itemId, persistChanges, now);
      const context = `${ctx.baseUrl}/$metadata#microsoft.graph.workbookSessionInfo`;
      const json = { '@odata.context': context, id: session.id, persistChanges };
      return { reply: jsonReply(201, json), createdSessionId: session.id };
    }
    case 'refreshSession':
      ctx.sessions.refresh(requireSessionId(call.headers), call.driveId, call.itemId, now);
      return { reply: emptyReply(204) };
    case 'closeSession':
      ctx.sessions.close(requireSessionId(call.headers), call.driveId, call.itemId, now);
      return { reply: emptyReply(204) };
    case 'getOperation': {
      const operation = ctx.operations.get(call.operationId ?? '');
      if (operation === undefined || operation.driveId !== call.driveId || operation.itemId !== call.itemId) {
        throw itemNotFound('The operation was not found.');
      }
      const { id, status, error } = operation;
      const resourceLocation = operationResult(item, operation);
      const json = { id, status, ...(resourceLocation ? { resourceLocation } : {}), ...(error ? { error } : {}) };
      return { reply: jsonReply(200, json) };
    }
    case 'getSessionInfo': {
      const sessionId = ctx.operations.sessionIdForKey(call.resourceKey ?? '');
      const session = sessionId === undefined ? undefined : ctx.sessions.find(sessionId, now);
      if (session === undefined || session.driveId !== call.driveId || session.itemId !== call.itemId) {
        throw itemNotFound();
      }
      return { reply: jsonReply(200, { id: session.id, persistChanges: session.persistChanges }) };
    }
  }
}

// workbookoperation-get: a create points at sessionInfoResource, added rows at tableRowOperationResult — the
// latter in the session the rows were added in.
function operationResult(item: string, operation: EmulatedOperation): string | undefined {
  if (operation.status !== 'succeeded') return undefined;
  if (operation.kind === 'tableRows') {
    const session = operation.sessionId === undefined ? '' : `?sessionId=${encodeURIComponent(operation.sessionId)}`;
    return `${item}/workbook/tableRowOperationResult(key='${operation.id}')${session}`;
  }
  return operation.resourceKey === undefined
    ? undefined
    : `${item}/workbook/sessionInfoResource(key='${operation.resourceKey}')`;
}

// Graph ignores unknown fields (so the old docs' `persistSession` silently yields the default, true) but refuses
// a payload it cannot read or a persistChanges that is not an Edm.Boolean.
function readPersistChanges(body: Buffer): boolean {
  const text = body.toString('utf8').trim();
  if (text.length === 0) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest(
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
  if (!isRecord(parsed)) throw badRequest('The request payload must be a JSON object.');
  const value = parsed.persistChanges;
  if (value === undefined) return true;
  if (typeof value !== 'boolean') {
    // Graph quotes a string as it came and any other JSON value as its JSON (never `[object Object]`).
    const literal = typeof value === 'string' ? value : JSON.stringify(value);
    throw badRequest(`Cannot convert the literal '${literal}' to the expected type 'Edm.Boolean'.`);
  }
  return value;
}

export function prefersAsync(headers: IncomingHttpHeaders): boolean {
  const raw = headers.prefer;
  const prefer = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return prefer.split(',').some((token) => token.trim().toLowerCase() === 'respond-async');
}

/** The workbook-session-id header (node lowercases names, so any casing the caller used matches). */
export function sessionIdHeader(headers: IncomingHttpHeaders): string | undefined {
  const value = headers['workbook-session-id'];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first.trim().length === 0 ? undefined : first.trim();
}

function requireSessionId(headers: IncomingHttpHeaders): string {
  const id = sessionIdHeader(headers);
  if (id === undefined) throw badRequest("The request is missing the required header 'workbook-session-id'.");
  return id;
}
