import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { post, startBrokerStack, type BrokerStack } from './support/brokerStack';

// The workbook gate in the steady state, counted at the wire: the broker reaches Azurite through a proxy that counts
// every table operation. While one instance has calls for a workbook, taking the turn, checking the session and
// answering cost the table nothing; the lease is given up once the calls stop, off every caller's path.

const DEMO = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack({ countTableOps: true, emulator: { workbooks: [DEMO] } });
});
afterAll(async () => {
  await stack?.close();
});

const tableOps = () => stack.tableOps?.counts() ?? { all: Number.NaN, lease: Number.NaN };

async function untilNoLease(): Promise<void> {
  for (let tries = 0; tries < 500 && (await stack.leaseRows()).length > 0; tries += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('the workbook gate in the steady state', () => {
  it('costs no table operation for back-to-back calls in a session, and one delete once they stop', async () => {
    const created = await post(stack.sessionUrl('createSession', DEMO), {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persistChanges: true }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const range = stack.sessionUrl("worksheets('Sheet1')/range(address='A1:B2')", DEMO);
    const inSession = { headers: { 'workbook-session-id': id } };
    // The first call takes the lease and reads the session once under it.
    expect((await fetch(range, inSession)).status).toBe(200);
    expect((await fetch(range, inSession)).status).toBe(200);
    stack.tableOps?.reset();
    stack.emulator.resetCalls();

    const answers: number[] = [];
    for (let n = 0; n < 20; n += 1) answers.push((await fetch(range, inSession)).status);

    expect(answers).toEqual(answers.map(() => 200));
    expect(stack.emulator.calls().map((call) => call.op)).toHaveLength(20);
    expect(tableOps()).toEqual({ all: 0, lease: 0 });
    // Once the calls stop, the lease goes: one delete, after the answers.
    await untilNoLease();
    expect(tableOps()).toEqual({ all: 1, lease: 1 });
  });

  it('still reads a session afresh once the workbook changes hands, so a session closed meanwhile gets no Graph call', async () => {
    const created = await post(stack.sessionUrl('createSession', DEMO), {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ persistChanges: true }),
    });
    const { id } = (await created.json()) as { id: string };
    const inSession = { headers: { 'workbook-session-id': id } };
    const range = stack.sessionUrl("worksheets('Sheet1')/range(address='A1')", DEMO);
    expect((await fetch(range, inSession)).status).toBe(200);
    await untilNoLease();
    // Another instance closes it: the record says closed, as that instance's close would leave it.
    const row = (await stack.rows()).find((r) => r.sessionId === id);
    expect(row).toBeDefined();
    await stack.table.updateEntity(
      { partitionKey: String(row?.partitionKey), rowKey: String(row?.rowKey), state: 'closed' },
      'Merge',
    );
    stack.emulator.resetCalls();

    const refused = await fetch(range, inSession);

    expect(refused.status).toBe(404);
    expect(stack.emulator.calls()).toEqual([]);
  });
});
