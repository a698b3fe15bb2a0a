import type { RowOp } from './rowCallers';
import type { ListingMemory } from './rowsMemory';
import type { RowsSideBySide } from './rowsSideBySide';
import type { Comparison } from './sideBySide';

/** bench/results/rows.json. */
export interface RowsBenchResults {
  readonly date: string;
  readonly machine: string;
  readonly runMs: number;
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly table: { readonly name: string; readonly columns: readonly string[]; readonly rows: number };
  readonly sideBySide: ReadonlyArray<RowsSideBySide & { readonly machineCoresBusy: number }>;
  readonly memory: {
    readonly listings: readonly ListingMemory[];
    /** The whole table as Graph answers `GET rows` (every row, no page): what a listing that held it all would hold. */
    readonly tableJsonBytes: number;
  };
}

/** The Graph calls each operation makes, on either side (docs/http-contract.md, "The broker's own operations"). */
const OPERATIONS: Readonly<Record<RowOp, { readonly name: string; readonly calls: string; readonly n: number }>> = {
  updateByKey: {
    name: 'update a row by key (`PATCH …/row?keyColumn=Product&keyValue=…`, one column)',
    calls: 'header, key column, `rows/itemAt` PATCH',
    n: 3,
  },
  list: {
    name: 'list 256 rows as objects (`GET …/rows?$top=256`)',
    calls: 'header, `rows?$top=256&$skip=0`',
    n: 2,
  },
  addRow: { name: 'add one row by column names (`POST …/row`)', calls: 'header, `rows/add`', n: 2 },
};

const ms = (value: number) => `${value.toFixed(2)} ms`;
const mib = (value: number) => `${value.toFixed(1)} MiB`;
const count = (value: number) => value.toLocaleString('en-US');

function comparisonRow(s: RowsSideBySide, op: RowOp): string {
  const { name, calls, n } = OPERATIONS[op];
  const c: Comparison = s.ops[op];
  const o: Comparison = s.outsideGraph[op];
  return (
    `| ${s.graphLatencyMs} ms | ${name} | ${n}: ${calls} | ${s.rounds} | ${ms(c.broker.p50)} / ${ms(c.broker.p99)} | ` +
    `${ms(c.direct.p50)} / ${ms(c.direct.p99)} | **${ms(c.overheadMsP50)}** / ${ms(c.overheadMsP99)} | ` +
    `**${c.ratioP50.toFixed(3)}** | ${ms(o.broker.p50)} / ${ms(o.direct.p50)} (**${ms(o.overheadMsP50)}**) | ` +
    `${c.errors.broker} / ${c.errors.direct} |`
  );
}

export function rowsMarkdown(results: RowsBenchResults): string {
  const runs = results.sideBySide;
  const calls = runs
    .map(
      (s) =>
        `at ${s.graphLatencyMs} ms ${s.graphCallsPerRound.broker} through the broker and ${s.graphCallsPerRound.direct} direct` +
        ` (the emulator's time per call, p50: ${ms(s.graphMsPerCall.broker.p50)} broker, ${ms(s.graphMsPerCall.direct.p50)} direct;` +
        ` cores busy, whole machine: ${s.machineCoresBusy.toFixed(2)})`,
    )
    .join('; ');
  const memoryRows = results.memory.listings.map(
    (m) =>
      `| ${m.label} (\`${m.query}\`) | ${count(m.tableRows)} | ${m.rowsAnswered} | ${m.graphCalls} | ${m.ms.toFixed(0)} ms (${m.graphMs.toFixed(0)} ms) | ` +
      `${mib(m.rssBeforeMiB)} | ${mib(m.peakRssMiB)} | **+${mib(m.peakGrowthMiB)}** | ${mib(m.rssAfterMiB)} |`,
  );
  return [
    '## Row operations (`npm run bench:rows`)',
    '',
    `Measured ${results.date.slice(0, 10)} on ${results.machine}; the run took ${(results.runMs / 1000).toFixed(0)} s` +
      ` (build not included), 1-minute load average ${results.loadAverage.start} at the start, ${results.loadAverage.end} at the end.` +
      ` The table is the emulator's demo workbook (\`Demo.xlsx\` on a drive folder of the run's own, table \`${results.table.name}\`:` +
      ` ${results.table.columns.join(', ')}; Total is a formula), grown with \`rows/add\` to ${count(results.table.rows)} rows before the` +
      " first round (each round adds one row per side). Each side in its own persistent session, made first: the broker's through" +
      " the broker, the direct one on the emulator, whose calls carry the bench's token and the headers the broker sends. The" +
      ' direct side makes the Graph calls the broker makes, in the same order, and maps the answers to row objects with the' +
      " broker's own functions, so both end with the same objects. Broker and direct interleaved call by call, the order" +
      " flipped every round, after 20 / 3 warm-up rounds; Graph's latency is the emulator's fault" +
      ' `{"kind":"latency","latencyMs":100}` on every call, set through `POST /_emulator/faults`. "Overhead" is broker p50 −' +
      ' direct p50 (and p99 − p99); "ratio" is broker p50 ÷ direct p50. "Outside Graph" takes out of every sample the' +
      " emulator's own time on that operation's calls (arrival to answer, as the emulator records each call): what each side" +
      " spent outside Graph, free of the emulator's write time (it saves the whole .xlsx on every change, tens of ms that" +
      ' vary from call to call and land on both sides).',
    '',
    '| Graph latency | operation | Graph calls, each side | rounds | broker p50 / p99 | direct p50 / p99 | overhead p50 / p99 | ratio p50 | outside Graph p50, broker / direct (overhead) | errors b / d |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.flatMap((s) => (Object.keys(OPERATIONS) as RowOp[]).map((op) => comparisonRow(s, op))),
    '',
    `Graph calls per round of the three operations, counted by the emulator by session id: ${calls}.`,
    '',
    "The broker's resident set (VmRSS of its process, from /proc) during one listing in its session, Graph at 0 ms. Peak is" +
      " the kernel's high-water mark (VmHWM) reset just before the call, so it catches the call's peak however brief;" +
      ` growth is peak − the resident set just before. The filtered listing matches one row in ${count(1000)} (Region` +
      ' `Central`), fewer than a page, so it reads the whole table, 500 rows per Graph call. The last row, a page of 5,000' +
      ' rows the broker holds whole and answers, is there for scale, and so is the whole table as Graph answers' +
      ` \`GET rows\` with no page: ${mib(results.memory.tableJsonBytes / 2 ** 20)} of JSON, before it is parsed. "Time" is the` +
      " broker's answer, and in brackets the emulator's own time on its Graph calls.",
    '',
    "| listing | table rows | rows answered | Graph calls | time (Graph's) | RSS before | peak RSS | peak growth | RSS after |",
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...memoryRows,
  ].join('\n');
}
