import { readFileSync, writeFileSync } from 'node:fs';
import type { GraphEmulator } from '../dev/graphEmulator';
import { round } from './stats';

/*
 * What a listing costs the broker's memory: its process's resident set, from /proc/<pid>/status
 * (https://man7.org/linux/man-pages/man5/proc_pid_status.5.html). The kernel's own peak (VmHWM) is reset before each
 * call by writing 5 to /proc/<pid>/clear_refs (Linux 4.0+, https://man7.org/linux/man-pages/man5/proc.5.html), so it
 * holds the peak of that call alone, however briefly it lasted; VmRSS sampled every few ms backs it up where the reset
 * is not allowed. The emulator answers in the bench's process, so the broker's figures hold only the broker's work.
 */

export interface ListingMemory {
  readonly label: string;
  readonly query: string;
  readonly tableRows: number;
  readonly status: number;
  readonly rowsAnswered: number;
  readonly ms: number;
  /** Graph calls the broker made for it, and the emulator's time on them (arrival to answer), by its own records. */
  readonly graphCalls: number;
  readonly graphMs: number;
  readonly rssBeforeMiB: number;
  readonly peakRssMiB: number;
  readonly peakGrowthMiB: number;
  readonly rssAfterMiB: number;
  /** Where the peak came from: the kernel's high-water mark after a reset, or the samples alone. */
  readonly peakFrom: 'VmHWM' | 'samples';
}

const SAMPLE_EVERY_MS = 2;

/** Resident set (VmRSS) and its high-water mark (VmHWM), in KiB; NaN when unreadable. */
function memoryOf(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return { rss: Number.NaN, hwm: Number.NaN };
  }
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** One listing through the broker, in its session, with the broker's resident set watched throughout. */
export async function measureListingMemory(
  broker: { pid: number; tableUrl: string; sessionId: string },
  emulator: GraphEmulator,
  listing: { label: string; query: string; tableRows: number },
): Promise<ListingMemory> {
  emulator.resetCalls();
  const reset = resetPeak(broker.pid);
  const before = memoryOf(broker.pid).rss;
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, memoryOf(broker.pid).rss)), SAMPLE_EVERY_MS);
  const started = performance.now();
  let status: number;
  let rowsAnswered = 0;
  try {
    const response = await fetch(`${broker.tableUrl}/rows?${listing.query}`, {
      headers: { 'workbook-session-id': broker.sessionId },
    });
    status = response.status;
    const body = (await response.json()) as { value?: unknown };
    if (Array.isArray(body.value)) rowsAnswered = body.value.length;
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - started;
  const after = memoryOf(broker.pid);
  const peak = reset && Number.isFinite(after.hwm) ? Math.max(after.hwm, sampled) : sampled;
  const graphCalls = emulator.calls().filter((call) => call.sessionId === broker.sessionId);
  emulator.resetCalls();
  const mib = (kib: number) => round(kib / 1024, 1);
  return {
    ...listing,
    status,
    rowsAnswered,
    ms: round(ms, 1),
    graphCalls: graphCalls.length,
    graphMs: round(
      graphCalls.reduce((sum, call) => sum + (call.answeredMs - call.receivedMs), 0),
      1,
    ),
    rssBeforeMiB: mib(before),
    peakRssMiB: mib(peak),
    peakGrowthMiB: mib(peak - before),
    rssAfterMiB: mib(after.rss),
    peakFrom: reset ? 'VmHWM' : 'samples',
  };
}
