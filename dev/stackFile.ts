import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRunning } from './stackLock';

/**
 * What a running `npm start` shares with another instance of the broker (`npm run start:second`): where Graph, the
 * managed-identity endpoint and the session table are. An instance of a function app in Azure gets the same from
 * its app settings; locally the first stack chose ports and a secret at start, so it writes them here
 * (`.local-stack.json` in the checkout, ignored by git, readable by its owner only — it holds IDENTITY_HEADER) and
 * removes the file when it stops.
 */
export interface StackFile {
  /** The npm start process; the file means nothing once it has gone. */
  readonly pid: number;
  /** The first instance's own address. */
  readonly functionsUrl: string;
  readonly settings: Readonly<Record<string, string>>;
}

export const STACK_FILE = '.local-stack.json';

/** The settings that make two instances one function app: the same Graph, identity and table (and its name). */
const SHARED_SETTINGS = [
  'GRAPH_BASE_URL',
  'IDENTITY_ENDPOINT',
  'IDENTITY_HEADER',
  'AZURE_CLIENT_ID',
  'SESSION_TABLE_CONNECTION',
  'SESSION_TABLE_ENDPOINT',
  'SESSION_TABLE_NAME',
] as const;

export function writeStackFile(root: string, functionsUrl: string, env: NodeJS.ProcessEnv): void {
  const settings: Record<string, string> = {};
  for (const name of SHARED_SETTINGS) if (env[name]) settings[name] = env[name];
  const file = path.join(root, STACK_FILE);
  const content: StackFile = { pid: process.pid, functionsUrl, settings };
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  process.once('exit', () => {
    if (readStackFileOrNothing(file)?.pid === process.pid) rmSync(file, { force: true });
  });
}

/** The running stack of this checkout, or an error that says what to do when there is none. */
export function readStackFile(root: string): StackFile {
  const file = path.join(root, STACK_FILE);
  const stack = readStackFileOrNothing(file);
  if (!stack) {
    throw new Error(`No npm start is running in ${root} (no readable ${STACK_FILE}): start one with npm start first.`);
  }
  if (!isRunning(stack.pid)) {
    throw new Error(`The npm start that wrote ${STACK_FILE} (process ${stack.pid}) has gone: start npm start again.`);
  }
  return stack;
}

function readStackFileOrNothing(file: string): StackFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackFile>;
    if (typeof parsed.pid !== 'number' || typeof parsed.functionsUrl !== 'string') return undefined;
    if (typeof parsed.settings !== 'object' || parsed.settings === null) return undefined;
    return { pid: parsed.pid, functionsUrl: parsed.functionsUrl, settings: parsed.settings };
  } catch {
    return undefined;
  }
}
