// Calls that forward to another function (runtime/forwarding.ts): `f.call`, `f.apply`, `Reflect.apply` and
// bound functions reach an instrumented target's versions inside a task, so it pauses there.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { launch, TO_COMPLETION } from 'preemptible';
import { finish } from './helpers/finish';
import { instrument } from './helpers/instrument';

const source = `
  export function spin(n, k = 1) { let s = 0; for (let i = 0; i < n; i++) s += i * k; return s; }
  export class Acc {
    constructor(k) { this.k = k; }
    work(n) { let s = 0; for (let i = 0; i < n; i++) s += i % this.k; return s; }
  }
  export function Pt(x, y) { this.x = x; this.y = y; for (let i = 0; i < 3; i++) this.x += i; }
  export async function later(n) { await null; return spin(n); }
  const acc = new Acc(3);
  // Bound at load, after the runtime loaded (this module imports it first).
  const boundAtLoad = acc.work.bind(acc);

  export const cases = {
    call: () => spin.call(null, 40, 2),
    apply: () => spin.apply(null, [40, 2]),
    applyArrayLike: () => spin.apply(undefined, { length: 2, 0: 40, 1: 3 }),
    applyNoList: () => spin.apply(null) + spin.apply(null, null),
    reflect: () => Reflect.apply(spin, null, [40, 2]),
    bind: () => spin.bind(null)(40),
    bindArgs: () => spin.bind(null, 40)(5),
    bindTwice: () => spin.bind(null).bind(null, 40)(2),
    boundMethod: () => acc.work.bind(acc)(40),
    boundAtLoad: () => boundAtLoad(40),
    boundCallback: () => [10, 20, 30].map(spin.bind(null)).reduce((a, b) => a + b),
    callOfBound: () => spin.bind(null, 40).call({}, 3),
    uncurried: () => Function.prototype.call.bind(spin)(null, 40, 2),
    plainTarget: () => Math.max.bind(null, 7).call(null, 3) + Math.min.apply(null, [4, 9]),
    constructBound: () => { const P = Pt.bind({ ignored: true }, 10); const p = new P(5); return [p.x, p.y, p instanceof Pt, 'ignored' in p]; },
  };
  export function run(name) { return cases[name](); }
  export function caught(f) { try { f(); return 'no error'; } catch (e) { return e.constructor.name + ': ' + e.message; } }
  export const errors = {
    applyPrimitive: () => spin.apply(null, 5),
    reflectPrimitive: () => Reflect.apply(spin, null, 1),
    callNonFunction: () => Function.prototype.call.call(1),
    bindNonFunction: () => Function.prototype.bind.call({}),
    targetThrows: () => spin.call(null, 3, { valueOf() { throw new RangeError('from valueOf'); } }),
  };
  export function runError(name) { return caught(errors[name]); }
  export const bound = { boundAtLoad, work: acc.work.bind(acc, 40), later: later.bind(null, 30) };
`;

const m = await instrument(source);

