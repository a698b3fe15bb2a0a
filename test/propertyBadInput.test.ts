import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTION_MESSAGE } from '../dev/hostRefusal';
import { readRequestTarget } from '../dev/requestTarget';
import { underRoutePrefix } from '../dev/routePrefix';
import { matchRoute } from '../dev/routeTemplate';
import { post, startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';
import { rawRequest, type RawResponse } from './support/rawRequest';

/*
 * Bad input at volume. Arbitrary ids, headers, bodies and methods, sent as raw HTTP at every route — the workbook
 * gateway's catch-all included — and at paths that are no route at all. Whatever arrives: never a 5xx; never a Graph
 * call outside the named workbook's `…/workbook/` path; a function's refusal is in Graph's error shape and reached
 * neither Graph nor the table; a call the gateway forwarded is answered with Graph's own answer.
 *
 * Requests that are well formed are accepted, and nothing is asserted about them. So that "refused" always means
 * "refused by the broker", every workbook a request names exists in the emulator: Graph would never be the one to
 * say no.
 */

/**
 * Fixed, so CI sees the same requests every run and a failure is never luck; `FC_SEED=<integer>` explores others.
 * The default is the seed that caught the test reading `/API/` paths differently from the host. Only the seed
 * replays a failure: each request changes what later ones meet (sessions issued, keys claimed, workbooks added).
 */
const DEFAULT_SEED = -1_067_857_234;
const SEED = seedFrom(process.env.FC_SEED);
const RUNS = 300;

function seedFrom(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SEED;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed !== (seed | 0))
    throw new Error(`FC_SEED must be a 32-bit integer, not ${JSON.stringify(value)}.`);
  return seed;
}

let stack: BrokerStack;
/** Sessions that exist: a few made here, then whatever accepted creates return. Refresh and close meet real ids too. */
const issued: string[] = [];
beforeAll(async () => {
  stack = await startBrokerStack({ settings: { ALLOWED_DRIVE_IDS: '*' } });
  for (const owner of [undefined, undefined, 'user-a']) {
    const response = await post(stack.sessionUrl('createSession'), {
      headers: owner ? { 'x-ms-client-principal-id': owner } : {},
      body: '{}',
    });
    issued.push(((await response.json()) as { id: string }).id);
  }
});
afterAll(async () => stack?.close());

interface BadRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** `workbook-session-id` (under this spelling) is the n-th issued session, looked up when the request is sent. */
  readonly poolSession?: { readonly header: string; readonly index: number };
  readonly body?: string | Uint8Array;
}

