import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU time of the processes in a run, from /proc/<pid>/stat (utime + stime, fields 14 and 15, in clock ticks):
 * enough to say which process a figure's time went to, and whether the two cores were simply full.
 * https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
 */

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces; fields after it are plain.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU milliseconds a process has used so far; NaN when it cannot be read (not Linux, or gone). */
export function cpuMsOf(pid: number): number {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  const fields = statFields(pid);
  if (!fields) return Number.NaN;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
}

/** Direct children of this process whose command line contains `needle` (e.g. the Azurite we started). */
export function childPids(needle: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.map(Number).filter((pid) => {
    if (statFields(pid)?.[1] !== String(process.pid)) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
    } catch {
      return false;
    }
  });
}

export interface CpuWindow {
  /** CPU ms per named process over the window, and the window's wall time. */
  stop(): { wallMs: number; cpuMs: Record<string, number> };
}

export function cpuWindow(processes: Readonly<Record<string, number>>): CpuWindow {
  const started = performance.now();
  const before = Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, cpuMsOf(pid)]));
  return {
    stop() {
      const wallMs = performance.now() - started;
      const cpuMs = Object.fromEntries(
        Object.entries(processes).map(([name, pid]) => [name, cpuMsOf(pid) - (before[name] ?? 0)]),
      );
      return { wallMs, cpuMs };
    },
  };
}

/** Whole-machine CPU from /proc/stat's first line: busy and steal ticks so far. */
function machineTicks(): { busy: number; steal: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, steal: steal ?? 0 };
  } catch {
    return undefined;
  }
}

/**
 * How many cores the whole machine kept busy over a stretch of time — every process, ours and anyone else's — and
 * how many the hypervisor took (steal). Beside our own processes' CPU it shows whether other work shared the cores.
 */
export function machineWindow(): { stop(): { coresBusy: number; coresStolen: number } } {
  const started = performance.now();
  const before = machineTicks();
  return {
    stop() {
      const after = machineTicks();
      const seconds = (performance.now() - started) / 1000;
      if (!before || !after || seconds <= 0) return { coresBusy: Number.NaN, coresStolen: Number.NaN };
      const ticks = clockTicks();
      return {
        coresBusy: Math.round(((after.busy - before.busy) / ticks / seconds) * 100) / 100,
        coresStolen: Math.round(((after.steal - before.steal) / ticks / seconds) * 100) / 100,
      };
    },
  };
}
