import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { REPEAT_WAIT_MS } from '../shared/budgets';
import { REPLAY_BODY_LIMIT, replayDueAt } from '../shared/records/replayRecord';
import { replayRowKeyOf } from '../shared/store/sessionKeys';
import { fingerprintOf } from '../shared/workbook/replayKeys';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';

// Idempotent workbook writes over the real parts: a POST or PATCH with Idempotency-Key is done at most once, and
// every repeat gets the first answer byte for byte. What the caller got, what Graph saw and what the .xlsx holds.

const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
const RETENTION_SECONDS = 600;
let stack: BrokerStack;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'idempotent-drive-'));
  stack = await startBrokerStack({
    emulator: { drive: { path: folder } },
    settings: { SESSION_RETENTION_SECONDS: String(RETENTION_SECONDS) },
  });
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
  stack.emulator.clearFaults();
  stack.emulator.resetCalls();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function send(
  workbookPath: string,
  init: { method: string; body: unknown; key?: string; headers?: Record<string, string> },
): Promise<Answer> {
  const res = await fetch(stack.sessionUrl(workbookPath, DEMO), {
    method: init.method,
    headers: {
      'content-type': 'application/json',
      ...(init.key ? { 'Idempotency-Key': init.key } : {}),
      ...init.headers,
    },
    body: JSON.stringify(init.body),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
}

const addRow = (
  key: string | undefined,
  values: unknown[][] = [['Once', 'Only', 1, 1, 1]],
  headers: Record<string, string> = {},
) => send("tables('Sales')/rows/add", { method: 'POST', body: { values }, ...(key ? { key } : {}), headers });

/** The answer a caller can compare: status, body, and the headers that belong to the answer (not to the connection). */
const comparable = (answer: Answer) => ({
  status: answer.status,
  body: answer.body.toString('base64'),
  headers: Object.fromEntries(
    Object.entries(answer.headers).filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name)),
  ),
});

async function tableRows(): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  const rows: unknown[][] = [];
  workbook.getWorksheet('Sheet1')?.eachRow((row) => rows.push([row.getCell(1).value, row.getCell(2).value]));
  return rows;
}

const graphCalls = (op: string) => stack.emulator.calls().filter((call) => call.op === op);
let keys = 0;
const newKey = () => `run-${Date.now()}-${(keys += 1)}`;

