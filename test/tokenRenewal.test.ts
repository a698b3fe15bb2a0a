import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

// A token Graph refuses for good (revoked, or its grant changed) must be replaced by one the identity issues anew:
// the identity SDK's cache would hand back the refused one until it expires (hours for a managed identity), and every
// call — the session calls, the forwarded ones, the sweep's — would answer 502 until then. The emulator here refuses
// the revoked tokens forever, unlike a one-off 401 fault; the identity endpoint tells each token it issued by its id.

let stack: BrokerStack;
const revoked = new Set<string>();
/** The id of the token each Graph call carried, in order. */
const carried: Array<string | undefined> = [];

beforeAll(async () => {
  stack = await startBrokerStack({
    emulator: {
      acceptToken: (token) => {
        const id = stack.identity.tokenIdOf(token);
        carried.push(id);
        return stack.identity.verify(token) && id !== undefined && !revoked.has(id);
      },
    },
  });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => {
  stack.emulator.resetCalls();
  carried.length = 0;
});

const worksheets = () => fetch(stack.sessionUrl('worksheets'));
const issuedSince = (at: number) =>
  stack.identity.requests().filter((request) => request.status === 200 && request.at >= at);

/** Revokes the token the broker holds now (the one its last Graph call carried). */
async function revokeTheBrokersToken(): Promise<string> {
  expect((await worksheets()).status).toBe(200);
  const held = carried.at(-1);
  expect(held).toBeDefined();
  revoked.add(held ?? '');
  stack.emulator.resetCalls();
  carried.length = 0;
  return held ?? '';
}

describe('a token Graph refuses for good', () => {
  it('is replaced by a different token the identity issues after the refusal, which Graph then accepts', async () => {
    const refused = await revokeTheBrokersToken();
    const refusedAt = Date.now();

    const res = await worksheets();

    expect(res.status).toBe(200);
    expect(stack.emulator.calls().map((call) => call.status)).toEqual([401, 200]);
    const [first, retry] = carried;
    expect(first).toBe(refused);
    expect(retry).toBeDefined();
    expect(retry).not.toBe(refused);
    // The identity endpoint was asked after the refusal, and the token it issued then is the one Graph accepted.
    expect(issuedSince(refusedAt).map((request) => request.tokenId)).toEqual([retry]);
  });

  it('leaves the broker working: later calls carry the new token, and the identity is not asked again', async () => {
    await revokeTheBrokersToken();
    expect((await worksheets()).status).toBe(200);
    const renewed = carried.at(-1);
    stack.emulator.resetCalls();
    carried.length = 0;
    const askedBefore = stack.identity.requestCount();

    const answers = [await worksheets(), await worksheets(), await worksheets()];

    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(stack.emulator.calls().map((call) => call.status)).toEqual([200, 200, 200]);
    expect(carried).toEqual([renewed, renewed, renewed]);
    expect(stack.identity.requestCount()).toBe(askedBefore);
  });

  it('renews for the session calls too: a create, a refresh and a close after a revocation each succeed', async () => {
    await revokeTheBrokersToken();
    const created = await post(stack.sessionUrl('createSession'), {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persistChanges: false }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(stack.emulator.calls().map((call) => `${call.op} ${call.status}`)).toEqual([
      'createSession 401',
      'createSession 201',
    ]);

    await revokeTheBrokersToken();
    const inSession = { headers: { 'workbook-session-id': id } };
    expect((await post(stack.sessionUrl('refreshSession'), inSession)).status).toBe(204);
    await revokeTheBrokersToken();
    expect((await post(stack.sessionUrl('closeSession'), inSession)).status).toBe(204);
    expect(stack.emulator.calls().map((call) => `${call.op} ${call.status}`)).toEqual([
      'closeSession 401',
      'closeSession 204',
    ]);
    expect(stack.emulator.sessions().find((session) => session.id === id)?.state).toBe('closed');
  });
});
