import type { Figures, Target } from './results';

/** The targets, read from the figures. A per-call figure meets its target only if every call kind does. */
export function evaluateTargets(figures: Figures): Target[] {
  const worst = (byCall: Figures['overheadMsP50']) =>
    Math.max(byCall.createSession, byCall.refreshSession, byCall.overall);
  const perCall = (byCall: Figures['overheadMsP50'], unit: string, digits: number) =>
    `${byCall.overall.toFixed(digits)}${unit} (create ${byCall.createSession.toFixed(digits)}${unit}, refresh ${byCall.refreshSession.toFixed(digits)}${unit})`;
  const targets: Target[] = [
    {
      name: 'overheadMsP50',
      goal: '≤ 4 ms',
      measured: perCall(figures.overheadMsP50, ' ms', 2),
      met: worst(figures.overheadMsP50) <= 4,
    },
    {
      name: 'overheadRatioAt100ms',
      goal: '≤ 1.05',
      measured: perCall(figures.overheadRatioAt100ms, '', 3),
      met: worst(figures.overheadRatioAt100ms) <= 1.05,
    },
    {
      name: 'entryLoadMs (telemetry off)',
      goal: '≤ 300 ms',
      measured: `${figures.entryLoadMs.telemetryOff.toFixed(1)} ms`,
      met: figures.entryLoadMs.telemetryOff <= 300,
    },
    {
      name: 'tokenRequestsPer1000Calls',
      goal: '≤ 1',
      measured: figures.tokenRequestsPer1000Calls.toFixed(3),
      met: figures.tokenRequestsPer1000Calls <= 1,
    },
  ];
  targets.push(
    {
      name: 'gateway overhead p50, range GET (broker − direct)',
      goal: '≤ 1.5 ms',
      measured: `${figures.gatewayOverheadMsP50.toFixed(2)} ms (p99 ${figures.gatewayOverheadMsP99.toFixed(2)} ms)`,
      met: figures.gatewayOverheadMsP50 <= 1.5,
    },
    {
      name: 'gateway broker ÷ direct, Graph at 100 ms (p50)',
      goal: '≤ 1.02',
      measured: figures.gatewayRatioAt100ms.toFixed(3),
      met: figures.gatewayRatioAt100ms <= 1.02,
    },
    ...figures.gatewayFanOut.map((f) => {
      // Microsoft's latency for an Excel call is 100 ms and up; at 20 ms the bound is CPU work on two cores.
      const goal = f.graphLatencyMs >= 100 ? 1.15 : 1.5;
      return {
        name: `gateway fan-out wall ÷ per-workbook serial lower bound, Graph at ${f.graphLatencyMs} ms; one in flight per workbook`,
        goal: `≤ ${goal}; 1`,
        measured: `${f.ratio.toFixed(3)} (direct, same run: ${f.directRatio.toFixed(3)}); ${f.maxInFlightPerWorkbook}`,
        met: f.ratio <= goal && f.maxInFlightPerWorkbook <= 1,
      };
    }),
    ...figures.gatewayTableOps.map((t) => ({
      name: `table operations per gateway call, one instance serving the workbook, Graph at ${t.graphLatencyMs} ms`,
      goal: '≤ 0.1',
      measured: `${t.perCall} (${t.tableOps} ops, ${t.leaseOps} of them the lease's, in ${t.calls} calls)`,
      met: t.perCall <= 0.1,
    })),
  );
  for (const sweep of figures.sweep) {
    targets.push({
      name: `sweep wall ÷ lower bound, ${sweep.sessions.toLocaleString('en-US')} sessions`,
      goal: '≤ 1.25',
      measured: `${sweep.ratio.toFixed(3)} (${(sweep.wallMs / 1000).toFixed(1)} s ÷ ${(sweep.lowerBoundMs / 1000).toFixed(1)} s)`,
      met: sweep.ratio <= 1.25,
    });
  }
  return targets;
}
