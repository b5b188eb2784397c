import { describe, expect, it } from 'vitest';
import { PreemptibleArgumentError, PreemptibleBudgetError, run, Scheduler } from 'preemptible';
import { instrument } from './helpers/instrument';

const m = await instrument(`
  export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) % 7919; return s; }
  export function progress(name, log, rounds) {
    for (let r = 0; r < rounds; r++) { log.push(name); spin(30000); }
    return name + ' done';
  }
  export function withFinally(log) {
    try { for (;;) spin(1000); } finally { log.push('finally ran'); }
  }
  export function fails(n) { spin(n); throw new TypeError('bad input ' + n); }
`);

describe('run()', () => {
  it('settles with the result; the event loop keeps turning between slices', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const value = await run(m.spin, { sliceMs: 1 }, 30_000_000);
    clearInterval(timer);
    expect(value).toBe(m.spin(30_000_000));
    expect(ticks).toBeGreaterThan(2); // a plain call would have let none fire
  });

  it('rejects with the function’s own exception', async () => {
    await expect(run(m.fails, { sliceMs: 0.5 }, 100_000)).rejects.toThrow(new TypeError('bad input 100000'));
  });

  it('an AbortSignal cancels the task (its finally blocks run) and rejects with the reason', async () => {
    const log: string[] = [];
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('enough')), 20);
    await expect(run(m.withFinally, { sliceMs: 1, signal: ac.signal }, log)).rejects.toThrow('enough');
    expect(log).toEqual(['finally ran']);
    const pre = new AbortController();
    pre.abort('never started');
    await expect(run(m.spin, { signal: pre.signal }, 10)).rejects.toBe('never started');
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => run(42 as never)).toThrow(PreemptibleArgumentError);
    expect(() => run(m.spin, { slice: 1 } as never)).toThrow(/unknown option 'slice'/);
    expect(() => run(m.spin, { sliceMs: -1 })).toThrow(PreemptibleBudgetError);
    expect(() => run(m.spin, { sliceMs: Infinity })).toThrow(/sliceMs must be finite/);
  });
});

describe('Scheduler', () => {
  it('runs tasks in turn: long tasks interleave, a short one finishes early', async () => {
    const s = new Scheduler({ sliceMs: 0.5 });
    const log: string[] = [];
    const a = s.spawn(m.progress, 'a', log, 200);
    const b = s.spawn(m.progress, 'b', log, 200);
    const shortDone = s.spawn(m.spin, 1000).then(() => log.length);
    expect(s.counts.queued).toBe(3);
    expect(await Promise.all([a, b])).toEqual(['a done', 'b done']);
    // Interleaved, not one after the other.
    expect(log.indexOf('b')).toBeLessThan(log.lastIndexOf('a'));
    // Of 400 steps: well before the long ones are done. (It waits for each of them to leave the first band,
    // 4 slices or 2 ms: ~40 steps at 0.1 ms a step, more on a faster machine; with 80 steps in all, a fast
    // run reached the old bound of 40.)
    expect(await shortDone).toBeLessThan(200);
    expect(s.counts).toMatchObject({ queued: 0, completed: 3, failed: 0, cancelled: 0 });
  });

  // A long task that has already run for a while, then three short ones arrive (each needs a few slices).
  async function shortsArrivingLate(policy: 'least-attained' | 'round-robin'): Promise<number> {
    const s = new Scheduler({ sliceMs: 0.2, policy });
    const log: string[] = [];
    const long = s.spawn(m.progress, 'L', log, 400);
    // Long enough that L is past 16 slices (a band the short ones cannot reach in their few slices): 20 of
    // its steps took ~14 slices once instrumented loops got faster, the band the short ones enter at 4.
    const since = performance.now();
    while (log.length < 20 || performance.now() - since < 25 * 0.2) await new Promise((r) => setImmediate(r));
    const before = log.length;
    await Promise.all([1, 2, 3].map((i) => s.spawn(m.progress, `s${i}`, log, 4)));
    const longSteps = log.slice(before).filter((x) => x === 'L').length;
    s.cancelAll();
    await long.catch(() => undefined);
    return longSteps;
  }

  it("policy 'least-attained' (default) runs newly arrived short tasks ahead of a long one", async () => {
    // The long task has had 20+ steps and 25+ slices; the short ones have had none, so they run first.
    expect(await shortsArrivingLate('least-attained')).toBeLessThanOrEqual(2);
  });

  it("policy 'round-robin' gives the long task its turn in every round (the scenario can fail)", async () => {
    expect(await shortsArrivingLate('round-robin')).toBeGreaterThanOrEqual(3);
  });

  it('rejects an unknown policy', () => {
    expect(() => new Scheduler({ policy: 'fifo' as never })).toThrow(PreemptibleArgumentError);
  });

  it('counts failures and cancellations', async () => {
    const s = new Scheduler({ sliceMs: 0.5 });
    const log: string[] = [];
    const failing = s.spawn(m.fails, 10);
    const forever = s.spawn(m.withFinally, log);
    await expect(failing).rejects.toThrow('bad input 10');
    await new Promise((r) => setTimeout(r, 10));
    expect(s.counts.paused).toBe(1);
    s.cancelAll(new Error('shutdown'));
    await expect(forever).rejects.toThrow('shutdown');
    expect(log).toEqual(['finally ran']);
    expect(s.counts).toMatchObject({ queued: 0, failed: 1, cancelled: 1 });
  });
});
