import { emptyReply, errorReply, jsonReply, type EmulatorReply, type RequestIds } from './emulatorReply';
import { badRequest, GraphError } from './graphError';
import { isRecord, toFaultRule } from './toFaultRule';
import type { GraphEmulator } from './types';

// A small unauthenticated surface for humans poking a running emulator (curl, a browser) — outside /v1.0 so it
// can never be mistaken for Graph. Bodies are validated: a garbage rule is a 400, never a silent no-op.

export type AdminApi = Pick<
  GraphEmulator,
  | 'sessions'
  | 'calls'
  | 'resetCalls'
  | 'addWorkbook'
  | 'workbooks'
  | 'addFault'
  | 'clearFaults'
  | 'failNextOperations'
  | 'settings'
  | 'configure'
  | 'concurrency'
  | 'resetConcurrency'
>;

type Handler = (body: Buffer) => EmulatorReply;

export function handleAdminRequest(
  method: string,
  path: string,
  body: Buffer,
  ids: RequestIds,
  api: AdminApi,
): EmulatorReply {
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/_emulator/sessions': { GET: () => jsonReply(200, api.sessions()) },
    '/_emulator/calls': {
      GET: () => jsonReply(200, api.calls()),
      DELETE: () => {
        api.resetCalls();
        return emptyReply(204);
      },
    },
    '/_emulator/workbooks': {
      GET: () => jsonReply(200, api.workbooks()),
      POST: (raw) => {
        const value = parseJson(raw);
        const { driveId, itemId } = isRecord(value) ? value : {};
        if (typeof driveId !== 'string' || typeof itemId !== 'string' || !driveId || !itemId) {
          throw badRequest('Expected {"driveId": string, "itemId": string}.');
        }
        api.addWorkbook(driveId, itemId);
        return jsonReply(201, { driveId, itemId });
      },
    },
    '/_emulator/faults': {
      POST: (raw) => {
        const rule = asBadRequest(() => toFaultRule(parseJson(raw)));
        api.addFault(rule);
        return jsonReply(201, rule);
      },
      DELETE: () => {
        api.clearFaults();
        return emptyReply(204);
      },
    },
    // asyncCreateMs / asyncRowsMs make creates and row adds answer 202 + an operation; contention answers 429 to
    // overlapping calls on one workbook.
    '/_emulator/settings': {
      GET: () => jsonReply(200, api.settings()),
      PATCH: (raw) => {
        const value = parseJson(raw);
        if (!isRecord(value)) throw badRequest('Expected a JSON object of settings.');
        const unknown = Object.keys(value).filter((key) => !Object.hasOwn(api.settings(), key));
        if (unknown.length > 0) throw badRequest(`Unknown setting(s): ${unknown.join(', ')}.`);
        return jsonReply(
          200,
          asBadRequest(() => api.configure(value)),
        );
      },
    },
    '/_emulator/concurrency': {
      GET: () => jsonReply(200, api.concurrency()),
      DELETE: () => {
        api.resetConcurrency();
        return emptyReply(204);
      },
    },
    '/_emulator/operations/failures': {
      POST: (raw) => {
        const value = parseJson(raw);
        const count = isRecord(value) ? value.count : undefined;
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
          throw badRequest('Expected {"count": a non-negative integer}.');
        }
        api.failNextOperations(count);
        return jsonReply(201, { count });
      },
    },
  };

  try {
    const methods = routes[path.replace(/\/+$/, '')];
    if (methods === undefined) throw new GraphError(404, 'notFound', `No emulator admin resource at '${path}'.`);
    const handler = methods[method];
    if (handler === undefined) {
      const allowed = Object.keys(methods).join(', ');
      throw new GraphError(405, 'methodNotAllowed', `Use ${allowed} on ${path}.`, undefined, { Allow: allowed });
    }
    return handler(body);
  } catch (error) {
    if (error instanceof GraphError) return errorReply(error, ids);
    throw error;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
}

function asBadRequest<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof TypeError) throw badRequest(error.message);
    throw error;
  }
}
