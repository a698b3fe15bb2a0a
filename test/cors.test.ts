import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsPolicy, toCorsOptions } from '../dev/cors';
import { readLocalSettings } from '../dev/localSettings';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';
import { rawRequest, type RawResponse } from './support/rawRequest';

const PAGE = 'http://localhost:5173';
const OTHER_PAGE = 'http://localhost:3000';
const STRANGER = 'https://evil.example';
const SESSION_PATH = (action: string) =>
  `/api/drives/${encodeURIComponent(WORKBOOK.driveId)}/items/${encodeURIComponent(WORKBOOK.itemId)}/workbook/${action}`;

function preflight(stack: BrokerStack, origin: string, path = SESSION_PATH('createSession')): Promise<RawResponse> {
  return rawRequest(stack.url, path, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });
}

function corsHeaderNames(response: RawResponse): string[] {
  return Object.keys(response.headers).filter((name) => name.startsWith('access-control-'));
}

describe('CORS in the local host, as Host.CORS configures it', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack({ cors: { origins: [PAGE, `${OTHER_PAGE}/`], credentials: false } });
  });
  afterAll(async () => stack?.close());

  it('answers a preflight from an allowed origin with 204 and the headers a browser needs', async () => {
    const response = await preflight(stack, PAGE);
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': PAGE,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization,content-type,idempotency-key',
      'access-control-max-age': expect.stringMatching(/^\d+$/),
      vary: 'Origin',
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('matches a configured origin written with a trailing slash, and origins case-insensitively', async () => {
    expect((await preflight(stack, OTHER_PAGE)).headers['access-control-allow-origin']).toBe(OTHER_PAGE);
    expect((await preflight(stack, 'HTTP://LOCALHOST:5173')).headers['access-control-allow-origin']).toBe(
      'HTTP://LOCALHOST:5173',
    );
  });

  it.each(['refreshSession', 'closeSession'])('answers a preflight on %s too', async (action) => {
    const response = await preflight(stack, PAGE, SESSION_PATH(action));
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(PAGE);
  });

  it('gives a preflight from an origin not allowed no CORS headers, so the browser refuses the call', async () => {
    const response = await preflight(stack, STRANGER);
    expect(response.status).toBe(204);
    expect(corsHeaderNames(response)).toEqual([]);
  });

  it('answers a preflight itself: no Graph call and no table row', async () => {
    stack.emulator.resetCalls();
    const before = await stack.rows();
    for (const origin of [PAGE, STRANGER]) await preflight(stack, origin);
    expect(stack.emulator.calls()).toEqual([]);
    expect(await stack.rows()).toEqual(before);
    expect(stack.logs.filter((line) => line.includes('OPTIONS'))).toEqual([]);
  });

  it("answers a preflight on a path no function serves with the host's 404, allowing no method", async () => {
    const response = await preflight(stack, PAGE, '/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('marks an actual answer to an allowed origin, and exposes Location, Retry-After and request-id', async () => {
    const response = await rawRequest(stack.url, SESSION_PATH('createSession'), {
      headers: { origin: PAGE, 'content-type': 'application/json' },
      body: '{"persistChanges": true}',
    });
    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': PAGE,
      'access-control-expose-headers': 'Location, Retry-After, request-id',
      vary: 'Origin',
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it.each([
    ['a 400 from a function', SESSION_PATH('createSession'), 'POST', '{not json', 400],
    ['a 404 for an unknown session', SESSION_PATH('refreshSession'), 'POST', '', 404],
    ["the host's 404 for no route", '/api/nothing-here', 'POST', '', 404],
    ['the 405 for a session call with another method', SESSION_PATH('createSession'), 'GET', undefined, 405],
  ])('marks errors too: %s', async (_, path, method, body, status) => {
    const response = await rawRequest(stack.url, path, {
      method,
      headers: {
        origin: PAGE,
        'content-type': 'application/json',
        'workbook-session-id': 'cluster=EMU1&session=unknown',
      },
      ...(body === undefined ? {} : { body }),
    });
    expect(response.status).toBe(status);
    expect(response.headers['access-control-allow-origin']).toBe(PAGE);
    expect(response.headers['access-control-expose-headers']).toBe('Location, Retry-After, request-id');
  });

  it('serves an origin not allowed as before, without CORS headers (the browser hides the answer)', async () => {
    const response = await rawRequest(stack.url, SESSION_PATH('createSession'), {
      headers: { origin: STRANGER, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(201);
    // Only the function's own expose list (sent for Azure, whose CORS has no such setting); nothing grants access.
    expect(corsHeaderNames(response)).toEqual(['access-control-expose-headers']);
  });

  it('adds nothing to a call without Origin, as from curl or Power Automate', async () => {
    const response = await rawRequest(stack.url, SESSION_PATH('createSession'), {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(201);
    expect(corsHeaderNames(response)).toEqual(['access-control-expose-headers']);
    expect(response.headers.vary).toBeUndefined();
  });
});

describe('CORS with Host.CORSCredentials', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack({ cors: { origins: [PAGE], credentials: true } });
  });
  afterAll(async () => stack?.close());

  it('allows credentials on the preflight and on the answer, always naming the origin', async () => {
    const pre = await preflight(stack, PAGE);
    expect(pre.status).toBe(204);
    expect(pre.headers).toMatchObject({
      'access-control-allow-origin': PAGE,
      'access-control-allow-credentials': 'true',
    });

    // What the page sends once its preflight passed (a bodyless, typeless POST would be a simple request: refused).
    const response = await rawRequest(stack.url, SESSION_PATH('createSession'), {
      headers: { origin: PAGE, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(201);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': PAGE,
      'access-control-allow-credentials': 'true',
    });
  });

  it('gives nothing, credentials included, to an origin not allowed', async () => {
    expect(corsHeaderNames(await preflight(stack, STRANGER))).toEqual([]);
  });
});

describe('CORS allowing any origin (*)', () => {
  let stack: BrokerStack;
  beforeAll(async () => {
    stack = await startBrokerStack({ cors: { origins: ['*'], credentials: false } });
  });
  afterAll(async () => stack?.close());

  it('answers * to every origin, with no Vary since the answer does not depend on it', async () => {
    const pre = await preflight(stack, STRANGER);
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers.vary).toBeUndefined();

    const response = await rawRequest(stack.url, SESSION_PATH('createSession'), {
      headers: { origin: STRANGER },
      body: '',
    });
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('CORS settings', () => {
  it('reads Host.CORS and Host.CORSCredentials from local.settings.json, as Core Tools does', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'broker-settings-'));
    const file = path.join(directory, 'local.settings.json');
    writeFileSync(
      file,
      JSON.stringify({ Values: {}, Host: { CORS: `${PAGE}, ${OTHER_PAGE}`, CORSCredentials: true } }),
    );
    const settings = readLocalSettings(file);
    expect(settings).toMatchObject({ cors: `${PAGE}, ${OTHER_PAGE}`, corsCredentials: true });
    expect(toCorsOptions(settings.cors, settings.corsCredentials)).toEqual({
      origins: [PAGE, OTHER_PAGE],
      credentials: true,
    });
  });

  it.each([undefined, '', ' , '])('turns CORS off for Host.CORS %j', (cors) => {
    expect(toCorsOptions(cors, false)).toBeUndefined();
  });

  it('refuses * with credentials, as App Service and ASP.NET Core do, naming the settings', () => {
    expect(() => toCorsOptions('*', true)).toThrow(/Host\.CORSCredentials.*Host\.CORS/);
    expect(() => corsPolicy({ origins: ['*'], credentials: true })).toThrow(/Host\.CORSCredentials/);
  });
});
