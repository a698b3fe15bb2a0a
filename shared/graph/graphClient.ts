import { GRAPH_CALL_HOLD_MS, MIN_WRITE_WINDOW_MS } from '../budgets';
import { startExchange, within, type FetchedAnswer } from './unwaitedExchange';
import { GraphError, GraphUnavailableError, IdentityUnavailableError, ThrottledError } from '../errors';
import { parseGraphError } from './parseGraphError';
import type { WorkbookAddress } from '../workbookAddress';
import type { Turn } from '../gate/workbookGate';
import { cooldownUntil, retryAfterSeconds } from './throttling';
import { isRetryable, retryDelayMs, type RetryKind } from './retryPolicy';
import {
  toCreateResult,
  toOperationStatus,
  toGraphSession,
  type CreateResult,
  type GraphSession,
  type OperationStatus,
} from './graphResults';

export type { CreateResult, GraphSession, OperationStatus } from './graphResults';

export interface CallOptions {
  /** Epoch ms by which the broker must have its answer: no call or retry wait runs past it. */
  readonly deadline: number;
  /** Retry throttling and transient failures (default true). The sweep says no: it pauses the workbook instead. */
  readonly retry?: boolean;
  /**
   * The broker's own request id, sent as `client-request-id`: Graph echoes it and keeps it with its own `request-id`
   * (https://learn.microsoft.com/graph/best-practices-concept#reliability-and-support).
   */
  readonly requestId?: string;
  /** Told of every answer Graph gave, with Graph's own request-id, so the invocation's log holds both ids. */
  readonly onAnswer?: (answer: GraphAnswer) => void;
  /**
   * The workbook's turn (workbookGate.ts), taken by the caller and handed over: the call holds it through its
   * retries and releases it — with Graph's cooldown when Graph asked for one — however it ends.
   */
  readonly turn?: Turn;
}

export interface GraphAnswer {
  readonly action: string;
  readonly status: number;
  /** Graph's `request-id`: what Microsoft support asks for. */
  readonly graphRequestId: string | undefined;
  /** Graph's echo of our `client-request-id`. */
  readonly clientRequestId: string | undefined;
}

