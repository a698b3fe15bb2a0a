import type { Figures, Target } from './results';

/** Issue 6's targets, read from the figures. A per-call figure meets its target only if every call kind does. */
export function evaluateTargets(figures: Figures): Target[] {
  const worst = (byCall: Figures['overheadMsP50']) => Math.max(byCall.createSession, byCall.refreshSession, byCall.overall);
  const perCall = (byCall: Figures['overheadMsP50'], unit: string, digits: number) =>
    `${byCall.overall.toFixed(digits)}${unit} (create ${byCall.createSession.toFixed(digits)}${unit}, refresh ${byCall.refreshSession.toFixed(digits)}${unit})`;
  const targets: Target[] = [
    { name: 'overheadMsP50', goal: '≤ 5 ms', measured: perCall(figures.overheadMsP50, ' ms', 2), met: worst(figures.overheadMsP50) <= 5 },
    { name: 'overheadRatioAt100ms', goal: '≤ 1.05', measured: perCall(figures.overheadRatioAt100ms, '', 3), met: worst(figures.overheadRatioAt100ms) <= 1.05 },
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
