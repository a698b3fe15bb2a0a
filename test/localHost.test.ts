import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FUNCTION_MESSAGE } from '../dev/hostRefusal';
import { loadFunctions } from '../dev/loadFunctions';
import { post, startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';
import { rawRequest } from './support/rawRequest';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const graphError = (code: string, message: string, requestId: string) => ({
  error: { code, message, innerError: { 'request-id': requestId, date: expect.any(String) as unknown } },
});

/** Sends bytes as they are and reads everything the server writes back before it closes the connection. */
function rawExchange(base: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(bytes));
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => stack?.close());

describe('the local host behaves like the Functions host', () => {
  it('serves exactly the functions the function files declare', async () => {
    const declared = (await loadFunctions()).map((d) =>
      d.kind === 'http' ? `${d.methods.join(',')} api/${d.route}` : `timer ${d.schedule}`,
    );
    expect(declared.sort()).toEqual(
      [
        'GET api/drives/{driveId}/items/{itemId}/workbook/operations/{operationId}',
        'POST api/drives/{driveId}/items/{itemId}/workbook/closeSession',
        'POST api/drives/{driveId}/items/{itemId}/workbook/createSession',
        'POST api/drives/{driveId}/items/{itemId}/workbook/refreshSession',
        'GET,POST,PATCH,PUT,DELETE api/drives/{driveId}/items/{itemId}/workbook/{*path}',
        'GET,POST,PATCH,PUT,DELETE api/broker/drives/{driveId}/items/{itemId}/{*path}',
        'GET api/drives/{driveId}',
        'GET api/drives/{driveId}/root/children',
        'GET api/drives/{driveId}/items/{itemId}/children',
        'GET api/broker/drives',
        'timer %SWEEP_SCHEDULE%',
      ].sort(),
    );
  });

  it.each([
    ['HEAD', '/api/drives/b!d/items/01I/workbook/createSession'],
    ['TRACE', '/api/drives/b!d/items/01I/workbook/worksheets'],
    ['OPTIONS', '/api/drives/b!d/items/01I/workbook/refreshSession'],
    ['POST', '/api/drives/b!d/items/01I/notebook/unknownAction'],
    ['POST', '/api/nothing-here'],
    ['POST', '/api/drives/b!d/root/children'],
    ['DELETE', '/api/drives/b!d/items/01I/children'],
    ['PATCH', '/api/drives/b!d'],
    ['POST', '/api/broker/drives'],
    ['POST', '/drives/b!d/items/01I/workbook/createSession'],
    ['POST', '/api/drives/b!d//items/01I/workbook/createSession'],
    ['POST', '/api/drives//b!d/items/01I/workbook/createSession'],
  ])(
    "answers %s %s with the host's 404 for no route or a wrong method, in Graph's error shape with a request-id",
    async (method, path) => {
      stack.emulator.resetCalls();
      const response = await rawRequest(stack.url, path, { method });
      expect(response.status).toBe(404);
      const requestId = String(response.headers['request-id']);
      expect(requestId).toMatch(UUID);
      // A HEAD answer has no body by HTTP's rules; its headers still say what it would have been.
      if (method !== 'HEAD') {
        expect(JSON.parse(response.text)).toEqual(graphError('itemNotFound', NO_FUNCTION_MESSAGE, requestId));
      }
      expect(response.headers['content-type']).toBe('application/json');
      expect(stack.emulator.calls()).toEqual([]);
    },
  );

  it("answers a request head over Node's 16 KiB limit with 431 in Graph's error shape, before any function", async () => {
    stack.emulator.resetCalls();
    const response = await rawRequest(stack.url, stack.sessionUrl('worksheets').replace(stack.url, ''), {
      method: 'GET',
      headers: { 'x-padding': 'x'.repeat(20_000) },
    });
    expect(response.status).toBe(431);
    const requestId = String(response.headers['request-id']);
    expect(requestId).toMatch(UUID);
    expect(JSON.parse(response.text)).toEqual(
      graphError('requestHeaderFieldsTooLarge', 'The request line and headers are too large.', requestId),
    );
    expect(stack.emulator.calls()).toEqual([]);
  });

  it("answers a target that is not a path, and bytes that are not HTTP, with 400 in Graph's error shape", async () => {
    const absolute = await rawRequest(stack.url, 'http://elsewhere.example/api/nothing', { method: 'GET' });
    expect(absolute.status).toBe(400);
    expect(JSON.parse(absolute.text)).toMatchObject({ error: { code: 'badRequest' } });
    expect(String(absolute.headers['request-id'])).toMatch(UUID);

    const garbage = await rawExchange(stack.url, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(garbage).toMatch(/\r\nrequest-id: [0-9a-f-]{36}\r\n/);
    expect(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'badRequest' } });
  });

  it('matches route literals case-insensitively, as ASP.NET routing does', async () => {
    const response = await post(
      stack
        .sessionUrl('createSession')
        .replace('/api/', '/API/')
        .replace('/workbook/createSession', '/Workbook/CreateSession'),
      { body: '{}' },
    );
    expect(response.status).toBe(201);
  });

  it('runs a timer on POST /admin/functions/{name} with 202, and 404 for a name it does not know', async () => {
    const accepted = await rawRequest(stack.url, '/admin/functions/sweepSessions', {
      body: '{"input":""}',
      headers: { 'content-type': 'application/json' },
    });
    expect(accepted.status).toBe(202);
    const unknown = await rawRequest(stack.url, '/admin/functions/noSuchFunction', { body: '{"input":""}' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toMatchObject({ error: { code: 'itemNotFound', message: NO_FUNCTION_MESSAGE } });
  });
});

describe('the path a function sees, tidied as the host in Azure tidies it', () => {
  const workbook = () => new URL(stack.sessionUrl('')).pathname.replace(/\/$/, '');
  const graphPath = () => new URL(stack.emulator.url).pathname + workbook().replace(/^\/api/, '');

  it.each([
    ['a "." segment', '/./worksheets', '/worksheets'],
    ['an encoded "." segment', '/%2e/worksheets', '/worksheets'],
    ['a ".." segment', '/tables/../worksheets', '/worksheets'],
    ['an encoded ".." segment', '/tables/%2E%2e/worksheets', '/worksheets'],
    ['a backslash', '/worksheets\\Sheet1', '/worksheets/Sheet1'],
    ['an encoded backslash', '/worksheets%5CSheet1', '/worksheets/Sheet1'],
    ['an encoded backslash in lower case', '/worksheets%5cSheet1', '/worksheets/Sheet1'],
  ])('resolves %s before the broker sees the path: Graph gets the tidied path', async (_label, sent, tidied) => {
    stack.emulator.resetCalls();
    const response = await rawRequest(stack.url, `${workbook()}${sent}`, { method: 'GET' });
    expect(response.status).toBe(200);
    expect(stack.emulator.calls().map((call) => call.path)).toEqual([`${graphPath()}${tidied}`]);
  });

  it('never lets ".." carry a call out of the route: what is left is the route it names, or no route at all', async () => {
    stack.emulator.addWorkbook(WORKBOOK.driveId, '01NEIGHBOUR');
    stack.emulator.resetCalls();
    // Climbing out of one workbook's path lands on another route, which is simply a call to that route.
    const neighbour = await rawRequest(stack.url, `${workbook()}/../../01NEIGHBOUR/workbook/worksheets`, {
      method: 'GET',
    });
    expect(neighbour.status).toBe(200);
    const neighbourPath = graphPath().replace(`/items/${WORKBOOK.itemId}/`, '/items/01NEIGHBOUR/');
    expect(stack.emulator.calls().map((call) => call.path)).toEqual([`${neighbourPath}/worksheets`]);
    // Climbing past the route prefix, with dots or backslashes, leaves no route: the host's 404, no Graph call.
    stack.emulator.resetCalls();
    for (const climb of [
      '/../../../../../x',
      '/%2e%2e%5c%2e%2e%5c%2e%2e%5c%2e%2e%5c%2e%2e%5cx',
      '\\..\\..\\..\\..\\..\\x',
    ]) {
      const response = await rawRequest(stack.url, `${workbook()}${climb}`, { method: 'GET' });
      expect(response.status, climb).toBe(404);
      expect(JSON.parse(response.text), climb).toMatchObject({ error: { message: NO_FUNCTION_MESSAGE } });
    }
    const drive = await rawRequest(stack.url, `/api/drives/b!x%5Cy/items/${WORKBOOK.itemId}/workbook/createSession`, {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(drive.status).toBe(404);
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('leaves an encoded slash encoded, so the broker refuses it (400) rather than guess which path was meant', async () => {
    stack.emulator.resetCalls();
    const response = await rawRequest(stack.url, `${workbook()}/worksheets/a%2Fb`, { method: 'GET' });
    expect(response.status).toBe(400);
    expect(stack.emulator.calls()).toEqual([]);
  });
});
