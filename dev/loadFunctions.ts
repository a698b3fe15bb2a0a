import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Declaration } from '../host/declare';

/**
 * Loads every file in functions/ — what the Functions host does with package.json `main` — and returns what they
 * declared, in the order the Functions host tries their routes: by function name. The host does not rank routes by
 * specificity as ASP.NET does (https://github.com/Azure/azure-functions-host/issues/9876), so a catch-all route can
 * be handed a path another function also matches; the local host keeps that order so the same happens here.
 */
export async function loadFunctions(): Promise<readonly Declaration[]> {
  // Tell host/declare.ts not to call app.http/app.timer: outside the Functions host the library is in "test mode"
  // and would only print a warning per function.
  process.env.BROKER_LOCAL_HOST = '1';
  const directory = path.resolve(__dirname, '../functions');
  const files = readdirSync(directory).filter((file) => /\.(js|ts)$/.test(file) && !file.endsWith('.d.ts'));
  for (const file of files) await import(path.join(directory, file));
  const { declaredFunctions } = await import('../host/declare');
  return [...declaredFunctions()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
