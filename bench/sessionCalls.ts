/**
 * The two calls the figures compare, made the same way through the broker and straight to the emulator: Node's
 * fetch (undici, keep-alive), body always read so the connection goes back to the pool. Each returns the status,
 * the session id for a create, and the wall time of the whole exchange.
 */
export interface Workbook {
  readonly driveId: string;
  readonly itemId: string;
}

export interface CallResult {
  readonly status: number;
  readonly ms: number;
  readonly sessionId?: string;
}

export type CallKind = 'createSession' | 'refreshSession';

export interface SessionCaller {
  readonly name: 'broker' | 'direct';
  createSession(workbook: Workbook): Promise<CallResult>;
  refreshSession(workbook: Workbook, sessionId: string): Promise<CallResult>;
  /** Calls made so far (for tokenRequestsPer1000Calls). */
  calls(): number;
}

/** The broker's Graph-compatible routes: `{base}/api/drives/…/workbook/{action}`. */
export function brokerCaller(base: string): SessionCaller {
  return caller('broker', `${base}/api`, {});
}

/** Graph itself (the emulator), with the headers the broker's Graph client sends. */
export function directCaller(graphBaseUrl: string, token: string): SessionCaller {
  return caller(
    'direct',
    graphBaseUrl,
    { authorization: `Bearer ${token}`, accept: 'application/json' },
    { prefer: 'respond-async' },
  );
}

function caller(
  name: SessionCaller['name'],
  base: string,
  headers: Record<string, string>,
  createHeaders: Record<string, string> = {},
): SessionCaller {
  let count = 0;
  const url = (workbook: Workbook, action: string) =>
    `${base}/drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}/workbook/${action}`;
  const post = async (
    target: string,
    extra: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string; ms: number }> => {
    count += 1;
    const started = performance.now();
    const response = await fetch(target, { method: 'POST', headers: { ...headers, ...extra }, body });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started };
  };
  return {
    name,
    calls: () => count,
    async createSession(workbook) {
      const { status, text, ms } = await post(
        url(workbook, 'createSession'),
        { 'content-type': 'application/json', ...createHeaders },
        '{"persistChanges":true}',
      );
      const sessionId = status === 201 ? idOf(text) : undefined;
      return sessionId === undefined ? { status, ms } : { status, ms, sessionId };
    },
    async refreshSession(workbook, sessionId) {
      return post(url(workbook, 'refreshSession'), { 'workbook-session-id': sessionId }, '');
    },
  };
}

function idOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { id?: unknown };
    return typeof body.id === 'string' ? body.id : undefined;
  } catch {
    return undefined;
  }
}

/** A call that must succeed (setting up sessions, warming up): anything but 2xx stops the run. */
export async function expectOk(result: Promise<CallResult>, what: string): Promise<CallResult> {
  const answered = await result;
  if (answered.status < 200 || answered.status > 299) throw new Error(`${what} answered ${answered.status}`);
  return answered;
}
