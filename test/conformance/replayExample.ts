import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DRIVE_ID } from '../../dev/graphEmulator';
import { call, startDrive, type Reply } from '../support/emulatorDrive';
import { conformanceWorkbook } from './conformanceWorkbook';
import type { Example, ExampleCall } from './examples';

// Replays one documented example against a fresh emulator over a drive that holds what the example presumes:
// Book.xlsx (conformanceWorkbook.ts) and a folder, Documents, with one text file. `{location}` in a path is the
// Location the last call answered (after `workbook/`), `{operation-id}` the operation it names, and
// `{item:Name}` the id of the root's child called Name.

export interface Replayed {
  reply: Reply;
  /** The Location header of the answer, if any. */
  location: string | null;
}

export async function replayExample(example: Example): Promise<Replayed> {
  let clock = Date.UTC(2026, 0, 15, 9);
  const drive = await startDrive({ files: { 'Book.xlsx': conformanceWorkbook() }, now: () => clock });
  mkdirSync(path.join(drive.folder, 'Documents'));
  writeFileSync(path.join(drive.folder, 'Documents', 'notes.txt'), 'not a workbook');
  const { emulator } = drive;
  const itemId = emulator.workbooks().find((workbook) => workbook.name === 'Book.xlsx')?.itemId ?? '';
  if (example.settings) emulator.configure(example.settings);
  if (example.failNextOperations) emulator.failNextOperations(example.failNextOperations);

  const workbookUrl = drive.workbookUrl(itemId);
  const driveUrl = `${emulator.url}/drives/${encodeURIComponent(DEMO_DRIVE_ID)}`;
  const headers: Record<string, string> = {};
  if (example.session === true) {
    const created = await call(`${workbookUrl}/createSession`, 'POST', { persistChanges: true });
    headers['workbook-session-id'] = String(created.json.id);
  }
  let location: string | null = null;
  const send = async (request: ExampleCall): Promise<Reply> => {
    const base = request.scope === 'drive' ? driveUrl : workbookUrl;
    const target = await resolve(request.path, location, driveUrl);
    const url = target.startsWith('http') ? target : target === '' ? base : `${base}/${target}`;
    const reply = await call(url, request.method, request.body, { ...headers, ...request.headers });
    location = reply.headers.get('location');
    return reply;
  };
  for (const request of example.before ?? []) {
    const reply = await send(request);
    if (reply.status >= 300)
      throw new Error(`A call before the example failed: ${reply.status} ${JSON.stringify(reply.json)}`);
  }
  clock += example.advanceMs ?? 0;
  const reply = await send(example.request);
  return { reply, location };
}

async function resolve(template: string, location: string | null, driveUrl: string): Promise<string> {
  let resolved = template;
  if (resolved.includes('{location}')) {
    if (location === null) throw new Error('The example needs a Location, and no call before it answered one.');
    resolved = resolved.replace('{location}', location);
  }
  if (resolved.includes('{operation-id}')) {
    const id = /\/operations\/([^/?]+)/.exec(location ?? '')?.[1];
    if (id === undefined) throw new Error('The example needs an operation, and no call before it started one.');
    resolved = resolved.replace('{operation-id}', id);
  }
  const item = /\{item:([^}]+)\}/.exec(resolved);
  if (item !== null) {
    const children = await call(`${driveUrl}/root/children`);
    const found = (children.json.value as Array<{ id: string; name: string }>).find((child) => child.name === item[1]);
    resolved = resolved.replace(item[0], found?.id ?? 'missing');
  }
  return resolved;
}
