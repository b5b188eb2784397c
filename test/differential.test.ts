// Every fixture program must give identical results plain and instrumented: called directly, under
// launch(TO_COMPLETION), under budget 0 (every checkpoint pauses) and in tiny slices.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/instrument';

const dir = join(root, 'fixtures', 'programs');
const all = readdirSync(dir).filter((f) => /\.(mjs|cjs|js|ts)$/.test(f) && !f.includes('-bug-'));
// Without the addon (the 'pure-js' project) only the timer differs: every third fixture is enough there.
// With every version printed (the 'printed-copies' project, PREEMPTIBLE_COPIES_AT_RUN_TIME=0: transform()'s
// copiesAtRunTime off, as the esbuild, Babel and tsc front-ends print them), every other fixture (for the
// run's time; PREEMPTIBLE_ALL_FIXTURES=1: all of them).
const atRunTime = process.env.PREEMPTIBLE_COPIES_AT_RUN_TIME !== '0';
const fixtures = !atRunTime ? (process.env.PREEMPTIBLE_ALL_FIXTURES === '1' ? all : all.filter((_, i) => i % 2 === 0))
  : process.env.PREEMPTIBLE_NATIVE === '0' ? all.filter((_, i) => i % 3 === 0) : all;
let fixturesAtRunTime = 0;

function runNode(script: string, arg: string): any {
  const out = execFileSync(process.execPath, [join(root, 'test', 'harness', script), arg], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}

describe('differential: fixtures', () => {
  it('has fixtures', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
  });
  for (const f of fixtures) {
    it(f, () => {
      const r = runNode('differential.mjs', join(dir, f));
      expect(r.plain.error, 'the plain run itself must not throw').toBeUndefined();
      expect(r.direct).toEqual(r.plain);
      expect(r.complete).toEqual(r.plain);
      // Fixtures sensitive to how concurrent async chains interleave are compared on their invariant part
      // in the modes that pause (see test/harness/differential.mjs).
      const pick = (mode: 'plain' | 'stress' | 'slices' | 'random') =>
        r.invariant ? r.invariant[mode] : { value: r[mode].value, error: r[mode].error };
      expect(pick('stress')).toEqual(pick('plain'));
      expect(pick('slices')).toEqual(pick('plain'));
      expect(pick('random'), `random budgets (replay with PREEMPTIBLE_SEED=${r.random.seed})`).toEqual(pick('plain'));
      // Budget 0 must really have paused the program many times, or the comparison proves little.
      expect(r.stress.pauses).toBeGreaterThan(0);
      if (r.atRunTime > 0) fixturesAtRunTime++;
    });
  }
  // (Runs after the fixtures: the tests of a file run in order.)
  it(atRunTime ? 'made copies at run time in most fixtures' : 'made no copies at run time', () => {
    if (atRunTime) expect(fixturesAtRunTime).toBeGreaterThan(fixtures.length / 2);
    else expect(fixturesAtRunTime).toBe(0);
  });
});
