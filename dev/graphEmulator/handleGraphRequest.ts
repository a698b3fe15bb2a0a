import type { IncomingHttpHeaders } from 'node:http';
import type { Concurrency } from './concurrency';
import { errorReply, type EmulatorOutcome, type RequestIds } from './emulatorReply';
import type { FaultBook } from './faultBook';
import { GraphError } from './graphError';
import { parseGraphPath, type GraphRoute } from './parseGraphPath';
import { driveOps, sessionOps, type DriveOp, type FaultRule, type SessionOp } from './types';
import { runDriveRequest } from './workbook/runDriveRequest';
import { runWorkbookRequest, type WorkbookRequestContext } from './workbook/runWorkbookRequest';
import type { SessionCopies } from './workbook/sessionCopies';
import { runWorkbookCall, sessionIdHeader, type WorkbookContext } from './workbookOperations';

// The Graph surface, in Graph's order: authenticate, route (400 / 405), then faults and contention, then the
// operation. Faults sit after authentication because a throttled or dropped request still had to reach Graph's
// front door; an afterEffect fault runs the operation first, modelling "Graph did it but the answer was lost".

export interface GraphRequest {
  method: string;
  /** Raw path, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface GraphDeps extends WorkbookContext, WorkbookRequestContext {
  faults: FaultBook;
  copies: SessionCopies;
  concurrency: Concurrency;
  /** When true, a call that arrives while another is in flight on the same workbook is answered 429. */
  contention: () => boolean;
  acceptToken: (token: string) => boolean;
  /** Real-time delay for latency faults. */
  sleep: (ms: number) => Promise<void>;
}

export interface GraphResult {
  outcome: EmulatorOutcome;
  route: GraphRoute;
  sessionId?: string;
  faulted: boolean;
}

export async function handleGraphRequest(
  request: GraphRequest,
  ids: RequestIds,
  deps: GraphDeps,
): Promise<GraphResult> {
  const route = parseGraphPath(request.path, request.method);
  const overlapping = deps.concurrency.enter(route);
  try {
    return await answerGraphRequest(request, route, overlapping, ids, deps);
  } finally {
    deps.concurrency.leave(route);
  }
}

async function answerGraphRequest(
  request: GraphRequest,
  route: GraphRoute,
  overlapping: number,
  ids: RequestIds,
  deps: GraphDeps,
): Promise<GraphResult> {
  const headerSession = sessionIdHeader(request.headers);
  const answer = (outcome: EmulatorOutcome, faulted: boolean, sessionId = headerSession): GraphResult => ({
    outcome,
    route,
    faulted,
    ...(sessionId === undefined ? {} : { sessionId }),
  });

  const refusal = authenticate(request.headers, deps.acceptToken) ?? route.error;
  if (refusal !== undefined) return answer(errorReply(refusal, ids), false);

  const decision = deps.faults.decide({ ...route, method: request.method });
  if (decision.latencyMs > 0) await deps.sleep(decision.latencyMs);
  const fault = decision.rule;
  if (fault !== undefined && fault.afterEffect !== true) return answer(faultOutcome(fault, ids), true);
  // Excel answers concurrent requests to one workbook with throttling (workbook-best-practice).
  if (overlapping > 1 && deps.contention()) {
    return answer(errorReply(GraphError.forStatus(429, undefined, { 'Retry-After': '1' }), ids), true);
  }

  let outcome: EmulatorOutcome;
  let sessionId = headerSession;
  try {
    await deps.copies.endGone(deps.sessions, deps.now());
    const result = await runOperation(request, route, headerSession, deps);
    outcome = result.reply;
    sessionId = result.createdSessionId ?? headerSession;
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    outcome = errorReply(error, ids);
  }
  return fault === undefined ? answer(outcome, false, sessionId) : answer(faultOutcome(fault, ids), true, sessionId);
}

async function runOperation(request: GraphRequest, route: GraphRoute, sessionId: string | undefined, deps: GraphDeps) {
  const { op, driveId = '', itemId = '' } = route;
  if (op === 'unknown') throw new GraphError(500, 'internalServerError', 'Unrouted request reached an operation.');
  const { headers, body } = request;
  if (isSessionOp(op)) {
    const { operationId, resourceKey } = route;
    const result = runWorkbookCall({ op, driveId, itemId, operationId, resourceKey, headers, body }, deps);
    const created =
      result.createdSessionId === undefined ? undefined : deps.sessions.find(result.createdSessionId, deps.now());
    if (created !== undefined) await deps.copies.begin(created);
    return result;
  }
  if (isDriveOp(op)) return { reply: runDriveRequest({ ...route, op }, request.query, deps.drive, deps.baseUrl) };
  const workbookRoute = { ...route, op };
  const reply = await runWorkbookRequest(
    { route: workbookRoute, headers, body, query: request.query, ...(sessionId === undefined ? {} : { sessionId }) },
    deps,
  );
  return { reply };
}

function isSessionOp(op: string): op is SessionOp {
  return (sessionOps as readonly string[]).includes(op);
}

function isDriveOp(op: string): op is DriveOp {
  return (driveOps as readonly string[]).includes(op);
}

// Graph answers 401 InvalidAuthenticationToken for a missing or unusable bearer token
// (https://learn.microsoft.com/graph/resolve-auth-errors).
function authenticate(headers: IncomingHttpHeaders, acceptToken: (token: string) => boolean): GraphError | undefined {
  const match = /^Bearer\s+(\S.*)$/i.exec(headers.authorization ?? '');
  const token = match?.[1]?.trim();
  if (token === undefined || token.length === 0) {
    return new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  }
  if (accepts(acceptToken, token)) return undefined;
  return new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
}

// A verifier that throws on a malformed token has refused it; that is a 401, not an emulator failure.
function accepts(acceptToken: (token: string) => boolean, token: string): boolean {
  try {
    return acceptToken(token);
  } catch {
    return false;
  }
}

function faultOutcome(rule: FaultRule, ids: RequestIds): EmulatorOutcome {
  if (rule.kind === 'drop') return { kind: 'drop' };
  const headers: Record<string, string> =
    rule.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(rule.retryAfterSeconds) };
  return errorReply(GraphError.forStatus(rule.status ?? 500, rule.innerCode, headers), ids);
}
