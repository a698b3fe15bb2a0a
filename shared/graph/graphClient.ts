import { GraphError, GraphUnavailableError, IdentityUnavailableError } from '../errors';
import { parseGraphError } from './parseGraphError';
import { isRetryable, retryDelayMs, type RetryKind } from './retryPolicy';
import { toCreateResult, toOperationStatus, toGraphSession, type CreateResult, type GraphSession, type OperationStatus } from './graphResults';

export type { CreateResult, GraphSession, OperationStatus } from './graphResults';

/** The canonical driveItem address, the one every generated Graph SDK uses. */
export interface WorkbookAddress {
  readonly driveId: string;
  readonly itemId: string;
}

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
}

export interface GraphAnswer {
  readonly action: string;
  readonly status: number;
  /** Graph's `request-id`: what Microsoft support asks for. */
  readonly graphRequestId: string | undefined;
  /** Graph's echo of our `client-request-id`. */
  readonly clientRequestId: string | undefined;
}

export interface GraphClient {
  /** createSession with `Prefer: respond-async`: Graph answers `201` with the session or `202` with an operation. */
  createSession(workbook: WorkbookAddress, persistChanges: boolean, options: CallOptions): Promise<CreateResult>;
  refreshSession(workbook: WorkbookAddress, sessionId: string, options: CallOptions): Promise<void>;
  closeSession(workbook: WorkbookAddress, sessionId: string, options: CallOptions): Promise<void>;
  /** One look at a long-running create's operation (the `Location` Graph gave). */
  getOperation(operationUrl: string, options: CallOptions): Promise<OperationStatus>;
  /** The session a succeeded operation points to (`resourceLocation`). */
  getSessionInfo(resourceUrl: string, options: CallOptions): Promise<GraphSession>;
}

export interface GraphCallRecord {
  readonly action: string;
  readonly method: 'GET' | 'POST';
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
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  /** Longest a single call may take, within the deadline. */
  readonly timeoutMs: number;
  /** Told of every Graph call once it ends (for telemetry); never given the token. */
  readonly onCall?: (call: GraphCallRecord) => void;
}

interface Request {
  readonly action: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly retryKind: RetryKind;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * Graph's workbook session calls (https://learn.microsoft.com/graph/api/workbook-createsession) with one retry
 * policy (retryPolicy.ts). Every non-2xx answer becomes a parsed `GraphError`; a network failure or timeout a
 * `GraphUnavailableError`. The token never leaves this file: it is not logged, not in an error, and never sent to a
 * URL outside GRAPH_BASE_URL's origin (operation and resource locations are checked).
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const origin = new URL(options.baseUrl).origin;
  const workbookUrl = (workbook: WorkbookAddress, action: string) =>
    `${options.baseUrl}/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${action}`;

  const once = async (request: Request, call: CallOptions): Promise<{ status: number; headers: Headers; text: string }> => {
    const { deadline } = call;
    let token: string;
    try {
      token = await options.getToken();
    } catch {
      throw new IdentityUnavailableError();
    }
    const started = options.now();
    const report = (status: number, retryAfterSeconds?: number) =>
      options.onCall?.({ action: request.action, method: request.method, status, durationMs: options.now() - started, retryAfterSeconds });
    let response: Response;
    let text: string;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(call.requestId ? { 'client-request-id': call.requestId } : {}),
          ...request.headers,
        },
        ...(request.method === 'POST' ? { body: request.body ?? '' } : {}),
        signal: AbortSignal.timeout(Math.max(1, Math.min(options.timeoutMs, deadline - started))),
      });
      text = await response.text();
    } catch (error) {
      report(0);
      throw new GraphUnavailableError(error instanceof Error && error.name === 'TimeoutError');
    }
    call.onAnswer?.({
      action: request.action,
      status: response.status,
      graphRequestId: response.headers.get('request-id') ?? undefined,
      clientRequestId: response.headers.get('client-request-id') ?? undefined,
    });
    if (!response.ok) {
      const error = parseGraphError(response.status, response.headers, text, options.now());
      report(response.status, error.retryAfterSeconds);
      throw error;
    }
    report(response.status);
    return { status: response.status, headers: response.headers, text };
  };

  const send = async (request: Request, call: CallOptions) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await once(request, call);
      } catch (error) {
        if (call.retry === false || !isRetryable(error, request.retryKind)) throw error;
        const delay = retryDelayMs({
          attempt,
          retryAfterSeconds: error instanceof GraphError ? error.retryAfterSeconds : undefined,
          remainingMs: call.deadline - options.now(),
          random: options.random(),
        });
        if (delay === undefined) throw error;
        await options.sleep(delay);
      }
    }
  };

  /** Locations come from Graph's answers; the token goes only where GRAPH_BASE_URL points. */
  const sameOrigin = (location: string): string => {
    const url = new URL(location, `${options.baseUrl}/`);
    if (url.origin !== origin) {
      throw new GraphError(502, 'badGateway', 'Microsoft Graph pointed to a location outside its own address.', undefined, undefined);
    }
    return url.toString();
  };

  return {
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
      const url = workbookUrl(workbook, 'refreshSession');
      await send({ action: 'refreshSession', url, method: 'POST', retryKind: 'idempotent', headers: { 'workbook-session-id': sessionId } }, call);
    },
    async closeSession(workbook, sessionId, call) {
      const url = workbookUrl(workbook, 'closeSession');
      await send({ action: 'closeSession', url, method: 'POST', retryKind: 'idempotent', headers: { 'workbook-session-id': sessionId } }, call);
    },
    async getOperation(operationUrl, call) {
      const answer = await send({ action: 'getOperation', url: sameOrigin(operationUrl), method: 'GET', retryKind: 'idempotent' }, call);
      return toOperationStatus(answer, options.now(), sameOrigin);
    },
    async getSessionInfo(resourceUrl, call) {
      const answer = await send({ action: 'getSessionInfo', url: sameOrigin(resourceUrl), method: 'GET', retryKind: 'idempotent' }, call);
      return toGraphSession(answer.text);
    },
  };
}
