import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@microsoft/microsoft-graph-client';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

let stack: BrokerStack;
beforeAll(async () => {
  stack = await startBrokerStack();
});
afterAll(async () => stack?.close());

it("drives create → refresh → close with Microsoft's own Graph JavaScript client pointed at the broker", async () => {
  const client = Client.init({
    baseUrl: `${stack.url}/api`,
    defaultVersion: '',
    // The broker holds the Graph identity; a caller needs only a function key, which the local host does not check.
    authProvider: (done) => done(null, 'not-a-graph-token'),
    customHosts: new Set([new URL(stack.url).host]),
  });
  const workbook = `/drives/${WORKBOOK.driveId}/items/${WORKBOOK.itemId}/workbook`;

  const session = (await client.api(`${workbook}/createSession`).post({ persistChanges: false })) as {
    id: string;
    persistChanges: boolean;
  };
  expect(session.persistChanges).toBe(false);
  expect(stack.emulator.activeSessions().map((s) => s.id)).toEqual([session.id]);

  await client.api(`${workbook}/refreshSession`).header('workbook-session-id', session.id).post({});
  expect(
    stack.emulator
      .calls()
      .filter((c) => c.op === 'refreshSession')
      .map((c) => c.status),
  ).toEqual([204]);

  await client.api(`${workbook}/closeSession`).header('workbook-session-id', session.id).post({});
  expect(stack.emulator.activeSessions()).toEqual([]);
  const rows = await stack.rows();
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    sessionId: session.id,
    state: 'closed',
    endReason: 'closedByCaller',
    persistChanges: false,
  });

  // And the SDK sees a Graph-shaped error it can act on.
  await expect(
    client.api(`${workbook}/refreshSession`).header('workbook-session-id', session.id).post({}),
  ).rejects.toMatchObject({
    statusCode: 404,
    code: 'itemNotFound',
  });
});

it('works inside the session with the same client: list worksheets, write and read a range, add rows, close — and the .xlsx holds it', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'sdk-drive-'));
  const local = await startBrokerStack({ emulator: { drive: { path: folder } } });
  try {
    const client = Client.init({
      baseUrl: `${local.url}/api`,
      defaultVersion: '',
      authProvider: (done) => done(null, 'not-a-graph-token'),
      customHosts: new Set([new URL(local.url).host]),
    });
    const workbook = `/drives/${DEMO_DRIVE_ID}/items/${DEMO_ITEM_ID}/workbook`;
    const session = (await client.api(`${workbook}/createSession`).post({ persistChanges: true })) as { id: string };
    const inSession = (api: string) => client.api(`${workbook}/${api}`).header('workbook-session-id', session.id);

    const sheets = (await inSession('worksheets').get()) as { value: Array<{ name: string }> };
    expect(sheets.value.map((sheet) => sheet.name)).toEqual(['Sheet1']);

    const address = "worksheets('Sheet1')/range(address='G2:H2')";
    const written = (await inSession(address).patch({ values: [['SDK', 7]] })) as { address: string };
    expect(written.address).toBe('Sheet1!G2:H2');
    const read = (await inSession(address).get()) as { values: unknown[][] };
    expect(read.values).toEqual([['SDK', 7]]);

    const added = (await inSession('tables/Sales/rows/add').post({ values: [['SDK', 'Limes', 3, 2, 6]] })) as {
      index: number;
    };
    expect(added.index).toBe(4);

    await inSession('closeSession').post({});
    const calls = local.emulator.calls().map((call) => `${call.method} ${call.op} ${call.status}`);
    expect(calls).toEqual([
      'POST createSession 201',
      'GET listWorksheets 200',
      'PATCH updateRange 200',
      'GET getRange 200',
      'POST addTableRows 200',
      'POST closeSession 204',
    ]);
    const file = new ExcelJS.Workbook();
    await file.xlsx.readFile(path.join(folder, 'Demo.xlsx'));
    const sheet = file.getWorksheet('Sheet1');
    expect([sheet?.getCell('G2').value, sheet?.getCell('H2').value, sheet?.getCell('B6').value]).toEqual([
      'SDK',
      7,
      'Limes',
    ]);
  } finally {
    await local.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
