import { execFile } from 'node:child_process';
import { ManagedIdentityCredential } from '@azure/identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityEndpoint, type IdentityEndpoint } from '../dev/identityEndpoint';

/*
 * The real ManagedIdentityCredential against the local endpoint. MSAL fixes the managed identity source (URL and
 * header) at the first token request of a process and shares one token cache between credentials, so every SDK
 * test here asks for its own resource and counts requests as a difference.
 */

const API_VERSION = '2019-08-01';
let endpoint: IdentityEndpoint;

beforeAll(async () => {
  endpoint = await startIdentityEndpoint();
  process.env.IDENTITY_ENDPOINT = endpoint.url;
  process.env.IDENTITY_HEADER = endpoint.header;
});

afterAll(async () => {
  await endpoint.close();
});

function tokenUrl(target: IdentityEndpoint, query: Record<string, string>): string {
  return `${target.url}?${new URLSearchParams(query).toString()}`;
}

describe('ManagedIdentityCredential against the local identity endpoint', () => {
  it('gets a Graph token the endpoint verifies, asking for the resource without /.default', async () => {
    const before = endpoint.requests().length;
    const token = await new ManagedIdentityCredential().getToken('https://graph.microsoft.com/.default');

    expect(endpoint.verify(token.token)).toBe(true);
    expect(token.token.startsWith('emu.')).toBe(true);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3500_000);
    expect(endpoint.requests().slice(before)).toEqual([
      {
        at: expect.any(Number),
        resource: 'https://graph.microsoft.com',
        clientId: null,
        status: 200,
        tokenId: endpoint.tokenIdOf(token.token),
      },
    ]);
  });

  it('serves three getToken calls for one scope with one endpoint request', async () => {
    const credential = new ManagedIdentityCredential();
    const before = endpoint.requestCount();
    const tokens = [];
    for (let i = 0; i < 3; i++) tokens.push(await credential.getToken('https://storage.azure.com/.default'));

    expect(endpoint.requestCount() - before).toBe(1);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
  });

  it('passes a user-assigned identity as client_id and names it in the token', async () => {
    const clientId = '11111111-2222-3333-4444-555555555555';
    const before = endpoint.requests().length;
    const token = await new ManagedIdentityCredential({ clientId }).getToken('https://vault.azure.net/.default');

    expect(endpoint.requests().slice(before)).toEqual([
      {
        at: expect.any(Number),
        resource: 'https://vault.azure.net',
        clientId,
        status: 200,
        tokenId: endpoint.tokenIdOf(token.token),
      },
    ]);
    const claims: unknown = JSON.parse(Buffer.from(token.token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: 'https://vault.azure.net', appid: clientId });
  });

  it('fails in the SDK when IDENTITY_HEADER is wrong', async () => {
    // A child process, because this process's MSAL already holds the right header.
    const script = `
      const { ManagedIdentityCredential } = require('@azure/identity');
      new ManagedIdentityCredential({ retryOptions: { maxRetries: 0 } })
        .getToken('https://graph.microsoft.com/.default')
        .then(() => { console.log('GOT TOKEN'); process.exit(0); }, (e) => { console.log(e.name + ': ' + e.message); process.exit(3); });`;
    const before = endpoint.requests().length;
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const env = { ...process.env, IDENTITY_ENDPOINT: endpoint.url, IDENTITY_HEADER: 'not-the-secret' };
      const child = execFile(process.execPath, ['-e', script], { env, cwd: process.cwd() }, (_err, out) =>
        resolve({ code: child.exitCode, out }),
      );
    });

    expect(result.out).toContain('CredentialUnavailableError');
    expect(result.out).toContain('X-IDENTITY-HEADER');
    expect(result.code).toBe(3);
    expect(endpoint.requests().slice(before)).toEqual([
      { at: expect.any(Number), resource: 'https://graph.microsoft.com', clientId: null, status: 401 },
    ]);
  });
});

describe('the identity endpoint over HTTP', () => {
  it('answers in the App Service 2019-08-01 format', async () => {
    const res = await fetch(tokenUrl(endpoint, { 'api-version': API_VERSION, resource: 'https://example.test' }), {
      headers: { 'X-IDENTITY-HEADER': endpoint.header },
    });
    const body: unknown = await res.json();

    expect(res.status).toBe(200);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^emu\.[\w-]+\.[\w-]+$/),
      expires_on: expect.stringMatching(/^\d+$/),
      resource: 'https://example.test',
      token_type: 'Bearer',
      client_id: expect.any(String),
    });
  });

  it.each([
    ['a missing X-IDENTITY-HEADER', {}, { 'api-version': API_VERSION, resource: 'https://x.test' }, 400],
    [
      'a wrong X-IDENTITY-HEADER',
      { 'X-IDENTITY-HEADER': 'nope' },
      { 'api-version': API_VERSION, resource: 'https://x.test' },
      401,
    ],
    ['a missing resource', 'valid', { 'api-version': API_VERSION }, 400],
    ['the 2017-09-01 api-version', 'valid', { 'api-version': '2017-09-01', resource: 'https://x.test' }, 400],
  ] as const)('refuses %s with a JSON error and no token', async (_case, headers, query, status) => {
    const sent = headers === 'valid' ? { 'X-IDENTITY-HEADER': endpoint.header } : headers;
    const before = endpoint.requestCount();
    const res = await fetch(tokenUrl(endpoint, query), { headers: sent });
    const body: unknown = await res.json();

    expect(res.status).toBe(status);
    expect(body).toMatchObject({ statusCode: status, message: expect.any(String) });
    expect(body).not.toHaveProperty('access_token');
    expect(endpoint.requestCount()).toBe(before);
    expect(endpoint.requests().at(-1)?.status).toBe(status);
  });

  it('verifies only its own, untampered, unexpired tokens', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const timed = await startIdentityEndpoint({ now: () => clock, tokenLifetimeSeconds: 60 });
    const other = await startIdentityEndpoint();
    try {
      const fetchToken = async (from: IdentityEndpoint): Promise<string> => {
        const res = await fetch(tokenUrl(from, { 'api-version': API_VERSION, resource: 'https://x.test' }), {
          headers: { 'X-IDENTITY-HEADER': from.header },
        });
        const body: unknown = await res.json();
        if (
          typeof body !== 'object' ||
          body === null ||
          !('access_token' in body) ||
          typeof body.access_token !== 'string'
        ) {
          throw new Error('no access_token');
        }
        return body.access_token;
      };
      const token = await fetchToken(timed);
      const [prefix, payload, signature] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ aud: 'https://x.test', exp: 4102444800 })).toString('base64url');

      expect(timed.verify(token)).toBe(true);
      expect(timed.verify(`${prefix}.${forged}.${signature}`)).toBe(false);
      expect(timed.verify(`${prefix}.${payload}.${signature}x`)).toBe(false);
      expect(timed.verify(await fetchToken(other))).toBe(false);
      expect(timed.verify('not a token')).toBe(false);
      clock += 61_000;
      expect(timed.verify(token)).toBe(false);
    } finally {
      await Promise.all([timed.close(), other.close()]);
    }
  });
});