/** Every session route's shape, and more: whatever follows the workbook. */
const ANY_WORKBOOK_ROUTE = 'drives/{driveId}/items/{itemId}/{*rest}';
const METHODS = ['GET', 'PUT', 'DELETE', 'PATCH', 'POST', 'OPTIONS', 'HEAD'] as const;
const PRINTABLE_ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));
/** What Node lets a client put in a header value: tab, visible ASCII and space, and Latin-1. */
const HEADER_CHARS = [
  '\t',
  ...Array.from({ length: 0xff - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => c !== '\x7f'),
];

/** Each UTF-8 byte as %XX: all of them, or all but RFC 3986's unreserved characters. */
function percentEncode(text: string, everything: boolean): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded +=
      !everything && /[A-Za-z0-9._~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

/** A header value as a client sending UTF-8 puts it on the wire (Node takes header strings as Latin-1). */
function utf8AsLatin1(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

// ---- path segments, as they appear on the wire (raw, or percent-encoded) ----
/** Visible ASCII as sent raw; the characters that end a segment or the path come less often, so ids stay ids. */
const rawPathChar = fc.oneof(
  { weight: 40, arbitrary: fc.constantFrom(...PRINTABLE_ASCII.filter((c) => !'/?#\\'.includes(c))) },
  { weight: 1, arbitrary: fc.constantFrom('/', '?', '#', '\\') },
);
const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(WORKBOOK.driveId, WORKBOOK.itemId, 'b!Zm9vYmFy-_x', '01ABCDEFGHIJKLMNOP') },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), fc.boolean())
      .map(([text, everything]) => percentEncode(text, everything)),
  },
  { weight: 3, arbitrary: fc.string({ unit: rawPathChar, maxLength: 30 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E',
      '.%2e',
      '%2F',
      '%5C',
      '%00',
      '%0A',
      '%20',
      '%zz',
      '%',
      '%2',
      '%25',
      '%252F',
      '',
      'a..b',
      '..%2F..',
      '%2e%2e%2fme',
      'b!x%2F..%2Fme',
      '%E2%80%AE',
      '%C0%AE%C0%AE',
      '%FF',
      '%EF%BC%8F',
      'me',
      'root:',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', 'b!', '%41', '%C3%A9', '.', '%2F'), fc.integer({ min: 100, max: 3000 }))
      .map(([unit, count]) => unit.repeat(count)),
  },
);
const segments = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

/** What follows `workbook/` on a forwarded call: real Graph shapes, and anything at all. */
const GATEWAY_METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
const gatewayPath: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'worksheets',
      "worksheets('Sheet1')/range(address='A1:B2')",
      'worksheets/Sheet1/usedRange',
      'tables',
      'tables/Table1/rows/add',
      "worksheets('Sheet1')/range(address='A:B')",
      'application/calculate',
      'worksheets/%2e%2e/%2e%2e',
      'worksheets/a%2Fb',
      'worksheets\\x',
      'worksheets//range',
      '',
      'worksheets/',
      "worksheets('a'')/range(address='A1')",
      'tableRowOperationResult(key=x)',
      'sessionInfoResource(key=%00)',
    ),
  },
  { weight: 3, arbitrary: fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')) },
);

const sessionRoutePath = fc
  .record({
    prefix: fc.constantFrom(
      '/api/drives/',
      '/api/drives/',
      '/api/drives/',
      '/api/DRIVES/',
      '/api//drives/',
      '/api/drives//',
      '/API/drives/',
    ),
    drive: fc.oneof({ weight: 9, arbitrary: segment }, { weight: 1, arbitrary: segments }),
    items: fc.constantFrom('/items/', '/ITEMS/', '/items//'),
    item: fc.oneof({ weight: 9, arbitrary: segment }, { weight: 1, arbitrary: segments }),
    action: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.constantFrom('/workbook/createSession', '/workbook/refreshSession', '/workbook/closeSession'),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '/WORKBOOK/CREATESESSION',
          '/workbook/closesession/',
          '/workbook/createSession/x',
          '/workbook',
          '/workbook/sessionInfoResource',
        ),
      },
      { weight: 2, arbitrary: segment.map((operationId) => `/workbook/operations/${operationId}`) },
      { weight: 8, arbitrary: gatewayPath.map((rest) => `/workbook/${rest}`) },
    ),
    query: fc.constantFrom('', '', '', '?code=abc', '?x=%zz', '?', '?a=1&a=2', '#fragment'),
  })
  .chain(({ prefix, drive, items, item, action, query }) =>
    fc.constantFrom(...GATEWAY_METHODS).map((gatewayMethod) => ({
      path: `${prefix}${drive}${items}${item}${action}${query}`,
      // The method each route takes; another one now and then.
      method: /^\/workbook\/(create|refresh|close)session/i.test(action)
        ? 'POST'
        : action.toLowerCase().startsWith('/workbook/operations/')
          ? 'GET'
          : gatewayMethod,
    })),
  );

const otherPath = fc.oneof(
  fc.webPath().map((path) => (path.startsWith('/') ? path : `/${path}`)),
  fc.array(segment, { maxLength: 8 }).map((parts) => `/api/${parts.join('/')}`),
  fc.array(segment, { maxLength: 8 }).map((parts) => `/${parts.join('/')}`),
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/',
      '/api',
      '/api/',
      '/api/drives',
      '/api/..',
      '/admin/functions/createSession',
      '/admin/functions/nope',
      '/api/drives/x/items/y/workbook',
      // Request targets that look like an authority to a URL parser (RFC 9112 origin-form allows an empty segment).
      '//',
      '//[',
      '/\\',
      '//@/api/drives',
      '//:99999/api',
      '//a%20b',
    ),
  },
);