describe('calls through call, apply, Reflect.apply and bound functions', () => {
  it('pause inside the target and give the plain result', () => {
    for (const name of Object.keys(m.cases)) {
      const expected = m.cases[name]();
      const r = finish(launch(m.run, 0, name));
      expect(r.value, name).toEqual(expected);
      // Budget 0: every checkpoint the target's loop passes pauses. Two cases have no loop to run.
      if (name === 'plainTarget' || name === 'applyNoList') expect(r.pauses, name).toBeLessThan(5);
      else expect(r.pauses, name).toBeGreaterThan(name === 'constructBound' ? 0 : 20);
    }
  });

  it('a bound constructor is constructed by the engine: the target runs whole, new.target and prototype are its own', () => {
    const r = finish(launch(m.run, 0, 'constructBound'));
    expect(r.value).toEqual([13, 5, true, false]);
    // The pauses are the task's own checkpoints, none inside Pt (three iterations would give more).
    expect(r.pauses).toBeLessThan(4);
  });

  it('throws what the builtins throw, and passes the target\'s exceptions through', () => {
    for (const name of Object.keys(m.errors)) {
      const expected = m.runError(name);
      expect(expected, name).not.toBe('no error');
      const got = finish(launch(m.runError, 0, name)).value;
      if (name === 'callNonFunction') {
        // The one difference (README): call/apply of a non-function inside a task words the TypeError as
        // Reflect.apply does, where the engine names the expression called.
        expect(expected).toBe('TypeError: Function.prototype.call.call is not a function');
        expect(got).toBe('TypeError: Function.prototype.apply was called on 1, which is a number and not a function');
      } else expect(got, name).toBe(expected);
    }
  });

  it('launch() of a bound function runs its target\'s versions', async () => {
    const a = finish(launch(m.bound.boundAtLoad, 0, 40));
    expect(a.value).toBe(m.bound.boundAtLoad(40));
    expect(a.pauses).toBeGreaterThan(20);
    const b = finish(launch(m.bound.work, 0));
    expect(b.value).toBe(m.spin(40, 0) + (0 + 1 + 2) * 13 + 0);
    expect(b.pauses).toBeGreaterThan(20);
    // An async target: the task waits at its await, as a launch of the target itself does.
    const direct = launch(m.later, TO_COMPLETION, 30);
    const viaBound = launch(m.bound.later, TO_COMPLETION);
    expect(viaBound.status).toBe(direct.status);
    expect(viaBound.status).toBe('waiting');
    await Promise.all([direct.ready, viaBound.ready]);
    expect(viaBound.status).toBe('paused');
    expect(viaBound.pausedBy).toBe('await');
    expect(finish(viaBound).value).toBe(finish(direct).value);
    expect(viaBound.value).toBe(435);
  });

  it('Function.prototype.bind keeps the builtin\'s shape, text and errors; call and apply keep their own keys', () => {
    const bind = Function.prototype.bind;
    expect(bind.name).toBe('bind');
    expect(bind.length).toBe(1);
    expect(Object.hasOwn(bind, 'prototype')).toBe(false);
    expect(() => new (bind as unknown as new () => unknown)()).toThrow(TypeError);
    expect(Function.prototype.toString.call(bind)).toBe('function bind() { [native code] }');
    const fresh = vm.runInNewContext('try { Function.prototype.bind.call({}) } catch (e) { e.message }');
    expect(() => bind.call({} as never)).toThrow(fresh);
    const b = m.spin.bind(null, 1);
    expect(b.name).toBe('bound spin');
    expect(b.length).toBe(0);
    expect(Object.keys(b)).toEqual([]);
    for (const builtin of [Function.prototype.call, Function.prototype.apply, Reflect.apply]) {
      expect(Object.getOwnPropertyNames(builtin).sort()).toEqual(['length', 'name']);
    }
  });

  it('binding runs no code of the program the engine\'s bind does not: a Proxy sees the same traps', () => {
    const engineBind = vm.runInNewContext('Function.prototype.bind') as typeof Function.prototype.bind;
    const traps = (bind: typeof Function.prototype.bind): string[] => {
      const seen: string[] = [];
      const handler: ProxyHandler<typeof m.spin> = {};
      for (const trap of ['get', 'has', 'getOwnPropertyDescriptor', 'ownKeys', 'getPrototypeOf', 'apply'] as const) {
        (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
          seen.push(`${trap} ${String(args[1])}`);
          return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
        };
      }
      const bound = bind.call(new Proxy(m.spin, handler), null, 10) as (k: number) => number;
      seen.push(`= ${bound(2)}`);
      return seen;
    };
    const expected = traps(engineBind);
    expect(expected).toContain('getOwnPropertyDescriptor length'); // the engine's own reads (SetFunctionLength)
    expect(traps(Function.prototype.bind)).toEqual(expected);
  });
});
