import { InvocationContext, type Timer } from '@azure/functions';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerHttp, runTimer, type Declaration, type TimerDeclaration } from '../host/declare';
import { productionDeps } from '../host/productionDeps';
import type { Deps } from '../shared/deps';
import { answerClientError } from './clientError';
import { corsPolicy, type CorsOptions, type CorsPolicy } from './cors';
import { hostRefusal } from './hostRefusal';
import { discardUnreadBody, toHttpRequest, writeResponse } from './httpBridge';
import { lineWriter } from './lineWriter';
import { loadFunctions } from './loadFunctions';
import { readRequestTarget } from './requestTarget';
import { underRoutePrefix } from './routePrefix';
import { matchRoute } from './routeTemplate';
import { scheduleTimers } from './scheduleTimers';

export interface LocalHostOptions {
  /** Default 7071 as in Core Tools; 0 = a free port. */
  readonly port?: number;
  readonly hostname?: string;
  /** The broker's effects; default the production wiring from the environment. */
  readonly deps?: () => Deps;
  /** Run timers on their schedules (default true). Off in tests, which trigger them through the admin route. */
  readonly timers?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
  /** CORS as `Host.CORS` / `Host.CORSCredentials` configure it; absent = no CORS headers, as in Core Tools. */
  readonly cors?: CorsOptions;
  /**
   * The order routes are tried in: `byName` as the Functions host does (the default), or `reversed`, so a test can
   * show that the answer does not depend on which of two matching functions the host picks.
   */
  readonly routeOrder?: 'byName' | 'reversed';
}

export interface LocalHost {
  readonly url: string;
  readonly port: number;
  /** Runs a function now and waits for it (what `POST /admin/functions/{name}` starts). */
  invoke(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A stand-in for the Functions host for machines without Core Tools: the functions' own declarations served on
 * `/api/...` with the host's methods and statuses (404 for an unknown route *and* for a wrong method —
 * https://github.com/Azure/azure-functions-host/issues/10098 — in Graph's error shape here, see dev/hostRefusal.ts),
 * `POST /admin/functions/{name}` → 202, and timers on their schedules. Like Core Tools it does not check function
 * keys. With `cors`, it answers browsers' preflights itself and marks every answer for allowed origins, as the host's
 * CORS middleware does (dev/cors.ts). It reads each request's path as the host in Azure does (dev/requestTarget.ts).
 */
export async function startLocalHost(options: LocalHostOptions = {}): Promise<LocalHost> {
  const loaded = await loadFunctions();
  const declarations = options.routeOrder === 'reversed' ? [...loaded].reverse() : loaded;
  const deps = options.deps ?? productionDeps;
  const log = options.log ?? lineWriter();
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    running.add(work);
    void work.finally(() => running.delete(work));
    return work;
  };
  const cors = options.cors ? corsPolicy(options.cors) : undefined;
  const find = (name: string) => declarations.find((d) => d.name.toLowerCase() === name.toLowerCase());
  const invoke = (name: string): Promise<void> => {
    const declaration = find(name);
    if (declaration?.kind !== 'timer') return Promise.reject(new Error(`No timer function named ${name}.`));
    return track(runLocalTimer(declaration, deps, log, false));
  };

  const serve = requestHandler({ declarations, deps, log, cors, find, track });
  const server = createServer(serve);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7071, options.hostname ?? '127.0.0.1', resolve);
  });
  const stopTimers =
    options.timers === false
      ? () => undefined
      : scheduleTimers(declarations, options.env ?? process.env, (declaration) =>
          track(runLocalTimer(declaration, deps, log, false)),
        );
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    invoke,
    async close() {
      stopTimers();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await Promise.allSettled([...running]);
    },
  };
}

interface HostParts {
  readonly declarations: readonly Declaration[];
  readonly deps: () => Deps;
  readonly log: (line: string) => void;
  readonly cors: CorsPolicy | undefined;
  readonly find: (name: string) => Declaration | undefined;
  readonly track: (work: Promise<void>) => Promise<void>;
}

/**
 * What the host does with one request: a preflight, the admin route, or a function, in that order, as the Functions
 * host's middleware does. Whatever no function takes — and whatever fails in the host itself — is the host's own
 * answer (dev/hostRefusal.ts).
 */
