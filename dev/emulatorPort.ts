import { isPortOpen } from './freePort';

/**
 * The emulator's port when EMULATOR_PORT is not set, and the one the emulator's blocks in docs/emulator.md assume
 * (`${EMULATOR_PORT:-7080}`), so they paste unchanged into another terminal.
 */
export const EMULATOR_DEFAULT_PORT = 7080;

/**
 * The port `npm start` gives the Graph emulator. EMULATOR_PORT pins it: that port or nothing, with an error naming
 * the setting when something already listens there (a silent fallback would leave the blocks in docs/emulator.md calling
 * whatever does). `0` asks for any free port. Unset: 7080 when free, else a free port — so two checkouts still run
 * side by side — and `fellBack` says the blocks in docs/emulator.md then need EMULATOR_PORT set to the port printed.
 */
export async function emulatorPort(setting: string | undefined): Promise<EmulatorPort> {
  if (setting === undefined || setting.trim() === '') {
    const taken = await isPortOpen(EMULATOR_DEFAULT_PORT);
    return { port: taken ? 0 : EMULATOR_DEFAULT_PORT, pinned: false, fellBack: taken };
  }
  const port = Number(setting);
  if (!/^\d+$/.test(setting.trim()) || !Number.isInteger(port) || port > 65535) {
    throw new Error(`EMULATOR_PORT must be a TCP port number (0 for any free port), not ${JSON.stringify(setting)}.`);
  }
  if (port > 0 && (await isPortOpen(port))) throw emulatorPortTaken(port);
  return { port, pinned: port > 0, fellBack: false };
}

export interface EmulatorPort {
  readonly port: number;
  /** EMULATOR_PORT named this port: nothing else will do. */
  readonly pinned: boolean;
  /** EMULATOR_PORT is unset and 7080 was taken: the blocks in docs/emulator.md need EMULATOR_PORT set to the port printed. */
  readonly fellBack: boolean;
}

/**
 * Listens on the chosen port. A port free a moment ago may be taken by the time the emulator listens: pinned, that
 * is the same error as when it was taken before; otherwise any free port will do.
 */
export async function listenOn<T>(choice: EmulatorPort, listen: (port: number) => Promise<T>): Promise<[T, boolean]> {
  try {
    return [await listen(choice.port), choice.fellBack];
  } catch (error) {
    if (choice.port === 0 || (error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    if (choice.pinned) throw emulatorPortTaken(choice.port);
    return [await listen(0), true];
  }
}

/** What to say when EMULATOR_PORT's port is taken, whether found before listening or by the listen itself. */
export function emulatorPortTaken(port: number): Error {
  return new Error(
    `EMULATOR_PORT=${port}: port ${port} is already in use on 127.0.0.1. Stop what listens there, or set ` +
      `EMULATOR_PORT to another port (0 for any free one).`,
  );
}
