import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../shared/errorMessage';
import { GraphUnavailableError, IdentityUnavailableError, StorageUnavailableError } from '../shared/errors';
import { createGraphClient, type GraphClientOptions } from '../shared/graph/graphClient';
import { createTableAccess } from '../shared/store/tableAccess';

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

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
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
    const port = await closedPort();
    const table = createTableAccess({
      connectionString: `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${Buffer.from('k').toString('base64')};TableEndpoint=http://127.0.0.1:${port}/devstoreaccount1;`,
      tableName: 'causes',
    });
    const error = await table.run(() => Promise.resolve('never')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StorageUnavailableError).detail).toMatch(/^table storage failed: status none, code /);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(Error);
    expect(cause).not.toBeInstanceOf(StorageUnavailableError);
    expect(errorMessage(error)).not.toContain(String(port));
  });
});
