import path from 'node:path';
import { brokerApiUrl } from '../shared/brokerUrls';
import { loadConfig } from '../shared/config';
import { startAzurite, startOwnAzurite, superviseAzurite } from './azurite';
import { checkoutRoot } from './checkoutRoot';
import { toCorsOptions, type CorsOptions } from './cors';
import { emulatorPort, listenOn, type EmulatorPort } from './emulatorPort';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID, startGraphEmulator, type GraphEmulator } from './graphEmulator';
import { startIdentityEndpoint, type IdentityEndpoint } from './identityEndpoint';
import { startLocalHost } from './localHost';
import { readLocalSettings, type LocalSettings } from './localSettings';
import { writeStackFile } from './stackFile';
import { acquireStackLock } from './stackLock';

/** Where the emulator's drive lives unless EMULATOR_DRIVE_FOLDER says otherwise (ignored by git). */
const DEFAULT_DRIVE_FOLDER = 'local-drive';

const AZURITE_DEFAULT_PORT = 10002;

const say = (line: string) => console.log(line);

/**
 * `npm start`: the whole broker on this machine, offline. Settings come from local.settings.json (the environment
 * wins); Azurite keeps its data in .azurite/ so sessions survive a restart; the Graph emulator and the local
 * managed-identity endpoint stand in for Graph and Azure unless GRAPH_BASE_URL points elsewhere.
 */
async function main(): Promise<void> {
  const root = checkoutRoot(__dirname);
  const settings = readLocalSettings(path.join(root, 'local.settings.json'));
  const cors = toCorsOptions(settings.cors, settings.corsCredentials); // checked before anything starts
  for (const [name, value] of Object.entries(settings.values)) process.env[name] ??= value;
  const env = process.env;
  checkSettings(env);
  // Settled before anything starts too: a pinned port that is taken stops npm start with nothing to undo.
  const graphPort = env.GRAPH_BASE_URL ? undefined : await emulatorPort(env.EMULATOR_PORT);

  acquireStackLock(path.join(root, '.local-stack.lock')); // released when this process exits, however it exits
  if (!env.SESSION_TABLE_CONNECTION && !env.SESSION_TABLE_ENDPOINT) await startTable(root, env);
  const emulator = graphPort ? await startGraph(root, env, graphPort) : undefined;
  if (!emulator) say(`Graph: ${env.GRAPH_BASE_URL}`);
  const functionsUrl = await startFunctions(env, settings, cors, emulator);
  writeStackFile(root, functionsUrl, env); // removed when this process exits, however it exits
  say('Another instance of the broker on this stack (another terminal): npm run start:second');
  say('Ctrl-C stops everything.');

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
}

/** This checkout's own Azurite, watched and restarted on the same port with the same data if it dies. */
async function startTable(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  const location = path.join(root, '.azurite');
  const azurite = superviseAzurite(
    await startOwnAzurite(location, AZURITE_DEFAULT_PORT),
    (port) => startAzurite({ port, location, silent: true }),
    {
      warn: (line) => console.warn(line),
      giveUp: (why) => {
        console.error(`${why} Stopping: without its table the broker cannot work.`);
        void stopAll(1);
      },
    },
  );
  stops.push(() => azurite.stop());
  env.SESSION_TABLE_CONNECTION = azurite.current().connectionString;
  say(`Table Storage: this checkout's own Azurite on 127.0.0.1:${azurite.current().port}, data in .azurite/`);
}

/** The bundled Graph emulator over the drive folder, and a local managed-identity endpoint unless one is set. */
async function startGraph(root: string, env: NodeJS.ProcessEnv, port: EmulatorPort): Promise<GraphEmulator> {
  let identity: IdentityEndpoint | undefined;
  if (!env.IDENTITY_ENDPOINT) {
    identity = await startIdentityEndpoint();
    stops.push(() => identity!.close());
    env.IDENTITY_ENDPOINT = identity.url;
    env.IDENTITY_HEADER = identity.header;
  }
  const verify = identity ? identity.verify.bind(identity) : undefined;
  const drive = path.resolve(root, env.EMULATOR_DRIVE_FOLDER ?? DEFAULT_DRIVE_FOLDER);
  const [emulator, fellBack] = await listenOn(port, (listenPort) =>
    startGraphEmulator({ drive: { path: drive }, port: listenPort, ...(verify ? { acceptToken: verify } : {}) }),
  );
  stops.push(() => emulator.close());
  env.GRAPH_BASE_URL = emulator.url;
  const admin = new URL('/_emulator/workbooks', emulator.url).href;
  say(`Graph: bundled workbook emulator at ${emulator.url} (admin: ${admin})`);
  if (fellBack)
    say(
      `  Port 7080 was taken, so the emulator is on ${emulator.port}: set EMULATOR_PORT=${emulator.port} in the ` +
        `terminal you paste the emulator's blocks in docs/emulator.md into (or start with EMULATOR_PORT=<port> npm start).`,
    );
  say(`Drive: ${drive} (EMULATOR_DRIVE_FOLDER) — drop .xlsx files in; each one is a workbook:`);
  for (const workbook of emulator.workbooks())
    say(`  ${workbook.name}: driveId ${workbook.driveId}  itemId ${workbook.itemId}`);
  say(`Identity: ${identity ? `local managed-identity endpoint at ${identity.url}` : `IDENTITY_ENDPOINT as set`}`);
  return emulator;
}

/** The local Functions host on PORT (or Host.LocalHttpPort, or 7071), with the timer on its schedule. */
async function startFunctions(
  env: NodeJS.ProcessEnv,
  settings: LocalSettings,
  cors: CorsOptions | undefined,
  emulator: GraphEmulator | undefined,
): Promise<string> {
  const port = Number(env.PORT ?? settings.port ?? 7071);
  const host = await startLocalHost({ port, env, cors });
  // As Core Tools does: the site's own address, from which the broker builds the Locations it hands out.
  env.WEBSITE_HOSTNAME ??= new URL(host.url).host;
  stops.unshift(() => host.close());
  if (cors)
    say(
      `CORS: ${cors.origins.join(', ')}${cors.credentials ? ' (with credentials)' : ''} (Host.CORS in local.settings.json)`,
    );
  const api = brokerApiUrl({ publicBaseUrl: host.url });
  say(`Functions: ${api}/drives/{driveId}/items/{itemId}/workbook/{createSession|refreshSession|closeSession}`);
  // Single quotes: in an interactive bash or zsh, "b!local…" inside double quotes is a history expansion.
  if (emulator)
    say(
      `Try: curl -i -X POST '${api}/drives/${DEMO_DRIVE_ID}/items/${DEMO_ITEM_ID}/workbook/createSession' -H 'content-type: application/json' -d '{"persistChanges":true}'`,
    );
  return host.url;
}

const stops: Array<() => Promise<void>> = [];
let stopping = false;

/** Stops every part of the stack, last started first (the host before what it calls), then exits. */
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('Stopping…');
  for (const close of stops) {
    await close().catch((error: unknown) =>
      console.warn(`While stopping: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
  process.exit(code);
}

/**
 * The broker's settings, checked before anything starts: locally a bad value stops `npm start` at once with the
 * setting's name (and a non-zero exit), rather than a generic 500 on every call. In Azure, where the process cannot
 * refuse to start, the same check answers each call 500 and logs the name (host/declare.ts).
 */
function checkSettings(env: NodeJS.ProcessEnv): void {
  loadConfig(env);
}

main().catch(async (error: unknown) => {
  console.error(`Could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
});
