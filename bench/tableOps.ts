import { startCountingTableProxy } from '../dev/countingTableProxy';
import { spawnBroker } from './brokerProcess';
import { GATEWAY_WORKBOOK, brokerRangeCaller, type EmulatorAdmin } from './gateway';
import type { LocalStack } from './localStack';
import { brokerCaller, expectOk } from './sessionCalls';

/**
 * Table operations per gateway call when one instance serves a workbook, counted at the wire: a broker process of
 * its own talks to Azurite through a loopback proxy that counts every request, and tells the lease row's
 * (RowKey `lease`) from the records'. Its own process, so the proxy's hop never lands in the timed figures.
 */
export interface TableOpsFigure {
  readonly graphLatencyMs: number;
  readonly calls: number;
  readonly tableOps: number;
  readonly leaseOps: number;
  readonly perCall: number;
}

export async function measureTableOps(
  stack: LocalStack,
  admin: EmulatorAdmin,
  runs: ReadonlyArray<{ graphLatencyMs: number; calls: number }>,
): Promise<TableOpsFigure[]> {
  const counter = await startCountingTableProxy(stack.azurite.connectionString);
  const broker = await spawnBroker(stack, { env: { SESSION_TABLE_CONNECTION: counter.connectionString } });
  try {
    await admin.send('POST', 'workbooks', GATEWAY_WORKBOOK);
    const session = await expectOk(brokerCaller(broker.url).createSession(GATEWAY_WORKBOOK), 'tableOps createSession');
    const range = brokerRangeCaller(broker.url);
    const figures: TableOpsFigure[] = [];
    for (const run of runs) {
      await admin.send('DELETE', 'faults');
      if (run.graphLatencyMs > 0)
        await admin.send('POST', 'faults', { kind: 'latency', latencyMs: run.graphLatencyMs });
      counter.reset();
      for (let n = 0; n < run.calls; n += 1) {
        const answer = await range.call(GATEWAY_WORKBOOK, session.sessionId ?? '', 'GET');
        if (answer.status !== 200) throw new Error(`tableOps: a range GET answered ${answer.status}`);
      }
      // The lease's release (after its linger) belongs to these calls too.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { all, lease } = counter.counts();
      figures.push({
        graphLatencyMs: run.graphLatencyMs,
        calls: run.calls,
        tableOps: all,
        leaseOps: lease,
        perCall: Math.round((all / run.calls) * 10_000) / 10_000,
      });
    }
    await admin.send('DELETE', 'faults');
    return figures;
  } finally {
    await broker.stop();
    await counter.close();
  }
}
