import type { WorkbookAddress } from '../workbookAddress';
import type { GraphClientOptions } from './graphClientOptions';
import type { CallOptions, GraphCall, GraphRequest } from './graphRequest';
import {
  toCreateResult,
  toOperationStatus,
  toGraphSession,
  type CreateResult,
  type GraphSession,
  type OperationStatus,
} from './graphResults';
import { parseGraphError } from './parseGraphError';
import { sameOrigin } from './sameOrigin';
import { workbookUrl } from './workbookUrl';

/** The session calls, built on the generic call: each turns a non-2xx answer into a parsed `GraphError`. */
export interface SessionCalls {
  /** createSession with `Prefer: respond-async`: Graph answers `201` with the session or `202` with an operation. */
  createSession(workbook: WorkbookAddress, persistChanges: boolean, options: CallOptions): Promise<CreateResult>;
  refreshSession(workbook: WorkbookAddress, sessionId: string, options: CallOptions): Promise<void>;
  closeSession(workbook: WorkbookAddress, sessionId: string, options: CallOptions): Promise<void>;
  /** One look at a long-running create's operation (the `Location` Graph gave). */
  getOperation(operationUrl: string, options: CallOptions): Promise<OperationStatus>;
  /** The session a succeeded operation points to (`resourceLocation`). */
  getSessionInfo(resourceUrl: string, options: CallOptions): Promise<GraphSession>;
}

export function createSessionCalls(options: GraphClientOptions, graphCall: GraphCall): SessionCalls {
  const send = sendExpectingSuccess(options, graphCall);
  const checkLocation = (location: string) => sameOrigin(location, options.baseUrl);
  return {
    async createSession(workbook, persistChanges, call) {
      const answer = await send(
        {
          action: 'createSession',
          url: workbookUrl(options.baseUrl, workbook, 'createSession'),
          method: 'POST',
          retryKind: 'create',
          headers: { 'content-type': 'application/json', prefer: 'respond-async' },
          body: JSON.stringify({ persistChanges }),
        },
        call,
      );
      return toCreateResult(answer, options.now(), checkLocation);
    },
    async refreshSession(workbook, sessionId, call) {
      await send(sessionPost(options.baseUrl, 'refreshSession', workbook, sessionId), call);
    },
    async closeSession(workbook, sessionId, call) {
      await send(sessionPost(options.baseUrl, 'closeSession', workbook, sessionId), call);
    },
    async getOperation(operationUrl, call) {
      const answer = await send(graphUrlGet('getOperation', operationUrl), call);
      return toOperationStatus(answer, options.now(), checkLocation);
    },
    async getSessionInfo(resourceUrl, call) {
      const answer = await send(graphUrlGet('getSessionInfo', resourceUrl), call);
      return toGraphSession(answer.text);
    },
  };
}

/** For the session calls: a non-2xx answer is an error, parsed once. */
function sendExpectingSuccess(options: GraphClientOptions, graphCall: GraphCall) {
  return async (
    request: GraphRequest,
    call: CallOptions,
  ): Promise<{ status: number; headers: Headers; text: string }> => {
    const reply = await graphCall(request, call);
    const text = new TextDecoder().decode(reply.body);
    if (reply.status < 200 || reply.status >= 300)
      throw parseGraphError(reply.status, reply.headers, text, options.now());
    return { status: reply.status, headers: reply.headers, text };
  };
}

// refreshSession and closeSession: a bodyless POST in the session, which repeating changes nothing.
function sessionPost(
  baseUrl: string,
  action: 'refreshSession' | 'closeSession',
  workbook: WorkbookAddress,
  sessionId: string,
): GraphRequest {
  return {
    action,
    url: workbookUrl(baseUrl, workbook, action),
    method: 'POST',
    retryKind: 'idempotent',
    headers: { 'workbook-session-id': sessionId },
  };
}

/** A GET of a URL Graph gave (an operation's, a session's), on the workbook it names. */
function graphUrlGet(action: 'getOperation' | 'getSessionInfo', url: string): GraphRequest {
  return { action, url, method: 'GET', retryKind: 'idempotent' };
}
