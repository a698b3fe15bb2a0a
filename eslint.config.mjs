// ESLint over the whole tree with typescript-eslint's type-aware rules. `npm run lint`; `npm test` runs it.
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Built output, installed packages, runtime data and generated results: nothing here is written by hand.
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'test-results/**',
      'bench/results/**',
      'local-drive/**',
      '.azurite/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The two programs `npm run typecheck` builds: the TypeScript tree (functions, host, shared, dev, bench,
        // test and the vitest configs) and the web page, plain ES modules type-checked through JSDoc.
        project: ['./tsconfig.test.json', './web/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A promise nobody awaits loses its rejection; these are the rules this configuration exists for. Fire and
      // forget is written `void promise`, with a comment saying why nothing waits for it.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Off: `async` without `await` is how this code writes a Promise-returning stub or fake (flush, sleep,
      // accessToken) so that it also turns a throw into a rejection; every finding was one of those, none a missing
      // await, and a missing await on a promise is what no-floating-promises already catches.
      '@typescript-eslint/require-await': 'off',
      // A `let` read (in a closure) before its one assignment is declared early on purpose: the closure is handed
      // out before the value exists, and checks for it.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // The same convention as noUnusedParameters: a leading underscore marks a name that must be there but is
      // not read; a property left out of a rest object is the point of the destructuring.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // The product fits on a screen: a function is at most 60 lines of code, a file of shared/ at most 250 lines. A
    // long closure is a set of named parts waiting to be separated (createGraphClient was one of 219 lines).
    files: ['functions/**/*.ts', 'host/**/*.ts', 'shared/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['shared/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 250 }] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Vitest types its asymmetric matchers (`expect.any(String)`, `expect.stringMatching(…)`) as `any`, so every
      // object literal that uses one inside toEqual/toMatchObject would be reported.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    files: ['web/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Files no tsconfig includes — this one and the two CommonJS helpers plain `node` runs (test:alone, and the
    // loader that child processes preload to run .ts) — get the untyped rules and Node's globals.
    files: ['**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
