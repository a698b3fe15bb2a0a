import { GraphError, GraphUnavailableError, IdentityUnavailableError } from '../errors';
import { parseGraphError } from './parseGraphError';

/** The canonical driveItem address, the one every generated Graph SDK uses. */
export interface WorkbookAddress {
  readonly driveId: string;
  readonly itemId: string;
}

export interface GraphSession {
  readonly id: string;
  readonly persistChanges: boolean;
}

export interface GraphClient {
  createSession(workbook: WorkbookAddress, persistChanges: boolean): Promise<GraphSession>;
  refreshSession(workbook: WorkbookAddress, sessionId: string): Promise<void>;
  closeSession(workbook: WorkbookAddress, sessionId: string): Promise<void>;
}

export interface GraphClientOptions {
  /** GRAPH_BASE_URL without a trailing slash. */
  readonly baseUrl: string;
  readonly fetch: typeof fetch;
  readonly getToken: () => Promise<string>;
  readonly now: () => number;
  /** Per-call limit; a call that takes longer is abandoned as a 504. */
  readonly timeoutMs: number;
  /** Told of every Graph call once it ends (for telemetry); never given the token. */
  readonly onCall?: (call: GraphCallRecord) => void;
}

export interface GraphCallRecord {
  readonly action: string;
  /** HTTP status, or 0 when no answer came. */
  readonly status: number;
  readonly durationMs: number;
  readonly retryAfterSeconds: number | undefined;
}

/**
 * Graph's three session calls (https://learn.microsoft.com/graph/api/workbook-createsession). Every non-2xx answer
 * becomes a parsed `GraphError`; a network failure or timeout a `GraphUnavailableError`. The token never leaves this
 * file: it is not logged and not part of any error.
 */
export function createGraphClient(options: GraphClientOptions): GraphClient {
  const call = async (workbook: WorkbookAddress, action: string, init: { sessionId?: string; body?: string }) => {
    let token: string;
    try {
      token = await options.getToken();
    } catch {
      throw new IdentityUnavailableError();
    }
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (init.sessionId !== undefined) headers['workbook-session-id'] = init.sessionId;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const url =
      `${options.baseUrl}/drives/${encodeURIComponent(workbook.driveId)}` +
      `/items/${encodeURIComponent(workbook.itemId)}/workbook/${action}`;
    let response: Response;
    let text: string;
    const started = options.now();
    const report = (status: number, retryAfterSeconds?: number) =>
      options.onCall?.({ action, status, durationMs: options.now() - started, retryAfterSeconds });
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers,
        body: init.body ?? '',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      report(0);
      throw new GraphUnavailableError(error instanceof Error && error.name === 'TimeoutError');
    }
    if (!response.ok) {
      const error = parseGraphError(response.status, response.headers, text, options.now());
      report(response.status, error.retryAfterSeconds);
      throw error;
    }
    report(response.status);
    return { status: response.status, text };
  };

  return {
    async createSession(workbook, persistChanges) {
      const { text } = await call(workbook, 'createSession', { body: JSON.stringify({ persistChanges }) });
      return toGraphSession(text);
    },
    async refreshSession(workbook, sessionId) {
      await call(workbook, 'refreshSession', { sessionId });
    },
    async closeSession(workbook, sessionId) {
      await call(workbook, 'closeSession', { sessionId });
    },
  };
}

function toGraphSession(text: string): GraphSession {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (typeof record.id !== 'string' || record.id.length === 0) {
    throw new GraphError(502, 'badGateway', 'Microsoft Graph answered createSession without a session id.', undefined, undefined);
  }
  return { id: record.id, persistChanges: record.persistChanges !== false };
}
