/**
 * The few Microsoft Graph calls the grant command makes, as the signed-in admin: JSON in, JSON out, every page of a
 * collection, and Graph's error (`{"error": {"code", "message"}}`) kept whole in a GraphCallError.
 * https://learn.microsoft.com/graph/errors
 */
export interface GraphDirectory {
  get<T>(path: string): Promise<T>;
  /** Every item of a collection, following `@odata.nextLink` across pages. */
  list<T>(path: string): Promise<T[]>;
  send<T>(method: 'POST' | 'PATCH', path: string, body: unknown): Promise<T>;
}

export class GraphCallError extends Error {
  override readonly name = 'GraphCallError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly code: string,
    readonly graphMessage: string,
  ) {
    super(`${method} ${path}: ${status} ${code}: ${graphMessage}`);
  }
}

export function createGraphDirectory(
  baseUrl: string,
  token: () => Promise<string>,
  fetchFn: typeof fetch = fetch,
): GraphDirectory {
  const base = baseUrl.replace(/\/+$/, '');
  const call = async <T>(method: string, pathOrUrl: string, body?: unknown): Promise<T> => {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`;
    const response = await fetchFn(url, {
      method,
      headers: {
        authorization: `Bearer ${await token()}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    const parsed = parseJson(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const path = url.startsWith(base) ? url.slice(base.length) : url;
      throw new GraphCallError(
        method,
        path,
        response.status,
        typeof error?.code === 'string' ? error.code : 'unknown',
        typeof error?.message === 'string' ? error.message : text.slice(0, 200),
      );
    }
    return parsed as T;
  };
  return {
    get: (path) => call('GET', path),
    async list<T>(path: string) {
      const items: T[] = [];
      for (let next: string | undefined = path; next !== undefined;) {
        const page: { value?: T[]; '@odata.nextLink'?: string } = await call('GET', next);
        items.push(...(page.value ?? []));
        next = page['@odata.nextLink'];
      }
      return items;
    },
    send: (method, path, body) => call(method, path, body),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
