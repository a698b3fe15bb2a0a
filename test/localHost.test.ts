import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFunctions } from '../dev/loadFunctions';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';
import { rawRequest } from './support/rawRequest';

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
        'timer %SWEEP_SCHEDULE%',
      ].sort(),
    );
  });

  it.each([
    ['HEAD', '/api/drives/b!d/items/01I/workbook/createSession'],
    ['OPTIONS', '/api/drives/b!d/items/01I/workbook/refreshSession'],
    ['POST', '/api/drives/b!d/items/01I/notebook/unknownAction'],
    ['POST', '/api/nothing-here'],
    ['POST', '/drives/b!d/items/01I/workbook/createSession'],
    ['POST', '/api/drives/b!d//items/01I/workbook/createSession'],
    ['POST', '/api/drives//b!d/items/01I/workbook/createSession'],
  ])(
    'answers %s %s with 404 and an empty body, as the host does for no route or a wrong method',
    async (method, path) => {
      stack.emulator.resetCalls();
      const response = await rawRequest(stack.url, path, { method });
      expect(response.status).toBe(404);
      expect(response.text).toBe('');
      expect(stack.emulator.calls()).toEqual([]);
    },
  );

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
  });
});
