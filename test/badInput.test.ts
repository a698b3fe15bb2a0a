import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';
import { rawRequest } from './support/rawRequest';

let stack: BrokerStack;
let narrow: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
  narrow = await startBrokerStack({ settings: { ALLOWED_DRIVE_IDS: 'b!some-other-drive, b!another' } });
});
afterAll(async () => {
  await stack?.close();
  await narrow?.close();
});

const item = `/api/drives/${WORKBOOK.driveId}/items/${WORKBOOK.itemId}/workbook`;
const json = { 'content-type': 'application/json' };
const session = { 'workbook-session-id': 'cluster=EMU1&session=15.abc/def+ghi=' };

interface Case {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  code: string;
  /** The Allow header a 405 names. */
  allow?: string;
}

const rangeA1 = `${item}/worksheets('Sheet1')/range(address='A1')`;
const rowsAdd = `${item}/tables('Table1')/rows/add`;

const cases: Record<string, Case> = {
  'malformed JSON': {
    path: `${item}/createSession`,
    headers: json,
    body: '{"persistChanges": tru',
    status: 400,
    code: 'badRequest',
  },
  'a JSON array body': {
    path: `${item}/createSession`,
    headers: json,
    body: '[true]',
    status: 400,
    code: 'badRequest',
  },
  'a JSON string body': {
    path: `${item}/createSession`,
    headers: json,
    body: '"yes"',
    status: 400,
    code: 'badRequest',
  },
  'persistChanges not a boolean': {
    path: `${item}/createSession`,
    headers: json,
    body: '{"persistChanges":"yes"}',
    status: 400,
    code: 'badRequest',
  },
  'persistChanges and persistSession disagreeing': {
    path: `${item}/createSession`,
    headers: json,
    body: '{"persistChanges":true,"persistSession":false}',
    status: 400,
    code: 'badRequest',
  },
  'an oversized body': {
    path: `${item}/createSession`,
    headers: json,
    body: `{"persistChanges":true,"pad":"${'x'.repeat(20_000)}"}`,
    status: 413,
    code: 'payloadTooLarge',
  },
  'an oversized body on refresh': {
    path: `${item}/refreshSession`,
    headers: session,
    body: 'x'.repeat(20_000),
    status: 413,
    code: 'payloadTooLarge',
  },
  'an idle timeout that is not a number': {
    path: `${item}/createSession`,
    headers: { 'x-session-idle-timeout': 'soon' },
    status: 400,
    code: 'badRequest',
  },
  'an idle timeout below the minimum': {
    path: `${item}/createSession`,
    headers: { 'x-session-idle-timeout': '59' },
    status: 400,
    code: 'badRequest',
  },
  'an idle timeout above SESSION_MAX_IDLE_TIMEOUT_SECONDS': {
    path: `${item}/createSession`,
    headers: { 'x-session-idle-timeout': '86401' },
    status: 400,
    code: 'badRequest',
  },
  'a negative idle timeout': {
    path: `${item}/createSession`,
    headers: { 'x-session-idle-timeout': '-5' },
    status: 400,
    code: 'badRequest',
  },
  'refresh without workbook-session-id': { path: `${item}/refreshSession`, status: 400, code: 'badRequest' },
  'close without workbook-session-id': { path: `${item}/closeSession`, status: 400, code: 'badRequest' },
  'an empty workbook-session-id': {
    path: `${item}/refreshSession`,
    headers: { 'workbook-session-id': '' },
    status: 400,
    code: 'badRequest',
  },
  'a blank workbook-session-id': {
    path: `${item}/closeSession`,
    headers: { 'workbook-session-id': '   ' },
    status: 400,
    code: 'badRequest',
  },
  'a session id with a space': {
    path: `${item}/refreshSession`,
    headers: { 'workbook-session-id': 'abc def' },
    status: 400,
    code: 'badRequest',
  },
  'a session id with a tab': {
    path: `${item}/refreshSession`,
    headers: { 'workbook-session-id': 'abc\tdef' },
    status: 400,
    code: 'badRequest',
  },
  'a session id of implausible length': {
    path: `${item}/refreshSession`,
    headers: { 'workbook-session-id': 'a'.repeat(5000) },
    status: 400,
    code: 'badRequest',
  },
  'a drive id with an encoded slash': {
    path: `/api/drives/b!x%2F..%2Fme/items/${WORKBOOK.itemId}/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
  'an item id with an encoded question mark': {
    path: `/api/drives/${WORKBOOK.driveId}/items/01A%3Fx=1/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
  'an item id with an encoded hash': {
    path: `/api/drives/${WORKBOOK.driveId}/items/01A%23frag/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
  'an item id with an encoded percent': {
    path: `/api/drives/${WORKBOOK.driveId}/items/01A%2541/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
  'an item id with a raw percent': {
    path: `/api/drives/${WORKBOOK.driveId}/items/01A%zz/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
  'an item id containing two dots': {
    path: `/api/drives/${WORKBOOK.driveId}/items/a..b/workbook/refreshSession`,
    headers: session,
    status: 400,
    code: 'badRequest',
  },
  'an item id with an encoded space': {
    path: `/api/drives/${WORKBOOK.driveId}/items/01A%20B/workbook/closeSession`,
    headers: session,
    status: 400,
    code: 'badRequest',
  },
  'an item id with a control character': {
    path: `/api/drives/${WORKBOOK.driveId}/items/01A%00B/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
  'invalid JSON on a range PATCH': {
    method: 'PATCH',
    path: rangeA1,
    headers: json,
    body: '{"values": [[1]',
    status: 400,
    code: 'badRequest',
  },
  'invalid JSON on rows/add': {
    path: rowsAdd,
    headers: json,
    body: '{"values": [[1]]',
    status: 400,
    code: 'badRequest',
  },
  'bytes that are not UTF-8 on rows/add': {
    path: rowsAdd,
    headers: json,
    body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    status: 400,
    code: 'badRequest',
  },
  'a text/plain body on rows/add': {
    path: rowsAdd,
    headers: { 'content-type': 'text/plain' },
    body: '{"values": [[1]]}',
    status: 415,
    code: 'unsupportedMediaType',
  },
  'an application/xml body on a range PATCH': {
    method: 'PATCH',
    path: rangeA1,
    headers: { 'content-type': 'application/xml' },
    body: '<values><v>1</v></values>',
    status: 415,
    code: 'unsupportedMediaType',
  },
  'GET on createSession': {
    method: 'GET',
    path: `${item}/createSession`,
    status: 405,
    code: 'methodNotAllowed',
    allow: 'POST',
  },
  'PATCH on closeSession': {
    method: 'PATCH',
    path: `${item}/closeSession`,
    headers: { ...json, ...session },
    body: '{}',
    status: 405,
    code: 'methodNotAllowed',
    allow: 'POST',
  },
  'DELETE on refreshSession': {
    method: 'DELETE',
    path: `${item}/refreshSession`,
    headers: session,
    status: 405,
    code: 'methodNotAllowed',
    allow: 'POST',
  },
  'a drive id of implausible length': {
    path: `/api/drives/b!${'x'.repeat(300)}/items/${WORKBOOK.itemId}/workbook/createSession`,
    status: 400,
    code: 'badRequest',
  },
};

describe('bad input is refused with a Graph-shaped 4xx and touches nothing', () => {
  it.each(Object.entries(cases))('refuses %s', async (_name, c) => {
    stack.emulator.resetCalls();
    const response = await rawRequest(stack.url, c.path, {
      ...(c.method ? { method: c.method } : {}),
      headers: c.headers,
      body: c.body ?? '',
    });
    expect(response.status).toBe(c.status);
    expect(response.headers['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    if (c.allow !== undefined) expect(response.headers.allow).toBe(c.allow);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.text) as {
      error: { code: string; message: string; innerError: Record<string, string> };
    };
    expect(body.error.code).toBe(c.code);
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(body.error.innerError.date ?? ''))).toBe(false);
    expect(stack.emulator.calls()).toEqual([]);
    expect(await stack.rows()).toEqual([]);
  });

  it('never lets a `..` path segment reach a function: routing removes dot segments, as Kestrel does, and finds no route', async () => {
    stack.emulator.resetCalls();
    const response = await rawRequest(stack.url, `/api/drives/${WORKBOOK.driveId}/items/../workbook/createSession`, {
      body: '{}',
    });
    expect(response.status).toBe(404);
    expect(stack.emulator.calls()).toEqual([]);
    expect(await stack.rows()).toEqual([]);
  });

  it('refuses a drive outside ALLOWED_DRIVE_IDS with 403 forbidden, without Graph or a record', async () => {
    const response = await rawRequest(narrow.url, `${item}/createSession`, { headers: json, body: '{}' });
    expect(response.status).toBe(403);
    expect((JSON.parse(response.text) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(narrow.emulator.calls()).toEqual([]);
    expect(await narrow.rows()).toEqual([]);
  });

  it('serves a drive that is on the ALLOWED_DRIVE_IDS list', async () => {
    narrow.emulator.addWorkbook('b!another', '01ALLOWED');
    const response = await rawRequest(narrow.url, '/api/drives/b!another/items/01ALLOWED/workbook/createSession', {
      headers: json,
      body: '{}',
    });
    expect(response.status).toBe(201);
  });
});
