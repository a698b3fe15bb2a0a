import type { SessionBook } from '../sessionBook';
import type { EmulatedSession } from '../types';
import type { LocalDrive } from './localDrive';
import type { WorkbookStore } from './workbookStore';

// Which non-persistent sessions hold a private copy, so each copy is thrown away once its session has ended
// (closed, or expired on the injected clock — noticed at the next request, since nothing runs on a timer).

export class SessionCopies {
  private readonly copied = new Map<string, { driveId: string; itemId: string }>();

  constructor(
    private readonly drive: LocalDrive,
    private readonly store: WorkbookStore,
  ) {}

  /** Called for every session made (directly or by a long-running create). */
  begin(session: EmulatedSession): Promise<void> {
    if (session.persistChanges) return Promise.resolve();
    const item = this.drive.find(session.driveId, session.itemId);
    if (item === undefined) return Promise.resolve();
    this.copied.set(session.id, { driveId: session.driveId, itemId: session.itemId });
    return this.store.startCopy(item, session.id);
  }

  /** Sessions restored after a restart that still had a copy when the emulator stopped. */
  adopt(session: EmulatedSession): void {
    if (!session.persistChanges) this.copied.set(session.id, { driveId: session.driveId, itemId: session.itemId });
  }

  /** Throws away the copy of every session that is no longer active. */
  async endGone(sessions: SessionBook, now: number): Promise<void> {
    const ending: Array<Promise<void>> = [];
    for (const [id, { driveId, itemId }] of this.copied) {
      if (sessions.find(id, now)?.state === 'active') continue;
      this.copied.delete(id);
      const item = this.drive.find(driveId, itemId);
      if (item !== undefined) ending.push(this.store.endCopy(item, id));
    }
    await Promise.all(ending);
  }
}
