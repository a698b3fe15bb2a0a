import type { Invocation } from '../deps';
import type { BrokerResponse } from '../errorResponse';
import { MethodNotAllowedError } from '../errors';
import { GRAPH_METHODS, type GraphMethod } from '../graph/graphRequest';
import type { BrokerRequest } from '../input/brokerRequest';
import { readWorkbookTarget, type WorkbookTarget } from '../input/workbookPath';
import { answerCloseSession } from './answerCloseSession';
import { answerCreateSession } from './answerCreateSession';
import { answerGetOperation } from './answerGetOperation';
import { answerRefreshSession } from './answerRefreshSession';
import { answerWorkbookCall } from './answerWorkbookCall';
import type { RouteHandler, RoutedCall } from './routeHandler';

/** Where every route of the workbook surface starts, under the route prefix: the canonical driveItem address. */
const WORKBOOK_ROUTE = 'drives/{driveId}/items/{itemId}/workbook';

interface WorkbookRoute {
  readonly methods: readonly GraphMethod[];
  /** After `workbook/`, in the Functions route syntax: literal segments, `{name}` for one, a last `{*name}` for all. */
  readonly path: string;
  /** The path called with another method: refused with 405 (never forwarded to Graph), or passed to the next route. */
  readonly otherMethods: 'refuse' | 'pass';
  readonly handler: RouteHandler;
}

/**
 * The workbook surface, one function a line: its name, methods and path, and what serves it — tried in this order,
 * the most specific first. The Functions host does not rank routes so: it tries them in registration order, in
 * practice by function name (https://github.com/Azure/azure-functions-host/issues/9876), so the catch-all may be
 * handed a session call or a poll. Every function of the surface is therefore served by this table (serveWorkbookCall),
 * which routes the call itself: whichever function the host picks, the same route answers.
 */
const ROUTES = {
  createSession: { methods: ['POST'], path: 'createSession', otherMethods: 'refuse', handler: answerCreateSession },
  refreshSession: { methods: ['POST'], path: 'refreshSession', otherMethods: 'refuse', handler: answerRefreshSession },
  closeSession: { methods: ['POST'], path: 'closeSession', otherMethods: 'refuse', handler: answerCloseSession },
  getOperation: {
    methods: ['GET'],
    path: 'operations/{operationId}',
    otherMethods: 'pass',
    handler: answerGetOperation,
  },
  workbookRequest: {
    methods: GRAPH_METHODS,
    path: '{*path}',
    otherMethods: 'pass',
    handler: answerWorkbookCall,
  },
} as const satisfies Record<string, WorkbookRoute>;

/** The declaration of one function of the workbook surface, for the function file to register. */
export interface WorkbookFunction {
  readonly name: keyof typeof ROUTES;
  readonly methods: GraphMethod[];
  /** Relative to the route prefix (shared/brokerUrls.ts). */
  readonly route: string;
  readonly handler: (request: BrokerRequest, invocation: Invocation) => Promise<BrokerResponse>;
}

export function workbookFunction(name: keyof typeof ROUTES): WorkbookFunction {
  const { methods, path } = ROUTES[name];
  return { name, methods: [...methods], route: `${WORKBOOK_ROUTE}/${path}`, handler: serveWorkbookCall };
}

/** One call to the workbook surface: its path read once, its route found, and that route's handler given both. */
async function serveWorkbookCall(request: BrokerRequest, invocation: Invocation): Promise<BrokerResponse> {
  return serveWorkbookTarget(request, invocation, readWorkbookTarget(request.url));
}

/**
 * A call to the workbook surface whose path after `workbook/` was read elsewhere — the advanced action gives it as
 * text in a query parameter (brokerRoutes.ts) — answered exactly as the same path in the URL would be.
 */
export async function serveWorkbookTarget(
  request: BrokerRequest,
  invocation: Invocation,
  target: WorkbookTarget | undefined,
): Promise<BrokerResponse> {
  const { handler, call } = routeOf(request.method.toUpperCase(), target);
  return handler(request, invocation, call);
}

function routeOf(method: string, target: WorkbookTarget | undefined): { handler: RouteHandler; call: RoutedCall } {
  const path = target === undefined ? undefined : routedPath(target);
  for (const route of Object.values<WorkbookRoute>(ROUTES)) {
    const params = matchPath(route.path, path);
    if (params === undefined) continue;
    if (route.methods.some((allowed) => allowed === method)) {
      return { handler: route.handler, call: { target, operationId: params.operationId } };
    }
    // A session call is a POST; with any other method it is refused here, never forwarded to Graph.
    if (route.otherMethods === 'refuse') return { handler: refuse(route.methods), call: { target } };
  }
  return { handler: refuse(ROUTES.workbookRequest.methods), call: { target } };
}

/**
 * The path after `workbook/` as the host routes it: percent-decoded (`%63reateSession` is createSession, not a call
 * to forward to Graph), one trailing slash ignored.
 */
function routedPath(target: WorkbookTarget): string {
  const raw = target.segments.join('/').replace(/\/$/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The parameters when `path` fits `template` (literals without regard to case); `undefined` when it does not. */
function matchPath(template: string, path: string | undefined): Record<string, string> | undefined {
  const wanted = template.split('/');
  const got = path === undefined ? [] : path.split('/');
  const params: Record<string, string> = {};
  for (const [index, part] of wanted.entries()) {
    const rest = /^\{\*(\w+)\}$/.exec(part)?.[1];
    if (rest !== undefined) return { ...params, [rest]: got.slice(index).join('/') };
    const segment = got[index];
    if (segment === undefined || segment === '') return undefined;
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    if (name !== undefined) params[name] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return undefined;
  }
  return got.length === wanted.length ? params : undefined;
}

function refuse(allowed: readonly GraphMethod[]): RouteHandler {
  return async () => {
    throw new MethodNotAllowedError(allowed);
  };
}
