import { readFileSync } from 'node:fs';
import path from 'node:path';

/*
 * `node dist/bench/profileSummary.js <file.cpuprofile> [top]`: where a `node --cpu-prof` profile's busy time went —
 * self time by function, and inclusive time by package or project file (a sample counts once for every package on
 * its stack, so async continuations inside an SDK are charged to it). `npm run bench` with BENCH_CPU_PROF=1 writes
 * the measured broker's profile to bench/results/ (git-ignored).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const NOT_BUSY = new Set(['(idle)', '(program)']);

/** The profile's busy time (samples not idle), in ms. */
export function busyMsOf(file: string): number {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const leaf = byId.get(id)?.callFrame;
    if (leaf && !NOT_BUSY.has(leaf.functionName)) busy += profile.timeDeltas[index] ?? 0;
  });
  return busy / 1000;
}

export function summarizeProfile(file: string, top = 15): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let total = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    total += us;
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || NOT_BUSY.has(leaf.functionName)) return;
    busy += us;
    add(self, `${leaf.functionName || '(anonymous)'} ${shortUrl(leaf.url)}:${leaf.lineNumber + 1}`, us);
    const places = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const place = placeOf(byId.get(at)?.callFrame.url ?? '');
      if (place) places.add(place);
    }
    for (const place of places) add(inclusive, place, us);
  });

  const lines = [
    `${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy`,
  ];
  const table = (title: string, map: Map<string, number>) => {
    lines.push('', title);
    for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      lines.push(
        `${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / Math.max(1, busy)).toFixed(1).padStart(5)}%  ${name}`,
      );
    }
  };
  table('inclusive time by package / project file (% of busy):', inclusive);
  table('self time by function (% of busy):', self);
  return lines.join('\n');
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

/** A package under node_modules, or a file of the project's dist; node's own modules are left out. */
function placeOf(url: string): string | undefined {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  const project = /\/dist\/(.+)$/.exec(url);
  return project?.[1];
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist\//, '');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/profileSummary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, Number(process.argv[3] ?? 15)));
}
