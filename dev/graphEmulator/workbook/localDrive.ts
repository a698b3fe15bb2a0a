import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoWorkbook } from './demoWorkbook';
import { MANIFEST, parentOf, walkTree, type TreeEntry } from './driveTree';
import { FileDocument, MemoryDocument, type WorkbookDocument } from './workbookDocument';

// The emulator's drive: a folder (and its subfolders) of real files, one drive item each — the .xlsx files are the
// workbooks — plus workbooks added by id that live only in memory. Workbook ids are kept in the folder's drive.json,
// keyed by path, so they stay the same across restarts and a user can give a file the id their flow already uses; a
// file dropped in later gets an id derived from its path the next time anyone asks for an item the drive does not
// know. Folders and other files get ids derived from their paths.

export const DEMO_DRIVE_ID = 'b!local-demo-drive';
export const DEMO_ITEM_ID = '01LOCALDEMOWORKBOOK';
export const DEMO_FILE = 'Demo.xlsx';

/** A workbook of the drive. */
export interface DriveItem {
  readonly driveId: string;
  readonly itemId: string;
  readonly name: string;
  /** Relative to the drive's root, `/`-separated; the name for a workbook in memory. */
  readonly relPath: string;
  /** The .xlsx on disk; absent for a workbook that lives in memory. */
  readonly file?: string;
  readonly document: WorkbookDocument;
}

export interface DriveFolderOptions {
  /** The folder of .xlsx files; made when missing. */
  path: string;
  /** Default b!local-demo-drive. A drive.json already in the folder wins. */
  driveId?: string;
  /** Default true: on first start (no drive.json yet) make Demo.xlsx under the demo item id. */
  demo?: boolean;
}

interface Manifest {
  driveId: string;
  items: Record<string, string>;
}

/** Any item of the drive, as its children are listed: a workbook, another file or a folder. */
export interface DriveEntry extends TreeEntry {
  itemId: string;
  /** The id of the folder holding it (the root's id at the top). */
  parentId: string;
}

export class LocalDrive {
  private readonly items = new Map<string, DriveItem>();

  private constructor(private readonly folder: { path: string; manifest: Manifest } | undefined) {}

  static async open(options?: DriveFolderOptions): Promise<LocalDrive> {
    if (options === undefined) return new LocalDrive(undefined);
    mkdirSync(options.path, { recursive: true });
    const manifestPath = path.join(options.path, MANIFEST);
    let manifest: Manifest;
    if (existsSync(manifestPath)) {
      manifest = readManifest(manifestPath);
    } else {
      manifest = { driveId: options.driveId ?? DEMO_DRIVE_ID, items: {} };
      const demoPath = path.join(options.path, DEMO_FILE);
      if (options.demo !== false && !existsSync(demoPath)) {
        writeFileSync(demoPath, await demoWorkbook());
        manifest.items[DEMO_FILE] = DEMO_ITEM_ID;
      }
    }
    const drive = new LocalDrive({ path: options.path, manifest });
    drive.scan();
    return drive;
  }

  get folderPath(): string | undefined {
    return this.folder?.path;
  }

  /** A workbook that lives in memory (blank until written), for tests and for `POST /_emulator/workbooks`. */
  addMemoryItem(driveId: string, itemId: string): void {
    if (driveId.length === 0 || itemId.length === 0) throw new TypeError('driveId and itemId must be non-empty.');
    const key = keyOf(driveId, itemId);
    if (this.items.has(key)) return;
    const name = `${itemId}.xlsx`;
    this.items.set(key, { driveId, itemId, name, relPath: name, document: new MemoryDocument(`item:${key}`) });
  }

  find(driveId: string, itemId: string): DriveItem | undefined {
    const key = keyOf(driveId, itemId);
    if (!this.items.has(key)) this.scan();
    return this.items.get(key);
  }

  list(): DriveItem[] {
    this.scan();
    return [...this.items.values()];
  }

