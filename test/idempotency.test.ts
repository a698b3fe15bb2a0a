import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPEAT_WAIT_MS } from '../shared/budgets';
import { withIdempotencyChanges } from '../shared/records/idempotencyRecord';
import { idempotencyRowKeyOf } from '../shared/store/sessionKeys';
import { post, startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
let slow: BrokerStack;
let shortRetention: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
  shortRetention = await startBrokerStack({ settings: { SESSION_RETENTION_SECONDS: '120' } });
  slow = await startBrokerStack({ emulator: { asyncCreateMs: 100_000 } });
});
afterAll(async () => {
  await stack?.close();
  await shortRetention?.close();
  await slow?.close();
});

const create = (s: BrokerStack, key: string, headers: Record<string, string> = {}) =>
  post(s.sessionUrl('createSession'), { body: '{}', headers: { 'idempotency-key': key, ...headers } });
const idOf = async (response: Response) => ((await response.json()) as { id: string }).id;
const graphCreates = (s: BrokerStack) =>
  s.emulator.calls().filter((c) => c.op === 'createSession' && c.status === 201).length;

describe('idempotent creates (Idempotency-Key)', () => {
  it('answers a repeat with the same session and makes one Graph session', async () => {
    const before = graphCreates(stack);
    const first = await create(stack, 'run-0001');
    const repeat = await create(stack, 'run-0001');
    expect(first.status).toBe(201);
    expect(repeat.status).toBe(201);
    expect(await idOf(repeat)).toBe(await idOf(first));
    expect(graphCreates(stack) - before).toBe(1);
  });

  it('maps concurrent duplicates to one Graph session', async () => {
    stack.emulator.addFault({ op: 'createSession', kind: 'latency', latencyMs: 60, times: 1 });
    const before = graphCreates(stack);
    const slept = stack.clock.slept.length;
    const responses = await Promise.all(Array.from({ length: 6 }, () => create(stack, 'run-concurrent')));
    // They overlapped: duplicates found the first request's claim still pending and waited for it (REPEAT_WAIT_MS,
    // on the test clock). One that came after the first had answered would have found the session and not waited.
    expect(stack.clock.slept.slice(slept).filter((ms) => ms === REPEAT_WAIT_MS).length).toBeGreaterThan(0);
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const ids = new Set(await Promise.all(responses.map(idOf)));
    expect(ids.size).toBe(1);
    expect(graphCreates(stack) - before).toBe(1);
    const [id] = [...ids];
    expect((await stack.rows()).filter((r) => r.sessionId === id && String(r.rowKey).startsWith('s'))).toHaveLength(1);
  });

  it('keeps keys of different signed-in callers apart', async () => {
    const a = await create(stack, 'shared-key', { 'x-ms-client-principal-id': 'user-a' });
    const b = await create(stack, 'shared-key', { 'x-ms-client-principal-id': 'user-b' });
    expect(await idOf(a)).not.toBe(await idOf(b));
  });

  it('creates a new session for a key whose session has ended', async () => {
    const first = await idOf(await create(stack, 'run-0002'));
    await post(stack.sessionUrl('closeSession'), { headers: { 'workbook-session-id': first } });
    const second = await create(stack, 'run-0002');
    expect(second.status).toBe(201);
    expect(await idOf(second)).not.toBe(first);
  });

  it('lets a retry with the same key try again after a failed create', async () => {
    // A cooldown longer than the answer budget: the create is not waited out, the caller hears 429.
    stack.emulator.addFault({ op: 'createSession', kind: 'status', status: 429, retryAfterSeconds: 60, times: 1 });
    const throttled = await create(stack, 'run-0003');
    expect(throttled.status).toBe(429);
    stack.clock.advance(60_000); // the caller honours Retry-After: every instance keeps the workbook's cooldown
    const retried = await create(stack, 'run-0003');
    expect(retried.status).toBe(201);
  });

  it('answers a repeat of a long create with the same operation', async () => {
    const first = await create(slow, 'run-long');
    const repeat = await create(slow, 'run-long');
    expect(first.status).toBe(202);
    expect(repeat.status).toBe(202);
    expect(repeat.headers.get('location')).toBe(first.headers.get('location'));
    expect(slow.emulator.calls().filter((c) => c.op === 'createSession')).toHaveLength(1);
  });

  it('refuses a malformed Idempotency-Key with 400 before calling Graph', async () => {
    stack.emulator.resetCalls();
    const response = await create(stack, 'has space');
    expect(response.status).toBe(400);
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('keeps a reused key on its new session when the sweep deletes the old session past retention', async () => {
    const first = await idOf(await create(shortRetention, 'run-reused'));
    await post(shortRetention.sessionUrl('closeSession'), { headers: { 'workbook-session-id': first } });
    const second = await idOf(await create(shortRetention, 'run-reused'));
    expect(second).not.toBe(first);
    shortRetention.clock.advance(121_000); // the first session's record is past retention; the second still lives
    await shortRetention.host.invoke('sweepSessions');
    expect((await shortRetention.rows()).some((r) => r.sessionId === first && String(r.rowKey).startsWith('s'))).toBe(
      false,
    );
    const repeat = await create(shortRetention, 'run-reused');
    expect(await idOf(repeat)).toBe(second);
  });

  it('has the sweep delete keys the normal path left behind: an abandoned claim, and a key whose session record is gone', async () => {
    const workbook = { driveId: WORKBOOK.driveId, itemId: WORKBOOK.itemId };
    await stack.deps.store.insertIdempotency(
      withIdempotencyChanges({
        ...workbook,
        rowKey: 'kabandoned-claim',
        state: 'pending',
        claimedAt: stack.clock.now(),
      }),
    );
    const id = await idOf(await create(stack, 'run-orphaned-key'));
    const sessionRow = (await stack.rows()).find((r) => r.sessionId === id && String(r.rowKey).startsWith('s'));
    // As if the sweep's delete of the session had lost its key clean-up to a storage fault.
    await stack.table.deleteEntity(String(sessionRow?.partitionKey), String(sessionRow?.rowKey));
    const keyRows = async () =>
      (await stack.rows()).filter((r) => String(r.rowKey).startsWith('k')).map((r) => r.rowKey);
    expect(await keyRows()).toContain('kabandoned-claim');

    stack.clock.advance(91_000); // past the claim's lifetime
    await stack.host.invoke('sweepSessions');
    expect(await keyRows()).not.toContain('kabandoned-claim');
    const orphanKey = idempotencyRowKeyOf(undefined, 'run-orphaned-key');
    expect(await keyRows()).toContain(orphanKey); // still within its first day

    stack.clock.advance(86_400_000); // the daily check of settled keys
    await stack.host.invoke('sweepSessions');
    expect(await keyRows()).not.toContain(orphanKey);
    const repeat = await create(stack, 'run-orphaned-key');
    expect(repeat.status).toBe(201);
    expect(await idOf(repeat)).not.toBe(id);
  });
});
