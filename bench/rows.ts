import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO, DEMO_DRIVE_ID, DEMO_ITEM_ID } from '../dev/graphEmulator';
import type { RowObject } from '../shared/rows/rowObjects';
import { machine, writeSection } from './benchmarksFile';
import { runBench, spawnBroker, type BrokerProcess } from './brokerProcess';
import { emulatorAdmin } from './gateway';
import { startLocalStack, type LocalStack } from './localStack';
import { machineWindow } from './processCpu';
import { brokerRowCaller, directRowCaller } from './rowCallers';
import { measureListingMemory } from './rowsMemory';
import { rowsMarkdown, type RowsBenchResults } from './rowsReport';
import { measureRowsSideBySide, type RoundPlan } from './rowsSideBySide';
import { brokerCaller, directCaller, expectOk, type Workbook } from './sessionCalls';
import { round } from './stats';

/**
 * `npm run bench:rows`: what the broker's row operations (`api/broker/…/tables/{table}/row…`) cost beside the same
 * Graph calls made direct, in the same run, and how much memory a filtered listing over a large table takes. Writes
 * bench/results/rows.json and its own section of BENCHMARKS.md. Knobs (environment) shorten a trial run; the
 * defaults are the published ones.
 */
const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SAMPLES_AT_0 = knob('BENCH_ROWS_SAMPLES', 200);
const SAMPLES_AT_100 = knob('BENCH_ROWS_SAMPLES_100MS', 30);
const TABLE_ROWS = knob('BENCH_ROWS_TABLE', 1000);
const BIG_TABLE_ROWS = knob('BENCH_ROWS_BIG_TABLE', 20_000);
const MEMORY_RUNS = knob('BENCH_ROWS_MEMORY_RUNS', 3);
/** Power Automate's "List rows present in a table" page, and the broker's default. */
const PAGE = 256;
/** Rows per `rows/add` while the table is filled (a body well under Graph's 4 MiB). */
const FILL_CHUNK = 2000;
/** One filled row in this many is in the region the filtered listing asks for, so a scan finds few and reads all. */
const RARE_EVERY = 1000;
const RARE_REGION = 'Central';

const WORKBOOK: Workbook = { driveId: DEMO_DRIVE_ID, itemId: DEMO_ITEM_ID };
const root = path.resolve(__dirname, '../..');
const log = (line: string) => console.log(`bench:rows: ${line}`);

async function main(): Promise<void> {
  const loadStart = os.loadavg()[0] ?? 0;
  const drive = mkdtempSync(path.join(os.tmpdir(), 'bench-rows-'));
  const stack = await startLocalStack({ emulatorDrive: drive });
  let broker: BrokerProcess | undefined;
  try {
    broker = await spawnBroker(stack);
    let rows = await fillTable(stack, 0, TABLE_ROWS - (await rowCount(stack)));
    log(`table ${DEMO.table} holds ${rows} rows`);
    const sessions = {
      broker: (await expectOk(brokerCaller(broker.url).createSession(WORKBOOK), 'broker createSession')).sessionId,
      direct: (await expectOk(directCaller(stack.emulator.url, stack.token).createSession(WORKBOOK), 'direct create'))
        .sessionId,
    } as { broker: string; direct: string };
    const sideBySide = [];
    for (const [graphLatencyMs, samples, warmup] of [
      [0, SAMPLES_AT_0, 20],
      [100, SAMPLES_AT_100, 3],
    ] as const) {
      log(`side by side, Graph at ${graphLatencyMs} ms, ${samples} rounds…`);
      const cores = machineWindow();
      const measured = await measureRowsSideBySide(
        stack.emulator,
        emulatorAdmin(stack.emulator.url),
        {
          broker: brokerRowCaller(broker.url, WORKBOOK, DEMO.table),
          direct: directRowCaller(stack.emulator.url, stack.token, WORKBOOK, DEMO.table),
        },
        sessions,
        roundPlan(TABLE_ROWS),
        { graphLatencyMs, samples, warmup },
      );
      sideBySide.push({ ...measured, machineCoresBusy: cores.stop().coresBusy });
    }
    rows = await rowCount(stack);
    const memory = await measureMemory(stack, broker, sessions.broker, rows);
    report({
      date: new Date().toISOString(),
      machine: machine(),
      runMs: Math.round(performance.now()),
      loadAverage: { start: round(loadStart, 2), end: round(os.loadavg()[0] ?? 0, 2) },
      table: { name: DEMO.table, columns: DEMO.columns, rows: TABLE_ROWS },
      sideBySide,
      memory,
    });
  } finally {
    await broker?.stop();
    await stack.close();
    rmSync(drive, { recursive: true, force: true });
  }
}

/**
 * The filtered listing over the table as the side by side left it, then over BIG_TABLE_ROWS, then one unfiltered
 * page of 5,000 rows (the largest the broker answers) for scale: rows the broker does hold whole.
 */