// ---- headers ----
const headerText = (maxLength: number) => fc.string({ unit: fc.constantFrom(...HEADER_CHARS), maxLength });
const sessionIdValue = fc.oneof(
  headerText(60),
  fc.string({ unit: fc.constantFrom(...PRINTABLE_ASCII), minLength: 1, maxLength: 80 }),
  fc.constantFrom('', ' ', '\t', 'cluster=EMU1&session=15.never-issued', 'abc def', 'a,b'),
  fc.integer({ min: 2000, max: 2100 }).map((length) => 'x'.repeat(length)),
);
const idleTimeoutValue = fc.oneof(
  fc.integer({ min: -100, max: 200_000 }).map(String),
  fc.constantFrom(
    '',
    ' 60 ',
    '60.0',
    '+60',
    '1e3',
    '0x3c',
    'NaN',
    'Infinity',
    utf8AsLatin1('٦٠'),
    '0060',
    '9'.repeat(12),
    '59',
    '86401',
  ),
  headerText(20),
);
const headers = fc
  .record(
    {
      sessionIdName: fc.constantFrom('workbook-session-id', 'Workbook-Session-Id', 'WORKBOOK-SESSION-ID'),
      sessionId: fc.oneof(
        { weight: 3, arbitrary: sessionIdValue.map((value) => ({ value })) },
        { weight: 1, arbitrary: fc.nat().map((pool) => ({ pool })) },
      ),
      duplicateSessionId: sessionIdValue,
      idleTimeout: idleTimeoutValue,
      contentType: fc.oneof(
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/json; charset=utf-16',
          'multipart/form-data; boundary=x',
          'application/x-www-form-urlencoded',
        ),
        headerText(40),
      ),
      idempotencyKey: fc.oneof(headerText(40), fc.constantFrom('run-1', 'run-2'), fc.constant('k'.repeat(300))),
      principalId: fc.oneof(headerText(40), fc.constantFrom('user-a', 'user-b')),
      principalName: headerText(40),
      prefer: fc.oneof(fc.constantFrom('respond-async', 'wait=1', 'respond-async, wait=100'), headerText(30)),
      extra: fc.dictionary(fc.stringMatching(/^x-[a-z0-9-]{1,16}$/), headerText(40), { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  )
  .map((h) => {
    const out: Record<string, string> = { ...h.extra };
    if (h.idleTimeout !== undefined) out['x-session-idle-timeout'] = h.idleTimeout;
    if (h.contentType !== undefined) out['content-type'] = h.contentType;
    if (h.idempotencyKey !== undefined) out['Idempotency-Key'] = h.idempotencyKey;
    if (h.principalId !== undefined) out['x-ms-client-principal-id'] = h.principalId;
    if (h.principalName !== undefined) out['x-ms-client-principal-name'] = h.principalName;
    if (h.prefer !== undefined) out.prefer = h.prefer;
    const name = h.sessionIdName ?? 'workbook-session-id';
    if (h.sessionId && 'value' in h.sessionId) out[name] = h.sessionId.value;
    // The same header twice, differently cased: Node joins them with ", ".
    if (h.duplicateSessionId !== undefined && name !== 'workbook-session-id')
      out['workbook-session-id'] = h.duplicateSessionId;
    const pool = h.sessionId && 'pool' in h.sessionId ? { header: name, index: h.sessionId.pool } : undefined;
    return { headers: out, pool };
  });

// ---- bodies (Node sends a Content-Length that matches) ----
const body = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  {
    weight: 3,
    arbitrary: fc
      .record(
        { persistChanges: fc.jsonValue({ maxDepth: 1 }), persistSession: fc.jsonValue({ maxDepth: 1 }) },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value)),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 16_300, max: 40_000 }), fc.constantFrom('x', 'é', '💥'))
      .map(
        ([bytes, unit]) => `{"persistChanges":true,"pad":"${unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)))}"}`,
      ),
  },
);

