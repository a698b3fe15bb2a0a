import path from 'node:path';
import { brokerApiUrl } from '../shared/brokerUrls';
import { loadConfig } from '../shared/config';
import { checkoutRoot } from './checkoutRoot';
import { toCorsOptions } from './cors';
import { isPortOpen } from './freePort';
import { startLocalHost, type LocalHost } from './localHost';
import { readLocalSettings } from './localSettings';
import { readStackFile } from './stackFile';
import { isRunning } from './stackLock';

/** Where a second instance listens unless PORT says otherwise: beside the first's 7071, as `func start --port`. */
const SECOND_DEFAULT_PORT = 7072;
const WATCH_INTERVAL_MS = 1000;

const say = (line: string) => console.log(line);

/**
 * `npm run start:second`: one more instance of the function app beside this checkout's running `npm start`, as Azure
 * scales a function app out — the same functions, Graph (the emulator), managed-identity endpoint and session table,
 * read from the stack file the first wrote (dev/stackFile.ts), so the two share sessions, idempotency keys and the
 * workbook lease. Other settings come from local.settings.json and the environment, as for npm start. It runs no
 * timers: Azure runs a timer function on one instance at a time, and the first runs the sweep
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#scale-out). It stops when the first does.
 */
async function main(): Promise<void> {
  const root = checkoutRoot(__dirname);
  const settings = readLocalSettings(path.join(root, 'local.settings.json'));
  const cors = toCorsOptions(settings.cors, settings.corsCredentials);
  const stack = readStackFile(root);
  // The stack's wins: an instance on another Graph, identity or table would be another function app.
  for (const [name, value] of Object.entries(stack.settings)) process.env[name] = value;
  for (const [name, value] of Object.entries(settings.values)) process.env[name] ??= value;
  const env = process.env;
  loadConfig(env); // a bad setting stops it at once, naming the setting, as npm start does

  const port = env.PORT ? Number(env.PORT) : (await isPortOpen(SECOND_DEFAULT_PORT)) ? 0 : SECOND_DEFAULT_PORT;
  const host = await startLocalHost({ port, env, cors, timers: false }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    throw new Error(`PORT=${port}: port ${port} is already in use; set PORT to another port (0 for any free one).`);
  });
  env.WEBSITE_HOSTNAME ??= new URL(host.url).host; // its own Locations point at itself, as the first's do
  say(`Joined the npm start of process ${stack.pid} (${stack.functionsUrl}): the same Graph, identity and table.`);
  say(`Graph: ${env.GRAPH_BASE_URL}`);
  const tableAt = env.SESSION_TABLE_ENDPOINT ?? /TableEndpoint=([^;]+)/.exec(env.SESSION_TABLE_CONNECTION ?? '')?.[1];
  say(`Table Storage: ${tableAt ?? "the first stack's connection string"}`);
  say('Timers: none here; the first instance runs the sweep, as Azure runs a timer on one instance.');
  const api = brokerApiUrl({ publicBaseUrl: host.url });
  say(`Functions: ${api}/drives/{driveId}/items/{itemId}/workbook/{createSession|refreshSession|closeSession}`);
  say('Ctrl-C stops this instance; stopping the first stops it too.');
  stopWithFirst(stack.pid, host);
  process.on('SIGINT', () => void stop(host, 0));
  process.on('SIGTERM', () => void stop(host, 0));
}

/** Without the first stack its emulator, identity endpoint and Azurite are gone: this instance stops too. */
function stopWithFirst(pid: number, host: LocalHost): void {
  const watch = setInterval(() => {
    if (isRunning(pid)) return;
    clearInterval(watch);
    console.error(`The first stack (npm start, process ${pid}) has stopped; stopping this instance too.`);
    void stop(host, 0);
  }, WATCH_INTERVAL_MS);
  watch.unref();
}

let stopping = false;

async function stop(host: LocalHost, code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await host.close().catch(() => undefined);
  process.exit(code);
}

main().catch((error: unknown) => {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