async function measureMemory(
  stack: LocalStack,
  broker: BrokerProcess,
  sessionId: string,
  rows: number,
): Promise<RowsBenchResults['memory']> {
  const target = {
    pid: broker.pid,
    tableUrl: `${broker.url}/api/broker/${itemPath(WORKBOOK)}/tables/${DEMO.table}`,
    sessionId,
  };
  const filtered = `filterColumn=Region&filterValue=${RARE_REGION}`;
  const listing = (label: string, query: string, tableRows: number) =>
    measureListingMemory(target, stack.emulator, { label, query, tableRows });
  log('memory: a filtered listing to warm up…');
  await listing('warm-up', filtered, rows);
  const memory = [await listing('filtered listing', filtered, rows)];
  const grown = await fillTable(stack, TABLE_ROWS, BIG_TABLE_ROWS - rows);
  log(`memory: table grown to ${grown} rows; ${MEMORY_RUNS} filtered listings…`);
  for (let n = 0; n < MEMORY_RUNS; n += 1) memory.push(await listing('filtered listing', filtered, grown));
  memory.push(await listing('one unfiltered page of 5,000 rows', '$top=5000', grown));
  for (const m of memory) if (m.status !== 200) throw new Error(`memory: ${m.label} answered ${m.status}`);
  return { listings: memory, tableJsonBytes: (await graphText(stack, 'rows')).length };
}

/** Update a row spread over the table each round (by its unique Product), list the first page, add one row. */
function roundPlan(tableRows: number): RoundPlan {
  const filled = Math.max(1, tableRows - 4);
  return {
    keyOf: (n) => ({ column: 'Product', value: productOf((n * 389) % filled) }),
    changeOf: (n) => ({ Units: n % 500 }),
    top: PAGE,
    rowOf: (n) => ({ Region: 'North', Product: `Added ${n}`, Units: 1 + (n % 50), 'Unit price': 2.25 }),
  };
}

const productOf = (n: number) => `Item ${String(n).padStart(5, '0')}`;

function filledRow(n: number): RowObject {
  const regions = ['North', 'South', 'East', 'West'];
  return {
    Region: n % RARE_EVERY === RARE_EVERY / 2 ? RARE_REGION : (regions[n % 4] ?? 'North'),
    Product: productOf(n),
    Units: n % 200,
    'Unit price': 0.5 + (n % 10) / 4,
  };
}

/**
 * Adds `count` rows (numbered from `from`) straight to Graph, sessionless, in chunks: the emulator cannot add a table
 * (`tables/add` is outside what it covers), so the table is the demo workbook's, grown. Total is left to its formula.
 */
async function fillTable(stack: LocalStack, from: number, count: number): Promise<number> {
  for (let done = 0; done < count; done += FILL_CHUNK) {
    const values = Array.from({ length: Math.min(FILL_CHUNK, count - done) }, (_, n) => {
      const row = filledRow(from + done + n);
      return DEMO.columns.map((column) => row[column] ?? null);
    });
    const answer = await graph(stack, 'POST', 'rows/add', { values });
    if (answer.status !== 200) throw new Error(`fill: rows/add answered ${answer.status}`);
  }
  return rowCount(stack);
}

async function rowCount(stack: LocalStack): Promise<number> {
  const answer = await graph(stack, 'GET', 'dataBodyRange?$select=rowCount');
  const count = (answer.json as { rowCount?: unknown }).rowCount;
  if (answer.status !== 200 || typeof count !== 'number') throw new Error(`rowCount answered ${answer.status}`);
  return count;
}

async function graph(
  stack: LocalStack,
  method: 'GET' | 'POST',
  tablePath: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const { status, text } = await graphText(stack, tablePath, method, body);
  return { status, json: JSON.parse(text) as unknown };
}

/** A table call straight to Graph, sessionless, with the bench's token; the answer as text. */
async function graphText(
  stack: LocalStack,
  tablePath: string,
  method: 'GET' | 'POST' = 'GET',
  body?: unknown,
): Promise<{ status: number; text: string; length: number }> {
  const response = await fetch(
    `${stack.emulator.url}/${itemPath(WORKBOOK)}/workbook/tables/${DEMO.table}/${tablePath}`,
    {
      method,
      headers: {
        authorization: `Bearer ${stack.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
  );
  const text = await response.text();
  return { status: response.status, text, length: Buffer.byteLength(text) };
}

const itemPath = (workbook: Workbook) =>
  `drives/${encodeURIComponent(workbook.driveId)}/items/${encodeURIComponent(workbook.itemId)}`;

function report(results: RowsBenchResults): void {
  mkdirSync(path.join(root, 'bench/results'), { recursive: true });
  writeFileSync(path.join(root, 'bench/results/rows.json'), `${JSON.stringify(results, null, 2)}\n`);
  const body = rowsMarkdown(results);
  writeSection(path.join(root, 'BENCHMARKS.md'), 'rows', body);
  console.log(body);
  log(`done in ${(results.runMs / 1000).toFixed(1)} s`);
}

runBench(main);
