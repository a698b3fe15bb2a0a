import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';
import { rawRequest } from './support/rawRequest';

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => {
  await stack?.close();
});

const path = (action: string) =>
  `/api/drives/${encodeURIComponent(WORKBOOK.driveId)}/items/${WORKBOOK.itemId}/workbook/${action}`;
const send = (action: string, headers: Record<string, string>, body = '') =>
  rawRequest(stack.url, path(action), { headers, body });
const EVIL = 'https://evil.example';

async function newSession(): Promise<string> {
  const created = await send('createSession', { 'content-type': 'application/json' }, '{}');
  expect(created.status).toBe(201);
  return (JSON.parse(created.text) as { id: string }).id;
}

describe('no state change from a request a browser sends without a CORS preflight', () => {
  // Each is what a page on another site can make a browser send with no preflight ("simple" requests:
  // https://fetch.spec.whatwg.org/#cors-safelisted-request-header): a form post, or fetch with mode 'no-cors'.
  it.each([
    [
      'a text/plain JSON body from another origin',
      { origin: EVIL, 'content-type': 'text/plain;charset=UTF-8' },
      '{"persistChanges":true}',
    ],
    [
      'a form post from another site',
      { origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' },
      'persistChanges=true',
    ],
    ['a bodyless post marked cross-site', { 'sec-fetch-site': 'cross-site' }, ''],
    ['a bodyless post from a sibling site', { origin: 'https://other.example.net', 'sec-fetch-site': 'same-site' }, ''],
    ['a post from an opaque origin (sandboxed frame)', { origin: 'null', 'content-type': 'text/plain' }, '{}'],
  ])('refuses createSession with 403 for %s, before calling Graph or writing a row', async (_name, headers, body) => {
    stack.emulator.resetCalls();
    const rowsBefore = (await stack.rows()).length;
    const response = await send('createSession', headers, body);
    expect(response.status).toBe(403);
    expect((JSON.parse(response.text) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(stack.emulator.calls()).toHaveLength(0);
    expect((await stack.rows()).length).toBe(rowsBefore);
  });

  it.each([
    ['a server-side caller (curl) with a JSON body', { 'content-type': 'application/json' }, '{"persistChanges":true}'],
    ['a server-side caller with an empty body and no content type', {}, ''],
    [
      'a page that sends JSON (preflighted)',
      { origin: 'http://localhost:5173', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
      '{"persistChanges":false}',
    ],
    [
      'Power Automate (application/json, no Origin)',
      { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': 'run-x1' },
      '',
    ],
  ])('still creates for %s', async (_name, headers, body) => {
    const response = await send('createSession', headers, body);
    expect(response.status).toBe(201);
  });

  it('still refreshes and closes for a page: workbook-session-id is a header no simple request can carry', async () => {
    const id = await newSession();
    const page = { origin: 'http://localhost:5173', 'sec-fetch-site': 'cross-site', 'workbook-session-id': id };
    expect((await send('refreshSession', page)).status).toBe(204);
    expect((await send('closeSession', page)).status).toBe(204);
  });
});
