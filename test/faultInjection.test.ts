import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient } from '@azure/data-tables';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../dev/azurite';
import { freePort } from '../dev/freePort';
import type { EmulatedSession, FaultRule } from '../dev/graphEmulator';
import { post, startBrokerStack, WORKBOOK, type BrokerStack } from './support/brokerStack';

/*
 * Graph misbehaving at random across several hundred lifecycle calls, and Table Storage going away
 * mid-run. Whatever happens, a caller gets a success or Graph's error shape, and no Graph session is left behind
 * that the broker does not know about.
 *
 * Not covered here, on purpose: a connection dropped *after* Graph acted (`afterEffect`). Nobody can know whether a
 * create whose answer was lost made a session — not the broker, not any client — so "every Graph session is known"
 * cannot hold for it; Excel's own idle expiry (~5-7 min) is what ends such a session.
 */

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);

/** The numbers a reader of the run wants (fault mix, calls, lost or unknown sessions), printed once. */
const summary: Record<string, unknown> = {};

// Checked after whatever ran — the whole file or one test alone — so it never passes with nothing to check.
afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off('unhandledRejection', onUnhandled);
  console.log(`fault-injection summary ${JSON.stringify(summary, null, 2)}`);
  expect(unhandled, 'unhandled promise rejections during the run').toEqual([]);
});

interface Answer {
  readonly action: string;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly contentType: string | null;
  readonly text: string;
}

type Workbook = { driveId: string; itemId: string };

