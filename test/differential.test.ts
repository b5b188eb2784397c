// Every fixture program must give identical results plain and instrumented: called directly, under
// launch(TO_COMPLETION), under budget 0 (every checkpoint pauses) and in tiny slices.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/instrument';

const dir = join(root, 'fixtures', 'programs');
const fixtures = readdirSync(dir).filter((f) => /\.(mjs|cjs|js|ts)$/.test(f) && !f.includes('-bug-'));

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
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });
  for (const f of fixtures) {
    it(f, () => {
      const r = runNode('differential.mjs', join(dir, f));
      expect(r.plain.error, 'the plain run itself must not throw').toBeUndefined();
      expect(r.direct).toEqual(r.plain);
      expect(r.complete).toEqual(r.plain);
      expect({ value: r.stress.value, error: r.stress.error }).toEqual({ value: r.plain.value, error: r.plain.error });
      expect({ value: r.slices.value, error: r.slices.error }).toEqual({ value: r.plain.value, error: r.plain.error });
      expect(
        { value: r.random.value, error: r.random.error },
        `random budgets (replay with PREEMPTIBLE_SEED=${r.random.seed})`,
      ).toEqual({ value: r.plain.value, error: r.plain.error });
      // Budget 0 must really have paused the program many times, or the comparison proves little.
      expect(r.stress.pauses).toBeGreaterThan(0);
    });
  }
});