export type GraphMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** One call to Graph, in the plain terms every workbook call shares. */
export interface GraphRequest {
  /** Its name in telemetry and logs: a bounded template, never ids or data. */
  readonly action: string;
  readonly method: GraphMethod;
  /** Absolute, and only ever under GRAPH_BASE_URL's origin. */
  readonly url: string;
  /** What may be repeated if it fails (retryPolicy.ts). */
  readonly retryKind: RetryKind;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** Graph's answer as it came, whatever its status: the gateway passes it on, the session calls read it. */
export interface GraphReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export interface GraphClient {
  /**
   * Any call, answered with what Graph finally said after the retries its kind allows — an error status is an answer
   * too. Throws only when no answer came (`GraphUnavailableError`), no token could be had, Graph refused the
   * broker's token twice (`502`).
   */
  call(request: GraphRequest, options: CallOptions): Promise<GraphReply>;
  /** `{GRAPH_BASE_URL}/drives/{driveId}/items/{itemId}/workbook/{path}`, `path` taken as already encoded. */
  workbookUrl(workbook: WorkbookAddress, path: string): string;
  /** createSession with `Prefer: respond-async`: Graph answers `201` with the session or `202` with an operation. */
  createSession(workbook: WorkbookAddress, persistChanges: boolean, options: CallOptions): Promise<CreateResult>;
  refreshSession(workbook: WorkbookAddress, sessionId: string, options: CallOptions): Promise<void>;
  closeSession(workbook: WorkbookAddress, sessionId: string, options: CallOptions): Promise<void>;
  /** One look at a long-running create's operation (the `Location` Graph gave). */
  getOperation(operationUrl: string, options: CallOptions): Promise<OperationStatus>;
  /** The session a succeeded operation points to (`resourceLocation`). */
  getSessionInfo(resourceUrl: string, options: CallOptions): Promise<GraphSession>;
}

/** An attempt the broker stopped waiting for, which Graph may still be working on: ended when `settled` resolves. */
interface Unwaited {
  settled?: Promise<void>;
}

export interface GraphCallRecord {
  readonly action: string;
  readonly method: GraphMethod;
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;
  readonly durationMs: number;
  readonly retryAfterSeconds: number | undefined;
}

export interface GraphClientOptions {
  /** GRAPH_BASE_URL without a trailing slash. */
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly getToken: () => Promise<string>;
  /** Forgets a token Graph refused (401), so getToken fetches a new one. */
  readonly dropToken?: (refused: string) => void;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Longest the broker waits for a single call's answer, within the deadline. */
  readonly timeoutMs: number;
  /** Longest a call it stopped waiting for may hold the workbook before its connection is ended (GRAPH_CALL_HOLD_MS). */
  readonly holdMs?: number;
  /** Told of every Graph call once it ends (for telemetry); never given the token. */
  readonly onCall?: (call: GraphCallRecord) => void;
}

/**
 * Graph calls (https://learn.microsoft.com/graph/api/resources/excel) through one generic exchange: the workbook's
 * turn, the token, retries by the call's kind (retryPolicy.ts), a refused token dropped and tried once more. The
 * session calls are built on it and turn any non-2xx answer into a parsed `GraphError`. The token never leaves this
 * file: it is not logged, not in an error, and never sent outside GRAPH_BASE_URL's origin (locations are checked).
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const origin = new URL(options.baseUrl).origin;
  const holdMs = options.holdMs ?? GRAPH_CALL_HOLD_MS;
  const workbookUrl = (workbook: WorkbookAddress, path: string) =>
    `${options.baseUrl}/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${path}`;

  const token = async (): Promise<string> => {
    try {
      return await options.getToken();
    } catch (error) {
      throw new IdentityUnavailableError({ cause: error });
    }
  };

  const once = async (
    request: GraphRequest,
    call: CallOptions,
    bearer: string,
    unwaited: Unwaited,
  ): Promise<GraphReply> => {
    const started = options.now();
    const report = (status: number, retryAfterSeconds?: number) =>
      options.onCall?.({
        action: request.action,
        method: request.method,
        status,
        durationMs: options.now() - started,
        retryAfterSeconds,
      });
    const exchange = startExchange(options.fetch, request.url, requestInit(request, call, bearer), holdMs);
    let fetched: FetchedAnswer | undefined;
    try {
      fetched = await within(exchange.answer, Math.min(options.timeoutMs, call.deadline - started));
    } catch (error) {
      report(0);
      throw new GraphUnavailableError(false, { cause: error });
    }
    if (fetched === undefined) {
      // Not answered in time: the caller is told so, while the call may still be running at Graph.
      unwaited.settled = exchange.settled;
      report(0);
      throw new GraphUnavailableError(true);
    }
    const { response, body } = fetched;
    call.onAnswer?.({
      action: request.action,
      status: response.status,
      graphRequestId: response.headers.get('request-id') ?? undefined,
      clientRequestId: response.headers.get('client-request-id') ?? undefined,
    });
    report(
      response.status,
      response.ok ? undefined : retryAfterSeconds(response.headers.get('retry-after'), options.now()),
    );
    return { status: response.status, headers: response.headers, body };
  };

  // A 401 means Graph refused the broker's own token (expired early, or revoked): drop it, fetch another, try once.
  const authorized = async (request: GraphRequest, call: CallOptions, unwaited: Unwaited): Promise<GraphReply> => {
    const bearer = await token();
    const first = await once(request, call, bearer, unwaited);
    if (first.status !== 401) return first;
    options.dropToken?.(bearer);
    const second = await once(request, call, await token(), unwaited);
    if (second.status !== 401) return second;
    throw new GraphError(502, 'badGateway', "Microsoft Graph refused the broker's token.", undefined, undefined);
  };

  // A retry never goes in beside an attempt Graph may still be working on: it waits for that one to end, and when
  // it does not end within the budget there is no retry.
  const previousEnded = async (unwaited: Unwaited, call: CallOptions, reserve: number): Promise<boolean> => {
    if (unwaited.settled === undefined) return true;
    const ended = await within(
      unwaited.settled.then(() => true),
      call.deadline - options.now() - reserve,
    );
    if (ended) unwaited.settled = undefined;
    return ended === true;
  };

  const withRetries = async (request: GraphRequest, call: CallOptions, unwaited: Unwaited): Promise<GraphReply> => {
    // A write keeps a window at the end of the budget in which it is never sent (MIN_WRITE_WINDOW_MS).
    const reserve = request.retryKind === 'idempotent' ? 0 : MIN_WRITE_WINDOW_MS;
    let last: GraphReply | undefined;
    let failure: unknown;
    for (let attempt = 1; ; attempt += 1) {
      if (attempt > 1 && !(await previousEnded(unwaited, call, reserve))) throw failure;
      if (call.deadline - options.now() < reserve) {
        if (last !== undefined) return last;
        throw new ThrottledError(
          'Too little of the answer budget is left to send this write safely; send it again.',
          1,
        );
      }
      let reply: GraphReply | undefined;
      try {
        reply = await authorized(request, call, unwaited);
        last = reply;
        if (reply.status < 400) return reply;
        failure = parseGraphError(reply.status, reply.headers, '', options.now());
      } catch (error) {
        if (!(error instanceof GraphUnavailableError)) throw error;
        failure = error;
      }
      const delay =
        call.retry === false || !isRetryable(failure, request.retryKind)
          ? undefined
          : retryDelayMs({
              attempt,
              retryAfterSeconds: failure instanceof GraphError ? failure.retryAfterSeconds : undefined,
              remainingMs: call.deadline - options.now() - reserve,
              random: options.random(),
            });
      if (delay === undefined) {
        if (reply !== undefined) return reply;
        throw failure;
      }
      await options.sleep(delay);
    }
  };

  // The turn is held through the retries and their waits: nothing else goes to a workbook Graph asked us to leave.
  // A throttling answer passed on to the caller hands its cooldown to the turn, for whoever calls the workbook next.
  // A call the broker stopped waiting for keeps the turn until it ends at Graph (unwaitedExchange.ts).
  const exchange = async (request: GraphRequest, call: CallOptions): Promise<GraphReply> => {
    const turn = call.turn;
    const unwaited: Unwaited = {};
    let cooldown: number | undefined;
    try {
      const reply = await withRetries({ ...request, url: sameOrigin(request.url) }, call, unwaited);
      const at = options.now();
      cooldown = cooldownUntil(reply.status, retryAfterSeconds(reply.headers.get('retry-after'), at), at);
      return reply;
    } finally {
      if (unwaited.settled === undefined) turn?.release(cooldown);
      else void unwaited.settled.then(() => turn?.release(cooldown));
    }
  };

  /** For the session calls: a non-2xx answer is an error, parsed once. */
  const send = async (
    request: GraphRequest,
    call: CallOptions,
  ): Promise<{ status: number; headers: Headers; text: string }> => {
    const reply = await exchange(request, call);
    const text = new TextDecoder().decode(reply.body);
    if (reply.status < 200 || reply.status >= 300)
      throw parseGraphError(reply.status, reply.headers, text, options.now());
    return { status: reply.status, headers: reply.headers, text };
  };