async function send(
  stack: BrokerStack,
  action: string,
  workbook: Workbook,
  headers: Record<string, string>,
  body = '',
): Promise<Answer> {
  const response = await post(stack.sessionUrl(action, workbook), { headers, body });
  return {
    action,
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

/** Why an answer is neither a success nor a Graph-shaped error; empty when it is fine. */
function problemsWith(answer: Answer): string[] {
  const { action, status, text } = answer;
  if (status === 201 && action === 'createSession') {
    const body = parse(text) as { id?: unknown; persistChanges?: unknown } | undefined;
    return typeof body?.id === 'string' && typeof body.persistChanges === 'boolean'
      ? []
      : [`${action} 201 body ${text}`];
  }
  if (status === 204 && action !== 'createSession') return text === '' ? [] : [`${action} 204 with a body`];
  if (status < 400 || status > 599) return [`${action} answered ${status}`];
  const problems: string[] = [];
  const error = (
    parse(text) as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } } | undefined
  )?.error;
  if (!answer.contentType?.startsWith('application/json'))
    problems.push(`${action} ${status} content-type ${answer.contentType}`);
  if (typeof error?.code !== 'string' || error.code === '')
    problems.push(`${action} ${status} without error.code: ${text.slice(0, 200)}`);
  if (typeof error?.message !== 'string' || error.message === '')
    problems.push(`${action} ${status} without error.message`);
  if (typeof error?.innerError?.['request-id'] !== 'string')
    problems.push(`${action} ${status} without innerError.request-id`);
  if ((status === 429 || status === 503) && !/^\d+$/.test(answer.retryAfter ?? '')) {
    problems.push(`${action} ${status} without a Retry-After (got ${answer.retryAfter})`);
  }
  return problems;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Runs work(0 … count-1), `width` at a time. */
async function inPool(count: number, width: number, work: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Session records only: RowKey `s…` (docs/contributors.md, "The session table"); operations (`o…`) and idempotency keys (`k…`) share the table. */
const sessionRows = (rows: ReadonlyArray<Record<string, unknown>>) =>
  rows.filter(
    (row) => typeof row.rowKey === 'string' && row.rowKey.startsWith('s') && typeof row.sessionId === 'string',
  );

/**
 * The table and Graph, side by side: Graph sessions the table does not know, rows whose session Graph never made,
 * and rows whose state disagrees with Graph's (`live` ⇔ `active`).
 */
function compare(rows: ReadonlyArray<Record<string, unknown>>, graph: readonly EmulatedSession[]) {
  const recorded = new Map(rows.map((row) => [row.sessionId as string, row]));
  const inGraph = new Map(graph.map((session) => [session.id, session]));
  return {
    unknownToTable: graph.filter((session) => !recorded.has(session.id)).map((s) => `${s.id} (${s.state} in Graph)`),
    unknownToGraph: rows.filter((row) => !inGraph.has(row.sessionId as string)).map((row) => row.sessionId as string),
    disagreeing: rows
      .filter((row) => (row.state === 'live') !== (inGraph.get(row.sessionId as string)?.state === 'active'))
      .map(
        (row) =>
          `${row.sessionId as string}: ${row.state as string} in the table, ${inGraph.get(row.sessionId as string)?.state} in Graph`,
      ),
  };
}

const EMULATOR_SEED = 20_261_122;
const SESSIONS = 120;
const CONCURRENCY = 8;
const IDLE_TIMEOUT_SECONDS = 60;

// Rules are checked in order; latency rules add up, then the first status/drop rule whose roll passes answers.
// Nominal probabilities, per Graph call (op 'any': create, refresh, close alike).
const FAULT_MIX: FaultRule[] = [
  { kind: 'latency', latencyMs: 2, probability: 0.3 },
  { kind: 'latency', latencyMs: 8, probability: 0.05 },
  { kind: 'status', status: 429, retryAfterSeconds: 1, probability: 0.03 },
  { kind: 'status', status: 429, retryAfterSeconds: 2, probability: 0.02 },
  { kind: 'status', status: 503, retryAfterSeconds: 1, probability: 0.04 },
  { kind: 'status', status: 503, probability: 0.04 },
  { kind: 'status', status: 504, probability: 0.05 },
  { kind: 'drop', probability: 0.04 },
];

/** During the first sweep only, so that the sweep meets faults too; the sweeps after it run clean and must finish the job. */
const SWEEP_FAULT_MIX: FaultRule[] = [
  { kind: 'status', status: 503, retryAfterSeconds: 1, probability: 0.1 },
  { kind: 'status', status: 504, probability: 0.1 },
  { kind: 'drop', probability: 0.1 },
];

const describeRule = (rule: FaultRule) =>
  [
    rule.kind === 'latency' ? `latency ${rule.latencyMs} ms` : rule.kind === 'drop' ? 'drop' : `${rule.status}`,
    rule.retryAfterSeconds === undefined ? '' : ` Retry-After ${rule.retryAfterSeconds}`,
    ` p=${rule.probability ?? 1}`,
  ].join('');

describe('a broker under a random mix of Graph faults', () => {
  let stack: BrokerStack;
  const workbooks: Workbook[] = [
    WORKBOOK,
    ...[1, 2, 3].map((n) => ({ driveId: WORKBOOK.driveId, itemId: `01FAULTMIX${n}` })),
  ];
  beforeAll(async () => {
    stack = await startBrokerStack({ emulator: { seed: EMULATOR_SEED } });
    for (const workbook of workbooks.slice(1)) stack.emulator.addWorkbook(workbook.driveId, workbook.itemId);
  });
  afterAll(async () => stack?.close());

  it(`answers every one of several hundred lifecycle calls with a success or Graph's error shape, knows every Graph session, and the sweep leaves none open`, async () => {
    for (const rule of FAULT_MIX) stack.emulator.addFault(rule);
    const answers: Answer[] = [];
    const given: string[] = [];
    const abandoned: string[] = [];
    const clockAtStart = stack.clock.now();

    // Session n: create → 1–3 refreshes → close, except every fourth, which its caller abandons.
    await inPool(SESSIONS, CONCURRENCY, async (n) => {
      const workbook = workbooks[n % workbooks.length] as Workbook;
      const created = await send(
        stack,
        'createSession',
        workbook,
        { 'content-type': 'application/json', 'x-session-idle-timeout': String(IDLE_TIMEOUT_SECONDS) },
        JSON.stringify({ persistChanges: n % 3 !== 0 }),
      );
      answers.push(created);
      if (created.status !== 201) return;
      const id = (JSON.parse(created.text) as { id: string }).id;
      given.push(id);
      const session = { 'workbook-session-id': id };
      for (let refresh = 0; refresh <= n % 3; refresh += 1)
        answers.push(await send(stack, 'refreshSession', workbook, session));
      if (n % 4 === 3) {
        abandoned.push(id);
        return;
      }
      answers.push(await send(stack, 'closeSession', workbook, session));
    });

    // Everything is measured first and asserted at the end (softly), so one broken promise does not hide the others
    // and the summary is always complete.
    const graphCallsDuringRun = stack.emulator.calls();
    const waitsDuringRun = [...stack.clock.slept];
    const answerProblems = answers.flatMap(problemsWith);
    const rowsBefore = sessionRows(await stack.rows());
    const beforeSweep = compare(rowsBefore, stack.emulator.sessions());
    const recordedIds = new Set(rowsBefore.map((row) => row.sessionId as string));
    const lostByBroker = given.filter((id) => !recordedIds.has(id));

    // Every caller has now been silent past its 60 s idle timeout, and not yet Excel's own ~5 min idle expiry, so
    // every session still open is the sweep's to close. A first sweep meets faults; later ones finish the job.
    const runClockMs = stack.clock.now() - clockAtStart;
    stack.emulator.clearFaults();
    stack.clock.advance((IDLE_TIMEOUT_SECONDS + 30) * 1000);
    const openBeforeSweep = stack.emulator.activeSessions().length;
    for (const rule of SWEEP_FAULT_MIX) stack.emulator.addFault(rule);
    await stack.host.invoke('sweepSessions');
    stack.emulator.clearFaults();
    for (let sweep = 0; sweep < 2; sweep += 1) {
      stack.clock.advance(5_000); // past any Retry-After the first sweep was given
      await stack.host.invoke('sweepSessions');
    }
    const rowsAfter = sessionRows(await stack.rows());
    const afterSweep = compare(rowsAfter, stack.emulator.sessions());
    const leftOpen = stack.emulator.activeSessions().map((s) => s.id);
    const closedBySweep = rowsAfter.filter((row) => row.endReason === 'idle').length;

    Object.assign(summary, {
      faultMix: FAULT_MIX.map(describeRule),
      sweepFaultMix: SWEEP_FAULT_MIX.map(describeRule),
      emulatorSeed: EMULATOR_SEED,
      sessionsAttempted: SESSIONS,
      concurrency: CONCURRENCY,
      callerCalls: answers.length,
      callerAnswersByStatus: countBy(answers, (a) => `${a.action} ${a.status}`),
      answersNeitherSuccessNorGraphShaped: countBy(answerProblems, (problem) => problem.replace(/: .*/, '')),
      graphCalls: graphCallsDuringRun.length,
      graphFaultsInjected: countBy(
        graphCallsDuringRun.filter((c) => c.faulted),
        (c) => `${c.op} ${c.status}`,
      ),
      brokerWaitsDuringRun: { count: waitsDuringRun.length, totalMs: waitsDuringRun.reduce((sum, ms) => sum + ms, 0) },
      testClockMovedDuringRunMs: runClockMs,
      sessionsGivenToCallers: given.length,
      abandonedByCallers: abandoned.length,
      graphSessionsCreated: stack.emulator.sessions().length,
      openWhenSweepStarted: openBeforeSweep,
      closedBySweep,
      lost: lostByBroker.length,
      unknownToTable: afterSweep.unknownToTable.length,
      leftOpenAfterSweep: leftOpen.length,
      tableGraphDisagreementsBeforeSweep: beforeSweep.disagreeing.length,
      tableGraphDisagreementsAfterSweep: afterSweep.disagreeing.length,
    });

    expect.soft(answerProblems).toEqual([]);
    expect.soft(answers.length).toBeGreaterThanOrEqual(300);
    expect.soft(beforeSweep.unknownToTable).toEqual([]);
    expect.soft(beforeSweep.unknownToGraph).toEqual([]);
    expect.soft(lostByBroker).toEqual([]);
    expect.soft(beforeSweep.disagreeing).toEqual([]);
    expect.soft(afterSweep.unknownToTable).toEqual([]);
    expect.soft(afterSweep.disagreeing).toEqual([]);
    expect.soft(leftOpen).toEqual([]);
    expect.soft(rowsAfter.filter((row) => row.state === 'live' || row.state === 'closing')).toEqual([]);
    if (stack.clock.now() - clockAtStart < 5 * 60_000) {
      // Excel's own expiry never struck: every session its caller did not close, the sweep did.
      expect.soft(closedBySweep).toBeGreaterThanOrEqual(abandoned.length);
    }
  }, 45_000);
});

describe('a storage outage in the middle of a run', () => {
  let location: string;
  let port: number;
  let azurite: Azurite | undefined;
  let stack: BrokerStack;
  let table: TableClient;
  beforeAll(async () => {
    location = mkdtempSync(join(tmpdir(), 'fault-azurite-'));
    port = await freePort();
    azurite = await startAzurite({ port, location, silent: true });
    stack = await startBrokerStack({ settings: { SESSION_TABLE_CONNECTION: azurite.connectionString } });
    // The stack's own rows() reads the shared Azurite; this table lives in the one started here.
    table = TableClient.fromConnectionString(azurite.connectionString, stack.deps.config.tableName, {
      allowInsecureConnection: true,
    });
  });
  afterAll(async () => {
    await stack?.close();
    await azurite?.stop();
    rmSync(location, { recursive: true, force: true });
  });

  const rows = async () => {
    const found: Array<Record<string, unknown>> = [];
    for await (const entity of table.listEntities()) found.push(entity);
    return sessionRows(found);
  };
  const create = () =>
    send(stack, 'createSession', WORKBOOK, { 'content-type': 'application/json' }, '{"persistChanges": true}');
  const refresh = (id: string) => send(stack, 'refreshSession', WORKBOOK, { 'workbook-session-id': id });
  const close = (id: string) => send(stack, 'closeSession', WORKBOOK, { 'workbook-session-id': id });

  it('answers 503 with Retry-After while the table is down, closes a session it could not record, and loses nothing once the table is back', async () => {
    const earlier: string[] = [];
    for (let n = 0; n < 4; n += 1) {
      const created = await create();
      expect(created.status).toBe(201);
      earlier.push((JSON.parse(created.text) as { id: string }).id);
    }
    expect((await refresh(earlier[0] as string)).status).toBe(204);

    await azurite?.stop();
    azurite = undefined;
    const sessionsBeforeOutage = new Set(stack.emulator.sessions().map((s) => s.id));
    const duringOutage: Answer[] = [];
    for (const id of earlier) duringOutage.push(await refresh(id), await close(id));
    duringOutage.push(await create(), await create());
    expect(duringOutage.map((a) => a.status)).toEqual(duringOutage.map(() => 503));
    expect(duringOutage.flatMap(problemsWith)).toEqual([]);
    const madeDuringOutage = stack.emulator.sessions().filter((s) => !sessionsBeforeOutage.has(s.id));
    // Graph made the two sessions, the broker could not record them, so it closed them again before answering.
    expect(madeDuringOutage.map((s) => s.state)).toEqual(['closed', 'closed']);
    expect(new Set(stack.emulator.activeSessions().map((s) => s.id))).toEqual(new Set(earlier));

    azurite = await startAzurite({ port, location, silent: true });
    const afterOutage: Answer[] = [];
    for (const id of earlier) afterOutage.push(await refresh(id));
    for (const id of earlier.slice(0, 3)) afterOutage.push(await close(id));
    expect(afterOutage.map((a) => a.status)).toEqual(afterOutage.map(() => 204));
    const later = await create();
    expect(later.status).toBe(201);

    const recorded = await rows();
    const known = new Set(recorded.map((row) => row.sessionId as string));
    // Every session a caller was given is in the table; the only Graph sessions it does not know are the two made
    // during the outage, which are closed.
    expect(
      stack.emulator
        .sessions()
        .filter((s) => !known.has(s.id))
        .map((s) => s.id),
    ).toEqual(madeDuringOutage.map((s) => s.id));
    expect(compare(recorded, stack.emulator.sessions()).disagreeing).toEqual([]);
    const stillLive = [earlier[3], (JSON.parse(later.text) as { id: string }).id];
    expect(new Set(recorded.filter((row) => row.state === 'live').map((row) => row.sessionId))).toEqual(
      new Set(stillLive),
    );

    Object.assign(summary, {
      storageOutage: {
        answersDuringOutage: countBy(duringOutage, (a) => `${a.action} ${a.status} Retry-After ${a.retryAfter}`),
        graphSessionsMadeAndClosedAgainDuringOutage: madeDuringOutage.length,
        answersAfterRestart: countBy([...afterOutage, later], (a) => `${a.action} ${a.status}`),
        lost: [...earlier].filter((id) => !known.has(id)).length,
        openAndUnknownToTable: stack.emulator.activeSessions().filter((s) => !known.has(s.id)).length,
      },
    });
  }, 40_000);
});
