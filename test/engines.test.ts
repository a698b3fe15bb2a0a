import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockedPackage> };

/** The lowest Node major a range admits: the smallest first number over its `||` alternatives (`*` = 0). */
function lowestMajor(range: string): number {
  return Math.min(...range.split('||').map((alternative) => Number(/\d+/.exec(alternative)?.[0] ?? 0)));
}

describe('Node versions', () => {
  it('asks in engines for at least the Node every locked runtime dependency declares, and the README says the same', () => {
    const ours = lowestMajor(manifest.engines.node);
    const needs = Object.entries(lock.packages)
      .filter(
        ([path, pkg]) => path.startsWith('node_modules/') && !pkg.dev && pkg.engines && !Array.isArray(pkg.engines),
      )
      .map(([path, pkg]) => ({
        name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
        node: (pkg.engines as { node?: string }).node ?? '*',
      }))
      .filter((dependency) => lowestMajor(dependency.node) > ours);
    expect(needs, `engines.node ${manifest.engines.node} is below what these runtime dependencies declare`).toEqual([]);
    expect(lock.packages['']?.engines).toEqual(manifest.engines);
    expect(readFileSync('README.md', 'utf8')).toContain(`(\`${manifest.engines.node}\`)`);
  });
});