/** Anything at all: every part drawn at random, so most requests are wrong in several ways at once. */
const wildRequests: fc.Arbitrary<BadRequest> = fc
  .record({
    target: fc.oneof(
      { weight: 8, arbitrary: sessionRoutePath },
      { weight: 2, arbitrary: otherPath.map((path) => ({ path, method: 'POST' })) },
    ),
    otherMethod: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
    ),
    headers,
    body,
  })
  .map(({ target, otherMethod, headers: h, body: b }) => ({
    method: otherMethod ?? target.method,
    path: target.path,
    headers: h.headers,
    ...(h.pool ? { poolSession: h.pool } : {}),
    ...(b === undefined ? {} : { body: b }),
  }));

/**
 * A well-formed call with exactly one part replaced by an arbitrary one: these get past every other check, so they
 * are what tells whether that one check stands between the input and Graph.
 */
const nearlyValidRequests: fc.Arbitrary<BadRequest> = fc
  .record({
    action: fc.constantFrom('createSession', 'refreshSession', 'closeSession'),
    session: fc.nat(),
    corruption: fc.oneof(
      segment.map((value) => ({ driveId: value })),
      segment.map((value) => ({ itemId: value })),
      sessionIdValue.map((value) => ({ sessionId: value })),
      idleTimeoutValue.map((value) => ({ idleTimeout: value })),
      headerText(300).map((value) => ({ idempotencyKey: value })),
      body.map((value) => ({ body: value })),
      fc.constantFrom(...METHODS).map((value) => ({ method: value })),
    ),
  })
  .map(({ action, session, corruption: c }) => {
    const headers: Record<string, string> = {};
    if (action === 'createSession') {
      headers['content-type'] = 'application/json';
      headers['x-session-idle-timeout'] = 'idleTimeout' in c ? c.idleTimeout : '600';
      if ('idempotencyKey' in c) headers['Idempotency-Key'] = c.idempotencyKey;
    } else if ('sessionId' in c) {
      headers['workbook-session-id'] = c.sessionId;
    }
    const body = 'body' in c ? c.body : action === 'createSession' ? '{"persistChanges": false}' : undefined;
    return {
      method: 'method' in c ? c.method : 'POST',
      path: `/api/drives/${'driveId' in c ? c.driveId : WORKBOOK.driveId}/items/${'itemId' in c ? c.itemId : WORKBOOK.itemId}/workbook/${action}`,
      headers,
      ...(action !== 'createSession' && !('sessionId' in c)
        ? { poolSession: { header: 'workbook-session-id', index: session } }
        : {}),
      ...(body === undefined ? {} : { body }),
    };
  });

/** A well-formed forwarded call with one part replaced: the workbook path, the method, the body or the session. */
const nearlyValidGatewayRequests: fc.Arbitrary<BadRequest> = fc
  .record({
    rest: fc.oneof(
      { weight: 1, arbitrary: fc.constant("worksheets('Sheet1')/range(address='A1')") },
      { weight: 2, arbitrary: gatewayPath },
    ),
    method: fc.constantFrom(...GATEWAY_METHODS),
    body: fc.oneof({ weight: 1, arbitrary: fc.constant('{"values":[["x"]]}') }, { weight: 1, arbitrary: body }),
    session: fc.oneof(fc.constant(undefined), fc.nat(), sessionIdValue),
  })
  .map(({ rest, method, body: b, session }) => ({
    method,
    path: `/api/drives/${WORKBOOK.driveId}/items/${WORKBOOK.itemId}/workbook/${rest}`,
    headers: {
      'content-type': 'application/json',
      ...(typeof session === 'string' ? { 'workbook-session-id': session } : {}),
    },
    ...(typeof session === 'number' ? { poolSession: { header: 'workbook-session-id', index: session } } : {}),
    ...(b === undefined || method === 'GET' ? {} : { body: b }),
  }));

const requests: fc.Arbitrary<BadRequest> = fc
  .oneof(
    { weight: 4, arbitrary: wildRequests },
    { weight: 2, arbitrary: nearlyValidRequests },
    { weight: 1, arbitrary: nearlyValidGatewayRequests },
  )
  // Node's HTTP server refuses a request head over 16 KiB itself (the local host answers 431) before anything routes
  // it, as Kestrel does over its own limits; such requests never reach the broker, so they are not generated.
  .filter(
    ({ path, headers: h }) =>
      path.length + Object.entries(h).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) < 12_000,
  );

