/*
 * Lets a plain `node` child process run the project's TypeScript: preload with `node -r <this file> child.ts`.
 * Each .ts file is transpiled on require by the project's own `typescript` (no type check: `npm test` type-checks
 * first), to CommonJS as tsconfig.json builds it. Tests use it where they need a fresh process — an environment
 * read only at start (NODE_EXTRA_CA_CERTS), or an empty module cache — without a build step or dist/.
 * No source maps: enabling them makes Node parse the map of every module loaded, which triples the time to load
 * applicationinsights (2,500 modules).
 */
'use strict';
const { readFileSync } = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
