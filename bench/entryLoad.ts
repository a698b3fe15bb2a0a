import { execFile } from 'node:child_process';
import path from 'node:path';
import { round, summarize, type Summary } from './stats';

/** Application Insights pointed at a port nothing listens on, with every background sender off: nothing leaves. */
export const TELEMETRY_ON_ENV: Readonly<Record<string, string>> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
  APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
  APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
  // Without it the SDK probes the Azure VM metadata address to learn where it runs.
  FUNCTIONS_WORKER_RUNTIME: 'node',
};

export interface EntryLoad {
  readonly runs: number;
  readonly files: number;
  /** Time to require every file of dist/functions, measured inside a fresh node process. */
  readonly telemetryOff: Summary;
  readonly telemetryOn: Summary;
  /** Modules in require.cache after the entry files loaded. */
  readonly modulesLoaded: { readonly telemetryOff: number; readonly telemetryOn: number };
  /** Telemetry on: the Application Insights SDK's own load, which the broker does on its first event. */
  readonly appInsightsSdkLoadMs: Summary | null;
  /** Spawn to exit of the whole probe process (node's own start-up included), telemetry off. */
  readonly processMsTelemetryOff: Summary;
}

interface ProbeResult {
  entryLoadMs: number;
  files: number;
  modules: number;
  sdkLoadMs: number | null;
  processMs: number;
}

/** Fresh processes, telemetry off and on taking turns so a busy moment on the machine falls on both. */
export async function measureEntryLoad(runs: number): Promise<EntryLoad> {
  const off: ProbeResult[] = [];
  const on: ProbeResult[] = [];
  for (let n = 0; n < runs; n += 1) {
    off.push(await probe(false));
    on.push(await probe(true));
  }
  const sdk = on.map((r) => r.sdkLoadMs).filter((ms): ms is number => ms !== null);
  return {
    runs,
    files: off[0]?.files ?? 0,
    telemetryOff: summarize(off.map((r) => r.entryLoadMs)),
    telemetryOn: summarize(on.map((r) => r.entryLoadMs)),
    modulesLoaded: { telemetryOff: off[0]?.modules ?? 0, telemetryOn: on[0]?.modules ?? 0 },
    appInsightsSdkLoadMs: sdk.length > 0 ? summarize(sdk) : null,
    processMsTelemetryOff: summarize(off.map((r) => round(r.processMs))),
  };
}

function probe(telemetry: boolean): Promise<ProbeResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, FUNCTIONS_WORKER_RUNTIME: 'node' };
  for (const name of Object.keys(env)) if (/^APPLICATION_?INSIGHTS/i.test(name)) delete env[name];
  if (telemetry) Object.assign(env, TELEMETRY_ON_ENV);
  const script = path.resolve(__dirname, 'entryLoadProbe.js');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script], { env, timeout: 60_000 }, (error, stdout) => {
      const processMs = performance.now() - started;
      const line = stdout.split('\n').find((l) => l.startsWith('ENTRY_LOAD '));
      if (error || !line) return reject(new Error(`entry-load probe failed: ${error?.message ?? 'no result line'}`));
      resolve({ ...(JSON.parse(line.slice('ENTRY_LOAD '.length)) as Omit<ProbeResult, 'processMs'>), processMs });
    });
  });
}
