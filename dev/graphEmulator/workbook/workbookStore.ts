import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Workbook } from 'exceljs';
import { excelModule, readWorkbook, writeWorkbook } from './excel';
import { invalidArgument } from './excelErrors';
import { recalculate } from './formulaEngine';
import type { DriveItem } from './localDrive';
import { FileDocument, MemoryDocument, type WorkbookDocument } from './workbookDocument';

// Excel's session rules, kept in documents: a write with no session or in a persistent session goes to the item's
// own file; a non-persistent session works on a private copy taken when it was created and thrown away when it
// ends (https://learn.microsoft.com/graph/api/resources/excel, "Sessions and persistence"). Every read and write of
// one document runs in turn, so a save never interleaves with the next change. Parsed workbooks are cached and
// re-read when the document's stamp moves (someone saved the file in Excel).

export class WorkbookStore {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly parsed = new Map<string, { stamp: string; workbook: Workbook }>();
  private readonly memoryCopies = new Map<string, MemoryDocument>();

  /**
   * @param copiesFolder where copies of file-backed workbooks go, so they survive a restart
   * @param now the emulator's clock, which TODAY() and NOW() read
   */
  constructor(
    private readonly copiesFolder: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    if (copiesFolder !== undefined) mkdirSync(copiesFolder, { recursive: true });
  }

  /** Takes a non-persistent session's copy, in turn with the item's writes (so it sees exactly what came before). */
  startCopy(item: DriveItem, sessionId: string): Promise<void> {
    const copy = this.copyOf(item, sessionId);
    const taken = this.inTurn(item.document.key, async () => {
      await copy.write(await item.document.read());
      this.parsed.delete(copy.key);
    });
    // Calls in the session queue behind the copy; set synchronously, before any such call can arrive.
    this.chain(copy.key, taken);
    return taken;
  }

  /** Throws the copy away; idempotent. */
  endCopy(item: DriveItem, sessionId: string): Promise<void> {
    const copy = this.copyOf(item, sessionId);
    this.memoryCopies.delete(sessionId);
    return this.inTurn(copy.key, async () => {
      this.parsed.delete(copy.key);
      await copy.remove();
    });
  }

  /** The document a call works on: the item's own, or the session's copy. */
  documentFor(item: DriveItem, session?: { id: string; persistChanges: boolean }): WorkbookDocument {
    return session === undefined || session.persistChanges ? item.document : this.copyOf(item, session.id);
  }

  read<T>(document: WorkbookDocument, look: (workbook: Workbook) => T): Promise<T> {
    return this.inTurn(document.key, async () => look(await this.load(document)));
  }

  /**
   * Applies a change, calculates the workbook as Excel would after it, saves it, and only then builds the answer
   * the change returned (so the answer shows calculated values). A change that throws, or that wrote a formula
   * Excel would refuse, is dropped with the parsed copy, so nothing half-done stays.
   */
  write<T>(document: WorkbookDocument, change: (workbook: Workbook) => () => T): Promise<T> {
    return this.inTurn(document.key, async () => {
      const workbook = await this.load(document);
      try {
        const answer = change(workbook);
        const { unreadable } = recalculate(workbook, this.now());
        if (unreadable.length > 0) throw invalidArgument(`The formula in ${unreadable.join(', ')} is not valid.`);
        await document.write(await writeWorkbook(workbook));
        this.parsed.set(document.key, { stamp: await document.stamp(), workbook });
        return answer();
      } catch (error) {
        this.parsed.delete(document.key);
        throw error;
      }
    });
  }

  private async load(document: WorkbookDocument): Promise<Workbook> {
    const stamp = await document.stamp();
    const cached = this.parsed.get(document.key);
    if (cached !== undefined && cached.stamp === stamp) return cached.workbook;
    const bytes = await document.read();
    const workbook = bytes === undefined ? blank() : await readWorkbook(bytes);
    this.parsed.set(document.key, { stamp, workbook });
    return workbook;
  }

  private copyOf(item: DriveItem, sessionId: string): WorkbookDocument {
    const key = `session:${createHash('sha256').update(sessionId).digest('hex').slice(0, 40)}`;
    if (item.file !== undefined && this.copiesFolder !== undefined) {
      return new FileDocument(key, path.join(this.copiesFolder, `${key.slice('session:'.length)}.xlsx`));
    }
    let copy = this.memoryCopies.get(sessionId);
    if (copy === undefined) {
      copy = new MemoryDocument(key);
      this.memoryCopies.set(sessionId, copy);
    }
    return copy;
  }

  private inTurn<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(job, job);
    this.chain(key, next);
    return next;
  }

  // Makes `promise` the last thing anything on `key` waits for (after whatever was already waiting).
  private chain(key: string, promise: Promise<unknown>): void {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const settled = Promise.all([previous, promise]).then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
  }
}

function blank(): Workbook {
  const workbook = new (excelModule().Workbook)();
  workbook.addWorksheet('Sheet1');
  return workbook;
}
