import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the example page in headless Chromium against the local stack (test/browser/).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/support/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
