import SwaggerParser from '@apidevtools/swagger-parser';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { OpenAPIV2 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID } from '../dev/graphEmulator';
import { startBrokerStack, type BrokerStack } from './support/brokerStack';
import { powerAutomateDesigner, sendWithFetch, type Chosen, type Designer } from './support/powerAutomateDesigner';

// The flow connector/README.md shows, built as a maker builds it in the designer and run as Power Automate runs it,
// through the connector's own definition against the local stack: the drive from the Drive list, the file from the
// tree of the drive's folders, the table and the key column from their lists, the row's fields from the table's
// schema. No id and no array is typed: every value the designer sends was offered by a picker, or is a cell value.
// Then the .xlsx is read back to see the row Excel wrote.

const DEFINITION = path.resolve(__dirname, '../connector/apiDefinition.swagger.json');

let stack: BrokerStack;
let folder: string;
let designer: Designer;
beforeAll(async () => {
  const api = (await SwaggerParser.dereference(
    JSON.parse(readFileSync(DEFINITION, 'utf8')) as OpenAPIV2.Document,
  )) as OpenAPIV2.Document;
  folder = mkdtempSync(path.join(tmpdir(), 'connector-flow-'));
  stack = await startBrokerStack({
    emulator: { drive: { path: folder } },
    settings: { ALLOWED_DRIVE_IDS: DEMO_DRIVE_ID },
  });
  // A workbook one folder down, so that the file picker has a folder to open.
  mkdirSync(path.join(folder, 'Orders'));
  copyFileSync(path.join(folder, 'Demo.xlsx'), path.join(folder, 'Orders', 'Orders 2026.xlsx'));
  designer = powerAutomateDesigner(api, stack.url, (request) =>
    sendWithFetch(request, { 'x-functions-key': 'the connection key' }),
  );
});
afterAll(async () => {
  await stack?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** The one choice titled `title` among those a picker offers. */
function choose(choices: ReadonlyArray<{ value: string; title: string }>, title: string): string {
  const found = choices.filter((choice) => choice.title === title);
  expect(found, `${title} among ${JSON.stringify(choices)}`).toHaveLength(1);
  return found[0]!.value;
}

async function tableRows(file: string): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.getWorksheet('Sheet1')!;
  const table = sheet.getTable('Sales') as unknown as { table: { tableRef: string } };
  const [from, to] = table.table.tableRef.split(':') as [string, string];
  const rows: unknown[][] = [];
  for (let r = sheet.getCell(from).fullAddress.row + 1; r <= sheet.getCell(to).fullAddress.row; r += 1) {
    rows.push([1, 2, 3, 4].map((c) => sheet.getRow(r).getCell(c).value));
  }
  return rows;
}

describe('a flow built only from pickers', () => {
  it('creates a session, adds a row by named columns, updates it by key, lists it, closes, and the .xlsx has the row', async () => {
    // Design time: each choice from a picker, each picker given only earlier choices.
    const drives = await designer.pick('createSession', 'driveId', {});
    // The emulator names a drive after its folder, as Graph names a library.
    const driveId = choose(drives, path.basename(folder));
    expect(driveId).toBe(DEMO_DRIVE_ID);
    const file = await designer.browse('createSession', 'itemId', { driveId }, ['Orders', 'Orders 2026.xlsx']);
    const workbook: Chosen = { driveId, itemId: file.value };
    const table = choose(await designer.pick('addRow', 'table', workbook), 'Sales');
    const chosen: Chosen = { ...workbook, table };
    const fields = await designer.schemaOf('addRow', 'body', chosen);
    expect(Object.keys(fields.properties as object)).toEqual(['Region', 'Product', 'Units', 'Unit price', 'Total']);
    const keyColumn = choose(await designer.pick('updateRow', 'keyColumn', chosen), 'Product');

    // Run time: the session id is dynamic content from Create session; the rest are the form's answers.
    const created = await designer.run('createSession', workbook, {
      body: { persistChanges: true },
      'Idempotency-Key': 'run-0042-create',
    });
    expect(created.status).toBe(201);
    const session = { 'workbook-session-id': String(created.json().id) };

    const added = await designer.run('addRow', chosen, {
      ...session,
      body: { Region: 'Central', Product: 'Figs', Units: 12, 'Unit price': 2 },
      'Idempotency-Key': 'run-0042-add-row',
    });
    expect(added.status, added.text).toBe(201);
    expect(added.json()).toMatchObject({ Region: 'Central', Product: 'Figs', Units: 12, 'Unit price': 2 });

    const updated = await designer.run('updateRow', chosen, {
      ...session,
      keyColumn,
      keyValue: 'Figs',
      body: { Units: 20 },
      'Idempotency-Key': 'run-0042-update-row',
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.json()).toMatchObject({ Region: 'Central', Product: 'Figs', Units: 20 });

    const filterColumn = choose(await designer.pick('listRows', 'filterColumn', chosen), 'Product');
    const listed = await designer.run('listRows', chosen, { ...session, filterColumn, filterValue: 'Figs' });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json().value).toEqual([expect.objectContaining({ Region: 'Central', Product: 'Figs', Units: 20 })]);

    const closed = await designer.run('closeSession', workbook, session);
    expect(closed.status).toBe(204);

    // What Graph saw: the writes in the flow's session, on the file the tree picked, and then the close.
    const calls = stack.emulator.calls().filter((call) => call.itemId === file.value);
    const writes = calls.filter((call) => ['addTableRows', 'updateTableRow'].includes(call.op));
    expect(writes.map((call) => [call.op, call.status, call.sessionId])).toEqual([
      ['addTableRows', 200, session['workbook-session-id']],
      ['updateTableRow', 200, session['workbook-session-id']],
    ]);
    expect(calls.at(-1)).toMatchObject({ op: 'closeSession', status: 204 });

    // What the file holds: the row, updated, as the table's last row; the demo rows untouched.
    const rows = await tableRows(path.join(folder, 'Orders', 'Orders 2026.xlsx'));
    expect(rows.at(-1)).toEqual(['Central', 'Figs', 20, 2]);
    expect(rows.filter((row) => row[1] === 'Figs')).toHaveLength(1);
  });
});
