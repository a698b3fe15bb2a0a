import type { SideBySide, Comparison } from './sideBySide';
import type { BenchResults } from './results';
import { gatewayMarkdown } from './gateway';
import { sweepTable } from './sweep';

/*
 * BENCHMARKS.md, one section per benchmark between its own markers (benchmarksFile.ts writeSection), so the
 * hand-written text around them — "Scale on paper" above all — is never touched by a run.
 */

const ms = (value: number, digits = 2) => `${value.toFixed(digits)} ms`;
const count = (value: number) => value.toLocaleString('en-US');

export function resultsSection(r: BenchResults): string {
  const f = r.figures;
  const rps = Object.entries(f.refreshThroughputRps)
    .map(([c, v]) => `${count(Math.round(v))} @ ${c} (${f.refreshThroughputErrors[c] ?? 0} errors)`)
    .join(' · ');
  return [
    '## Results (`npm run bench`)',
    '',
    `Measured ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine}. The whole run took ${(r.runMs / 60_000).toFixed(1)} min` +
      ` (build not included); 1-minute load average ${r.loadAverage.start.toFixed(2)} at the start, ${r.loadAverage.end.toFixed(2)} at the end` +
      ` on ${r.cores} cores. Everything ran on loopback: Azurite, the identity endpoint and the Graph emulator in the bench process,` +
      ' the broker (`node dist/dev/start.js`) as a child process. Raw numbers: `bench/results/latest.json`.',
    '',
    '| figure | createSession | refreshSession | overall |',
    '|---|---:|---:|---:|',
    `| overheadMsP50 (broker − direct, Graph at 0 ms) | ${ms(f.overheadMsP50.createSession)} | ${ms(f.overheadMsP50.refreshSession)} | **${ms(f.overheadMsP50.overall)}** |`,
    `| overheadMsP99 | ${ms(f.overheadMsP99.createSession)} | ${ms(f.overheadMsP99.refreshSession)} | **${ms(f.overheadMsP99.overall)}** |`,
    `| overheadRatioAt100ms (broker ÷ direct, p50) | ${f.overheadRatioAt100ms.createSession.toFixed(3)} | ${f.overheadRatioAt100ms.refreshSession.toFixed(3)} | **${f.overheadRatioAt100ms.overall.toFixed(3)}** |`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| refreshThroughputRps (req/s @ concurrency) | ${rps} |`,
    `| coldStartMs (spawn → first 2xx, telemetry off, median of ${r.details.coldStart.runs}) | **${ms(f.coldStartMs, 0)}** |`,
    `| entryLoadMs, telemetry off / on (median of ${r.details.entryLoad.runs} fresh processes) | **${ms(f.entryLoadMs.telemetryOff, 1)}** / ${ms(f.entryLoadMs.telemetryOn, 1)} |`,
    `| tokenRequestsPer1000Calls | **${f.tokenRequestsPer1000Calls.toFixed(3)}** |`,
    `| gateway overhead, range GET in a session (broker − direct, Graph at 0 ms), p50 / p99 | **${ms(f.gatewayOverheadMsP50)}** / ${ms(f.gatewayOverheadMsP99)} |`,
    `| gateway broker ÷ direct, Graph at 100 ms (p50) | **${f.gatewayRatioAt100ms.toFixed(3)}** |`,
    ...f.gatewayFanOut.map(
      (g) =>
        `| gateway fan-out, Graph at ${g.graphLatencyMs} ms: wall ÷ per-workbook serial lower bound (direct) · most in flight on one workbook | **${g.ratio.toFixed(3)}** (${g.directRatio.toFixed(3)}) · ${g.maxInFlightPerWorkbook} |`,
    ),
    '',
    "How busy the machine was, phase by phase (every process on it, not only this run's: other work shows here as noise):",
    '',
    '| phase | time | cores busy (of ' + r.cores + ') | stolen by the hypervisor | load average at its end |',
    '|---|---:|---:|---:|---:|',
    ...r.details.phases.map(
      (p) =>
        `| ${p.name} | ${(p.ms / 1000).toFixed(1)} s | ${p.machineCoresBusy.toFixed(2)} | ${p.machineCoresStolen.toFixed(2)} | ${p.loadAverage.toFixed(2)} |`,
    ),
  ].join('\n');
}

export function targetsSection(r: BenchResults): string {
  return [
    '## Targets',
    '',
    `From \`bench/results/latest.json\` of ${r.date.slice(0, 10)}; a per-call target is met only when every call kind meets it.`,
    '',
    '| target | goal | measured | |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met ? 'met' : '**missed**'} |`),
  ].join('\n');
}

export function overheadSection(r: BenchResults): string {
  const rows = (label: string, s: SideBySide) =>
    (['createSession', 'refreshSession', 'overall'] as const).map((kind) => row(label, kind, s[kind]));
  const at0 = r.details.overheadAt0ms;
  const at100 = r.details.overheadAt100ms;
  return [
    '## Overhead: the same call through the broker and straight to Graph',
    '',
    `Sequential calls, broker and direct interleaved call by call (order flipped each round): ${count(at0.samplesPerCall)} of each` +
      ` with Graph answering at once, ${count(at100.samplesPerCall)} of each with Graph taking 100 ms, after ${at0.warmupPerCall} / ` +
      `${at100.warmupPerCall} warm-up rounds. A broker create is Graph's create, then one table insert; a broker refresh is Graph's` +
      ' refresh and one conditional table write side by side (the record read is skipped when this instance has a copy).',
    '',
    '| Graph latency | call | broker p50 / p99 | direct p50 / p99 | overhead p50 / p99 | ratio p50 (mean) | errors b / d |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...rows('0 ms', at0),
    ...rows('100 ms', at100),
  ].join('\n');
}

