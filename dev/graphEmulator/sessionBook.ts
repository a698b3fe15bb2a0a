import { sessionGone } from './graphError';
import { newSessionId } from './sessionId';
import type { EmulatedSession } from './types';

// Idle lifetimes from the Excel best-practice page (https://learn.microsoft.com/graph/workbook-best-practice):
// "about 5 minutes" persistent, "about 7 minutes" non-persistent. The docs had them swapped before 2019; these
// are the current values. Expiry is computed lazily from lastActivityAt, so no timers run.
const persistentIdleMs = 5 * 60_000;
const nonPersistentIdleMs = 7 * 60_000;

export interface StoredSession {
  readonly id: string;
  readonly driveId: string;
  readonly itemId: string;
  readonly persistChanges: boolean;
  readonly createdAt: number;
  lastActivityAt: number;
  closedAt?: number;
}

/** Every session the emulator ever created, with state derived from the injected clock. */
export class SessionBook {
  private readonly byId = new Map<string, StoredSession>();

  constructor(private readonly timeScale: number) {}

  idleLifetimeMs(persistChanges: boolean): number {
    return (persistChanges ? persistentIdleMs : nonPersistentIdleMs) / this.timeScale;
  }

  /** A new session whose idle clock starts at `at`. */
  create(driveId: string, itemId: string, persistChanges: boolean, at: number): EmulatedSession {
    const stored: StoredSession = {
      id: newSessionId(),
      driveId,
      itemId,
      persistChanges,
      createdAt: at,
      lastActivityAt: at,
    };
    this.byId.set(stored.id, stored);
    return this.view(stored, at);
  }

  /** Restarts the idle clock; GraphError 404 invalidSessionReCreatable if the session is not live. */
  refresh(id: string, driveId: string, itemId: string, now: number): void {
    this.live(id, driveId, itemId, now).lastActivityAt = now;
  }

  close(id: string, driveId: string, itemId: string, now: number): void {
    const stored = this.live(id, driveId, itemId, now);
    stored.lastActivityAt = now;
    stored.closedAt = now;
  }

  /** A call in the session: restarts its idle clock. GraphError 404 invalidSessionReCreatable if it is not live. */
  use(id: string, driveId: string, itemId: string, now: number): EmulatedSession {
    const stored = this.live(id, driveId, itemId, now);
    stored.lastActivityAt = now;
    return this.view(stored, now);
  }

  find(id: string, now: number): EmulatedSession | undefined {
    const stored = this.byId.get(id);
    return stored === undefined ? undefined : this.view(stored, now);
  }

  list(now: number): EmulatedSession[] {
    return [...this.byId.values()].map((stored) => this.view(stored, now));
  }

  snapshot(): StoredSession[] {
    return [...this.byId.values()].map((stored) => ({ ...stored }));
  }

  restore(sessions: readonly StoredSession[]): void {
    for (const stored of sessions) this.byId.set(stored.id, { ...stored });
  }

  // A session of another workbook answers like an unknown one: Graph scopes ids to the item in the URL.
  private live(id: string, driveId: string, itemId: string, now: number): StoredSession {
    const stored = this.byId.get(id);
    if (stored === undefined || stored.driveId !== driveId || stored.itemId !== itemId) throw sessionGone();
    if (this.stateOf(stored, now) !== 'active') throw sessionGone();
    return stored;
  }

  // Expired from the moment the idle lifetime has fully elapsed (idle >= lifetime).
  private stateOf(stored: StoredSession, now: number): EmulatedSession['state'] {
    if (stored.closedAt !== undefined) return 'closed';
    return now - stored.lastActivityAt >= this.idleLifetimeMs(stored.persistChanges) ? 'expired' : 'active';
  }

  private view(stored: StoredSession, now: number): EmulatedSession {
    return { ...stored, state: this.stateOf(stored, now) };
  }
}
