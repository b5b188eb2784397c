import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Instrumented modules are imported at run time from .test-out/: load them with Node itself.
    server: { deps: { external: [/\.test-out/, /dist\//] } },
  },
});
