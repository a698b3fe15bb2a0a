import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Declaration } from '../host/declare';

/**
 * Loads every file in functions/ — what the Functions host does with package.json `main` — and returns what they
 * declared. The files declare themselves through host/declare.ts, so this host has no route table of its own.
 */
export async function loadFunctions(): Promise<readonly Declaration[]> {
  // Tell host/declare.ts not to call app.http/app.timer: outside the Functions host the library is in "test mode"
  // and would only print a warning per function.
  process.env.BROKER_LOCAL_HOST = '1';
  const directory = path.resolve(__dirname, '../functions');
  const files = readdirSync(directory).filter((file) => /\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'));
  for (const file of files) await import(path.join(directory, file));
  const { declaredFunctions } = await import('../host/declare');
  return declaredFunctions();
}