/**
 * Makes the workbook a request names exist in the emulator, whatever its ids, by reading the request target with the
 * local host's own routing (its path tidied as the host tidies it, dev/requestTarget.ts; the route prefix without
 * regard to case, as ASP.NET does; segments percent-decoded). A request that reaches Graph is then never refused by Graph. Reading the
 * path any other way lets a route the host serves (`/API/...`) reach Graph for a workbook that was never added.
 */
function ensureWorkbookFor(path: string): void {
  const pathname = readRequestTarget(path, undefined)?.pathname;
  if (pathname === undefined) return;
  const routed = underRoutePrefix(pathname);
  const params = routed === undefined ? undefined : matchRoute(ANY_WORKBOOK_ROUTE, routed);
  if (params?.driveId !== undefined && params.itemId !== undefined)
    stack.emulator.addWorkbook(params.driveId, params.itemId);
}

/** Where Graph may be called for a request: only under the workbook its path names, as the host routes it. */
function workbookPrefixOf(path: string): string | undefined {
  const pathname = readRequestTarget(path, undefined)?.pathname;
  if (pathname === undefined) return undefined;
  const routed = underRoutePrefix(pathname);
  const params = routed === undefined ? undefined : matchRoute(ANY_WORKBOOK_ROUTE, routed);
  if (params?.driveId === undefined || params.itemId === undefined) return undefined;
  return `/v1.0/drives/${encodeURIComponent(params.driveId)}/items/${encodeURIComponent(params.itemId)}/workbook/`;
}

/** A create, refresh or close: the broker's own work, whose Graph errors the session logic may act on. */
function isSessionCall(method: string, path: string): boolean {
  return method === 'POST' && /\/workbook\/(create|refresh|close)session\/?(\?|#|$)/i.test(path);
}

/** The broker's records (an earlier call's lease, lingering a moment after its answer, is the gate's: not one). */
async function tableSnapshot(): Promise<Map<string, string>> {
  const rows = await stack.rows();
  return new Map(rows.map((row) => [`${String(row.partitionKey)}/${String(row.rowKey)}`, String(row.etag)]));
}

/** Why a refusal is not in Graph's error shape; empty when it is. */
function shapeProblems(response: RawResponse): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.text);
  } catch {
    return [`body is not JSON: ${JSON.stringify(response.text.slice(0, 120))}`];
  }
  const error = (
    parsed as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | null
  )?.error;
  const problems: string[] = [];
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json'))
    problems.push(`content-type ${String(response.headers['content-type'])}`);
  if (typeof error?.code !== 'string' || error.code === '') problems.push('no error.code');
  if (typeof error?.message !== 'string' || error.message === '') problems.push('no error.message');
  if (typeof error?.innerError?.['request-id'] !== 'string') problems.push("no innerError['request-id']");
  return problems;
}

/** The local host's own 404: no function serves the method on the path (every HEAD is one: no function takes it). */
function isHostNotFound(method: string, response: RawResponse): boolean {
  if (method === 'HEAD') return true;
  try {
    return (JSON.parse(response.text) as { error?: { message?: unknown } }).error?.message === NO_FUNCTION_MESSAGE;
  } catch {
    return false;
  }
}

const describeRequest = (request: BadRequest, headersSent: Record<string, string>) =>
  JSON.stringify({
    method: request.method,
    path: request.path.length > 300 ? `${request.path.slice(0, 300)}… (${request.path.length} chars)` : request.path,
    headers: Object.fromEntries(
      Object.entries(headersSent).map(([k, v]) => [k, v.length > 100 ? `${v.slice(0, 100)}… (${v.length} chars)` : v]),
    ),
    body:
      request.body === undefined
        ? undefined
        : request.body.length > 200
          ? `(${request.body.length} ${typeof request.body === 'string' ? 'chars' : 'bytes'})`
          : typeof request.body === 'string'
            ? request.body
            : `bytes ${Buffer.from(request.body).toString('hex')}`,
  });

