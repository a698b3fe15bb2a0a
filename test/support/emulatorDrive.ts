import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID, startGraphEmulator, type GraphEmulator } from '../../dev/graphEmulator';

// An emulator over a temporary drive folder, for tests that call it over HTTP and read the .xlsx back with exceljs.
// Every emulator and folder a test makes is closed and removed by `closeAll` (call it in afterEach).

export interface DriveUnderTest {
  emulator: GraphEmulator;
  folder: string;
  /** …/drives/{demo drive}/items/{itemId}/workbook */
  workbookUrl: (itemId?: string) => string;
}

export interface Reply {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

const open: Array<{ emulator: GraphEmulator; folder: string }> = [];

/** Starts an emulator on a new folder; `files` (name → workbook) are written there first, with no demo then. */
export async function startDrive(
  options: { files?: Record<string, ExcelJS.Workbook>; now?: () => number } = {},
): Promise<DriveUnderTest> {
  const folder = mkdtempSync(path.join(tmpdir(), 'emulator-drive-'));
  for (const [name, workbook] of Object.entries(options.files ?? {})) {
    writeFileSync(path.join(folder, name), Buffer.from(await workbook.xlsx.writeBuffer()));
  }
  const demo = options.files === undefined;
  const emulator = await startGraphEmulator({
    drive: { path: folder, demo },
    ...(options.now ? { now: options.now } : {}),
  });
  open.push({ emulator, folder });
  const workbookUrl = (itemId = DEMO_ITEM_ID) =>
    `${emulator.url}/drives/${encodeURIComponent(DEMO_DRIVE_ID)}/items/${encodeURIComponent(itemId)}/workbook`;
  return { emulator, folder, workbookUrl };
}

export async function closeAll(): Promise<void> {
  const closing = open.splice(0);
  await Promise.all(closing.map(({ emulator }) => emulator.close()));
  for (const { folder } of closing) rmSync(folder, { recursive: true, force: true });
}

export async function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(url, {
    method,
    headers: {
      authorization: 'Bearer test-token',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export function fileBytes(folder: string, name = 'Demo.xlsx'): Buffer {
  return readFileSync(path.join(folder, name));
}

export async function readFile(folder: string, name = 'Demo.xlsx'): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path.join(folder, name));
  return workbook;
}

/** The item id the drive gave a file it found in its folder. */
export function itemIdOf(drive: DriveUnderTest, name: string): string {
  const found = drive.emulator.workbooks().find((workbook) => workbook.name === name);
  if (found === undefined) throw new Error(`The drive has no ${name}`);
  return found.itemId;
}
