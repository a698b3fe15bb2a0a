import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

// What the drive's folder holds, as Graph's drive items (https://learn.microsoft.com/graph/api/resources/driveitem):
// folders and files at any depth, each with its path relative to the drive's root (always with `/`). The
// emulator's own things stay out: names starting with `.` (its `.emulator` state), Excel's `~$` lock files, and the
// drive's `drive.json` at the root.

export interface TreeEntry {
  /** Relative to the root, `/`-separated: `Reports/Q1.xlsx`. */
  relPath: string;
  name: string;
  kind: 'file' | 'folder';
  size: number;
  createdMs: number;
  modifiedMs: number;
  /** For a folder: how many entries it holds. */
  childCount?: number;
}

export const MANIFEST = 'drive.json';

/** Every entry under the folder, depth first, folders before their contents, names in sorted order. */
export function walkTree(root: string): TreeEntry[] {
  const found: TreeEntry[] = [];
  const visit = (relDir: string): number => {
    const names = shown(root, relDir);
    for (const name of names) {
      const relPath = relDir === '' ? name : `${relDir}/${name}`;
      const stat = statSync(path.join(root, relPath));
      const times = { createdMs: stat.birthtimeMs || stat.ctimeMs, modifiedMs: stat.mtimeMs };
      if (stat.isDirectory()) {
        const entry: TreeEntry = { relPath, name, kind: 'folder', size: 0, ...times };
        found.push(entry);
        entry.childCount = visit(relPath);
      } else if (stat.isFile()) {
        found.push({ relPath, name, kind: 'file', size: stat.size, ...times });
      }
    }
    return names.length;
  };
  visit('');
  return found;
}

function shown(root: string, relDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(path.join(root, relDir));
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith('.') && !name.startsWith('~$') && !(relDir === '' && name === MANIFEST))
    .filter((name) => !name.endsWith('.tmp'))
    .sort();
}

/** The folder part of a relative path (`''` for the root). */
export function parentOf(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash < 0 ? '' : relPath.slice(0, slash);
}
