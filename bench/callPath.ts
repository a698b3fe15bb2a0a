import { readFileSync, readdirSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAzurite } from '../dev/azurite';
import { DEMO_DRIVE_ID, DEMO_ITEM_ID, startGraphEmulator } from '../dev/graphEmulator';
import { startIdentityEndpoint } from '../dev/identityEndpoint';
import { startLocalHost } from '../dev/localHost';
import { createDeps } from '../host/productionDeps';
import { loadConfig } from '../shared/config';

/**
 * `npm run bench:call-path`: which of the product's files (functions/, host/, shared/) run code in ONE warm call —
 * a refresh and a forwarded PATCH — by V8's precise coverage (call counts) reset just before the call and read just
 * after, over the local stack in this process (the local host, the real identity credential, Azurite, the emulator).
 * What a reader follows to understand a call: the fewer files and lines, the more walkable the house.
 */
const ROOT = path.resolve(__dirname, '../..');
const PRODUCT = /\/dist\/(functions|host|shared)\/.+\.js$/;

async function main(): Promise<void> {
  const azurite = await startAzurite({ silent: true });
  const identity = await startIdentityEndpoint();
  const emulator = await startGraphEmulator({
    drive: { path: mkdtempSync(path.join(tmpdir(), 'call-path-drive-')) },
    acceptToken: (token) => identity.verify(token),
  });
  Object.assign(process.env, { IDENTITY_ENDPOINT: identity.url, IDENTITY_HEADER: identity.header });
  const config = loadConfig({
    IDENTITY_ENDPOINT: identity.url,
    IDENTITY_HEADER: identity.header,
    GRAPH_BASE_URL: emulator.url,
    SESSION_TABLE_CONNECTION: azurite.connectionString,
    ALLOWED_DRIVE_IDS: '*',
  });
  const deps = createDeps(config);
  const host = await startLocalHost({ port: 0, deps: () => deps, timers: false, log: () => undefined });
  const base = `${host.url}/api/drives/${DEMO_DRIVE_ID}/items/${DEMO_ITEM_ID}/workbook`;
  const session = new Session();
  session.connect();
  try {
    const created = await fetch(`${base}/createSession`, {
      method: 'POST',
      headers: json,
      body: '{"persistChanges":true}',
    });
    const { id } = (await created.json()) as { id: string };
    const calls = {
      refresh: () => fetch(`${base}/refreshSession`, { method: 'POST', headers: { 'workbook-session-id': id } }),
      'forwarded PATCH': () =>
        fetch(`${base}/worksheets('Sheet1')/range(address='G1')`, {
          method: 'PATCH',
          headers: { ...json, 'workbook-session-id': id },
          body: '{"values":[["x"]]}',
        }),
    };
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    for (const [name, call] of Object.entries(calls)) {
      for (let n = 0; n < 3; n += 1) await (await call()).arrayBuffer(); // warm
      await session.post('Profiler.takePreciseCoverage'); // resets the counts
      const answer = await call();
      await answer.arrayBuffer();
      const { result } = await session.post('Profiler.takePreciseCoverage');
      const files = result
        .filter((script) => PRODUCT.test(script.url))
        .filter((script) => script.functions.some((fn) => fn.ranges.some((range) => range.count > 0)))
        .map((script) => sourceOf(script.url));
      const lines = files.reduce((sum, file) => sum + linesOf(file), 0);
      console.log(`${name} (${answer.status}): ${files.length} files, ${lines} lines`);
      for (const file of files.sort()) console.log(`  ${file} ${linesOf(file)}`);
    }
    console.log(`importing the catch-all loads: ${catchAllShare()}`);
  } finally {
    session.disconnect();
    await host.close();
    await emulator.close();
    await identity.close();
    await azurite.stop();
  }
}

const json = { 'content-type': 'application/json' };

function sourceOf(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(`${ROOT}/dist/`, '')
    .replace(/\.js$/, '.ts');
}

function linesOf(file: string): number {
  return readFileSync(path.join(ROOT, file), 'utf8').split('\n').length - 1;
}

/** The share of the product's files loaded by requiring the catch-all's function file alone (in this process). */
function catchAllShare(): string {
  const product = ['functions', 'host', 'shared'].flatMap((dir) => listJs(path.join(ROOT, 'dist', dir)));
  for (const key of Object.keys(require.cache)) if (PRODUCT.test(key)) delete require.cache[key];
  // require, not import(): the loaded set is read from require's own cache, synchronously, in this CommonJS build.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(ROOT, 'dist/functions/workbookRequest.js'));
  const loaded = Object.keys(require.cache).filter((key) => PRODUCT.test(key));
  return `${loaded.length} of ${product.length} product files (${Math.round((100 * loaded.length) / product.length)} %)`;
}

function listJs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listJs(path.join(dir, entry.name))
      : entry.name.endsWith('.js')
        ? [path.join(dir, entry.name)]
        : [],
  );
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
