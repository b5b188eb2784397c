import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // Instrumented modules are imported at run time from .test-out/: load them with Node itself.
  server: { deps: { external: [/\.test-out/, /dist\//] } },
};

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'native', include: ['test/**/*.test.ts'] } },
      {
        // The runtime's behavioural tests again, without the addon (the fallback must pass them too); the
        // differential suite runs every third fixture here (the transform is the same, only the timer differs).
        test: {
          ...shared,
          name: 'pure-js',
          include: ['test/launch.test.ts', 'test/lazy.test.ts', 'test/deferred.test.ts', 'test/forwarding.test.ts', 'test/async.test.ts', 'test/scheduler.test.ts', 'test/differential.test.ts', 'test/native.test.ts', 'test/native-callee.test.ts', 'test/gc-forecast.test.ts'],
          env: { PREEMPTIBLE_NATIVE: '0', PREEMPTIBLE_QUIET: '1' },
        },
      },
    ],
  },
});
