import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID, startGraphEmulator, type GraphEmulator } from '../dev/graphEmulator';
import { startIdentityEndpoint, type IdentityEndpoint } from '../dev/identityEndpoint';
import { testTableName } from './support/azurite';
import { startBrokerChild, type BrokerChild } from './support/brokerChild';

// Idempotent writes across two broker instances, each in its own process, on one session table and one Graph
// emulator over a real .xlsx: Power Automate's retries may land on either instance, and the rows are added once.

const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
let folder: string;
let identity: IdentityEndpoint;
let emulator: GraphEmulator;
let a: BrokerChild;
let b: BrokerChild;
let tableName: string;

const settings = () => ({
  GRAPH_BASE_URL: emulator.url,
  IDENTITY_ENDPOINT: identity.url,
  IDENTITY_HEADER: identity.header,
  SESSION_TABLE_CONNECTION: inject('azuriteConnectionString'),
  SESSION_TABLE_NAME: tableName,
  ALLOWED_DRIVE_IDS: '*',
});

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'two-instances-drive-'));
  identity = await startIdentityEndpoint();
  emulator = await startGraphEmulator({ drive: { path: folder }, acceptToken: (token) => identity.verify(token) });
  tableName = testTableName('replayInstances');
  [a, b] = await Promise.all([startBrokerChild(settings()), startBrokerChild(settings())]);
}, 60_000);
afterAll(async () => {
  await Promise.all([a, b].map((child) => child?.kill()));
  await emulator?.close();
  await identity?.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetCalls();
});

const addRow = async (broker: BrokerChild, key: string, label: string) => {
  const res = await fetch(broker.workbookUrl(DEMO, "tables('Sales')/rows/add"), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ values: [[label, 'Row', 1, 1, 1]] }),
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()).toString('base64') };
};

async function rowsLabelled(label: string): Promise<number> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  let count = 0;
  workbook.getWorksheet('Sheet1')?.eachRow((row) => {
    if (row.getCell(1).value === label) count += 1;
  });
  return count;
}

it('adds one row under a retry storm spread over both instances: the same key ten times, five at once', async () => {
  emulator.addFault({ method: 'POST', path: 'rows/add$', kind: 'latency', latencyMs: 100 });
  const key = `storm-${Date.now()}`;
  const burst = await Promise.all([a, b, a, b, a].map((broker) => addRow(broker, key, 'Storm')));
  const later = [];
  for (const broker of [b, a, b, a, b]) later.push(await addRow(broker, key, 'Storm'));
  const answers = [...burst, ...later];
  expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  expect(new Set(answers.map((answer) => answer.body)).size).toBe(1);
  expect(emulator.calls().filter((call) => call.op === 'addTableRows')).toHaveLength(1);
  expect(await rowsLabelled('Storm')).toBe(1);
}, 60_000);

it('replays, on the other instance, a rows/add whose connection dropped after Graph acted, and the file has one row', async () => {
  emulator.addFault({ method: 'POST', path: 'rows/add$', kind: 'drop', afterEffect: true, times: 1 });
  const key = `dropped-${Date.now()}`;
  const first = await addRow(a, key, 'Dropped');
  expect(first.status).toBe(503);
  const repeat = await addRow(b, key, 'Dropped');
  expect(repeat).toEqual(first);
  expect(emulator.calls().filter((call) => call.op === 'addTableRows')).toHaveLength(1);
  expect(await rowsLabelled('Dropped')).toBe(1);
}, 60_000);

it('answers a repeat of a write whose instance was killed mid-call with the outcome-unknown 504 once the claim falls silent, not 409 at the end of its budget', async () => {
  const doomed = await startBrokerChild(settings());
  // The write stays in Graph long enough to kill its instance while it runs.
  emulator.addFault({ method: 'POST', path: 'rows/add$', kind: 'latency', latencyMs: 5_000, times: 1 });
  const key = `killed-${Date.now()}`;
  const orphan = addRow(doomed, key, 'Killed').catch(() => 'connection lost');
  while (emulator.concurrency().inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await doomed.kill();
  expect(await orphan).toBe('connection lost');

  const repeat = await fetch(b.workbookUrl(DEMO, "tables('Sales')/rows/add"), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify({ values: [['Killed', 'Row', 1, 1, 1]] }),
  });

  expect(repeat.status).toBe(504);
  expect(((await repeat.json()) as { error: { code: string } }).error.code).toBe('gatewayTimeout');
  // The repeat did not send the write again: only the killed instance's call reached Graph.
  while (emulator.concurrency().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(emulator.calls().filter((call) => call.op === 'addTableRows')).toHaveLength(1);
  expect(await rowsLabelled('Killed')).toBe(1);
  // Every later repeat, on either instance, gets the same answer.
  expect((await addRow(a, key, 'Killed')).status).toBe(504);
}, 60_000);
