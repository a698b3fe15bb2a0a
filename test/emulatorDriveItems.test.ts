import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import { call, closeAll, startDrive } from './support/emulatorDrive';

// The drive calls a file picker makes (drive-get, driveitem-get, driveitem-list-children) over the drive's folder:
// subfolders and other files are listed with Graph's facets, and a workbook in a subfolder is a workbook.

afterEach(closeAll);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function treeDrive() {
  const drive = await startDrive();
  mkdirSync(path.join(drive.folder, 'Reports', '2027'), { recursive: true });
  copyFileSync(path.join(drive.folder, 'Demo.xlsx'), path.join(drive.folder, 'Reports', 'Q1.xlsx'));
  writeFileSync(path.join(drive.folder, 'notes.txt'), 'not a workbook');
  writeFileSync(path.join(drive.folder, '~$Demo.xlsx'), 'an Excel lock file');
  const drives = `${drive.emulator.url}/drives/${encodeURIComponent(DEMO_DRIVE_ID)}`;
  return { ...drive, drives };
}

describe('the drive and its items', () => {
  it('answers the drive as a business document library', async () => {
    const { drives } = await treeDrive();
    const res = await call(drives);
    expect(res).toMatchObject({
      status: 200,
      json: { id: DEMO_DRIVE_ID, driveType: 'business', name: expect.any(String) },
    });
    expect(await call(`${drives}?$select=id,driveType`)).toMatchObject({
      json: { id: DEMO_DRIVE_ID, driveType: 'business' },
    });
  });

  it('lists the root: folders with childCount, workbooks and other files with their MIME type, no lock files', async () => {
    const { drives } = await treeDrive();
    const root = await call(`${drives}/root`);
    expect(root.json).toMatchObject({ name: 'root', root: {}, folder: { childCount: 3 } });
    const children = await call(`${drives}/root/children`);
    expect(children.status).toBe(200);
    const value = children.json.value as Array<Record<string, unknown>>;
    expect(value.map((item) => item.name)).toEqual(['Demo.xlsx', 'Reports', 'notes.txt']);
    expect(value[0]).toMatchObject({
      id: DEMO_ITEM_ID,
      file: { mimeType: XLSX },
      size: expect.any(Number),
      parentReference: { driveId: DEMO_DRIVE_ID, id: root.json.id, path: `/drives/${DEMO_DRIVE_ID}/root:` },
    });
    expect(value[1]).toMatchObject({ folder: { childCount: 2 } });
    expect(value[1]).not.toHaveProperty('file');
    expect(value[2]).toMatchObject({ file: { mimeType: 'text/plain' } });
    expect(await call(`${drives}/items/${String(root.json.id)}/children`)).toMatchObject({ json: children.json });
  });

  it('lists a folder by its id, and a workbook found there answers workbook calls', async () => {
    const { drives, emulator } = await treeDrive();
    const root = await call(`${drives}/root/children`);
    const reports = (root.json.value as Array<{ id: string; name: string }>).find((item) => item.name === 'Reports');
    const inside = await call(`${drives}/items/${reports?.id ?? ''}/children`);
    const value = inside.json.value as Array<Record<string, unknown>>;
    expect(value.map((item) => item.name)).toEqual(['2027', 'Q1.xlsx']);
    expect(value[1]).toMatchObject({
      parentReference: { id: reports?.id, path: `/drives/${DEMO_DRIVE_ID}/root:/Reports` },
    });
    const q1 = String(value[1]?.id);
    expect(emulator.workbooks().find((workbook) => workbook.itemId === q1)).toMatchObject({ name: 'Q1.xlsx' });
    expect((await call(`${drives}/items/${q1}/workbook/worksheets`)).status).toBe(200);
    expect(await call(`${drives}/items/${q1}`)).toMatchObject({ json: { id: q1, name: 'Q1.xlsx' } });
  });

  it('pages children with $top and @odata.nextLink', async () => {
    const { drives } = await treeDrive();
    const first = await call(`${drives}/root/children?$top=2`);
    expect((first.json.value as unknown[]).length).toBe(2);
    const next = String(first.json['@odata.nextLink']);
    const second = await call(next);
    expect((second.json.value as Array<{ name: string }>).map((item) => item.name)).toEqual(['notes.txt']);
    expect(second.json).not.toHaveProperty('@odata.nextLink');
  });

  it('answers 404 for a drive or an item the emulator does not have, and 405 for a write', async () => {
    const { drives, emulator } = await treeDrive();
    expect((await call(`${emulator.url}/drives/b!nope`)).status).toBe(404);
    expect((await call(`${drives}/items/01NOPE/children`)).status).toBe(404);
    expect((await call(`${drives}/root/children`, 'POST', {})).status).toBe(405);
  });
});
