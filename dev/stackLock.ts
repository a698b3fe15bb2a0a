import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';

/**
 * One `npm start` per checkout: its Azurite data, its drive and its emulator's sessions belong to one running stack.
 * A second start while the first runs stops at once and says which process holds the checkout; a lock left by a
 * stack that died (its process is gone) is taken over.
 */
export interface StackLock {
  release(): void;
}

export function acquireStackLock(file: string): StackLock {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (holderOf(file) === process.pid) rmSync(file, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error;
      const holder = holderOf(file);
      if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
        throw new Error(
          `Another npm start of this checkout is running (process ${holder}); stop it first (Ctrl-C in its terminal), ` +
            `or run this one from another checkout.`,
          { cause: error },
        );
      }
      rmSync(file, { force: true }); // left by a stack that died: take it over
    }
  }
  throw new Error(`Could not take the lock ${file}.`);
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this id exists (one we may not signal counts). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