  /** Every drive the emulator serves: the folder's, then those of workbooks added in memory. */
  driveIds(): string[] {
    const ids = new Set<string>(this.folder === undefined ? [] : [this.folder.manifest.driveId]);
    for (const item of this.items.values()) ids.add(item.driveId);
    return [...ids];
  }

  /** The id of a drive's root folder, derived from the drive id so it never changes. */
  rootId(driveId: string): string {
    return derivedItemId(`root:${driveId}`);
  }

  /** Every item of a drive (workbooks, other files, folders); undefined for a drive the emulator does not serve. */
  entries(driveId: string): DriveEntry[] | undefined {
    if (!this.driveIds().includes(driveId)) return undefined;
    const rootId = this.rootId(driveId);
    const found: DriveEntry[] = [];
    if (this.folder !== undefined && this.folder.manifest.driveId === driveId) {
      this.scan();
      const folderIds = new Map<string, string>([['', rootId]]);
      for (const entry of walkTree(this.folder.path)) {
        const itemId = this.entryId(entry);
        if (entry.kind === 'folder') folderIds.set(entry.relPath, itemId);
        found.push({ ...entry, itemId, parentId: folderIds.get(parentOf(entry.relPath)) ?? rootId });
      }
    }
    for (const item of this.items.values()) {
      if (item.driveId !== driveId || item.file !== undefined) continue;
      const times = { createdMs: 0, modifiedMs: 0 };
      found.push({
        relPath: item.relPath,
        name: item.name,
        kind: 'file',
        size: 0,
        ...times,
        itemId: item.itemId,
        parentId: rootId,
      });
    }
    return found;
  }

  private entryId(entry: TreeEntry): string {
    if (entry.kind === 'file' && isWorkbook(entry.name)) {
      return this.folder?.manifest.items[entry.relPath] ?? derivedItemId(entry.relPath);
    }
    return derivedItemId(`${entry.kind}:${entry.relPath}`);
  }

  // Walks the folder: every .xlsx not yet in drive.json gets an id, and every workbook an item.
  private scan(): void {
    if (this.folder === undefined) return;
    const { manifest } = this.folder;
    let changed = false;
    for (const entry of walkTree(this.folder.path)) {
      if (entry.kind !== 'file' || !isWorkbook(entry.name)) continue;
      let itemId = manifest.items[entry.relPath];
      if (itemId === undefined) {
        itemId = derivedItemId(entry.relPath);
        manifest.items[entry.relPath] = itemId;
        changed = true;
      }
      const file = path.join(this.folder.path, ...entry.relPath.split('/'));
      const key = keyOf(manifest.driveId, itemId);
      if (!this.items.has(key)) {
        const document = new FileDocument(`item:${key}`, file);
        this.items.set(key, {
          driveId: manifest.driveId,
          itemId,
          name: entry.name,
          relPath: entry.relPath,
          file,
          document,
        });
      }
    }
    if (changed || !existsSync(path.join(this.folder.path, MANIFEST))) {
      writeFileSync(path.join(this.folder.path, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    }
  }
}

function isWorkbook(name: string): boolean {
  return name.toLowerCase().endsWith('.xlsx');
}

function readManifest(file: string): Manifest {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const driveId = typeof record.driveId === 'string' && record.driveId ? record.driveId : DEMO_DRIVE_ID;
  const items: Record<string, string> = {};
  if (typeof record.items === 'object' && record.items !== null) {
    for (const [name, id] of Object.entries(record.items)) if (typeof id === 'string' && id) items[name] = id;
  }
  return { driveId, items };
}

// Graph item ids look like `01` followed by 32 base32 characters; this one is a hash of the file's path.
function derivedItemId(name: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(name).digest();
  let id = '01';
  for (let n = 0; n < 32; n += 1) id += alphabet[(digest[n] ?? 0) % 32];
  return id;
}

function keyOf(driveId: string, itemId: string): string {
  return `${driveId}\u0000${itemId}`;
}