describe('idempotent workbook writes', () => {
  it('replays the first answer exactly to a repeat, with no second Graph call and one row in the file', async () => {
    const key = newKey();
    const before = (await tableRows()).length;
    const first = await addRow(key, [['Kept', 'Once', 1, 1, 1]]);
    const repeat = await addRow(key, [['Kept', 'Once', 1, 1, 1]]);
    expect(first.status).toBe(200);
    expect(comparable(repeat)).toEqual(comparable(first));
    expect(graphCalls('addTableRows')).toHaveLength(1);
    expect((await tableRows()).length).toBe(before + 1);
  });

  it('refuses the same key with a different request with 422, and calls Graph for neither', async () => {
    const key = newKey();
    expect((await addRow(key, [['A', 'B', 1, 1, 1]])).status).toBe(200);
    stack.emulator.resetCalls();
    const otherBody = await addRow(key, [['C', 'D', 1, 1, 1]]);
    const otherPath = await send("worksheets('Sheet1')/range(address='J1')", {
      method: 'PATCH',
      body: { values: [['x']] },
      key,
    });
    for (const res of [otherBody, otherPath]) {
      expect(res.status).toBe(422);
      expect(JSON.parse(res.body.toString())).toMatchObject({ error: { code: 'unprocessableEntity' } });
    }
    expect(stack.emulator.calls()).toEqual([]);
  });

  it.each([
    ['a dropped connection after Graph acted', { kind: 'drop' as const }],
    ['a 504 after Graph acted', { kind: 'status' as const, status: 504 }],
  ])('replays %s instead of adding the row again', async (_label, fault) => {
    const key = newKey();
    const before = (await tableRows()).length;
    stack.emulator.addFault({ ...fault, method: 'POST', path: 'rows/add$', afterEffect: true, times: 1 });
    const first = await addRow(key);
    expect(first.status).toBeGreaterThanOrEqual(500);
    const repeat = await addRow(key);
    expect(comparable(repeat)).toEqual(comparable(first));
    expect(graphCalls('addTableRows')).toHaveLength(1);
    expect((await tableRows()).length).toBe(before + 1);
  });

  it('frees the key when Graph says it did not act (429), so the repeat adds the row', async () => {
    const key = newKey();
    const before = (await tableRows()).length;
    stack.emulator.addFault({
      method: 'POST',
      path: 'rows/add$',
      kind: 'status',
      status: 429,
      retryAfterSeconds: 600,
      times: 1,
    });
    expect((await addRow(key)).status).toBe(429);
    // The repeat comes once Graph's Retry-After has passed, as Power Automate's does: until then the workbook's lease
    // keeps the cooldown and no instance calls it.
    stack.clock.advance(600_000);
    expect((await addRow(key)).status).toBe(200);
    expect(graphCalls('addTableRows').map((call) => call.status)).toEqual([429, 200]);
    expect((await tableRows()).length).toBe(before + 1);
  });

  it('adds one row under a Power Automate retry storm: the same key ten times, five at once', async () => {
    const key = newKey();
    const before = (await tableRows()).length;
    stack.emulator.addFault({ method: 'POST', path: 'rows/add$', kind: 'latency', latencyMs: 50 });
    stack.emulator.resetConcurrency();
    const slept = stack.clock.slept.length;
    const burst = await Promise.all(Array.from({ length: 5 }, () => addRow(key, [['Storm', 'Row', 1, 1, 1]])));
    // The five overlapped: repeats found the first one's write key still in progress and waited for its answer
    // (REPEAT_WAIT_MS, on the test clock), rather than each arriving after the one before had answered.
    expect(stack.clock.slept.slice(slept).filter((ms) => ms === REPEAT_WAIT_MS).length).toBeGreaterThan(0);
    const later: Answer[] = [];
    for (let n = 0; n < 5; n += 1) later.push(await addRow(key, [['Storm', 'Row', 1, 1, 1]]));
    const answers = [...burst, ...later].map(comparable);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
    expect(graphCalls('addTableRows')).toHaveLength(1);
    expect((await tableRows()).filter((row) => row[0] === 'Storm')).toHaveLength(1);
    expect((await tableRows()).length).toBe(before + 1);
  });

  it(`replays an answer of over 256 KiB byte for byte, and refuses to redo one over ${REPLAY_BODY_LIMIT} bytes`, async () => {
    const big = await send("worksheets('Sheet1')/range(address='L1:S1000')", {
      method: 'PATCH',
      body: { values: 'x' },
      key: newKey(),
    });
    expect(big.status).toBe(200);
    expect(big.body.byteLength).toBeGreaterThan(256 * 1024);
    expect(big.body.byteLength).toBeLessThanOrEqual(REPLAY_BODY_LIMIT);
    const key = newKey();
    const first = await send("worksheets('Sheet1')/range(address='L1:S1000')", {
      method: 'PATCH',
      body: { values: 'y' },
      key,
    });
    stack.emulator.resetCalls();
    const repeat = await send("worksheets('Sheet1')/range(address='L1:S1000')", {
      method: 'PATCH',
      body: { values: 'y' },
      key,
    });
    expect(repeat.body.equals(first.body)).toBe(true);
    expect(comparable(repeat)).toEqual(comparable(first));
    expect(stack.emulator.calls()).toEqual([]);

    const hugeKey = newKey();
    const huge = await send("worksheets('Sheet1')/range(address='L1:AZ1000')", {
      method: 'PATCH',
      body: { values: 'z' },
      key: hugeKey,
    });
    expect(huge.status).toBe(200);
    expect(huge.body.byteLength).toBeGreaterThan(REPLAY_BODY_LIMIT);
    stack.emulator.resetCalls();
    const refused = await send("worksheets('Sheet1')/range(address='L1:AZ1000')", {
      method: 'PATCH',
      body: { values: 'z' },
      key: hugeKey,
    });
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body.toString())).toMatchObject({ error: { code: 'conflict' } });
    expect(stack.emulator.calls()).toEqual([]);
  });

  it('replays to a repeat that comes after the session closed, and is deleted by the sweep after its retention', async () => {
    const created = await fetch(stack.sessionUrl('createSession', DEMO), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { id } = (await created.json()) as { id: string };
    const key = newKey();
    const inSession = { 'workbook-session-id': id };
    const first = await addRow(key, [['In', 'Session', 1, 1, 1]], inSession);
    await fetch(stack.sessionUrl('closeSession', DEMO), { method: 'POST', headers: inSession });
    stack.emulator.resetCalls();
    expect(comparable(await addRow(key, [['In', 'Session', 1, 1, 1]], inSession))).toEqual(comparable(first));
    expect(stack.emulator.calls()).toEqual([]);

    const keyRows = async () => (await stack.rows()).filter((row) => String(row.rowKey).startsWith('r'));
    expect((await keyRows()).length).toBeGreaterThan(0);
    stack.clock.advance(RETENTION_SECONDS * 1000 + 1);
    await stack.host.invoke('sweepSessions');
    expect(await keyRows()).toEqual([]);
  });
});