function row(latency: string, kind: string, c: Comparison): string {
  return (
    `| ${latency} | ${kind} | ${ms(c.broker.p50)} / ${ms(c.broker.p99)} | ${ms(c.direct.p50)} / ${ms(c.direct.p99)} | ` +
    `${ms(c.overheadMsP50)} / ${ms(c.overheadMsP99)} | ${c.ratioP50.toFixed(3)} (${c.ratioMean.toFixed(3)}) | ${c.errors.broker} / ${c.errors.direct} |`
  );
}

export function throughputSection(r: BenchResults): string {
  const levels = r.details.throughput;
  const names = Object.keys(levels[0]?.cpuMsPerCall ?? {});
  return [
    '## Refresh throughput through the local host',
    '',
    `refreshSession as fast as N callers can go (each on its own session and workbook), Graph at 0 ms, ${levels[0] ? Math.round(levels[0].durationMs / 1000) : 0} s per level` +
      ' after a warm-up. CPU per call is read from /proc for each process. "Cores busy, ours" is those processes\' CPU over the' +
      ' window; "whole machine" is every process on it (/proc/stat). When the machine is near' +
      ` ${r.cores}, the CPU set the ceiling, not the broker's design; when ours is well below the machine, other work took the rest` +
      ` (load generator, emulator, broker and Azurite all share these ${r.cores} cores).`,
    '',
    `| concurrency | req/s | errors | p50 / p99 | CPU ms per call (${names.join(' / ')}) | cores busy: ours / whole machine |`,
    '|---:|---:|---:|---:|---:|---:|',
    ...levels.map(
      (l) =>
        `| ${l.concurrency} | **${count(Math.round(l.rps))}** | ${l.errors} | ${ms(l.latencyMs.p50)} / ${ms(l.latencyMs.p99)} | ` +
        `${names.map((n) => (l.cpuMsPerCall[n] ?? Number.NaN).toFixed(2)).join(' / ')} | ${l.coresBusy.toFixed(2)} / ${l.machineCoresBusy.toFixed(2)} |`,
    ),
  ].join('\n');
}

export function startupSection(r: BenchResults): string {
  const cold = r.details.coldStart;
  const entry = r.details.entryLoad;
  const list = (values: readonly number[]) => values.map((v) => Math.round(v)).join(', ');
  return [
    '## Cold start and entry load',
    '',
    '| figure | p50 | min / max | runs |',
    '|---|---:|---:|---|',
    `| coldStartMs: spawn of \`node dist/dev/start.js\` → first 2xx createSession (telemetry off) | **${ms(cold.firstOk.p50, 0)}** | ${ms(cold.firstOk.min, 0)} / ${ms(cold.firstOk.max, 0)} | ${list(cold.firstOkMs)} |`,
    `| spawn → local host listening | ${ms(cold.listening.p50, 0)} | ${ms(cold.listening.min, 0)} / ${ms(cold.listening.max, 0)} | ${list(cold.listeningMs)} |`,
    `| entryLoadMs, telemetry off: require every file of dist/functions (${entry.files}) in a fresh node, ${entry.modulesLoaded.telemetryOff} modules loaded | **${ms(entry.telemetryOff.p50, 1)}** | ${ms(entry.telemetryOff.min, 1)} / ${ms(entry.telemetryOff.max, 1)} | ${entry.runs} |`,
    `| entryLoadMs, telemetry on (connection string set, nothing sent), ${entry.modulesLoaded.telemetryOn} modules loaded | ${ms(entry.telemetryOn.p50, 1)} | ${ms(entry.telemetryOn.min, 1)} / ${ms(entry.telemetryOn.max, 1)} | ${entry.runs} |`,
    entry.appInsightsSdkLoadMs
      ? `| telemetry on: Application Insights SDK load on the first event (blocks the process once, after the first answer) | ${ms(entry.appInsightsSdkLoadMs.p50, 0)} | ${ms(entry.appInsightsSdkLoadMs.min, 0)} / ${ms(entry.appInsightsSdkLoadMs.max, 0)} | ${entry.runs} |`
      : '| telemetry on: Application Insights SDK load | not measured | | |',
    `| whole probe process (node start-up + entry load + exit), telemetry off | ${ms(entry.processMsTelemetryOff.p50, 0)} | ${ms(entry.processMsTelemetryOff.min, 0)} / ${ms(entry.processMsTelemetryOff.max, 0)} | ${entry.runs} |`,
  ].join('\n');
}

export function tokensSection(r: BenchResults): string {
  const t = r.details.tokens;
  return [
    '## Token use',
    '',
    `The identity endpoint answered ${count(t.identityRequests)} token request(s) for ${count(t.brokerCalls)} broker calls made to one broker` +
      ` process over the run: **${t.per1000Calls.toFixed(3)} per 1,000 calls** (the credential caches the token for its lifetime and renews` +
      ' it 5 minutes before expiry, so this is one request per process per token lifetime).',
  ].join('\n');
}

export function sweepSection(r: BenchResults): string {
  return [
    '## Sweep (`npm run bench:sweep`, run by `npm run bench` too)',
    '',
    `Measured ${r.date.slice(0, 10)} on ${r.machine}. Lower bound = sessions × Graph latency ÷ SWEEP_CONCURRENCY.`,
    '',
    sweepTable(r.figures.sweep),
  ].join('\n');
}

export function gatewaySection(r: BenchResults): string {
  return gatewayMarkdown(r.details.gatewayAt0ms, r.details.gatewayAt100ms, r.details.gatewayFanOut);
}
