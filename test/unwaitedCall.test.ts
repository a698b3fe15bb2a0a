import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';

// A Graph call the broker stopped waiting for (its timeout) may still be running at Graph. The caller is answered
// within its budget, but the workbook's turn — and the lease across instances, WORKBOOK_LEASE=table being the
// default here — stays with that call until Graph answers or the connection ends, so nothing goes in beside it.
// The timeouts are shortened (real time: they bound waits on the network) and the emulator answers late on purpose.

const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
const TIMEOUT_MS = 200;
const GRAPH_TAKES_MS = 1_500;
const HOLD_MS = 600;

let stack: BrokerStack;
let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'unwaited-drive-'));
  stack = await startBrokerStack({
    emulator: { drive: { path: folder } },
    graphCallTimeoutMs: TIMEOUT_MS,
    graphCallHoldMs: 30_000,
  });
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});
beforeEach(async () => {
  await untilIdle(stack);
  stack.emulator.clearFaults();
  stack.emulator.resetCalls();
  stack.emulator.resetConcurrency();
});

const url = (workbookPath: string) => stack.sessionUrl(workbookPath, DEMO);
const addRow = (s: BrokerStack, region: string) =>
  fetch(s.sessionUrl("tables('Sales')/rows/add", DEMO), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ values: [[region, 'Figs', 1, 1, '']] }),
  });
const demoInFlight = (s: BrokerStack) =>
  s.emulator.concurrency().workbooks.find((w) => w.itemId === DEMO.itemId) ?? { inFlight: 0, maxInFlight: 0 };

async function untilIdle(s: BrokerStack): Promise<void> {
  while (s.emulator.concurrency().inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function regionsInFile(): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
  const regions: string[] = [];
  workbook.getWorksheet('Sheet1')?.eachRow((row) => regions.push(row.getCell(1).text));
  return regions;
}

describe('a call the broker stopped waiting for', () => {
  it('answers its caller 504 in time, and the next call to the workbook waits until Graph has answered it', async () => {
    stack.emulator.addFault({ path: 'rows/add$', kind: 'latency', latencyMs: GRAPH_TAKES_MS, times: 1 });

    const timedOut = await addRow(stack, 'Slow');
    expect(timedOut.status).toBe(504);
    // Graph is still working on the write when the caller has its answer, and the next call is sent now.
    expect(demoInFlight(stack).inFlight).toBe(1);
    const next = await fetch(url('worksheets'));

    expect(next.status).toBe(200);
    expect(demoInFlight(stack).maxInFlight).toBe(1);
    expect(stack.emulator.calls().map((call) => `${call.op} ${call.status}`)).toEqual([
      'addTableRows 200',
      'listWorksheets 200',
    ]);
    // The write was not repeated: Graph did it once.
    expect((await regionsInFile()).filter((region) => region === 'Slow')).toHaveLength(1);
  });

  it('is not retried beside itself: a timed-out GET is sent again only once the first has ended at Graph', async () => {
    stack.emulator.addFault({ op: 'listWorksheets', kind: 'latency', latencyMs: GRAPH_TAKES_MS, times: 1 });

    const res = await fetch(url('worksheets'));

    expect(res.status).toBe(200);
    expect(stack.emulator.calls().map((call) => `${call.op} ${call.status}`)).toEqual([
      'listWorksheets 200',
      'listWorksheets 200',
    ]);
    expect(demoInFlight(stack).maxInFlight).toBe(1);
  });
});

describe('the bound on that hold', () => {
  it('ends the connection and gives the turn up once the call has been held for GRAPH_CALL_HOLD_MS', async () => {
    const bounded = await startBrokerStack({
      emulator: { drive: { path: folder } },
      graphCallTimeoutMs: TIMEOUT_MS,
      graphCallHoldMs: HOLD_MS,
    });
    try {
      bounded.emulator.addFault({ path: 'rows/add$', kind: 'latency', latencyMs: 4 * HOLD_MS, times: 1 });
      expect((await addRow(bounded, 'Held')).status).toBe(504);

      const next = await fetch(bounded.sessionUrl('worksheets', DEMO));

      // The broker gave the turn up while the emulator was still holding the first call: the bound, not Graph's
      // answer, ended the hold.
      expect(next.status).toBe(200);
      expect(demoInFlight(bounded).maxInFlight).toBe(2);
      expect(bounded.emulator.calls().map((call) => call.op)).toEqual(['listWorksheets']);
      await untilIdle(bounded);
    } finally {
      await bounded.close();
    }
  });
});
