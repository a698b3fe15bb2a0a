/*
 * Run by test/telemetry.test.ts in a fresh process (`node -r test/support/requireTs.cjs`), because Node reads
 * NODE_EXTRA_CA_CERTS only at start and because "nothing was loaded" is only provable with a clean module cache.
 * It builds telemetry the way production does — config from the environment, then createTelemetry — emits every
 * event and some Graph dependencies, flushes, prints a ChildReport as its last line and exits at once: the SDK's
 * remote-settings poll (5–15 s after start, not switchable) must not decide when the test ends.
 */
import { performance } from 'node:perf_hooks';
import { createTelemetry } from '../../host/createTelemetry';
import { loadConfig } from '../../shared/config';
import { noTelemetry } from '../../shared/telemetry/telemetry';
import { emitScenario, TELEMETRY_SDK_MODULE, type ChildReport } from './telemetryScenario';

const sdkModules = (): number => Object.keys(require.cache).filter((path) => TELEMETRY_SDK_MODULE.test(path)).length;

async function main(): Promise<void> {
  const started = performance.now();
  const telemetry = createTelemetry(loadConfig(process.env));
  const created = performance.now();
  const sdkModulesAfterCreate = sdkModules();
  emitScenario(telemetry);
  const sdkModulesAfterEmit = sdkModules();
  const flushStarted = performance.now();
  await telemetry.flush();
  const ended = performance.now();
  const report: ChildReport = {
    telemetry: telemetry === noTelemetry ? 'none' : 'appInsights',
    sdkModulesAfterCreate,
    sdkModulesAfterEmit,
    sdkModulesAtEnd: sdkModules(),
    probeSeesConfigModule: Object.keys(require.cache).some((path) => /[\\/]shared[\\/]config\.ts$/.test(path)),
    createMs: Math.round(created - started),
    flushMs: Math.round(ended - flushStarted),
    totalMs: Math.round(ended - started),
  };
  process.stdout.write(`\n${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
