import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../shared/errorMessage';
import { GraphUnavailableError, IdentityUnavailableError, StorageUnavailableError } from '../shared/errors';
import { createGraphClient, type GraphClientOptions } from '../shared/graph/graphClient';
import { createTableAccess } from '../shared/store/tableAccess';
import type { Deps } from '../shared/deps';
import { respond } from '../shared/respond';

const WORKBOOK = { driveId: 'b!cause-drive', itemId: '01CAUSE' };

function client(overrides: Partial<GraphClientOptions>) {
  return createGraphClient({
    baseUrl: 'http://127.0.0.1:9/v1.0',
    fetch: () => Promise.reject(new Error('not called')),
    getToken: () => Promise.resolve('a-token'),
    now: () => 0,
    sleep: () => Promise.resolve(),
    random: () => 0,
    timeoutMs: 1_000,
    ...overrides,
  });
}

/** A loopback server that drops every connection it is offered: a table that is there but never answers. */
async function droppingServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('an error the broker answers with keeps what went wrong underneath as its cause', () => {
  it('Graph out of reach: a 503 whose cause is the failed fetch, and a log message without it', async () => {
    const underneath = new TypeError('fetch failed: connect ECONNREFUSED with-some-internal-detail');
    const graph = client({ fetch: () => Promise.reject(underneath) });
    const error = await graph
      .refreshSession(WORKBOOK, 'session', { deadline: 1_000, retry: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphUnavailableError);
    expect((error as Error).cause).toBe(underneath);
    expect(errorMessage(error)).not.toContain('with-some-internal-detail');
    expect(JSON.stringify(error)).not.toContain('with-some-internal-detail');
  });

  it('no token from the identity: a 503 whose cause is the credential failure', async () => {
    const underneath = new Error('ManagedIdentityCredential: endpoint said no');
    const fetchCalls: unknown[] = [];
    const graph = client({
      getToken: () => Promise.reject(underneath),
      fetch: (...args) => {
        fetchCalls.push(args);
        return Promise.reject(new Error('not called'));
      },
    });
    const error = await graph
      .refreshSession(WORKBOOK, 'session', { deadline: 1_000, retry: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityUnavailableError);
    expect((error as Error).cause).toBe(underneath);
    expect(fetchCalls).toHaveLength(0);
  });

  it('the table out of reach: a 503 whose cause is the SDK error, its log detail only status and code', async () => {
    const table = await droppingServer();
    try {
      const access = createTableAccess({
        connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('k').toString('base64')};TableEndpoint=http://127.0.0.1:${table.port}/devstoreaccount1;`,
        tableName: 'causes',
      });
      const error = await access.run(() => Promise.resolve('never')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StorageUnavailableError);
      const { detail, cause } = error as StorageUnavailableError;
      expect(detail).toMatch(/^table storage failed: status none, code [A-Z_]+$/);
      expect(cause).toBeInstanceOf(Error);
      expect(cause).not.toBeInstanceOf(StorageUnavailableError);
    } finally {
      await table.close();
    }
  });

  it("the answer and the log line carry neither the cause's message nor any stack", async () => {
    const hidden = 'not-a-real-token-only-the-cause-knows';
    const lines: string[] = [];
    const line = (message: string, properties?: Record<string, unknown>) =>
      lines.push(`${message} ${JSON.stringify(properties ?? {})}`);
    const invocation = {
      deps: { now: () => 0 } satisfies Pick<Deps, 'now'> as unknown as Deps,
      log: { info: line, warn: line, error: line },
      requestId: 'request-1',
    };
    const answers = [
      await respond(invocation, () => Promise.reject(new GraphUnavailableError(false, { cause: new Error(hidden) }))),
      await respond(invocation, () =>
        Promise.reject(new StorageUnavailableError(undefined, { detail: 'status none', cause: new Error(hidden) })),
      ),
      await respond(invocation, () => Promise.reject(new Error('unexpected', { cause: new Error(hidden) }))),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 500]);
    expect(lines).toHaveLength(3);
    const seen = JSON.stringify(answers) + lines.join('\n');
    expect(seen).not.toContain(hidden);
    expect(seen).not.toMatch(/\n\s+at /);
  });
});
