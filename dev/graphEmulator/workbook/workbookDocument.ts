import { promises as fs } from 'node:fs';
import { GraphError } from '../graphError';

// Where a workbook's bytes live: an .xlsx file (the local drive, and the private copies of non-persistent sessions
// on it), or memory (workbooks a test adds by id, which start as a blank workbook and are never written to disk).

export interface WorkbookDocument {
  readonly key: string;
  /** The bytes; undefined for a blank workbook nobody has written yet. */
  read(): Promise<Buffer | undefined>;
  write(bytes: Buffer | undefined): Promise<void>;
  /** Changes whenever the bytes may have changed, by this process or another (a user saving in Excel). */
  stamp(): Promise<string>;
  remove(): Promise<void>;
}

export class FileDocument implements WorkbookDocument {
  private writes = 0;

  constructor(
    readonly key: string,
    readonly path: string,
  ) {}

  async read(): Promise<Buffer> {
    try {
      return await fs.readFile(this.path);
    } catch (error) {
      throw fileError(error);
    }
  }

  // Written beside the file and renamed over it, so a reader (or Excel) never sees half a workbook.
  async write(bytes: Buffer | undefined): Promise<void> {
    if (bytes === undefined) throw new TypeError('A file-backed workbook is always written with bytes.');
    this.writes += 1;
    const temporary = `${this.path}.${process.pid}.${this.writes}.tmp`;
    try {
      await fs.writeFile(temporary, bytes);
      await fs.rename(temporary, this.path);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw fileError(error);
    }
  }

  async stamp(): Promise<string> {
    try {
      const stat = await fs.stat(this.path);
      return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch (error) {
      throw fileError(error);
    }
  }

  async remove(): Promise<void> {
    await fs.rm(this.path, { force: true });
  }
}

export class MemoryDocument implements WorkbookDocument {
  private bytes: Buffer | undefined;
  private generation = 0;

  constructor(
    readonly key: string,
    bytes?: Buffer,
  ) {
    this.bytes = bytes;
  }

  read(): Promise<Buffer | undefined> {
    return Promise.resolve(this.bytes);
  }

  write(bytes: Buffer | undefined): Promise<void> {
    this.bytes = bytes;
    this.generation += 1;
    return Promise.resolve();
  }

  stamp(): Promise<string> {
    return Promise.resolve(String(this.generation));
  }

  remove(): Promise<void> {
    this.bytes = undefined;
    return Promise.resolve();
  }
}

// A file that vanished is Graph's missing item; one that cannot be written (open and locked in Excel on Windows,
// read-only) is the lock Graph reports as 423 resourceLocked.
function fileError(error: unknown): GraphError {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT')
    return new GraphError(404, 'itemNotFound', 'The workbook file is no longer in the local drive.');
  if (code === 'EBUSY' || code === 'EPERM' || code === 'EACCES') {
    return new GraphError(423, 'resourceLocked', 'The workbook file is locked or read-only.', 'resourceLocked');
  }
  return new GraphError(500, 'internalServerError', 'The workbook file could not be read or written.');
}
