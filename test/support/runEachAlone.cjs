// Runs every test file by itself, one after another: a test that passes only because another file ran first (a
// token fetched, a table made, a workbook added) fails here. `npm run test:alone`; CI runs it after `npm test`.
const { spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');
const files = readdirSync(path.join(root, 'test'))
  .filter((name) => name.endsWith('.test.ts'))
  .sort();
const failed = [];
for (const file of files) {
  const run = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', `test/${file}`],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    },
  );
  const ok = run.status === 0;
  console.log(`${ok ? 'passed' : 'FAILED'} alone: test/${file}`);
  if (!ok) {
    failed.push(file);
    process.stdout.write(`${run.stdout}\n${run.stderr}\n`);
  }
}
console.log(`${files.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
