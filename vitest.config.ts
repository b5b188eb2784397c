import { defineConfig } from 'vitest/config';

const shared = {
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // Instrumented modules are imported at run time from .test-out/: load them with Node itself.
  server: { deps: { external: [/\.test-out/, /dist\//] } },
};

// Files whose assertions depend on timing (slice ends, rehearsals, latency, a watchdog's grace, timers between
// slices): they run one at a time, after the rest, with the machine to themselves. The rest (corpora, the
// differential suite, front-ends: nearly all of the run's time) two at a time.
const timing = ['launch', 'scheduler', 'native', 'native-callee', 'gc-forecast', 'express'].map((f) => `test/${f}.test.ts`);

// The runtime's behavioural tests run again without the addon (the fallback must pass them too); the
// differential suite runs every third fixture there (the transform is the same, only the timer differs).
const pureJsFiles = ['lazy', 'deferred', 'forwarding', 'async', 'differential'].map((f) => `test/${f}.test.ts`);
const pureJsTiming = ['launch', 'scheduler', 'native', 'native-callee', 'gc-forecast'].map((f) => `test/${f}.test.ts`);
const pureJsEnv = { PREEMPTIBLE_NATIVE: '0', PREEMPTIBLE_QUIET: '1' };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'native', include: ['test/**/*.test.ts'], exclude: timing, maxWorkers: 2 } },
      { test: { ...shared, name: 'pure-js', include: pureJsFiles, env: pureJsEnv, maxWorkers: 2 } },
      // The differential suite and two corpora again with every version printed (transform()'s copiesAtRunTime
      // off: what the esbuild, Babel and tsc front-ends write).
      { test: { ...shared, name: 'printed-copies', include: ['test/differential.test.ts', 'test/corpus.test.ts', 'test/corpus-bundled.test.ts'], env: { PREEMPTIBLE_COPIES_AT_RUN_TIME: '0' }, maxWorkers: 2 } },
      { test: { ...shared, name: 'native-timing', include: timing, maxWorkers: 1 } },
      { test: { ...shared, name: 'pure-js-timing', include: pureJsTiming, env: pureJsEnv, maxWorkers: 1 } },
    ],
  },
});
