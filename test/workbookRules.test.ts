import { describe, expect, it } from 'vitest';
import { matchRoute } from '../dev/routeTemplate';
import { BadRequestError, ThrottledError } from '../shared/errors';
import { answerHeadersFor, toBrokerUrl } from '../shared/workbook/forwardedHeaders';
import { requestHeadersFor } from '../shared/input/forwardedRequestHeaders';
import { operationTemplate } from '../shared/workbook/operationTemplate';
import { parseWorkbookPath, readWorkbookTarget } from '../shared/input/workbookPath';
import { createWorkbookGate } from '../shared/gate/workbookGate';

// The gateway's pure rules, case by case: which paths may be forwarded, which headers cross, how Graph's locations
// are moved to the broker, how a call is named in telemetry, and the per-workbook turn.

const base = 'https://broker.example/api/drives/b!d/items/01I/workbook';

describe('the forwarded path', () => {
  it.each([
    ["worksheets('Q1%20Sales')/range(address='A1:B2')", '', `${base}/worksheets('Q1%20Sales')/range(address='A1:B2')`],
    ['tables/Sales/rows', '$top=5&$skip=1', `${base}/tables/Sales/rows?$top=5&$skip=1`],
    [
      'worksheets/%7B00000000-0001-0000-0000-000000000000%7D',
      '',
      `${base}/worksheets/%7B00000000-0001-0000-0000-000000000000%7D`,
    ],
    [
      'operations/0195cfac-bd22-4f91-b276-dece0aa2378b',
      'sessionId=abc%3D%3D',
      `${base}/operations/0195cfac-bd22-4f91-b276-dece0aa2378b?sessionId=abc%3D%3D`,
    ],
  ])('keeps %s and its query exactly as sent', (path, query, url) => {
    expect(parseWorkbookPath(readWorkbookTarget(url))).toEqual({ path, query });
  });

  it('finds the workbook segment whatever the route prefix and its case', () => {
    expect(parseWorkbookPath(readWorkbookTarget('http://h/API/Drives/x/Items/y/WORKBOOK/worksheets')).path).toBe(
      'worksheets',
    );
  });

  it.each([
    ['nothing after workbook/', `${base}/`],
    ['an empty segment', `${base}/worksheets//range`],
    ['a dot segment', `${base}/./worksheets`],
    ['a dot-dot segment', `${base}/../../items/other/workbook/worksheets`],
    ['an encoded dot-dot segment', `${base}/%2e%2E/worksheets`],
    ['an encoded slash', `${base}/worksheets/a%2Fb`],
    ['an encoded backslash', `${base}/worksheets/a%5cb`],
    ['a raw backslash', `${base}/worksheets\\b`],
    ['an encoded control character', `${base}/worksheets/a%00b`],
    ['a raw control character', `${base}/worksheets/a\tb`],
    ['invalid percent-encoding', `${base}/worksheets/%E0%A4%A`],
    ['no workbook path at all', 'https://broker.example/api/drives/b!d/items/01I'],
  ])('refuses %s with a bad request', (_label, url) => {
    expect(() => parseWorkbookPath(readWorkbookTarget(url))).toThrow(BadRequestError);
  });
});

describe('the headers that cross the broker', () => {
  const headers = (entries: Record<string, string>) => ({ get: (name: string) => entries[name.toLowerCase()] ?? null });

  it('forwards only what Graph acts on for a workbook call', () => {
    const sent = headers({
      authorization: 'Bearer caller-token',
      cookie: 'AppServiceAuthSession=x',
      'x-functions-key': 'key',
      'x-ms-client-principal-id': 'user',
      'content-type': 'application/json',
      prefer: 'respond-async',
      'workbook-session-id': 'abc',
      'if-match': '"1"',
      'idempotency-key': 'k',
    });
    expect(requestHeadersFor(sent)).toEqual({
      'content-type': 'application/json',
      prefer: 'respond-async',
      'workbook-session-id': 'abc',
      'if-match': '"1"',
    });
  });

  it("answers with Graph's listed headers only, its Location moved to the broker", () => {
    const graph = headers({
      'content-type': 'application/json',
      'request-id': 'r1',
      location: 'https://graph.microsoft.com/v1.0/drives/d/items/i/workbook/operations/o?sessionId=s%3D',
      'set-cookie': 'x=y',
      'x-ms-ags-diagnostic': '{}',
      'retry-after': '3',
    });
    const toBroker = (url: string) =>
      toBrokerUrl(url, 'https://graph.microsoft.com/v1.0', 'https://broker.example/api');
    expect(answerHeadersFor(graph, toBroker)).toEqual({
      'content-type': 'application/json',
      'request-id': 'r1',
      'retry-after': '3',
      location: 'https://broker.example/api/drives/d/items/i/workbook/operations/o?sessionId=s%3D',
    });
  });

  it.each([
    [
      'a relative location',
      '/v1.0/drives/d/items/i/workbook/x',
      'https://broker.example/api/drives/d/items/i/workbook/x',
    ],
    ['another origin', 'https://elsewhere.example/v1.0/x', 'https://elsewhere.example/v1.0/x'],
    ['another version on Graph', 'https://graph.microsoft.com/beta/x', 'https://graph.microsoft.com/beta/x'],
  ])('moves %s only when it is under GRAPH_BASE_URL', (_label, location, expected) => {
    expect(toBrokerUrl(location, 'https://graph.microsoft.com/v1.0', 'https://broker.example/api/')).toBe(expected);
  });
});

