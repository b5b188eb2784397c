// Lazy capture (transformer/lazy.ts, runtime/lazy.ts): functions in the subset run as fast copies inside
// tasks and are captured only when they pause. The differential suite checks whole programs; these tests
// pin down the mechanism itself.
import { describe, expect, it } from 'vitest';
import { cancel, launch, PreemptibleArgumentError, resume, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';
import { finish } from './helpers/finish';
import { instrument, root } from './helpers/instrument';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// (The tests that read the copies in the output ask for them printed, `copiesAtRunTime: false`, as the
// esbuild, Babel and tsc front-ends write them; made at run time they are the same rewrite's, which
// test/lazy-from-text.test.ts compares. The programs run with the default, versions made at run time.)
const FAST = Symbol.for('preemptible.fast');
const GEN = Symbol.for('preemptible.gen');
const OWNER = Symbol.for('preemptible.owner');


const source = `
  import { pause } from 'preemptible';
  export function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
  export function sumTwice(a) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    for (let i = 0; i < a.length; i++) s += double(a[i]);
    return s;
  }
  function double(x) { return x * 2; }
  // A generator-mode frame (try/finally keeps it out of the subset) between two fast ones.
  export function guarded(log, n) {
    try { return 1 + fib(n); } finally { log.push('guarded:finally'); }
  }
  export function outer(log, n) { return [guarded(log, n), fib(3)]; }
  // Values evaluated before a call that pauses must not be evaluated again when it resumes. p() pauses
  // on purpose, so that the frames above it are captured in the middle of their fast copies.
  function p(v) { pause(); return v; }
  export function evaluatedOnce(o, log) {
    const r = o.counted + p(6) + note(log, 'a', p(5)) * note(log, 'b', 2);
    return [r, note(log, 'c', 1), p(4), \`\${note(log, 'd', 'x')}\${p(3)}\`, { k: note(log, 'e', 7), v: p(8) }];
  }
  function note(log, what, v) { log.push(what); return v; }
  // A generator-mode frame reached from a fast one, paused inside (pause() is reached in generator mode).
  export function fastThenGuarded(log) { const a = note(log, 'start', 1); return a + guardedPause(log); }
  function guardedPause(log) {
    try { pause(); return 2; } finally { log.push('guardedPause:finally'); }
  }
  // Re-entered with its locals from the record: the defaults must not run again (list is not passed).
  export function withDefaults(list, n = list.length, m = n * 2) { const a = p(n); return [a, m, list.length]; }
  // A deep stack paused at the bottom: probe() reports how deep the native stack is.
  export function deep(n, probe) { return n === 0 ? probeTwice(probe) : deep(n - 1, probe); }
  function probeTwice(probe) { const before = probe(); p(0); return [before, probe()]; }
  // An error thrown by a resumed frame reaches the frames that called it, through a generator-mode catch.
  export function sink(n) { return n === 0 ? fail(p('boom')) : 1 + sink(n - 1); }
  function fail(message) { throw new RangeError(message); }
  export function catcher(n) {
    try { return sink(n); } catch (e) { return e.name + ': ' + e.message; }
  }
  // Fast-copy callbacks called by the array-method helpers (callGen), pausing inside the callback.
  export function mapped(list) { return list.map((x, i) => p(x) * 10 + i).filter((v) => p(v) % 3 !== 0); }
  export function sortedGuarded(log, list) {
    try { return list.slice().sort((a, b) => p(a) - b); } finally { log.push('sortedGuarded:finally'); }
  }
  export class Shape { constructor(w) { this.w = w; } area() { return fib(this.w); } }
`;

const m = await instrument(source);
/** The same program with generator versions only: the reference for what lazy capture must reproduce. */
const ref = await instrument(source, { lazy: false });

describe('lazy capture', () => {
  it('gives simple functions a fast copy and a generator-mode boundary, both owned by the function', () => {
    expect(typeof m.fib[FAST]).toBe('function');
    expect(m.fib[FAST][OWNER]).toBe(m.fib);
    expect(m.fib[GEN][OWNER]).toBe(m.fib);
    expect(typeof m.Shape.prototype.area[FAST]).toBe('function');
    // try/finally keeps a function out of the subset: generator version, and a fast entry made from it.
    expect(m.guarded[GEN][OWNER]).toBe(m.guarded);
    expect(m.guarded[FAST][OWNER]).toBe(m.guarded);
    const code = transform(source, { filename: 'x.mjs', copiesAtRunTime: false }).code;
    expect(code).toMatch(/\.lazy\(fib,/);
    expect(code).toMatch(/\.def\(guarded,/);
    expect(code).toMatch(/\.lazy\(evaluatedOnce,/);
    expect(code).toMatch(/\.lazy\(fastThenGuarded,/);
  });

  it('keeps `delete` in the fast subset, except `delete super.x` (which must still throw)', async () => {
    const code = transform(`
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export function drop(o, keys) { for (const k of keys) { spin(2); delete o[k]; } return Object.keys(o); }
      class B { m() { return 1; } }
      export class C extends B { del() { spin(2); try { delete super.m; } catch (e) { return e.constructor.name; } } }
    `, { filename: 'del.mjs', copiesAtRunTime: false }).code;
    expect(code).toMatch(/\.lazy\(drop,/);
    const d = await instrument(`
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export function drop(o, keys) { for (const k of keys) { spin(2); delete o[k]; } return Object.keys(o); }
      class B { m() { return 1; } }
      export class C extends B { del() { spin(2); for (let i = 0; i < 2; i++) spin(i); const r = delete super.m; return r; } }
      export function callDel() { try { return new C().del(); } catch (e) { return e.constructor.name; } }
    `);
    const r = finish(launch(d.drop, 0, { a: 1, b: 2, c: 3 }, ['a', 'c']));
    expect(r.value).toEqual(['b']);
    expect(r.pauses).toBeGreaterThan(5);
    const t = finish(launch(d.callDel, 0));
    expect(t.value).toBe('ReferenceError');
    expect(t.pauses).toBeGreaterThan(2);
  });

  it('pauses at every checkpoint under budget 0 and resumes to the plain result', () => {
    const r = finish(launch(m.fib, 0, 15));
    expect(r.value).toBe(610);
    expect(r.pauses).toBeGreaterThan(100);
    expect(finish(launch(m.sumTwice, 0, [1, 2, 3, 4])).value).toBe(30);
    expect(finish(launch((s: InstanceType<typeof m.Shape>) => s.area(), 0, new m.Shape(10))).value).toBe(55);
    expect(finish(launch(() => new m.Shape(12).area(), 0)).value).toBe(144);
  });

  it("gives a function whose loop makes closures reading the loop's own binding a fast copy, each closure keeping its iteration's value", async () => {
    // (fixtures/programs/fn-lazy-closure-loop-binding.mjs runs this in every mode; here: that it is a fast copy.)
    const src = `
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export function run(n) {
        const fns = [];
        for (let r = 0; r < n; r++) { fns.push(() => r + spin(2)); spin(r); }
        for (const x of ['a', 'b']) fns.push(() => x + spin(1));
        return fns.map((f) => f());
      }
      export function written(n) { const fns = []; for (let r = 0; r < n; r++) { fns.push(() => r); r++; } return fns.map((f) => f()); }`;
    // Printed: `run` gets copies (lazy); a body that writes its binding keeps its generator version (def).
    const printed = transform(src, { filename: 'loops.mjs', copiesAtRunTime: false }).code;
    expect(printed).toMatch(/\$pe\.lazy\(run\b/);
    expect(printed).toMatch(/\$pe\.def\(written\b/);
    for (const copiesAtRunTime of [false, true]) {
      const m = await instrument(src, { copiesAtRunTime });
      const r = finish(launch(m.run, 0, 4));
      expect(r.value).toEqual([1, 2, 3, 4, 'a0', 'b0']);
      expect(r.pauses).toBeGreaterThan(10);
      expect(finish(launch(m.written, 0, 6)).value).toEqual([1, 3, 5]);
    }
  });

  it("renames a block-scoped name hoisted next to one of the same name to a name no other binding of the file has", async () => {
    // `i` twice: one is renamed `i$<n>` in the copies; `i$1` and `i$2` are the file's own names, read there.
    const src = `
      const i$1 = 1000;
      export function run(xs) {
        let t = 0, i$2 = 7;
        for (let i = 0; i < xs.length; i++) t += double(xs[i]);
        for (let i = 0; i < 3; i++) t += i$1 + i$2 + i;
        return t;
      }
      function double(x) { return x * 2; }`;
    for (const copiesAtRunTime of [false, true]) {
      const made = await instrument(src, { copiesAtRunTime });
      if (!copiesAtRunTime) expect(transform(src, { filename: 'r.mjs', copiesAtRunTime }).code).toMatch(/\bi\$3\b/);
      const r = finish(launch(made.run, 0, [1, 2, 3]));
      expect(r.value).toBe(12 + 3 * 1007 + 3);
      expect(r.pauses).toBeGreaterThan(3);
    }
  });

  it('captures through a generator-mode frame and resumes it', () => {
    const log: string[] = [];
    const r = finish(launch(m.outer, 0, log, 12));
    expect(r.value).toEqual([145, 2]);
    expect(log).toEqual(['guarded:finally']);
  });

  it('cancelling a captured stack runs the finally blocks of the generator-mode frames in it, once', () => {
    const log: string[] = [];
    const task = launch(m.fastThenGuarded, TO_COMPLETION, log);
    expect(task.status).toBe('paused'); // captured: fastThenGuarded's fast frame above guardedPause's generator
    expect(log).toEqual(['start']);
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(log).toEqual(['start', 'guardedPause:finally']);
    const again: string[] = [];
    expect(finish(launch(m.fastThenGuarded, TO_COMPLETION, again)).value).toBe(3);
    expect(again).toEqual(['start', 'guardedPause:finally']);
  });

  it('cancelling a task paused inside a loop closes the loop\'s iterator (a generator being iterated runs its finally), once', async () => {
    const c = await instrument(`
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      function* gen(log) { try { for (let i = 0; i < 5; i++) yield spin(100) + i; } finally { log.push('gen finally'); } }
      function iterable(log, slowNext) {
        let i = 0;
        return { [Symbol.iterator]() { return this; }, next() { if (slowNext) spin(1000); return { value: i++, done: i > 5 }; }, return() { log.push('return'); return {}; } };
      }
      function inFastForOf(log) { let s = 0; for (const v of gen(log)) s += spin(200) + v; return s; }
      function inNested(log) { let s = 0; for (const a of iterable(log, false)) for (const b of gen(log)) s += spin(200) + a + b; return s; }
      export const cases = {
        forOfBody: (log) => inFastForOf(log),
        nested: (log) => inNested(log),
        arrayFromMap: (log) => Array.from(gen(log), (v) => spin(200) + v),
        arrayFromStep: (log) => Array.from(gen(log)),
        explicitNext: (log) => { const it = gen(log); return [it.next(), it.next()]; },
        insideNext: (log) => { let s = 0; for (const v of iterable(log, true)) s += v; return s; },
      };
      export function run(name, log) { try { return cases[name](log); } finally { log.push('caller finally'); } }
    `);
    const expected: Record<string, string[]> = {
      forOfBody: ['gen finally', 'caller finally'],
      nested: ['gen finally', 'return', 'caller finally'], // innermost loop first
      arrayFromMap: ['gen finally', 'caller finally'],
      arrayFromStep: ['gen finally', 'caller finally'],
      explicitNext: ['gen finally', 'caller finally'],
      // Paused inside next(): as for an exception from next(), the iterator is not closed.
      insideNext: ['caller finally'],
    };
    for (const name of Object.keys(expected)) {
      const log: string[] = [];
      const task = launch(c.run, 0, name, log);
      for (let i = 0; i < 30 && task.status === 'paused'; i++) resume(task, 0);
      expect(task.status, name).toBe('paused');
      cancel(task);
      expect(task.status, name).toBe('cancelled');
      expect(log, name).toEqual(expected[name]);
    }
  });

  it('does not evaluate again what ran before the call that paused', () => {
    const run = (mod: typeof m, budget: number) => {
      let reads = 0;
      const o = { get counted() { reads++; return 100; } };
      const log: string[] = [];
      const { value, pauses } = finish(launch(mod.evaluatedOnce, budget, o, log));
      return { value, log, reads, pauses };
    };
    const expected = run(ref, TO_COMPLETION);
    expect(expected.value).toEqual([100 + 6 + 5 * 2, 1, 4, 'x3', { k: 7, v: 8 }]);
    expect(expected.reads).toBe(1);
    for (const budget of [TO_COMPLETION, 0]) {
      const r = run(m, budget);
      expect(r.pauses).toBeGreaterThanOrEqual(6); // at least every pause()
      expect({ ...r, pauses: 0 }).toEqual({ ...expected, pauses: 0 });
    }
  });

  it('re-enters a paused frame without evaluating its parameter defaults again', () => {
    const task = launch(m.withDefaults, TO_COMPLETION, [1, 2, 3]);
    expect(task.status).toBe('paused'); // inside p(), with withDefaults' fast frame captured
    expect(finish(task).value).toEqual([3, 6, 3]);
    expect(transform(source, { filename: 'x.mjs', copiesAtRunTime: false }).code).toMatch(/\.lazy\(withDefaults,/);
  });

  it('resumes a deep paused stack innermost first, on a short native stack', () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    try {
      const probe = () => new Error().stack!.split('\n').length;
      const [before, after] = finish(launch(m.deep, TO_COMPLETION, 300, probe)).value as number[];
      expect(before).toBeGreaterThan(300); // every frame of deep() is on the stack when it pauses...
      expect(before - after).toBeGreaterThan(290); // ...and only the innermost one was re-entered to resume it
      const [refBefore, refAfter] = finish(launch(ref.deep, TO_COMPLETION, 300, probe)).value as number[];
      expect(refAfter).toBeGreaterThan(refBefore / 2); // generator versions resume the whole chain
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  it('hands an error thrown after a resume to the frames that were calling', () => {
    for (const budget of [TO_COMPLETION, 0]) {
      expect(finish(launch(m.catcher, budget, 20)).value).toBe('RangeError: boom');
      expect(() => finish(launch(m.sink, budget, 20))).toThrow(RangeError); // launch/resume rethrow it
    }
  });

  it('restores provably numeric locals as numbers, and only those', () => {
    // V8 keeps a float loop variable unboxed only if what the re-entry copy restores is known to be a
    // Number (numeric-locals.ts); the differential fixture fn-lazy-numeric-restore checks the results.
    const code = transform(
      `export function f(n, p) {
        let zr = 0, k = 0, s = 0, b = 0n, y = p, u;
        for (let i = 0; i < n; i++) { zr = zr * 0.5 + i; k++; s = s + ''; b += 1n; y++; u = i; }
        return [zr, k, s, b, y, u];
      }`,
      { filename: 'x.mjs', copiesAtRunTime: false },
    ).code;
    const restored = (name: string) => new RegExp(`(?<![$\\w])${name} = (\\+?)\\$rec\\[`).exec(code)?.[1];
    expect(['zr', 'k', 'i'].map(restored)).toEqual(['+', '+', '+']);
    expect(['s', 'b', 'y', 'u'].map(restored)).toEqual(['', '', '', '']);
    // Hoisted, the same locals start as 0 in both copies (a float loop over a local that may be undefined
    // stays boxed); the others start undefined, as they would.
    const declared = [...code.matchAll(/"f": function \(n, p\) \{ let ([^;]*);/g)].map((d) => d[1]!);
    expect(declared).toHaveLength(2);
    for (const list of declared) {
      const start = (name: string) => new RegExp(`(?:^|, )${name}( = 0)?(?:,|$)`).exec(list)?.[1] ?? '';
      expect(['zr', 'k', 'i'].map(start)).toEqual([' = 0', ' = 0', ' = 0']);
      expect(['s', 'b', 'y', 'u'].map(start)).toEqual(['', '', '', '']);
    }
  });

  it('array-method callbacks that are fast copies pause inside the callback and resume, or are cancelled', () => {
    const list = [5, 3, 8, 1, 9, 2];
    const expected = list.map((x, i) => x * 10 + i).filter((v) => v % 3 !== 0);
    for (const budget of [TO_COMPLETION, 0]) {
      const r = finish(launch(m.mapped, budget, list));
      expect(r.value).toEqual(expected);
      expect(r.pauses).toBeGreaterThanOrEqual(list.length + expected.length); // each p() paused
    }
    const log: string[] = [];
    expect(finish(launch(m.sortedGuarded, 0, log, list)).value).toEqual([1, 2, 3, 5, 8, 9]);
    const task = launch(m.sortedGuarded, TO_COMPLETION, log, list);
    expect(task.status).toBe('paused'); // inside the comparator, under the sort helper
    cancel(task);
    expect(log).toEqual(['sortedGuarded:finally', 'sortedGuarded:finally']);
  });

  it('takes functions that read `arguments` into the fast subset in strict code only', () => {
    const fn = 'function f() { let s = 0; for (let i = 0; i < arguments.length; i++) s += arguments[i]; return s; }';
    // A CommonJS file without 'use strict': sloppy, `arguments` aliases the parameters -> generator version.
    expect(transform(`${fn}\nmodule.exports = f;`, { filename: 'x.cjs', copiesAtRunTime: false }).code).toMatch(/\.def\(f,/);
    for (const strict of [`'use strict';\n${fn}\nmodule.exports = f;`, `export ${fn}`]) {
      expect(transform(strict, { filename: strict.startsWith('export') ? 'x.mjs' : 'x.cjs', copiesAtRunTime: false }).code).toMatch(/\.lazy\(f,/);
    }
  });

  it('`lazy: false` keeps generator versions only, with the same results', async () => {
    const code = transform(source, { filename: 'x.mjs', lazy: false, copiesAtRunTime: false }).code;
    expect(code).not.toMatch(/\.lazy\(/);
    expect(ref.fib[GEN][OWNER]).toBe(ref.fib);
    expect(finish(launch(ref.fib, 0, 12)).value).toBe(144);
  });

  it('calls a fixed top-level function through its fast entry, and one that can never pause plainly', async () => {
    const calls = `
      export function count(n) { return n === 0 ? 0 : 1 + count(n - 1); }
      function looped(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export function viaLooped(n) { return looped(n) + 1; }
      function leaf(x) { return x * 2; }
      function twoLeaves(x) { return leaf(x) + leaf(x + 1); }
      export function viaLeaves(n) { let s = 0; for (let i = 0; i < n; i++) s += twoLeaves(i); return s; }
      export function rebound() { return later(1); }
      function later(x) { return x + spin(2); }
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export function rebind() { later = (x) => -x; }
    `;
    const code = transform(calls, { filename: 'calls.mjs', copiesAtRunTime: false }).code;
    // The recursion and the call to a function with a loop go straight to the fast entries...
    expect(code).toMatch(/const \$pe_fast_count(?:_\d+)? = \$pe(?:_\d+)?\.fastOf\(count\)/);
    expect(code).toMatch(/\$pe_fast_count(?:_\d+)?\(n - 1\)/);
    expect(code).toMatch(/\$pe_fast_looped(?:_\d+)?\(n\)/);
    // ...leaf and twoLeaves (which only calls leaf) can never pause: no versions, and plain calls to them...
    expect(code).not.toMatch(/\.(lazy|def)\((leaf|twoLeaves),/);
    expect(code).toMatch(/s \+= twoLeaves\(i\)/);
    // ...and a function whose binding is reassigned is looked up at every call.
    expect(code).not.toMatch(/fastOf\(later\)/);
    const c = await instrument(calls);
    const counted = finish(launch(c.count, 0, 50));
    expect(counted.value).toBe(50);
    expect(counted.pauses).toBeGreaterThan(50); // every frame of the recursion still checkpoints
    const looped = finish(launch(c.viaLooped, 0, 30));
    expect(looped.value).toBe(436);
    expect(looped.pauses).toBeGreaterThan(30); // pauses inside looped(), reached through the fast entry
    expect(finish(launch(c.viaLeaves, 0, 10)).value).toBe(200);
    expect(finish(launch(c.rebound, 0)).value).toBe(2);
    c.rebind();
    expect(finish(launch(c.rebound, 0)).value).toBe(-1);
    // In a wrapper invoked at the top level, the same, for calls inside it only: outside, the name is a
    // global that may pause, and its calls stay dispatched.
    const wrapped = transform(`
      const api = (() => {
        function inner(x) { return x + 1; }
        function run(n) { let s = 0; for (let i = 0; i < n; i++) s += inner(i) + step(i); return s; }
        function step(n) { return run(n - 1); }
        return { run };
      })();
      export function outside(n) { let s = 0; for (let i = 0; i < n; i++) s += inner(i); return s; }
    `, { filename: 'wrapped.mjs', copiesAtRunTime: false }).code;
    expect(wrapped).toMatch(/^\s+const \$pe_fast_step(?:_\d+)? = \$pe(?:_\d+)?\.fastOf\(step\)/m);
    expect(wrapped).toMatch(/s \+= inner\(i\) \+/);
    // (The site tests the callee's kind first, then its own fast copy: bench/experiments/site-forms.mjs.)
    expect(wrapped).toMatch(/typeof inner === "function"\) \? \(\(\$g = inner\[\$pe_FAST(?:_\d+)?\]\) && \$g\[\$pe_OWNER(?:_\d+)?\] === inner \? \$g\(i\) : inner\(i\)\) : inner\(i\)/);
  });

  it('re-enters a loop after a tick that does not pause without evaluating its test again', async () => {
    const tight = `
      export function countUp(n) { let i = 0; let s = 0; while (i++ < n) s += i; return [i, s]; }
      export function countDown(n) { let seen = 0; let steps = 0; for (let j = n; j-- > 0; steps++) seen += j; return [seen, steps]; }
      export function withCall(n) { let s = 0; for (let i = 0; i < n; i++) s += Math.max(i, 0) + g(i); return s; }
      function g(x) { let t = 0; for (let k = 0; k < 2; k++) t += x; return t; }
    `;
    const code = transform(tight, { filename: 'tight.mjs', copiesAtRunTime: false }).code;
    // Every while/for loop leaves by `break` when the counter runs out and calls tick() after the loop: in
    // the fast copies of countUp, countDown, withCall and g, and three times in each re-entry copy (the loop
    // resumed into, in dual mode; the rest of it after the iteration resumed in, as the fast copy has it;
    // and the fast copy's form for a loop reached with `$r` false).
    expect(code.match(/\$t(?:_\d+)? = true; break;/g)).toHaveLength(16);
    expect(code.match(/\(\$x(?:_\d+)? = true, false\)/g)).toHaveLength(4);
    expect(code.match(/if \(\$x(?:_\d+)?\) \{ \$x(?:_\d+)? = false; for \(;;\)/g)).toHaveLength(4);
    const t = await instrument(tight);
    // A long budget: the countdown runs out every few microseconds and tick() says "go on" each time,
    // inside the fast copy, where the loop is re-entered past the test it already evaluated.
    const up = finish(launch(t.countUp, 60_000, 400_000), 60_000);
    expect(up).toEqual({ value: [400_001, 400_000 * 400_001 / 2], pauses: 0 });
    const down = finish(launch(t.countDown, 60_000, 400_000), 60_000);
    expect(down).toEqual({ value: [400_000 * 399_999 / 2, 400_000], pauses: 0 });
    // Budget 0: every checkpoint pauses, and the rest of the loop runs in the re-entry copy.
    expect(finish(launch(t.countUp, 0, 50)).value).toEqual([51, 1275]);
    // Paused once, then the rest in one long slice of the re-entry copy, where ticks say "go on" as above.
    for (const [fn, expected] of [[t.countUp, up.value], [t.countDown, down.value]] as const) {
      const task = launch(fn, 0, 400_000);
      expect(task.status).toBe('paused');
      expect(finish(task, 60_000)).toEqual({ value: expected, pauses: 1 });
    }
    expect(finish(launch(t.withCall, 0, 20)).value).toBe(190 + 380);
  });

  it('pauses inside an instrumented next() that a for-of steps, and resumes into it; cancel closes nothing', async () => {
    const m = await instrument(`
      export class Count {
        constructor(n, log) { this.i = 0; this.n = n; this.log = log; }
        [Symbol.iterator]() { return this; }
        next() { let w = 0; for (let j = 0; j < 20; j++) w += j; return this.i < this.n ? { value: this.i++ + w, done: false } : { done: true }; }
        return() { this.log.push('return'); return { done: true }; }
      }
      export function total(it) { let s = 0; for (const v of it) s += v; return s; }
    `);
    const log: string[] = [];
    // Budget 0 pauses at every checkpoint: 20 loop tops in each of 6 next() calls, besides total's own.
    const { value, pauses } = finish(launch(m.total, 0, new m.Count(5, log)));
    expect(value).toBe(0 + 1 + 2 + 3 + 4 + 5 * 190);
    expect(pauses).toBeGreaterThan(6 * 20);
    expect(log).toEqual([]);
    // Paused inside next() and cancelled: the loop did not finish, and a pause is not a reason to close it.
    const task = launch(m.total, 0, new m.Count(5, log));
    for (let i = 0; i < 30; i++) resume(task, 0); // in the second next() by now
    expect(task.status).toBe('paused');
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(log).toEqual([]);
  });

  it('pauses inside a user generator that a for-of steps; other consumers, and a plain resumption of one left paused, get plain steps', async () => {
    const m = await instrument(`
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      function* gen(n) { for (let i = 0; i < n; i++) yield work(20) + i; }
      function total(it) { let s = 0; for (const v of it) s += v; return s; }
      export function totalOf(n, box) { const it = gen(n); box.it = it; return total(it); }
      export function spreadOf(n) { return [...gen(n)]; }
      export function spreadIt(it) { return [...it]; }
      export const plainGen = gen;
    `);
    const expected = [190, 191, 192, 193];
    // Budget 0: every checkpoint pauses, inside gen's loop and inside work() called from gen.
    const r = finish(launch(m.totalOf, 0, 4, {}));
    expect(r.value).toBe(190 * 4 + 6);
    expect(r.pauses).toBeGreaterThan(4 * 20);
    // A generator made outside any task is the original's: a for-of in a task steps it plainly.
    expect(finish(launch(m.totalOf, 0, 4, {})).pauses).toBeGreaterThan(finish(launch((it: Iterable<number>) => [...it], 0, m.plainGen(4))).pauses);
    // A spread inside a task is a plain consumer: it must never receive the runtime's pause marker.
    expect(finish(launch(m.spreadOf, 0, 4)).value).toEqual(expected);
    // Paused inside work() inside gen, and left paused: the generator, resumed by another consumer (a spread
    // in another task, every checkpoint pausing), finishes without handing it the pause marker.
    const box: { it?: Iterable<number> } = {};
    const task = launch(m.totalOf, 0, 4, box);
    for (let i = 0; i < 10; i++) resume(task, 0);
    expect(task.status).toBe('paused');
    const rest = finish(launch(m.spreadIt, 0, box.it)).value as unknown[];
    expect(rest.length).toBeGreaterThan(0);
    expect(rest).toEqual(expected.slice(4 - rest.length));
    // Cancelled instead: the generator was running in the task, and cancel unwinds it too (as an exception
    // thrown there would): it is done.
    const box2: { it?: Iterable<number> } = {};
    const task2 = launch(m.totalOf, 0, 4, box2);
    for (let i = 0; i < 10; i++) resume(task2, 0);
    cancel(task2);
    expect(finish(launch(m.spreadIt, 0, box2.it)).value).toEqual([]);
  });

  it('pauses inside a user generator stepped by explicit next() calls (fast copy and generator version)', async () => {
    const m = await instrument(`
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      function* gen(n) { let got = 0; for (let i = 0; i < n; i++) got += (yield work(20) + i) ?? 0; return got; }
      export function drive(n) { const it = gen(n); let r = it.next(); let s = 0; while (!r.done) { s += r.value; r = it.next(1); } return [s, r.value]; }
      export function driveTry(n) { try { return drive(n); } finally { work(1); } }
      export const plainGen = gen;
    `);
    for (const run of [m.drive, m.driveTry]) {
      const r = finish(launch(run, 0, 4));
      expect(r.value).toEqual([190 * 4 + 6, 4]);
      expect(r.pauses).toBeGreaterThan(4 * 20); // inside gen's body and work(), not only the caller's loop
    }
    // Outside a task, or on a generator made outside one, next() is the builtin's.
    expect(m.drive(4)).toEqual([190 * 4 + 6, 4]);
    const it = m.plainGen(2);
    expect(finish(launch((x: Iterator<number>) => [x.next(), x.next(5), x.next(6)], 0, it)).value).toEqual([
      { value: 190, done: false }, { value: 191, done: false }, { value: 11, done: true },
    ]);
  });

  it('pauses inside a user generator that Array.from steps (with a mapping function too)', async () => {
    const m = await instrument(`
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      function* gen(n) { for (let i = 0; i < n; i++) yield work(20) + i; }
      export function all(n) { return Array.from(gen(n)); }
      export function mapped(n) { return Array.from(gen(n), (v, k) => v * 10 + k); }
      export function allTry(n) { try { return Array.from(gen(n)); } finally { work(1); } }
    `);
    for (const [run, expected] of [[m.all, [190, 191, 192, 193]], [m.mapped, [1900, 1911, 1922, 1933]], [m.allTry, [190, 191, 192, 193]]] as const) {
      const r = finish(launch(run, 0, 4));
      expect(r.value).toEqual(expected);
      expect(r.pauses).toBeGreaterThan(4 * 20); // inside gen's body and work(), not only the caller
    }
    expect(m.all(4)).toEqual([190, 191, 192, 193]); // outside a task: the builtin
  });

  it('pauses inside the map function of Array.from over any input, a toSorted comparator, a replace replacer, a JSON.parse reviver and an EventEmitter listener', async () => {
    const m = await instrument(`
      import { EventEmitter } from 'node:events';
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      const f = (v, k) => work(20) + k * 100 + (v ?? 0);
      export const cases = {
        arrayLike: () => Array.from({ length: 4, 1: 5 }, f),
        array: () => Array.from([1, 2, 3, 4], f),
        set: () => Array.from(new Set([1, 2, 3, 4]), f),
        iterator: () => Array.from({ [Symbol.iterator]() { let i = 0; return { next: () => ({ value: i, done: i++ >= 4 }) }; } }, f),
        toSorted: () => [4, 2, 3, 1].toSorted((a, b) => work(20) * 0 + a - b),
        replaceRegExp: () => 'a1b2c3d4'.replace(/\\d/g, (d, at) => String(work(20) + at)),
        replaceString: () => 'x' + 'abcd'.replace('c', (c) => c + work(100)),
        replaceAll: () => 'a-b-c-d-e'.replaceAll('-', (d, at) => String(work(20) + at)),
        jsonReviver: () => JSON.parse('[1,{"a":2},3,4]', (k, v) => (typeof v === 'number' ? work(20) + v : v)),
        emit: () => { const e = new EventEmitter(); let s = 0; e.on('x', (v) => { s += work(20) + v; }); e.on('x', (v) => { s -= work(20); }); return [e.emit('x', 1), e.emit('x', 2), s]; },
      };
      export function run(name) { return cases[name](); }
    `);
    for (const name of Object.keys(m.cases)) {
      const r = finish(launch(m.run, 0, name));
      expect(r.value, name).toEqual(m.cases[name]());
      expect(r.pauses, name).toBeGreaterThan(4 * 20); // inside the callback's loop, not only the caller
    }
  });

  it('pauses inside a `*[Symbol.iterator]()` method that a for-of steps', async () => {
    const m = await instrument(`
      class Bag {
        constructor(n) { this.n = n; }
        *[Symbol.iterator]() { for (let i = 0; i < this.n; i++) { let w = 0; for (let j = 0; j < 20; j++) w += j; yield w + i; } }
      }
      export function total(n) { let s = 0; for (const v of new Bag(n)) s += v; return s; }
    `);
    const { value, pauses } = finish(launch(m.total, 0, 4));
    expect(value).toBe(190 * 4 + 6);
    expect(pauses).toBeGreaterThan(4 * 20); // not only total's own checkpoints
  });

  it('pauses inside a generator method that reads super (its copy reads from the home object)', async () => {
    const m = await instrument(`
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      class A { base(i) { return i * 2; } }
      class B extends A { *items(n) { for (let i = 0; i < n; i++) yield super.base(i) + work(20); } }
      export function total(n) { let s = 0; for (const v of new B().items(n)) s += v; return s; }
    `);
    const { value, pauses } = finish(launch(m.total, 0, 4));
    expect(value).toBe(m.total(4));
    expect(pauses).toBeGreaterThan(4 * 20);
  });

  it('pauses inside a user generator that reads arguments (a copy made per call: runtime genEntryMade)', async () => {
    const m = await instrument(`
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      function* each() { for (let i = 0; i < arguments.length; i++) yield arguments[i] + work(20); }
      export function total() { let s = 0; for (const v of each(1, 2, 3, 4)) s += v; return s; }
    `);
    const { value, pauses } = finish(launch(m.total, 0));
    expect(value).toBe(m.total());
    expect(pauses).toBeGreaterThan(4 * 20);
  });

  it('pauses inside generators a stepped generator delegates to with yield* (runtime delegating)', async () => {
    const m = await instrument(`
      function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      function* leaves(node) {
        if (node.kids.length === 0) { yield work(20) + node.v; return; }
        for (const k of node.kids) yield* leaves(k);
      }
      export function total(tree) { let s = 0; for (const v of leaves(tree)) s += v; return s; }
    `);
    const tree = { v: 0, kids: [1, 2, 3].map((v) => ({ v, kids: [{ v: v * 10, kids: [] }, { v: v * 100, kids: [] }] })) };
    const { value, pauses } = finish(launch(m.total, 0, tree));
    expect(value).toBe(m.total(tree));
    expect(pauses).toBeGreaterThan(6 * 20); // inside work(), two generators deep
  });

  it('pauses inside a user generator stepped by a for-of in a generator version (runtime forOfIn)', async () => {
    const m = await instrument(`
      function* gen(n) { for (let i = 0; i < n; i++) { let w = 0; for (let j = 0; j < 20; j++) w += j; yield w + i; } }
      // try/catch: not in the fast subset, so this runs as a generator version with the engine's for-of.
      export function total(n) { let s = 0; try { for (const v of gen(n)) s += v; } catch { s = -1; } return s; }
    `);
    const { value, pauses } = finish(launch(m.total, 0, 4));
    expect(value).toBe(190 * 4 + 6);
    expect(pauses).toBeGreaterThan(4 * 20);
  });

  it('rejects a lazy option that is not a boolean', () => {
    expect(() => transform(source, { filename: 'x.mjs', lazy: 'yes' as never })).toThrow(PreemptibleArgumentError);
  });
});

describe('constructors split after super() (runtime constructors.ts)', () => {
  const ctorSource = `
    export const progress = { i: -1 };
    function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) % 7919; return s; }
    export class Grid {
      constructor(n) {
        this.cells = [];
        for (let i = 0; i < n; i++) { progress.i = i; this.cells.push(spin(5) + i); }
      }
    }
    class Base { base = 'field'; constructor(n) { this.n = n; } }
    export class Derived extends Base {
      constructor(n, k = 2) {
        super(n);
        let t = 0;
        for (let i = 0; i < n; i++) { progress.i = i; t += spin(3) * k; }
        this.t = t;
        if (n === 99) return { replaced: true };
      }
    }
    // try/catch: outside the fast subset, so the body is a generator version.
    export class Careful {
      constructor(n) {
        try { for (let i = 0; i < n; i++) { progress.i = i; spin(3); } this.ok = n; } catch (e) { this.ok = -1; }
      }
    }
    export class Filler {
      #fill(n) { for (let i = 0; i < n; i++) { progress.i = i; spin(3); } return n; }
      constructor(n) { this.n = this.#fill(n); }
    }
    export function filler(n) { return new Filler(n).n; }
    // As bundlers write classes: found under the variable's name and the class's own.
    export var Bundled = class _Bundled {
      constructor(n) { let k = 0; for (let i = 0; i < n; i++) { progress.i = i; k += spin(3); } this.k = n; }
      static make(n) { return new _Bundled(n).k; }
    };
    export function bundled(n) { return new Bundled(n).k; }
    export function grid(n) { return new Grid(n).cells.length; }
    export class Many { constructor(label, ...ns) { for (const n of ns) { progress.i = n; spin(3); } this.count = label + ns.length; } }
    export function many(n) { return new Many('m', ...Array.from({ length: n }, (_, i) => i)).count; }
    export class Kinded { constructor(n) { for (let i = 0; i < n; i++) { progress.i = i; spin(3); } this.kind = new.target.name; } }
    export function kinded(n) { return new Kinded(n).kind; }
    export class KindedArrow { constructor(n) { const kind = () => new.target.name; for (let i = 0; i < n; i++) { progress.i = i; spin(3); } this.kind = kind(); } }
    export function kindedArrow(n) { return new KindedArrow(n).kind; }
    // super(...args): NEW is taken off the rest parameter before anything runs.
    export class Forwarding extends Base { constructor(...args) { super(...args); for (let i = 0; i < this.n; i++) { progress.i = i; spin(3); } this.args = args.length; } }
    export function forwarding(n) { const f = new Forwarding(n, 'x'); return [f.n, f.args, f.base]; }
    // Declarations before super() are handed to the body's copy.
    export class Prepared extends Base {
      constructor(n) {
        const twice = n * 2;
        let total;
        var { k = 3 } = {};
        super(twice);
        total = 0;
        for (let i = 0; i < n; i++) { progress.i = i; total += spin(k); }
        this.summary = [twice, total > 0, k, this.n];
      }
    }
    export function prepared(n) { return new Prepared(n).summary; }
    export function derived(n) { const d = new Derived(n); return [d.base, d.n, d.t, d instanceof Derived, d.replaced]; }
    export function careful(n) { return new Careful(n).ok; }
    // A caller outside the fast subset (try/catch): its \`new\` goes through a generator version's site.
    export function gridFromGenerator(n) { try { return new Grid(n).cells.length; } catch { return -1; } }
  `;

  /**
   * Launched with budget 0 and resumed 12 times, `run(n)` must be paused in the middle of a constructor's loop
   * (`progress.i` past 0, short of n - 1); returns what it then finishes with.
   */
  const midway = (progress: { i: number }, run: (n: number) => unknown, n: number): unknown => {
    const task = launch(run, 0, n);
    for (let i = 0; i < 12; i++) resume(task, 0);
    expect(progress.i).toBeGreaterThan(0);
    expect(progress.i).toBeLessThan(n - 1);
    return finish(task).value;
  };

  it('pauses inside a base-class constructor body and resumes into it', async () => {
    const m = await instrument(ctorSource);
    const task = launch(m.grid, 0, 50);
    for (let i = 0; i < 12; i++) resume(task, 0);
    expect(task.status).toBe('paused');
    expect(m.progress.i).toBeGreaterThan(0); // paused with the loop in the constructor half done
    expect(m.progress.i).toBeLessThan(49);
    expect(finish(task).value).toBe(50);
    expect(m.Grid.length).toBe(1); // the added parameter does not count
  });

  it('pauses inside a derived constructor after super(); fields, defaults and an object returned behave as plain', async () => {
    const m = await instrument(ctorSource);
    const plain = (n: number): unknown => { const d = new m.Derived(n); return [d.base, d.n, d.t, d instanceof m.Derived, d.replaced]; };
    expect(midway(m.progress, m.derived, 40)).toEqual(plain(40));
    expect(finish(launch(m.derived, 0, 99)).value).toEqual(plain(99));
    expect(m.Derived.length).toBe(1);
  });

  it('pauses inside a body kept as a generator version, and at a `new` in a generator version', async () => {
    const m = await instrument(ctorSource);
    expect(midway(m.progress, m.careful, 30)).toBe(30);
    expect(midway(m.progress, m.gridFromGenerator, 30)).toBe(30);
  });

  it('pauses inside the constructor of a class written `var C = class _C {}`, under either name', async () => {
    const m = await instrument(ctorSource);
    for (const run of [m.bundled, m.Bundled.make]) {
      expect(midway(m.progress, run, 30)).toBe(30);
    }
  });

  it('pauses inside a constructor body that reads new.target (a parameter of its copy), also in an arrow', async () => {
    const m = await instrument(ctorSource);
    for (const [run, kind] of [[m.kinded, 'Kinded'], [m.kindedArrow, 'KindedArrow']] as const) {
      expect(midway(m.progress, run, 30)).toBe(kind);
    }
  });

  it('pauses inside a constructor with a rest parameter (NEW comes last in it and is taken off)', async () => {
    const m = await instrument(ctorSource);
    expect(midway(m.progress, m.many, 30)).toBe('m30');
  });

  it('pauses inside a derived constructor that forwards its rest parameter to super() or declares before it', async () => {
    const m = await instrument(ctorSource);
    const plainForwarding = new m.Forwarding(30, 'x');
    const plainPrepared = new m.Prepared(30).summary;
    for (const [run, expected] of [[m.forwarding, [plainForwarding.n, plainForwarding.args, plainForwarding.base]], [m.prepared, plainPrepared]] as const) {
      expect(midway(m.progress, run, 30)).toEqual(expected);
    }
    expect(plainForwarding.args).toBe(2);
    expect(plainPrepared).toEqual([60, true, 3, 60]);
  });

  it('pauses before super(): in a loop there, in super()\'s arguments, in a copy kept as a generator version', async () => {
    const m = await instrument(`
      export const progress = { i: -1 };
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) % 7919; return s; }
      class Base { constructor(...parts) { this.parts = parts; this.kind = new.target.name; } }
      export class Pre extends Base {
        tail = this.parts.length;
        constructor(n, label) {
          let acc = 0;
          for (let i = 0; i < n; i++) { progress.i = i; acc += spin(3); }
          n = n + 1;
          super(acc, label);
          this.n = n;
        }
      }
      function counted(n) { for (let i = 0; i < n; i++) { progress.i = i; spin(3); } return n; }
      export class InArgs extends Base { constructor(n) { super(counted(n), 'x'); } }
      export class Careful extends Base {
        constructor(n) {
          let acc;
          try { acc = 0; for (let i = 0; i < n; i++) { progress.i = i; acc += spin(3); } } catch { acc = -1; }
          super(acc);
        }
      }
      export const pre = (n) => { const p = new Pre(n, 'L'); return [p.parts, p.kind, p.tail, p.n]; };
      export const inArgs = (n) => { const p = new InArgs(n); return [p.parts, p.kind]; };
      export const careful = (n) => new Careful(n).parts;
    `);
    expect(m.Pre.length).toBe(2);
    expect(midway(m.progress, m.pre, 30)).toEqual(m.pre(30));
    expect(m.pre(30)).toEqual([[90, 'L'], 'Pre', 2, 31]);
    expect(midway(m.progress, m.inArgs, 30)).toEqual([[30, 'x'], 'InArgs']);
    expect(midway(m.progress, m.careful, 30)).toEqual([90]);
  });

  it('pauses inside a constructor body that reads arguments (the count token is taken off it first)', async () => {
    const m = await instrument(`
      export const progress = { i: -1 };
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) % 7919; return s; }
      export class Args {
        constructor(a, b) {
          let t = 0;
          for (let i = 0; i < a; i++) { progress.i = i; t += spin(3); }
          this.seen = [t, arguments.length, [...arguments], Object.keys(arguments)];
        }
      }
      export const one = (a) => new Args(a).seen;
      export const three = (a) => new Args(a, 'b', 'c').seen;
    `);
    expect(midway(m.progress, m.one, 30)).toEqual([90, 1, [30], ['0']]);
    expect(midway(m.progress, m.three, 30)).toEqual([90, 3, [30, 'b', 'c'], ['0', '1', '2']]);
    expect(m.Args.length).toBe(2);
  });

  it('notes why the part before super() that could pause cannot be split off', () => {
    const code = `
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      class A extends Object { constructor({ x }) { super(spin(x)); } }
      class B extends Object { constructor(x) { const { y } = { y: spin(x) }; super(y); } }
      class C extends Object { constructor(x) { const f = () => this; spin(x); super(); } }
      class D extends Object { constructor(x) { if (spin(x)) return {}; super(); } }
      class E extends Object { constructor(...x) { super(...x.map(spin)); } }
      class F extends Object { constructor(x) { spin(x); super(later); const later = 1; } }
      const all = [new A({ x: 1 }), new B(1), new C(1), new D(1), new E(1), new F(1)];
    `;
    const notes = transform(code, { filename: 'x.mjs' }).diagnostics.filter((d) => d.code === 'constructor');
    expect(notes.map((d) => [d.line, d.message.replace(/.*cannot be split off: /, '')])).toEqual([
      [3, 'a parameter that is a pattern or a rest'],
      [4, 'a destructuring declaration before super()'],
      [5, '`this` or `super` before super()'],
      [6, 'a return before super()'],
      [7, 'a parameter that is a pattern or a rest'],
      [8, "'later', declared after super(), used before it"],
    ]);
  });

  it('pauses inside a #private method the constructor body calls', async () => {
    const m = await instrument(ctorSource);
    expect(midway(m.progress, m.filler, 30)).toBe(30);
  });

  it('a task cancelled inside a constructor ends cancelled; later constructions are whole', async () => {
    const m = await instrument(ctorSource);
    const task = launch(m.grid, 0, 50);
    for (let i = 0; i < 12; i++) resume(task, 0);
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(finish(launch(m.grid, 0, 20)).value).toBe(20);
    expect(new m.Grid(7).cells.length).toBe(7); // outside a task: the constructor as written
  });

  it('constructs plainly when the name means another class at run time, or with more arguments than parameters', async () => {
    const m = await instrument(`
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      class K { constructor(a) { let s = 0; for (let i = 0; i < a; i++) s += spin(3); this.s = s; } }
      export function make(a) { return new K(a).s; }
      export function extra(a) { return new K(a, 1, 2).s; }
      export function swap() { K = class { constructor(a) { this.s = 'other:' + a + ':' + arguments.length; } }; }
    `);
    expect(finish(launch(m.extra, 0, 5)).value).toBe(15);
    expect(finish(launch(m.make, 0, 5)).value).toBe(15);
    m.swap();
    expect(finish(launch(m.make, 0, 5)).value).toBe('other:5:1');
  });

  it('pauses inside the constructor of a class imported from another instrumented module', async () => {
    const lib = join(root, '.test-out', 'unit', `ctorlib_${process.pid}.mjs`);
    mkdirSync(dirname(lib), { recursive: true });
    writeFileSync(lib, transform(`
      export const progress = { i: -1 };
      export class Big {
        constructor(n) { this.xs = []; for (let i = 0; i < n; i++) { progress.i = i; this.xs.push(i); } }
      }
      // Inherits Big's split (a static property): constructed plainly, so Big's body runs inside its super().
      export class Sub extends Big { constructor(...a) { super(...a); this.z = this.xs.length; } }
      // An anonymous class: no \`new\` here names it, an importer's can.
      export default class { constructor(n) { this.ys = []; for (let i = 0; i < n; i++) { progress.i = i; this.ys.push(i); } } }
    `, { filename: 'lib.mjs' }).code);
    const m = await instrument(`
      import Anonymous, { Big, Sub, progress } from './ctorlib_${process.pid}.mjs';
      export function anonymous(n) { return new Anonymous(n).ys.length; }
      import * as lib from './ctorlib_${process.pid}.mjs';
      export function viaNamespace(n) { return new lib.Big(n).xs.length; }
      export function viaNamespaceInGenerator(n) { try { return new lib.Big(n).xs.length; } finally { progress.done = true; } }
      export function sub(n) { return new Sub(n).z; }
      export { progress };
      export function make(n) { return new Big(n).xs.length; }
      export function makeSpread(args) { return new Big(...args).xs.length; }
    `);
    expect(midway(m.progress, m.make, 40)).toBe(40);
    expect(midway(m.progress, m.anonymous, 40)).toBe(40);
    expect(finish(launch(m.makeSpread, 0, [25, 'ignored'])).value).toBe(25);
    expect(finish(launch(m.sub, 0, 15)).value).toBe(15);
    // `new ns.C()` through a namespace import, from a fast copy and from a generator version (try/finally).
    for (const run of [m.viaNamespace, m.viaNamespaceInGenerator]) {
      expect(midway(m.progress, run, 40)).toBe(40);
    }
  });

  it('pauses inside the constructor of a class a CommonJS module requires by name', () => {
    const dir = join(root, '.test-out', 'unit');
    mkdirSync(dir, { recursive: true });
    const lib = join(dir, `ctorlib_${process.pid}.cjs`);
    writeFileSync(lib, transform(`
      const progress = { i: -1 };
      class Big { constructor(n) { this.xs = []; for (let i = 0; i < n; i++) { progress.i = i; this.xs.push(i); } } }
      let reads = 0;
      // A getter, as compilers write re-exports: a site must read it once, as the original does.
      module.exports = { Big, progress, get Counted() { reads++; return Big; }, reads: () => reads };
    `, { filename: 'lib.cjs' }).code);
    const user = join(dir, `ctoruser_${process.pid}.cjs`);
    writeFileSync(user, transform(`
      const { Big, progress } = require('./ctorlib_${process.pid}.cjs');
      const Same = require('./ctorlib_${process.pid}.cjs').Big;
      // As TypeScript and Babel compile \`import * as lib\` to CommonJS: the module object, \`new lib.Big()\`.
      function __importStar(m) { return m; }
      const lib = require('./ctorlib_${process.pid}.cjs');
      const lib_1 = __importStar(require('./ctorlib_${process.pid}.cjs'));
      exports.progress = progress;
      exports.make = (n) => new Big(n).xs.length;
      exports.makeSame = (n) => new Same(n).xs.length;
      exports.member = (n) => new lib.Big(n).xs.length;
      exports.interop = (n) => new lib_1.Big(n).xs.length;
      exports.interopInGenerator = (n) => { try { return new lib_1.Big(n).xs.length; } finally { progress.done = true; } };
      exports.notConstructor = () => { try { return new lib.progress(); } catch (e) { return e.message; } };
      exports.counted = (n) => new lib.Counted(n).xs.length;
      exports.countedInGenerator = (n) => { try { return new lib.Counted(n).xs.length; } finally { progress.done = true; } };
      exports.reads = () => lib.reads();
    `, { filename: 'user.cjs' }).code);
    const m = createRequire(import.meta.url)(user) as Record<string, any>;
    for (const run of [m.make, m.makeSame, m.member, m.interop, m.interopInGenerator]) {
      expect(midway(m.progress, run, 40)).toBe(40);
    }
    expect(finish(launch(m.notConstructor, 0)).value).toBe('lib.progress is not a constructor');
    for (const run of [m.counted, m.countedInGenerator]) {
      const before = m.reads();
      expect(midway(m.progress, run, 40)).toBe(40);
      expect(m.reads() - before).toBe(1);
    }
  });

  it('splits a constructor after `super(...), a, b;` as minifiers write it, and pauses in what follows', async () => {
    const m = await instrument(`
      export const progress = { i: -1 };
      function fill(n) { const xs = []; for (let i = 0; i < n; i++) { progress.i = i; xs.push(i); } return xs; }
      class Base { constructor(n) { this.n = n; } }
      class Minified extends Base { constructor(n) { super(n), this.xs = fill(n), this.done = this.xs.length === this.n; } }
      class Before extends Base { constructor(n) { const xs = fill(n); super(xs.length), this.xs = xs; } }
      export function minified(n) { const m = new Minified(n); return [m.xs.length, m.done]; }
      export function before(n) { return new Before(n).n; }
    `);
    expect(midway(m.progress, m.minified, 40)).toEqual([40, true]);
    expect(midway(m.progress, m.before, 40)).toBe(40);
  });

  it('pauses inside a user generator spread into an array literal or into the arguments of a call or new, or destructured', async () => {
    const m = await instrument(`
      export const progress = { i: -1 };
      function* gen(n) { for (let i = 0; i < n; i++) { progress.i = i; yield i; } }
      function sum(...xs) { return xs.length; }
      class Many { constructor(...xs) { this.n = xs.length; } }
      export function literal(n) { return [...gen(n)].length; }
      export function argument(n) { return sum(...gen(n)); }
      export function constructed(n) { return new Many(...gen(n)).n; }
      const source = { gen };
      export function destructured(n) { const [a, , b] = gen(n); const [c] = source.gen(n); return [a, b, c]; }
      export function destructuredLate(n) { const [, , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , , last] = gen(n); return last; }
    `);
    for (const run of [m.literal, m.argument, m.constructed]) expect(midway(m.progress, run, 40)).toBe(40);
    expect(finish(launch(m.destructured, 0, 40)).value).toEqual([0, 2, 0]);
    const plainLast = m.destructuredLate(50); // (called outside a task: the original)
    expect(plainLast).toBe(39);
    expect(midway(m.progress, m.destructuredLate, 50)).toBe(plainLast); // paused inside the generator's steps
  });

  it('pauses inside a constructor reached by any expression, and inside ordinary functions called with new', async () => {
    const m = await instrument(`
      export const progress = { i: -1 };
      class Long { constructor(n) { this.xs = []; for (let i = 0; i < n; i++) { progress.i = i; this.xs.push(i); } } }
      export class Holder { constructor() { this.C = Long; } make(n) { return new this.C(n).xs.length; } static build(n) { return new this(n); } }
      export class Built extends Holder { constructor(n) { super(); for (let i = 0; i < n; i++) progress.i = i; this.n = n; } }
      function Legacy(n) { this.xs = []; for (let i = 0; i < n; i++) { progress.i = i; this.xs.push(i); } }
      Legacy.prototype.size = function () { return this.xs.length; };
      function Targeted(n) { for (let i = 0; i < n; i++) progress.i = i; this.nt = new.target === Targeted; }
      export function member(n) { return new Holder().make(n); }
      export function viaThis(n) { return Built.build(n).n; }
      export function param(n, C = Long) { return new C(n).xs.length; }
      export function legacy(n) { const l = new Legacy(n); return [l.size(), l instanceof Legacy]; }
      export function closure(n) { function Inner(k) { this.k = 0; for (let i = 0; i < k; i++) { progress.i = i; this.k++; } } return new Inner(n).k; }
      export function targeted(n) { return new Targeted(n).nt; }
      export function fromGenerator(n) { try { return new Legacy(n).size(); } finally { progress.done = true; } }
    `);
    for (const [run, expected] of [[m.member, 40], [m.viaThis, 40], [m.param, 40], [m.legacy, [40, true]], [m.closure, 40], [m.fromGenerator, 40]] as const) {
      expect(midway(m.progress, run, 40)).toEqual(expected);
    }
    // A function reading new.target is constructed plainly (its versions see it undefined): whole, but right.
    const task = launch(m.targeted, 0, 40);
    expect(task.status).toBe('paused');
    resume(task, 0);
    expect(m.progress.i).toBe(39);
    expect(finish(task).value).toBe(true);
  });

  it('notes the constructors it keeps whole, with the reason', () => {
    const code = `
      function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      class A { constructor(n = arguments.length) { for (let i = 0; i < n; i++) spin(i); } }
      class B extends Object { constructor(x) { if (x) { var y = spin(x); } super(); this.y = y; } }
      const C = [class { constructor(n) { for (let i = 0; i < n; i++) spin(i); } }];
      class D extends Object { constructor(x) { const y = spin(x); super(); for (let i = 0; i < x; i++) spin(i); y = 2; } }
      class E { constructor(n) { for (let i = 0; i < n; i++) spin(i); } }
      class F extends Object { constructor(x) { const f = () => x; super(); for (let i = 0; i < x; i++) spin(i); x = f(); } }
      class G extends Object { constructor(...xs) { const y = spin(xs[0]); super(...xs); for (const x of xs) spin(x + y); } }
    `;
    const notes = transform(code, { filename: 'x.mjs' }).diagnostics.filter((d) => d.code === 'constructor');
    expect(notes.map((d) => [d.line, d.message.replace(/.*\(it cannot pause\): /, '')])).toEqual([
      [3, 'arguments in a parameter'],
      [4, 'a `var` nested in a statement before super()'],
      [6, "an assignment to the const 'y' declared before super()"],
      [8, "a function before the split sharing 'x', which the constructor assigns"],
    ]);
  });
});
