import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnBroker } from './brokerProcess';
import { GATEWAY_WORKBOOK, brokerRangeCaller, directRangeCaller, emulatorAdmin } from './gateway';
import { startLocalStack } from './localStack';
import { cpuMsOf } from './processCpu';
import { busyMsOf, summarizeProfile } from './profileSummary';
import { brokerCaller, directCaller, expectOk } from './sessionCalls';
import { percentile } from './stats';

/**
 * `npm run bench:profile`: where a gateway call's extra time goes, with Graph at 0 ms and at 100 ms. For each latency
 * a broker of its own runs under `--cpu-prof`; range GETs in a session go through it and straight to the emulator,
 * paired round by round. It prints the paired overhead, the broker's CPU per call (from /proc, whatever runs it) and
 * the profile's busy time per call with the functions that take it — so a difference between the two latencies is
 * read as CPU spent or as time waited, not guessed.
 */
const ROUNDS = Number(process.env.BENCH_PROFILE_ROUNDS ?? 200);
const WARMUP = 20;

async function main(): Promise<void> {
  const stack = await startLocalStack();
  const admin = emulatorAdmin(stack.emulator.url);
  try {
    await admin.send('POST', 'workbooks', GATEWAY_WORKBOOK);
    for (const latencyMs of [0, 100]) {
      const dir = mkdtempSync(path.join(tmpdir(), `gateway-profile-${latencyMs}-`));
      const broker = await spawnBroker(stack, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
      const viaBroker = await expectOk(brokerCaller(broker.url).createSession(GATEWAY_WORKBOOK), 'broker session');
      const direct = await expectOk(
        directCaller(stack.emulator.url, stack.token).createSession(GATEWAY_WORKBOOK),
        'direct session',
      );
      const sides = [
        { caller: brokerRangeCaller(broker.url), session: viaBroker.sessionId ?? '' },
        { caller: directRangeCaller(stack.emulator.url, stack.token), session: direct.sessionId ?? '' },
      ];
      await admin.send('DELETE', 'faults');
      if (latencyMs > 0) await admin.send('POST', 'faults', { kind: 'latency', latencyMs });
      const paired: number[] = [];
      let cpuBefore = 0;
      for (let n = 0; n < WARMUP + ROUNDS; n += 1) {
        if (n === WARMUP) cpuBefore = cpuMsOf(broker.pid);
        const order = n % 2 === 0 ? sides : [...sides].reverse();
        const ms: Record<string, number> = {};
        for (const side of order)
          ms[side.caller.name] = (await side.caller.call(GATEWAY_WORKBOOK, side.session, 'GET')).ms;
        if (n >= WARMUP) paired.push((ms.broker ?? 0) - (ms.direct ?? 0));
      }
      const cpuPerCall = (cpuMsOf(broker.pid) - cpuBefore) / ROUNDS;
      await admin.send('DELETE', 'faults');
      await broker.stop();
      const profile = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
      const sorted = paired.sort((a, b) => a - b);
      console.log(
        `\nGraph at ${latencyMs} ms, ${ROUNDS} rounds: overhead p50 ${percentile(sorted, 50).toFixed(2)} ms, ` +
          `p90 ${percentile(sorted, 90).toFixed(2)} ms; broker CPU ${cpuPerCall.toFixed(2)} ms per call` +
          (profile
            ? `; profile busy ${(busyMsOf(path.join(dir, profile)) / (WARMUP + ROUNDS + 2)).toFixed(2)} ms per call`
            : ''),
      );
      if (profile) console.log(summarizeProfile(path.join(dir, profile), 12));
    }
  } finally {
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
