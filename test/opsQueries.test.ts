import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
const queryDir = path.join(root, 'ops/queries');
const queries = readdirSync(queryDir).filter((f) => f.endsWith('.kql'));

/** Every event name the code sends: `telemetry.event('Name', …)` anywhere in shared/ or host/. */
function emittedEvents(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts'))
        for (const m of readFileSync(file, 'utf8').matchAll(/telemetry\.event\('(\w+)'/g)) names.add(m[1] as string);
    }
  };
  walk(path.join(root, 'shared'));
  walk(path.join(root, 'host'));
  return names;
}

describe("the operator's queries (ops/)", () => {
  it('ask only for events the broker really sends', () => {
    const emitted = emittedEvents();
    expect(emitted.size).toBeGreaterThanOrEqual(6);
    for (const file of queries) {
      const text = readFileSync(path.join(queryDir, file), 'utf8');
      const asked = [...text.matchAll(/"(Session\w+|Sweep\w+|Graph\w+)"/g)].map((m) => m[1] as string);
      expect(asked.length, file).toBeGreaterThan(0);
      for (const name of asked) expect(emitted, `${file} asks for ${name}`).toContain(name);
    }
  });

  it('are all in the query pack', () => {
    const bicep = readFileSync(path.join(root, 'ops/querypack.bicep'), 'utf8');
    const loaded = [...bicep.matchAll(/loadTextContent\('queries\/([\w-]+\.kql)'\)/g)].map((m) => m[1]);
    expect(loaded.sort()).toEqual([...queries].sort());
  });
});
