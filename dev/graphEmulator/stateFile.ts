import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { OperationState } from './operationBook';
import type { StoredSession } from './sessionBook';

// Sessions and operations outlive a restart, as they do on Graph: a local drive keeps them in .emulator/state.json
// beside its files. Saves are coalesced — at most one write in flight, the latest state wins — and close() writes
// synchronously, so stopping `npm start` loses nothing; a killed process loses at most the last few calls' clocks.

export interface EmulatorState {
  sessions: StoredSession[];
  operations: OperationState;
}

export class StateFile {
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly current: () => EmulatorState,
  ) {
    mkdirSync(path.dirname(file), { recursive: true });
  }

  load(): EmulatorState | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('sessions' in parsed) || !('operations' in parsed))
      return undefined;
    if (!Array.isArray(parsed.sessions)) return undefined;
    return parsed as EmulatorState;
  }

  /** Saves soon (once per turn of the event loop, however many calls changed state in it). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed) this.save();
    });
  }

  /** The last save; nothing is written after it. */
  close(): void {
    if (this.closed) return;
    this.save();
    this.closed = true;
  }

  // A failed save must not take the emulator down with it: the next call saves again.
  private save(): void {
    const temporary = `${this.file}.tmp`;
    try {
      writeFileSync(temporary, JSON.stringify(this.current()));
      renameSync(temporary, this.file);
    } catch (error) {
      console.warn(
        `Graph emulator: could not save its sessions to ${this.file}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
