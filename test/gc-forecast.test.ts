// Ending a slice before a scavenge that would run past its deadline (runtime/gc-forecast.ts). Whether a
// given slice meets a scavenge is up to the engine, so these tests run many slices of code that allocates
// fast (a scavenge every millisecond or so) and check what must hold whenever it happens; the latency it
// buys is measured in bench/latency.mjs, not here.
import { describe, expect, it } from 'vitest';
import { cancel, capabilities, launch, resume } from 'preemptible';
import { instrument } from './helpers/instrument';
import { runtimeShared } from './helpers/shared';

const pureJs = process.env.PREEMPTIBLE_NATIVE === '0';

const programs = await instrument(`
  import { launch } from 'preemptible';
  export function allocating(n) { let s = 0; for (let i = 0; i < n; i++) s += new Array(2000).fill(i % 7)[i % 2000]; return s; }
  export function numeric(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * i) % 1000003; return s; }
  // An inner task with a budget far longer than the outer one's: every pause inside it is for the outer
  // deadline, so its launch() may only return once it is complete.
  export function outerOfAllocating(n) {
    const inner = launch(allocating, 1e9, n);
    return [inner.status, inner.isComplete ? inner.value : undefined];
  }
`);

const shared = runtimeShared;

const expected = (n: number): number => {
  let s = 0;
  for (let i = 0; i < n; i++) s += i % 7;
  return s;
};

/** Resumes `task` in slices of `budget` ms until it completes; the pausedBy of every pause that ended a slice early. */
function runSlices(task: ReturnType<typeof launch>, budget: number): { earlyCauses: string[]; slices: number } {
  const earlyCauses: string[] = [];
  let slices = 0;
  while (task.status === 'paused') {
    const before = shared().scavengePauses;
    resume(task, budget);
    slices++;
    if (shared().scavengePauses > before && task.status === 'paused') earlyCauses.push(task.pausedBy!);
  }
  return { earlyCauses, slices };
}

describe.skipIf(pureJs)('scavenge forecast (native addon)', () => {
  it('ends some slices of fast-allocating code early, as paused by its budget, and the result is exact', () => {
    expect(capabilities()).toMatchObject({ nativeTimer: true, gcForecast: true });
    // ~16 KB per iteration: the young generation fills every few hundred iterations.
    const n = 60_000;
    const before = shared().scavengePauses;
    const task = launch(programs.allocating, 1, n);
    const { earlyCauses } = runSlices(task, 1);
    expect(task.value).toBe(expected(n));
    expect(shared().scavengePauses).toBeGreaterThan(before);
    expect(earlyCauses.length).toBeGreaterThan(0);
    expect(new Set(earlyCauses)).toEqual(new Set(['budget']));
  });

  it('does not end slices early for code that allocates nothing', () => {
    const before = shared().scavengePauses;
    const task = launch(programs.numeric, 1, 30_000_000);
    const { slices } = runSlices(task, 1);
    expect(task.value).toBe(programs.numeric(30_000_000));
    expect(slices).toBeGreaterThan(5);
    // The runtime itself allocates a little per slice: when an earlier test left the young generation nearly
    // full, one slice may rightly see a scavenge coming. Never more.
    expect(shared().scavengePauses - before).toBeLessThanOrEqual(1);
  });

  it('a nested task ended early for the enclosing deadline is paused by it (its launch returns complete)', () => {
    const n = 40_000;
    let scavengePaused = false;
    // Whether a scavenge falls in the inner task's run is the engine's choice: a few runs make it near certain.
    for (let run = 0; run < 5 && !scavengePaused; run++) {
      const before = shared().scavengePauses;
      const task = launch(programs.outerOfAllocating, 1, n);
      let pausedByBudget = true;
      while (task.status === 'paused') {
        pausedByBudget &&= task.pausedBy === 'budget';
        resume(task, 1);
      }
      expect(task.value).toEqual(['completed', expected(n)]);
      expect(pausedByBudget).toBe(true);
      scavengePaused = shared().scavengePauses > before;
    }
    expect(scavengePaused).toBe(true);
  });
});

describe.skipIf(!pureJs)('scavenge forecast (pure-JS mode)', () => {
  it('is off: no slice ends early', () => {
    expect(capabilities().gcForecast).toBe(false);
    const before = shared().scavengePauses;
    const task = launch(programs.allocating, 1, 20_000);
    runSlices(task, 1);
    expect(task.value).toBe(expected(20_000));
    expect(shared().scavengePauses).toBe(before);
    if (task.status === 'paused') cancel(task);
  });
});