/** The promise's value, or a failure naming the request if it does not settle in time. */
async function withinMs<T>(ms: number, work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('bad input at volume (fast-check)', () => {
  it("never answers 5xx; refuses in Graph's shape; and a refused request touches neither Graph nor the table", async () => {
    const seen = { refusedByFunction: 0, noRoute: 0, forwarded: 0 };
    await fc
      .assert(
        fc.asyncProperty(requests, async (request) => {
          const headersSent = { ...request.headers };
          if (request.poolSession) {
            headersSent[request.poolSession.header] = issued[request.poolSession.index % issued.length] as string;
          }
          // Node frames a GET/HEAD/DELETE/OPTIONS body only when told its length; unframed bytes would be a second request.
          if (request.body !== undefined) headersSent['content-length'] = String(Buffer.byteLength(request.body));
          const context = describeRequest(request, headersSent);
          ensureWorkbookFor(request.path);
          const before = await tableSnapshot();
          stack.emulator.resetCalls();
          const response = await withinMs(
            5_000,
            rawRequest(stack.url, request.path, {
              method: request.method,
              headers: headersSent,
              ...(request.body === undefined ? {} : { body: Buffer.from(request.body) }),
            }),
            `no answer within 5 s to ${context}`,
          );
          const after = await tableSnapshot();

          expect(response.status, `a 5xx for ${context}: ${response.text.slice(0, 200)}`).toBeLessThan(500);
          const calls = stack.emulator.calls();
          const inside = workbookPrefixOf(request.path);
          for (const call of calls) {
            expect(
              inside !== undefined && call.path.startsWith(inside),
              `Graph called at ${call.path} for ${context}`,
            ).toBe(true);
          }
          const forwarded = calls.at(-1);
          const isForwarded = forwarded !== undefined && !isSessionCall(request.method, request.path);
          if (isForwarded) seen.forwarded += 1;
          if (response.status < 400) {
            if (response.status === 201 && /"persistChanges"/.test(response.text))
              issued.push((JSON.parse(response.text) as { id: string }).id);
            return;
          }
          // The host's own 404 (no route, or a method the route does not take): in Azure its body is empty; the
          // local host gives it Graph's shape too (no body at all for a HEAD, by HTTP's rules).
          const hostNotFound = response.status === 404 && isHostNotFound(request.method, response);
          if (hostNotFound) seen.noRoute += 1;
          if (request.method !== 'HEAD') {
            expect(shapeProblems(response), `${response.status} not in Graph's shape for ${context}`).toEqual([]);
          }
          // A forwarded call's refusal is Graph's own: the last call Graph answered is what the caller got.
          if (!hostNotFound && isForwarded) {
            expect(response.status, `not Graph's answer for ${context}`).toBe(forwarded.status);
            return;
          }
          if (!hostNotFound) seen.refusedByFunction += 1;
          expect(calls, `Graph was called for a refused (${response.status}) ${context}`).toEqual([]);
          expect(after, `the table changed for a refused (${response.status}) ${context}`).toEqual(before);
        }),
        { numRuns: RUNS, seed: SEED },
      )
      .catch((error: unknown) => {
        console.error(`bad input at volume failed with seed ${SEED}: replay it with FC_SEED=${SEED}`);
        throw error;
      });
    // The generators must reach the functions' own checks, not just the router. Floors, not estimates: across seeds
    // the functions refuse about a third of the requests (83 to 122 of 300 seen), so a floor near that fails by luck;
    // these fail only when a generator stops reaching one side.
    expect(seen.refusedByFunction, `refused by a function, FC_SEED=${SEED}`).toBeGreaterThan(RUNS / 5);
    expect(seen.noRoute, `no route, FC_SEED=${SEED}`).toBeGreaterThan(RUNS / 30);
    expect(seen.forwarded, `forwarded to Graph, FC_SEED=${SEED}`).toBeGreaterThan(RUNS / 30);
  }, 60_000);
});
