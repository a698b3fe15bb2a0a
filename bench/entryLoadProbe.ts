/*
 * Run as its own `node` process by entryLoad.ts: loads every file of dist/functions — what the Functions host does
 * with package.json `main` — timed from inside with performance.now, and prints one line `ENTRY_LOAD {json}`.
 * Nothing is imported at the top, so nothing is loaded before the clock starts.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- `require` is the point: an `import` would be hoisted and load
   before the clock starts, and the files under test are loaded the way the Functions host loads them. */
const fs = require('node:fs') as typeof import('node:fs');
const path = require('node:path') as typeof import('node:path');

async function probe(): Promise<void> {
  const directory = path.resolve(__dirname, '../functions');
  const files = fs
    .readdirSync(directory)
    .filter((file) => file.endsWith('.js'))
    .sort();
  const started = performance.now();
  for (const file of files) require(path.join(directory, file));
  const entryLoadMs = performance.now() - started;
  const modules = Object.keys(require.cache).length;

  // With telemetry on, the broker loads the Application Insights SDK on its first event, off the request path but
  // on the same thread: how long that blocks the process is worth knowing beside the entry figure.
  let sdkLoadMs: number | null = null;
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (connectionString) {
    try {
      const { loadAppInsightsClient } = require('../shared/telemetry/loadAppInsightsClient') as {
        loadAppInsightsClient: (connectionString: string) => Promise<unknown>;
      };
      const sdkStarted = performance.now();
      await loadAppInsightsClient(connectionString);
      sdkLoadMs = performance.now() - sdkStarted;
    } catch {
      sdkLoadMs = null;
    }
  }
  process.stdout.write(`ENTRY_LOAD ${JSON.stringify({ entryLoadMs, files: files.length, modules, sdkLoadMs })}\n`);
  process.exit(0);
}

void probe();

export {};