  /** Locations come from Graph's answers; the token goes only where GRAPH_BASE_URL points. */
  const sameOrigin = (location: string): string => {
    const url = new URL(location, `${options.baseUrl}/`);
    if (url.origin !== origin) {
      throw new GraphError(
        502,
        'badGateway',
        'Microsoft Graph pointed to a location outside its own address.',
        undefined,
        undefined,
      );
    }
    return url.toString();
  };

  // refreshSession and closeSession: a bodyless POST in the session, which repeating changes nothing.
  const sessionPost = (
    action: 'refreshSession' | 'closeSession',
    workbook: WorkbookAddress,
    sessionId: string,
  ): GraphRequest => ({
    action,
    url: workbookUrl(workbook, action),
    method: 'POST',
    retryKind: 'idempotent',
    headers: { 'workbook-session-id': sessionId },
  });
  /** A GET of a URL Graph gave (an operation's, a session's), on the workbook it names. */
  const graphUrlGet = (action: 'getOperation' | 'getSessionInfo', url: string): GraphRequest => ({
    action,
    url,
    method: 'GET',
    retryKind: 'idempotent',
  });

  return {
    call: exchange,
    workbookUrl,
    async createSession(workbook, persistChanges, call) {
      const answer = await send(
        {
          action: 'createSession',
          url: workbookUrl(workbook, 'createSession'),
          method: 'POST',
          retryKind: 'create',
          headers: { 'content-type': 'application/json', prefer: 'respond-async' },
          body: JSON.stringify({ persistChanges }),
        },
        call,
      );
      return toCreateResult(answer, options.now(), sameOrigin);
    },
    async refreshSession(workbook, sessionId, call) {
      await send(sessionPost('refreshSession', workbook, sessionId), call);
    },
    async closeSession(workbook, sessionId, call) {
      await send(sessionPost('closeSession', workbook, sessionId), call);
    },
    async getOperation(operationUrl, call) {
      const answer = await send(graphUrlGet('getOperation', operationUrl), call);
      return toOperationStatus(answer, options.now(), sameOrigin);
    },
    async getSessionInfo(resourceUrl, call) {
      const answer = await send(graphUrlGet('getSessionInfo', resourceUrl), call);
      return toGraphSession(answer.text);
    },
  };
}

/** The fetch options of one attempt: the caller's headers, the broker's token, a body unless it is a GET. */
function requestInit(request: GraphRequest, call: CallOptions, bearer: string): RequestInit {
  return {
    method: request.method,
    headers: {
      accept: 'application/json',
      ...(call.requestId ? { 'client-request-id': call.requestId } : {}),
      ...request.headers,
      authorization: `Bearer ${bearer}`,
    },
    ...(request.method === 'GET' ? {} : { body: request.body ?? (request.method === 'POST' ? '' : undefined) }),
  };
}
