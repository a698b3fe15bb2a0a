import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoWorkbook } from './demoWorkbook';
import { FileDocument, MemoryDocument, type WorkbookDocument } from './workbookDocument';

// The emulator's drive: a folder of real .xlsx files, one drive item each, plus workbooks added by id that live
// only in memory. Item ids are kept in the folder's drive.json so they stay the same across restarts and a user
// can give a file the id their flow already uses; a file dropped in later gets an id derived from its name the
// next time anyone asks for an item the drive does not know.

export const DEMO_DRIVE_ID = 'b!local-demo-drive';
export const DEMO_ITEM_ID = '01LOCALDEMOWORKBOOK';
export const DEMO_FILE = 'Demo.xlsx';
const MANIFEST = 'drive.json';

export interface DriveItem {
  readonly driveId: string;
  readonly itemId: string;
  readonly name: string;
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

export class LocalDrive {
  private readonly items = new Map<string, DriveItem>();
  private scannedAt = '';

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
    this.items.set(key, { driveId, itemId, name: `${itemId}.xlsx`, document: new MemoryDocument(`item:${key}`) });
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

  // Cheap when nothing changed: the folder's mtime moves whenever a file is added, removed or renamed.
  private scan(): void {
    if (this.folder === undefined) return;
    const stamp = String(statSync(this.folder.path).mtimeMs);
    if (stamp === this.scannedAt) return;
    this.scannedAt = stamp;
    const { manifest } = this.folder;
    let changed = false;
    for (const name of readdirSync(this.folder.path).sort()) {
      // ~$Name.xlsx is the lock file Excel writes while the file is open.
      if (!name.toLowerCase().endsWith('.xlsx') || name.startsWith('~$') || name.startsWith('.')) continue;
      let itemId = manifest.items[name];
      if (itemId === undefined) {
        itemId = derivedItemId(name);
        manifest.items[name] = itemId;
        changed = true;
      }
      const file = path.join(this.folder.path, name);
      const key = keyOf(manifest.driveId, itemId);
      if (!this.items.has(key)) {
        this.items.set(key, {
          driveId: manifest.driveId,
          itemId,
          name,
          file,
          document: new FileDocument(`item:${key}`, file),
        });
      }
    }
    if (changed || !existsSync(path.join(this.folder.path, MANIFEST))) {
      writeFileSync(path.join(this.folder.path, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    }
  }
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

// Graph item ids look like `01` followed by 32 base32 characters; this one is a hash of the file name.
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