describe("a forwarded call's telemetry name", () => {
  it.each([
    ["worksheets('Q1 Sales')/range(address='A1:B2')", 'worksheets/range'],
    ['worksheets/%7B00000000%7D/usedRange(valuesOnly=true)', 'worksheets/usedRange'],
    ['tables/Secret%20Table/rows/add', 'tables/rows/add'],
    ["tables('x')/rows/$/ItemAt(index=3)", 'tables/rows/$/itemAt'],
    ['application/calculate', 'application/calculate'],
    ['something/never/seen', 'other'],
  ])('names %s as %s', (path, name) => {
    expect(operationTemplate(path)).toBe(name);
  });
});

/** The gate without a lease (WORKBOOK_LEASE=instance): the in-process line alone. */
const inProcessGate = (now: () => number) =>
  createWorkbookGate({ now, sleep: () => Promise.resolve(), random: () => 0.5 });

describe('the per-workbook turn', () => {
  const workbook = { driveId: 'd', itemId: 'i' };

  it('serves callers one at a time in arrival order, and other workbooks at once', async () => {
    const turns = inProcessGate(() => 0);
    const order: string[] = [];
    const first = await turns.take(workbook, 10_000);
    const second = turns.take(workbook, 10_000).then((turn) => (order.push('second'), turn));
    const third = turns.take(workbook, 10_000).then((turn) => (order.push('third'), turn));
    const other = await turns.take({ driveId: 'd', itemId: 'other' }, 10_000);
    expect(order).toEqual([]);
    first.release();
    (await second).release();
    (await third).release();
    other.release();
    expect(order).toEqual(['second', 'third']);
    const again = await turns.take(workbook, 10_000);
    again.release();
  });

  it('answers a caller whose turn does not come by its deadline with 429 and Retry-After, and keeps the line moving', async () => {
    const turns = inProcessGate(() => 1000);
    const held = await turns.take(workbook, 2000);
    const late = turns.take(workbook, 1000); // deadline already reached
    await expect(late).rejects.toBeInstanceOf(ThrottledError);
    await expect(late).rejects.toMatchObject({ status: 429, retryAfterSeconds: 1 });
    const next = turns.take(workbook, 60_000);
    held.release();
    (await next).release();
  });
});

describe('the local host route template', () => {
  it.each([
    ['drives/d/items/i/workbook/worksheets', { driveId: 'd', itemId: 'i', path: 'worksheets' }],
    [
      "drives/d/items/i/workbook/worksheets('a%20b')/range(address='A1')",
      { driveId: 'd', itemId: 'i', path: "worksheets('a b')/range(address='A1')" },
    ],
    ['drives/d/items/i/workbook', { driveId: 'd', itemId: 'i', path: '' }],
    ['DRIVES/d/Items/i/Workbook/tables/t/rows/add', { driveId: 'd', itemId: 'i', path: 'tables/t/rows/add' }],
  ])('matches the catch-all for %s', (path, params) => {
    expect(matchRoute('drives/{driveId}/items/{itemId}/workbook/{*path}', path)).toEqual(params);
  });

  it('matches nothing outside its fixed part', () => {
    expect(matchRoute('drives/{driveId}/items/{itemId}/workbook/{*path}', 'drives/d/items/i')).toBeUndefined();
    expect(
      matchRoute('drives/{driveId}/items/{itemId}/workbook/{*path}', 'drives/d/items/i/notebook/x'),
    ).toBeUndefined();
  });
});

describe("Graph's cooldown, kept in the process", () => {
  it('answers 429 with the time left when the deadline comes first, and otherwise waits it out before the turn', async () => {
    let now = 1_000_000;
    const slept: number[] = [];
    const clock = { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) };
    const turns = createWorkbookGate({ ...clock, random: () => 0.5 });
    const workbook = { driveId: 'd', itemId: 'cool' };
    (await turns.take(workbook, now + 40_000)).release(now + 5_000);
    await expect(turns.take(workbook, now + 1_000)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 5 });
    const turn = await turns.take(workbook, now + 40_000);
    expect(slept).toEqual([5_000]);
    turn.release();
    (await turns.take({ driveId: 'd', itemId: 'other' }, now + 1_000)).release();
    expect(slept).toEqual([5_000]);
    expect(turns.pausedUntil(workbook, now)).toBeUndefined();
  });
});
