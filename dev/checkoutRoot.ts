import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The checkout a dev/ script belongs to, whether it runs compiled (dist/dev) or from source (dev): where npm start
 * reads local.settings.json and keeps .azurite/, local-drive/, its lock and its stack file. LOCAL_STACK_ROOT names
 * another folder to treat as the checkout, so tests start whole stacks without touching the checkout's own.
 */
export function checkoutRoot(from: string): string {
  if (process.env.LOCAL_STACK_ROOT) return path.resolve(process.env.LOCAL_STACK_ROOT);
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}
