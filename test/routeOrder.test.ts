import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

// The Functions host tries routes in registration order, in practice by function name, not by specificity
// (https://github.com/Azure/azure-functions-host/issues/9876): workbookRequest's catch-all may be handed the session
// calls and the polls of the broker's long creates. Run the same script through both orders and compare answers.

const MINUTE = 60_000;
let byName: BrokerStack;
let reversed: BrokerStack;
beforeAll(async () => {
  [byName, reversed] = await Promise.all([startBrokerStack(), startBrokerStack({ routeOrder: 'reversed' })]);
});
afterAll(async () => {
  await Promise.all([byName?.close(), reversed?.close()]);
});

interface Seen {
  status: number;
  body: unknown;
  headers: string[];
}

/** The same calls on one stack, each answer with the session and operation ids taken out so two runs compare. */
async function script(stack: BrokerStack): Promise<Seen[]> {
  const seen: Seen[] = [];
  const ids: string[] = [];
  const record = async (res: Response) => {
    const text = await res.text();
    const headers = [...res.headers.keys()]
      .filter((name) => !['date', 'connection', 'keep-alive'].includes(name))
      .sort();
    seen.push({ status: res.status, body: text, headers });
    return text;
  };
  const call = (action: string, init: RequestInit = {}) => fetch(stack.sessionUrl(action), init);
  const json = { 'content-type': 'application/json' };

  const created = await record(
    await call('createSession', { method: 'POST', headers: json, body: '{"persistChanges":false}' }),
  );
  const id = (JSON.parse(created) as { id: string }).id;
  ids.push(id);
  const inSession = { 'workbook-session-id': id };
  await record(await call('refreshSession', { method: 'POST', headers: inSession }));
  await record(await call('refreshSession/', { method: 'POST', headers: inSession }));
  await record(await call('closeSession', { method: 'POST', headers: inSession }));
  await record(await call('closeSession', { method: 'POST', headers: inSession }));
  await record(await call('refreshSession', { method: 'POST', headers: inSession }));
  await record(await call('createSession', { method: 'GET' }));

  stack.emulator.configure({ asyncCreateMs: 10 * MINUTE });
  const accepted = await call('createSession', { method: 'POST', headers: json, body: '{}' });
  const location = accepted.headers.get('location') ?? '';
  ids.push(location.slice(location.lastIndexOf('/') + 1));
  await record(accepted);
  await record(await fetch(location));
  stack.clock.advance(10 * MINUTE);
  const done = await record(await fetch(location));
  ids.push((JSON.parse(done) as { id: string }).id);
  stack.emulator.configure({ asyncCreateMs: 0 });
  return seen.map((answer) => ({ ...answer, body: scrub(answer.body, ids) }));
}

// Session and operation ids, request ids and dates differ between runs by design.
function scrub(text: unknown, ids: string[]): unknown {
  let body = String(text);
  for (const id of ids) body = body.split(JSON.stringify(id).slice(1, -1)).join('<id>');
  body = body
    .replace(/"(client-)?request-id":"[^"]+"/g, '"$1request-id":"<rid>"')
    .replace(/"date":"[^"]+"/g, '"date":"<date>"');
  return body === '' ? '' : (JSON.parse(body) as unknown);
}

it('answers the session calls and long-create polling identically whichever function the host picks', async () => {
  const [first, second] = [await script(byName), await script(reversed)];
  expect(second).toEqual(first);
  expect(first.map((answer) => answer.status)).toEqual([201, 204, 204, 204, 204, 404, 405, 202, 202, 201]);

  // Both orders were really exercised: by name the specific functions answered, reversed the catch-all did.
  const handler = (logs: string[], what: RegExp) =>
    logs.filter((line) => what.test(line)).map((line) => /\((\w+), /.exec(line)?.[1]);
  expect(handler(byName.logs, /POST \S+\/refreshSession →/)).toEqual(expect.arrayContaining(['refreshSession']));
  expect(handler(reversed.logs, /POST \S+\/refreshSession →/)).toEqual(expect.arrayContaining(['workbookRequest']));
  expect(handler(reversed.logs, /GET \S+\/operations\/\S+ →/)).toEqual(['workbookRequest', 'workbookRequest']);
  expect(handler(byName.logs, /GET \S+\/operations\/\S+ →/)).toEqual(['getOperation', 'getOperation']);
});

it("answers the pickers' routes, and workbook paths that look like them, by the same function in either order", async () => {
  const drive = `drives/${encodeURIComponent(WORKBOOK.driveId)}`;
  const item = `${drive}/items/${encodeURIComponent(WORKBOOK.itemId)}`;
  const paths = [
    [drive, 'getDrive'],
    [`${drive}/root/children`, 'listDriveRootChildren'],
    [`${item}/children`, 'listDriveItemChildren'],
    ['broker/drives', 'listDrives'],
    [`${item}/workbook/children`, 'workbookRequest'],
    [`${drive}/items/children/workbook/worksheets`, 'workbookRequest'],
  ] as const;
  for (const [route, name] of paths) {
    const [first, second] = await Promise.all([answeredBy(byName, route), answeredBy(reversed, route)]);
    expect(second, route).toEqual(first);
    expect(first.handler, route).toBe(name);
  }
});

/** One GET, its answer scrubbed of what differs between runs, and the function the host handed it to. */
async function answeredBy(stack: BrokerStack, route: string) {
  const before = stack.logs.length;
  const res = await fetch(`${stack.url}/api/${route}`);
  const body = scrub(await res.text(), []);
  const line = stack.logs.slice(before).find((logged) => logged.includes(' → '));
  return { status: res.status, body, handler: /\((\w+), /.exec(line ?? '')?.[1] };
}
