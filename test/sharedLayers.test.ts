import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Imports inside shared/ run one way: down. The product is read from the ground up — settings and errors, the
// records and the store, the workbook's gate, Graph, the request read into a typed call, the session operations,
// the workbook surface, and what runs them — and a part never reaches for one above it. Read with the TypeScript
// compiler's own import scanner, so type-only imports and re-exports count as much as any other.

const SHARED = path.resolve(__dirname, '../shared');

/**
 * The floors of shared/, from the ground up. A unit is a folder of shared/ (`graph/`) or a file at its root
 * (`config.ts`). An import from one unit to another goes to a lower floor, never to its own floor or one above;
 * inside a folder, files import each other freely. A new unit gets its floor here, where the imports put it.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['config.ts', 'budgets.ts', 'errorMessage.ts', 'telemetry/'],
  ['errors.ts'],
  ['workbookAddress.ts', 'errorResponse.ts'],
  ['brokerUrls.ts', 'records/'],
  ['store/'],
  ['gate/'],
  ['graph/'],
  ['deps.ts', 'input/'],
  ['sessions/', 'respond.ts', 'drives/'],
  ['workbook/'],
  // rows/: the broker's own row operations, made of the gateway's parts (its session checks, its at-most-once writes).
  ['rows/'],
  // routes/: the route table, which hands each request to the operation that serves it, sits above them all.
  ['sweep/', 'routes/'],
];

/**
 * Imports that still run up, each with the change that removes it. The check fails once one is gone, so that
 * this list only ever shrinks. None is left.
 */
const STILL_UP: readonly string[] = [];

interface Import {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** `graph/retryPolicy.ts` → `graph/`; `config.ts` → `config.ts`. */
function unitOf(file: string): string {
  const [first, ...rest] = file.split('/');
  return rest.length > 0 ? `${first}/` : (first ?? file);
}

/** Every import of a file of shared/ that lands in shared/, both as paths relative to shared/. */
function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const from = path.relative(SHARED, file).split(path.sep).join('/');
  return importedFiles
    .filter(({ fileName }) => fileName.startsWith('.'))
    .map(({ fileName }) =>
      path
        .relative(SHARED, path.resolve(path.dirname(file), fileName))
        .split(path.sep)
        .join('/'),
    )
    .filter((target) => !target.startsWith('..'))
    .map((target) => ({ from, to: target.endsWith('.ts') ? target : `${target}.ts` }));
}

const files = sourceFiles(SHARED);
const imports = files.flatMap(importsOf);
const floorOf = new Map(FLOORS.flatMap((units, floor) => units.map((unit) => [unit, floor] as const)));
const across = imports.filter(({ from, to }) => unitOf(from) !== unitOf(to));
const upward = across
  .filter(({ from, to }) => (floorOf.get(unitOf(to)) ?? 0) >= (floorOf.get(unitOf(from)) ?? 0))
  .map(({ from, to }) => `${from} -> ${to}`);

describe('imports inside shared/', () => {
  it('are read from every file of shared/, so the check below cannot pass on nothing', () => {
    expect(files.length).toBeGreaterThan(60);
    expect(across.length).toBeGreaterThan(150);
    // One import each of a kind the scanner must see: a plain one, a type-only one, and a re-export.
    expect(imports).toContainEqual({ from: 'sessions/createSession.ts', to: 'deps.ts' });
    expect(imports).toContainEqual({ from: 'sessions/refreshSession.ts', to: 'input/parseSessionCall.ts' });
    expect(imports).toContainEqual({ from: 'graph/graphClient.ts', to: 'graph/graphResults.ts' });
  });

  it('come only from units that have a floor', () => {
    const placed = [...new Set(files.map((file) => unitOf(path.relative(SHARED, file).split(path.sep).join('/'))))];
    expect(placed.length).toBeGreaterThan(15);
    expect(placed.filter((unit) => !floorOf.has(unit))).toEqual([]);
    // A floor that names a unit no longer there would hold a place for it unseen.
    expect([...floorOf.keys()].filter((unit) => !placed.includes(unit))).toEqual([]);
  });

  it('run down, from a unit to one on a lower floor', () => {
    expect(upward.filter((arrow) => !STILL_UP.includes(arrow))).toEqual([]);
  });

  it('that still run up are listed with what removes them, and the list holds none that has gone', () => {
    expect(STILL_UP.filter((arrow) => !upward.includes(arrow))).toEqual([]);
  });
});
