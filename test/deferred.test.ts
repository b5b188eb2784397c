// Instrumented closures get their versions when a task first needs them (runtime/deferred.ts), so that
// creating one outside a task costs what it costs in the original code.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launch, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';
import { finish } from './helpers/finish';
import { instrument, root } from './helpers/instrument';

const FAST = Symbol.for('preemptible.fast');
const GEN = Symbol.for('preemptible.gen');
const OWNER = Symbol.for('preemptible.owner');

const source = `
  import { pause } from 'preemptible';
  function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
  // lazy subset, generator version (try/finally), arrow using this, async, named function expression
  export function make(log) {
    const fast = (n) => spin(n) + 1;
    const guarded = (n) => { try { pause(); return spin(n); } finally { log.push('finally'); } };
    const self = { k: 2, arrow() { return (n) => spin(n) * this.k; } };
    const later = async (n) => spin(n);
    const named = function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) + spin(0); };
    return { fast, guarded, arrow: self.arrow(), later, named };
  }
  export function plain() { return (x) => x + 1; }
  export function callAll(f) { return [f.fast(10), f.guarded(4), f.arrow(3), f.named(5)]; }
`;
const m = await instrument(source);
const reference = m.plain();

describe('deferred versions of closures', () => {
  it('creating a closure attaches nothing: same own keys and the name the engine infers', () => {
    const fns = m.make([]);
    for (const [key, fn] of Object.entries(fns) as Array<[string, (...a: unknown[]) => unknown]>) {
      const expected = key === 'arrow' ? '' : key === 'named' ? 'fact' : key;
      expect(fn.name).toBe(expected);
      expect(Reflect.ownKeys(fn).filter((k) => typeof k === 'symbol')).toEqual([]);
      expect(Object.keys(fn)).toEqual([]);
    }
    expect(Reflect.ownKeys(fns.fast)).toEqual(Reflect.ownKeys(reference));
    expect({ ...fns.fast }).toEqual({});
  });

  it('gives a closure made outside a task its versions when a task calls it, and it pauses there', async () => {
    const log: string[] = [];
    const fns = m.make(log);
    // Never asked for yet: inside a task, the dispatch asks, and the versions appear.
    const r = finish(launch(m.callAll, 0, fns));
    expect(r.value).toEqual([46, 6, 6, 120]);
    expect(r.pauses).toBeGreaterThan(10); // fast copies and generator versions both checkpoint
    expect(log).toEqual(['finally']);
    expect(fns.fast[FAST][OWNER]).toBe(fns.fast);
    expect(fns.guarded[GEN][OWNER]).toBe(fns.guarded);
    const task = launch(fns.later, TO_COMPLETION, 8);
    await task.ready;
    expect(task.value).toBe(28);
  });

  it('answers undefined for functions that have no versions', () => {
    expect((reference as any)[GEN]).toBeUndefined();
    expect((reference as any)[FAST]).toBeUndefined();
    expect((Math.max as any)[FAST]).toBeUndefined();
    // A function asked often has the answer remembered as a hidden own property (so the next lookup is a
    // plain data load), never enumerable; one asked a few times has none (defining it costs more than a
    // closure called once or twice does); a frozen function is simply asked again.
    const once = (x: number): number => x;
    for (let i = 0; i < 8; i++) expect((once as any)[FAST]).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(once, FAST)).toBeUndefined();
    for (let i = 0; i < 8; i++) expect((reference as any)[FAST]).toBeUndefined();
    for (let i = 0; i < 8; i++) expect((once as any)[FAST]).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(reference, FAST)).toEqual({ value: undefined, writable: true, enumerable: false, configurable: true });
    expect(Object.getOwnPropertyDescriptor(once, FAST)).toEqual({ value: undefined, writable: true, enumerable: false, configurable: true });
    expect(Object.getOwnPropertySymbols(once)).toEqual([FAST]);
    expect({ ...reference }).toEqual({});
    const frozen = Object.freeze(() => 1);
    expect((frozen as any)[GEN]).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(frozen, GEN)).toBeUndefined();
  });
});

describe('frozen intrinsics (runtime/deferred.ts and source-text.ts add to Function.prototype)', () => {
  const run = (script: string, type = 'module'): string =>
    execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  it('loading the runtime after Function.prototype is frozen throws PreemptibleEnvironmentError', () => {
    const out = run(`
      Object.freeze(Function.prototype);
      try { require('preemptible'); console.log('loaded'); } catch (e) { console.log(e.name + ': ' + /frozen/.test(e.message)); }
    `, 'commonjs');
    expect(out).toBe('PreemptibleEnvironmentError: true');
  });

  it('loaded before the freeze, it runs instrumented files loaded after it (text as written)', () => {
    const file = join(root, '.test-out', 'unit', `frozen_${process.pid}.mjs`);
    mkdirSync(dirname(file), { recursive: true });
    const spin = 'export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }';
    writeFileSync(file, transform(spin, { filename: 'frozen.mjs' }).code);
    const out = run(`
      const { launch, resume } = await import('preemptible');
      Object.freeze(Function.prototype);
      const m = await import(${JSON.stringify(pathToFileURL(file).href)});
      const task = launch(m.spin, 0, 100);
      let pauses = 0;
      while (task.status === 'paused') { pauses++; resume(task, 0); }
      console.log(JSON.stringify([task.value, pauses > 100, String(m.spin)]));
    `);
    expect(JSON.parse(out)).toEqual([4950, true, spin.replace('export ', '')]);
  });
});