function requestHandler(parts: HostParts): (request: IncomingMessage, response: ServerResponse) => void {
  const { declarations, deps, log, cors, find, track } = parts;
  const refuse = (
    request: IncomingMessage,
    response: ServerResponse,
    headers: Record<string, string>,
    kind: 'noFunction' | 'notAPath',
  ) => {
    request.resume();
    const answer = hostRefusal(kind);
    log(`${new Date().toISOString()} ${request.method} ${request.url} → ${answer.status} (local host: ${kind})`);
    writeResponse(response, answer, headers);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse, corsHeaders: Record<string, string>) => {
    const url = readRequestTarget(request.url ?? '/', request.headers.host);
    if (!url) return refuse(request, response, corsHeaders, 'notAPath');
    // The host's CORS middleware runs before routing and authentication: a preflight never reaches a function.
    if (cors?.isPreflight(request.method, request.headers) && isHttpRoute(declarations, url.pathname)) {
      request.resume();
      return writeResponse(response, { status: 204 }, { ...cors.preflightHeaders(request.headers), ...ownId() });
    }
    const admin = /^\/admin\/functions\/([^/]+)\/?$/i.exec(url.pathname);
    if (admin?.[1] && request.method === 'POST') {
      const declaration = find(decodeURIComponent(admin[1]));
      if (declaration?.kind !== 'timer') return refuse(request, response, corsHeaders, 'noFunction');
      request.resume();
      void track(runLocalTimer(declaration, deps, log, false));
      return writeResponse(response, { status: 202 }, { ...corsHeaders, ...ownId() });
    }
    const routed = underRoutePrefix(url.pathname);
    const match = routed === undefined ? undefined : findHttp(declarations, request.method ?? '', routed);
    if (!match) return refuse(request, response, corsHeaders, 'noFunction');
    const httpRequest = toHttpRequest(request, url, match.params);
    const started = Date.now();
    const context = contextFor(match.declaration.name, randomUUID(), log);
    const result = await answerHttp(match.declaration, httpRequest, context, deps);
    log(
      `${new Date().toISOString()} ${request.method} ${url.pathname} → ${result.status ?? 200} (${match.declaration.name}, ${Date.now() - started} ms)`,
    );
    writeResponse(response, result, corsHeaders);
    discardUnreadBody(request);
  };
  return (request, response) => {
    const corsHeaders = cors?.responseHeaders(request.headers) ?? {};
    handle(request, response, corsHeaders).catch(() => {
      if (response.headersSent) return void response.end();
      writeResponse(response, hostRefusal('failed'), corsHeaders);
    });
  };
}

/** A `request-id` for an answer the host makes itself without a body (a preflight, the admin route's 202). */
function ownId(): Record<string, string> {
  return { 'request-id': randomUUID() };
}

function findHttp(declarations: readonly Declaration[], method: string, path: string) {
  for (const declaration of declarations) {
    if (declaration.kind !== 'http') continue;
    const params = matchRoute(declaration.route, path);
    if (params && declaration.methods.some((m) => m === method.toUpperCase())) return { declaration, params };
  }
  return undefined;
}

/** Whether any HTTP function's route matches the path, whatever its methods: where a preflight may be answered. */
function isHttpRoute(declarations: readonly Declaration[], pathname: string): boolean {
  const path = underRoutePrefix(pathname);
  if (path === undefined) return false;
  return declarations.some(
    (declaration) => declaration.kind === 'http' && matchRoute(declaration.route, path) !== undefined,
  );
}

function contextFor(functionName: string, invocationId: string, log: (line: string) => void): InvocationContext {
  return new InvocationContext({
    functionName,
    invocationId,
    logHandler: (level, ...args) =>
      log(`${new Date().toISOString()} [${level}] ${functionName}: ${args.map(String).join(' ')}`),
  });
}

async function runLocalTimer(
  declaration: TimerDeclaration,
  deps: () => Deps,
  log: (line: string) => void,
  isPastDue: boolean,
): Promise<void> {
  const now = new Date().toISOString();
  const timer: Timer = {
    isPastDue,
    schedule: { adjustForDST: true },
    scheduleStatus: { last: now, next: now, lastUpdated: now },
  };
  const context = contextFor(declaration.name, randomUUID(), log);
  try {
    await runTimer(declaration, timer, context, deps);
  } catch (error) {
    log(`${now} [error] ${declaration.name} failed: ${error instanceof Error ? error.message : 'unknown'}`);
  }
}