describe('idempotent writes and the sweep', () => {
  it('never sweeps away a claim still pending: it becomes "outcome unknown", so no repeat does the write again', async () => {
    // The claim of a request whose instance died after sending it: written as the broker writes a claim.
    const key = newKey();
    const body = new TextEncoder().encode(JSON.stringify({ values: [['Crashed', 'Claim', 1, 1, 1]] }));
    const claimedAt = stack.clock.now();
    await stack.deps.store.insertReplay({
      ...DEMO,
      rowKey: replayRowKeyOf(undefined, key),
      state: 'pending',
      fingerprint: fingerprintOf('POST', "tables('Sales')/rows/add", '', body),
      claimedAt,
      dueAt: replayDueAt({ claimedAt }, RETENTION_SECONDS),
    });
    stack.clock.advance((RETENTION_SECONDS + 1) * 1000);
    await stack.host.invoke('sweepSessions');
    const kept = (await stack.rows()).find((row) => row.rowKey === replayRowKeyOf(undefined, key));
    expect(kept).toMatchObject({ state: 'answered', status: 504 });

    stack.emulator.resetCalls();
    const repeat = await addRow(key, [['Crashed', 'Claim', 1, 1, 1]]);
    expect(repeat.status).toBe(504);
    expect(JSON.parse(repeat.body.toString())).toMatchObject({ error: { code: 'gatewayTimeout' } });
    expect(stack.emulator.calls()).toEqual([]);
  });
});

describe('idempotent creates', () => {
  it('answers 422 when a repeated key comes with a different body or idle timeout, and the same session otherwise', async () => {
    const key = newKey();
    const create = (body: string, headers: Record<string, string> = {}) =>
      fetch(stack.sessionUrl('createSession', DEMO), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Idempotency-Key': key, ...headers },
        body,
      });
    const first = await create('{"persistChanges":false}', { 'x-session-idle-timeout': '300' });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    stack.emulator.resetCalls();
    expect((await create('{"persistChanges":true}', { 'x-session-idle-timeout': '300' })).status).toBe(422);
    expect((await create('{"persistChanges":false}', { 'x-session-idle-timeout': '600' })).status).toBe(422);
    expect((await create('{"persistChanges":false}')).status).toBe(422);
    const same = await create('{"persistChanges":false}', { 'x-session-idle-timeout': '300' });
    expect(((await same.json()) as { id: string }).id).toBe(id);
    expect(stack.emulator.calls()).toEqual([]);
  });
});
