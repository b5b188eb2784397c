import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { launch, PreemptibleArgumentError, PreemptibleSyntaxError, resume } from 'preemptible';
import { transform } from 'preemptible/transform';
import { finish } from './helpers/finish';
import { instrument, root } from './helpers/instrument';

const loop = 'function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }';

/** `fn(50)` launched at budget 0 pauses (it can), and resumed until it ends gives `value`. */
function pausesThenGives(fn: (n: number) => unknown, value: unknown): void {
  const task = launch(fn, 0, 50);
  expect(task.status).toBe('paused');
  expect(finish(task).value).toBe(value);
}

// Tests that read the versions in the output ask for them printed (copiesAtRunTime: false; made at run time
// by default, they are not in the output).
const printed = { copiesAtRunTime: false } as const;

describe('transform()', () => {
  it('keeps ESM as ESM and CJS as CJS', () => {
    const esm = transform(`${loop}\nexport { spin };`, { filename: 'a.js', ...printed }).code;
    expect(esm).toMatch(/^import \* as \$pe\w* from "preemptible\/runtime";$/m);
    expect(esm).not.toMatch(/require\(/);
    const cjs = transform(`${loop}\nmodule.exports = { spin };`, { filename: 'a.js', ...printed }).code;
    expect(cjs).toMatch(/^const \$pe\w* = require\("preemptible\/runtime"\);$/m);
    expect(cjs).not.toMatch(/^import /m);
    expect(transform(loop, { filename: 'a.mjs', ...printed }).code).toMatch(/^import \* as/m);
    expect(transform(loop, { filename: 'a.cjs', ...printed }).code).toMatch(/require\("preemptible\/runtime"\)/);
    expect(transform(loop, { filename: 'a.js', module: 'esm', ...printed }).code).toMatch(/^import \* as/m);
  });

  it('keeps "use strict" first', () => {
    const { code } = transform(`'use strict';\n${loop}\nmodule.exports = { spin };`, { filename: 'a.js' });
    expect(code.split('\n')[0]).toBe("'use strict';");
  });

  it('strips TypeScript types', () => {
    const { code } = transform('export function f(n: number): number { let s: number = 0; while (n-- > 0) s += n; return s; }', { filename: 'a.ts', ...printed });
    expect(code).not.toMatch(/: number/);
    expect(code).toMatch(/"f": function \(n\)/); // the fast copy (lazy capture)
  });

  it('leaves files without anything to instrument unchanged in substance (no runtime import)', () => {
    const { code } = transform('export const add = (a, b) => a + b;\nexport function id(x) { return x; }', { filename: 'a.mjs' });
    expect(code).not.toMatch(/preemptible\/runtime/);
  });

  it('marks the functions and classes it rewrites or gives versions to with their original spans, no others', () => {
    const source = `${loop}\nexport class K { static m(n) { return [n].map((x) => spin(x)); } }\nexport const id = (x) => x;`;
    const { code } = transform(source, { filename: 'a.mjs', ...printed });
    const spans = (out: string, text: string): string[] => [...out.matchAll(/\/\*\$pe:([0-9a-f]{16}):(\d+):(\d+)\*\//g)].map((m) => text.slice(+m[2]!, +m[3]!));
    // Each span is a whole function or class as the engine prints it (no `export`, `static`); the leaf `id`
    // (nothing to pause at, nothing rewritten) has none.
    expect(new Set(spans(code, source))).toEqual(new Set([loop, source.slice(source.indexOf('class K')).split('\n')[0], 'm(n) { return [n].map((x) => spin(x)); }', '(x) => spin(x)']));
    expect(code).toContain(`.sources(${JSON.stringify(code.match(/\$pe:([0-9a-f]{16})/)![1])}, ${JSON.stringify(source)})`);
    // TypeScript: spans of the file as TypeScript alone emits it (the registered text).
    const ts = transform('export function spin(n: number): number { let s: number = 0; for (let i = 0; i < n; i++) s += i; return s; }', { filename: 'a.ts', ...printed }).code;
    const registered = JSON.parse(ts.match(/\.sources\("[0-9a-f]{16}", ("(?:[^"\\]|\\.)*")\)/)![1]!) as string;
    expect(spans(ts, registered)).toEqual(['function spin(n) { let s = 0; for (let i = 0; i < n; i++)\n    s += i; return s; }']);
    expect(transform('export const add = (a, b) => a + b;', { filename: 'a.mjs' }).code).not.toMatch(/\$pe:/);
    // originalText: false (the esbuild plugin's: esbuild keeps no comments): neither marks nor the text.
    expect(transform(source, { filename: 'a.mjs', originalText: false }).code).not.toMatch(/\$pe:|\.sources\(/);
  });

  it("replaces Function.prototype.toString with one that looks like the engine's", async () => {
    const m = await instrument(`${loop}\nexport { spin };`);
    const own = Function.prototype.toString;
    expect(String(m.spin)).toBe(loop);
    expect(String(own)).toBe('function toString() { [native code] }');
    expect([own.name, own.length, Object.hasOwn(own, 'prototype')]).toEqual(['toString', 0, false]);
    expect(() => new (own as any)()).toThrow(TypeError);
    expect(() => own.call({})).toThrow(/Function.prototype.toString requires that 'this' be a Function/);
    expect(String(Math.max)).toBe('function max() { [native code] }');
  });

  it('returns a source map when asked', () => {
    const { map } = transform(`${loop}\nexport { spin };`, { filename: 'src/a.mjs', sourceMap: true });
    expect(map?.version).toBe(3);
    expect(map?.sources).toEqual(['src/a.mjs']);
    expect(map?.mappings.length).toBeGreaterThan(10);
    expect(transform(loop, { filename: 'a.mjs' }).map).toBeUndefined();
  });

  it('reports syntax errors as PreemptibleSyntaxError with file:line:column', () => {
    let err: unknown;
    try {
      transform('function ok() {}\nfunction broken( {', { filename: 'bad.js' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PreemptibleSyntaxError);
    expect((err as PreemptibleSyntaxError).message).toMatch(/^bad\.js:2:\d+: /);
    expect((err as PreemptibleSyntaxError).line).toBe(2);
  });

  it('a private name in an optional chain is a typed syntax error with its position, not a crash', () => {
    const source = 'class N {\n  #v; #next;\n  f() { for (;;) return this.#next?.#v; }\n}';
    let error: unknown;
    try {
      transform(source, { filename: 'n.mjs' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PreemptibleSyntaxError);
    expect(error).toMatchObject({ file: 'n.mjs', line: 3, column: 37 });
    expect((error as Error).message).toMatch(/optional chain cannot contain private identifiers.*a == null \? undefined : a\.#x/);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => transform(loop, { instrument: 'some' as never })).toThrow(PreemptibleArgumentError);
    expect(() => transform(loop, { modul: 'esm' } as never)).toThrow(/unknown option 'modul'/);
    expect(() => transform(42 as never)).toThrow(PreemptibleArgumentError);
    expect(() => transform(loop, { originalText: 'no' as never })).toThrow(/originalText must be a boolean/);
  });

  it('only the function\'s own legacy properties block it: node.arguments on an object does not', async () => {
    const m = await instrument<Record<string, (...a: any[]) => unknown>>(`
      export function countArgs(node) { let n = 0; for (let i = 0; i < 10; i++) n += i; return node.arguments.length + n; }`);
    expect(launch(m.countArgs!, 0, { arguments: [1, 2] }).status).toBe('paused');
    expect(transform('function f(o) { for (;;) return o.caller; }', { filename: 'x.js' }).diagnostics).toEqual([]);
    // The function's own f.caller (sloppy code) still keeps it plain: in a generator version it would differ.
    const own = transform('function g() { for (;;) return g.caller; }', { filename: 'x.cjs' }).diagnostics;
    expect(own.map((d) => d.code)).toEqual(['generator-incompatible']);
  });

  it('an arrow reading the enclosing function\'s arguments or new.target pauses inside, reading them from where it was made', async () => {
    const m = await instrument<Record<string, (...a: any[]) => any>>(`
      export const progress = { i: -1 };
      export function sum() {
        const add = () => { let t = 0; for (let i = 0; i < arguments.length; i++) { progress.i = i; t += arguments[i]; } return t; };
        return add();
      }
      export function Kind() { const k = () => { for (let i = 0; i < 50; i++) progress.i = i; return new.target?.name ?? 'call'; }; this.k = k(); }
      export const kind = () => new Kind().k;`);
    const args = Array.from({ length: 60 }, (_, i) => i);
    const task = launch(m.sum!, 0, ...args);
    for (let i = 0; i < 20; i++) resume(task, 0);
    expect(task.status).toBe('paused');
    expect(m.progress.i).toBeGreaterThan(0); // paused inside the arrow's loop over arguments
    expect(m.progress.i).toBeLessThan(59);
    expect(finish(task).value).toBe(1770);
    expect(finish(launch(m.kind!, 0)).value).toBe('Kind');
    const notes = transform('function f() { return () => { var arguments = [1]; for (;;) return arguments; }; }\nfunction g() { return [() => { for (;;) return arguments[0]; }, () => new.target]; }', { filename: 'x.cjs' }).diagnostics;
    expect(notes.map((d) => [d.code, d.line, d.message])).toEqual([['arrow-lexical', 1, 'arrow function using arguments and declaring a binding of that name is left uninstrumented (runs to completion)']]);
  });

  it('object-literal and generator methods assigning through super pause inside (superSet, superUpdate)', async () => {
    const m = await instrument<Record<string, any>>(`
      export const progress = { i: -1 };
      const proto = { n: 5, set total(v) { this._t = v * 2; } };
      export const obj = {
        __proto__: proto,
        run(n) { let t = 0; for (let i = 0; i < n; i++) { progress.i = i; t += i; } super.total = t; super.n++; return [this._t, this.n]; },
      };
      export class G { *g(n) { for (let i = 0; i < n; i++) { progress.i = i; super.k = i; } yield this.k; } }
      export const gen = (n) => { const out = []; for (const v of new G().g(n)) out.push(v); return out; };
      export const run = (n) => obj.run(n);`);
    const task = launch(m.run, 0, 40);
    for (let i = 0; i < 20; i++) resume(task, 0);
    expect(task.status).toBe('paused');
    expect(m.progress.i).toBeGreaterThan(0);
    expect(m.progress.i).toBeLessThan(39);
    expect(finish(task).value).toEqual([1560, 6]);
    const g = launch(m.gen, 0, 40);
    for (let i = 0; i < 20; i++) resume(g, 0);
    expect(m.progress.i).toBeLessThan(39);
    expect(finish(g).value).toEqual([39]);
    expect(transform('const o = { m() { for (;;) { super.x = 1; break; } } };', { filename: 'x.mjs' }).diagnostics).toEqual([]);
  });

  it('takes a const holding a symbol for a stable method key only where that const is in scope', () => {
    const code = [
      'function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }',
      "const make = () => { const k = Symbol('k'); return class { [k]() { return spin(1); } m() { return spin(2); } }; };",
      'function inner() { const kOut = Symbol(); return kOut; }',
      'class Outside { [kOut]() { return spin(1); } run() { return spin(2); } }',
    ].join('\n');
    const { diagnostics, code: out } = transform(code, { filename: 'x.mjs' });
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['method-name', 4], ['computed-member', 4]]);
    expect(out).toMatch(/\[k\]/); // the class in make() links its symbol-keyed method's versions
  });

  it('reports direct eval and with as uninstrumented, with file:line:column', () => {
    const { diagnostics, code } = transform('function a(s) { for (;;) return eval(s); }\nfunction b(o) { with (o) { while (x) x--; } }', { filename: 'x.js' });
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['direct-eval', 1],
      ['with-statement', 2],
    ]);
    expect(code).not.toMatch(/function\*/);
  });

  it('names every construct that stays plain although it could reach a checkpoint, with its line', () => {
    const source = [
      'class A {',
      '  constructor(a = arguments.length) { for (;;) break; }', // arguments in a parameter: not split
      '  get x() { return f(); }',
      '  static { g(); }',
      '  #m() { for (;;) break; }',
      '  [k]() { h(); }',
      '  n() { h(); }',
      '  get quiet() { return 1; }', // nothing to pause at: no note
      '}',
      'class G extends Object { *w() { for (;;) { [super.x] = [1]; yield 1; } } }', // a destructuring target: kept whole
      'async function fa(xs) { for await (const [x] of xs) h(x); }', // instrumented (a pattern head too)
      'function same() {}',
      'const e = function self() { self = 1; for (;;) break; };',
      'const u = () => { for (;;) return import.meta.url; };', // import.meta is no new.target: instrumented
    ].join('\n');
    const { diagnostics } = transform(source, { filename: 'x.mts' });
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([
      ['constructor', 2],
      ['accessor', 3],
      ['static-block', 4],
      ['method-name', 5],
      ['method-name', 6],
      ['computed-member', 7],
      ['generator-function', 10],
      ['generator-incompatible', 13],
    ]);
    for (const d of diagnostics) expect(d.message).toMatch(/to completion|cannot pause/);
  });

  it('keeps a class or literal preemptible when its computed keys are literals or provably symbols', async () => {
    const work = 'work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }';
    const m = await instrument(`
      const kTag = Symbol('tag');
      class Bag { [Symbol.iterator]() { return [][Symbol.iterator](); } [kTag]() {} ['lit']() {} static [Symbol.for('x')]() {} ${work} }
      const lit = { [Symbol.toPrimitive]() { return 1; }, [kTag]: 2, ${work} };
      const res = { [Symbol.dispose]() { return lit.work(this.n); }, n: 0 };
      export function viaClass(n) { return new Bag().work(n); }
      export function viaLiteral(n) { return lit.work(n); }
      export function viaDispose(n) { res.n = n; return res[Symbol.dispose](); }
    `);
    for (const f of [m.viaClass, m.viaLiteral, m.viaDispose]) {
      // Every checkpoint pauses: a plain (uninstrumented) work() would let the task finish in ~2 resumes.
      const { value, pauses } = finish(launch(f, 0, 100));
      expect(value).toBe(4950);
      expect(pauses).toBeGreaterThan(100);
    }
    // Keys the file cannot prove: a shadowed Symbol, a `let`, a const declared twice.
    for (const prelude of ['const Symbol = { iterator: "work" };', 'let k = Symbol();', 'const k = Symbol(); function f() { const k = "work"; return k; }']) {
      const key = prelude.startsWith('const Symbol') ? 'Symbol.iterator' : 'k';
      const { diagnostics } = transform(`${prelude}\nexport class C { ${work} [${key}]() { return 1; } }`, { filename: 'x.mjs' });
      expect(diagnostics.map((d) => d.code)).toEqual(['computed-member']);
    }
    // A function in a class field named by a computed key: kept plain unless the key is a literal (its name).
    const fields = transform('let k = "x";\nclass C { [k] = () => { h(); }; [\'lit\'] = () => { h(); }; }', { filename: 'x.mjs' });
    expect(fields.diagnostics.map((d) => [d.code, d.column])).toEqual([['computed-field-function', 17]]);
  });

  it("makes object-literal methods that read super preemptible (their versions get the literal from obj())", async () => {
    const m = await instrument(`
      const base = { add(a, b) { return a + b; } };
      const lit = {
        __proto__: base,
        work(n) { let s = 0; for (let i = 0; i < n; i++) s = super.add(s, i); return s; },
        *gen(n) { for (let i = 0; i < n; i++) yield super.add(i, 0); },
        careful(n) { try { let s = 0; for (let i = 0; i < n; i++) s = super.add(s, i); return s; } finally { lit.done = true; } },
      };
      export function viaFast(n) { return lit.work(n); }
      export function viaGenerator(n) { let s = 0; for (const x of lit.gen(n)) s += x; return s; }
      export function viaGeneratorVersion(n) { return lit.careful(n); }
    `);
    for (const f of [m.viaFast, m.viaGenerator, m.viaGeneratorVersion]) {
      // Every checkpoint pauses: a plain (uninstrumented) method would let the task finish in a few resumes.
      const { value, pauses } = finish(launch(f, 0, 100));
      expect(value).toBe(4950);
      expect(pauses).toBeGreaterThan(100);
    }
  });

  it('makes arrows that read super preemptible (their fast copies are arrows where they are)', async () => {
    const m = await instrument(`
      class Base { f(x) { return x; } }
      class D extends Base {
        // Only the arrow has a loop: an uninstrumented arrow would let the task finish in a few resumes.
        run(n) { let s = 0; [n].forEach((k) => { for (let i = 0; i < k; i++) s += super.f(i); }); return s; }
      }
      export function viaArrow(n) { return new D().run(n); }
    `);
    const { value, pauses } = finish(launch(m.viaArrow, 0, 100));
    expect(value).toBe(4950);
    expect(pauses).toBeGreaterThan(100);
  });

  it('makes #private methods preemptible where the methods of their class call them', async () => {
    const m = await instrument(`
      class A {
        #work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        static #swork(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        run(n) { return this.#work(n); }
        static srun(n) { return this.#swork(n); }
      }
      export function viaInstance(n) { return new A().run(n); }
      export function viaStatic(n) { return A.srun(n); }
    `);
    for (const f of [m.viaInstance, m.viaStatic]) {
      // Every checkpoint pauses: a plain (uninstrumented) #work would let the task finish in ~3 resumes.
      const { value, pauses } = finish(launch(f, 0, 100));
      expect(value).toBe(4950);
      expect(pauses).toBeGreaterThan(100);
    }
  });

  it('makes #private methods outside the fast subset (try/finally, async) preemptible through their generator versions', async () => {
    const m = await instrument(`
      class A {
        #guarded(n) { try { let s = 0; for (let i = 0; i < n; i++) s += i; return s; } finally { this.done = true; } }
        async #later(n) { let s = 0; for (let i = 0; i < n; i++) s += i; await null; return s; }
        run(n) { return this.#guarded(n); }
        start(n) { return this.#later(n); }
      }
      export function viaTry(n) { return new A().run(n); }
      export function viaAsync(n) { return new A().start(n); }
    `);
    // Every checkpoint pauses: a plain #guarded would let the task finish in ~3 resumes.
    const { value, pauses } = finish(launch(m.viaTry, 0, 100));
    expect(value).toBe(4950);
    expect(pauses).toBeGreaterThan(100);
    // The async one: its loop before the first await runs in the task, which pauses there.
    const task = launch(m.viaAsync, 0, 100);
    let stretches = 0;
    while (!task.isComplete) {
      stretches++;
      if (task.status === 'waiting') await task.ready;
      resume(task, 0);
    }
    expect(await task.value).toBe(4950);
    expect(stretches).toBeGreaterThan(100);
    // Neither is reported as left plain.
    const { transform: t } = await import('preemptible/transform');
    expect(t('class B { async #m() { for (;;) await 1; } #n() { try { for (;;); } finally {} } run() { return [this.#m(), this.#n()]; } }', { filename: 'b.mjs' }).diagnostics).toEqual([]);
  });

  it('makes #private methods preemptible where closures and generator versions of their class call them', async () => {
    const m = await instrument(`
      class A {
        #work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        viaClosure() { return (n) => this.#work(n); }
        viaGenerator(n) { try { return this.#work(n); } finally { this.done = true; } }
      }
      export function closure(n) { return new A().viaClosure()(n); }
      export function generator(n) { return new A().viaGenerator(n); }
    `);
    for (const f of [m.closure, m.generator]) {
      // Every checkpoint pauses: a plain #work would let the task finish in a few resumes.
      const { value, pauses } = finish(launch(f, 0, 100));
      expect(value).toBe(4950);
      expect(pauses).toBeGreaterThan(100);
    }
    const { diagnostics } = transform('export const B = [class { #m(n) { for (let i = 0; i < n; i++); } f() { return () => this.#m(3); } }];', { filename: 'b.mjs' });
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining('reach it only in a class with a name')]);
  });

  it('gives no generator version to functions invoked right where they are at the top level (bundle and namespace wrappers)', async () => {
    const source = `
      export const api = {};
      ((exports) => {
        var Kind;
        (function (Kind) { for (let i = 0; i < 3; i++) Kind[i] = 'k' + i; })(Kind || (Kind = {}));
        function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        exports.work = work;
        exports.kinds = Kind;
        exports.inner = function (n) { return (() => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; })(); };
      })(api);
      !function () { for (let i = 0; i < 2; i++); }();
      (function () { for (let i = 0; i < 2; i++); }).call(this);
    `;
    // Counted with generator versions only (lazy: false), where each version is one `function*`: work,
    // exports.inner and the IIFE inside exports.inner (it runs inside tasks): 3 generator versions + 1 copy
    // of that inner IIFE inside inner's own generator version; none for the top-level wrappers.
    const { code } = transform(source, { filename: 'bundle.mjs', lazy: false, ...printed });
    expect(code.match(/function\*/g)?.length).toBe(4);
    const m = await instrument<{ api: { work: (n: number) => number; inner: (n: number) => number; kinds: object } }>(source);
    expect(m.api.kinds).toEqual({ 0: 'k0', 1: 'k1', 2: 'k2' });
    for (const fn of [m.api.work, m.api.inner]) {
      const task = launch(fn, 0, 50);
      expect(task.status).toBe('paused'); // still preemptible
      while (task.status === 'paused') resume(task, 0);
      expect(task.value).toBe(1225);
    }
  });

  it('gives no generator version to the factory of a UMD wrapper, only when the wrapper just calls it or hands it to define', async () => {
    const umd = (wrapperBody: string) => `
      export const api = {};
      (function (root, factory) { ${wrapperBody} })(this, function (exports) {
        function work(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        exports.work = work;
        exports.inner = function (n) { return [1, 2].map((k) => k * work(n)).join(); };
        exports.total = work(50);
      });
    `;
    const calls = `typeof define === 'function' && define.amd ? define(['exports'], factory) : factory(api);`;
    const callsThrough = `factory.call(null, api); factory.apply(null, [api]);`;
    // Counted with generator versions only (lazy: false), one `function*` each: work, exports.inner and the
    // arrow (where it is, and once more in inner's version). A factory with a version of its own (it calls
    // work) repeats all four inside it, plus its own: 9.
    const versions = (body: string) => transform(umd(body), { filename: 'umd.mjs', lazy: false, ...printed }).code.match(/function\*/g)?.length;
    expect(versions(calls)).toBe(4);
    expect(versions(callsThrough)).toBe(4);
    // The factory escapes (kept by a nested function, stored, assigned, returned, through arguments): it
    // keeps its version (the setTimeout arrow adds one).
    expect(versions(`setTimeout(() => factory(api)); factory(api);`)).toBe(10);
    for (const escapes of [`root.make = factory; factory(api);`, `factory = null;`, `return factory;`, `factory(api); arguments[1](api);`, `root.make = factory.bind(root); factory(api);`]) {
      expect({ escapes, versions: versions(escapes) }).toEqual({ escapes, versions: 9 });
    }
    const through = await instrument<{ api: { total: number } }>(umd(callsThrough));
    expect(through.api.total).toBe(1225);
    const m = await instrument<{ api: { work: (n: number) => number; inner: (n: number) => string; total: number } }>(umd(calls));
    expect(m.api.total).toBe(1225);
    // (The library's functions are still preemptible.)
    for (const [fn, value] of [[m.api.work, 1225], [m.api.inner, '1225,2450']] as const) pausesThenGives(fn, value);
  });

  it("gives no generator version to a bundled module's code (a bundler's __commonJS / __commonJSMin factory, as rolldown and esbuild write it), in both modes", async () => {
    // As rolldown writes a bundle: each module's code runs once, on its first require_x(), to completion.
    const bundle = (helper: string) => `
      var __commonJSMin = (cb, mod) => () => (mod || (cb((mod = { exports: {} }).exports, mod, mod.exports), cb = null), mod.exports);
      var __other = (cb) => () => cb({}, {});
      var require_lib = ${helper}(((exports, module) => {
        function work(n) { let s = 0; for (let i = 0; i < n; i++) s += step(i); return s; }
        function step(i) { return i; }
        module.exports = { work, inner: (n) => [1, 2].map((k) => k * work(n)).join(), total: work(50) };
      }));
      export const lib = require_lib();
    `;
    // Generator versions only (lazy: false): work, inner, the arrow in it (twice: inner's version repeats
    // it), and the helpers' arrows that call cb (2). A factory with a version of its own repeats the first
    // four, plus its own.
    const versions = (helper: string) => transform(bundle(helper), { filename: 'bundle.mjs', lazy: false, ...printed }).code.match(/function\*/g)?.length;
    expect(versions('__commonJSMin')).toBe(4 + 2);
    expect(versions('__other')).toBe(9 + 2); // (any other helper: the factory may run many times, anywhere)
    // esbuild's form: the one method of a literal, `__commonJS({ "path"(exports, module) { ... } })`.
    const esbuild = bundle('__commonJSMin').replace('__commonJSMin(((exports, module) => {', '__commonJS({ "lib.js"(exports, module) {').replace('}));\n      export const lib', '} });\n      export const lib').replace('var __other', 'var __commonJS = (cb, mod) => function __require() { return mod || (0, cb[Object.keys(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports; };\n      var __other');
    expect(esbuild).toContain('__commonJS({ "lib.js"(exports, module) {');
    const esbuildVersions = transform(esbuild, { filename: 'bundle.mjs', lazy: false, ...printed }).code.match(/function\*/g)?.length;
    expect(esbuildVersions).toBe(4 + 2 + 1); // (+ the helper __commonJS's function, which calls cb)
    const m2 = await instrument<{ lib: { work: (n: number) => number; total: number } }>(esbuild, { copiesAtRunTime: true });
    expect(m2.lib.total).toBe(1225);
    pausesThenGives(m2.lib.work, 1225);
    for (const copiesAtRunTime of [false, true]) {
      const code = transform(bundle('__commonJSMin'), { filename: 'bundle.mjs', copiesAtRunTime }).code.replace(/\/\*\$pe[<>]\*\//g, '');
      // (Made at run time: the factory's functions compiled by an opener declared in its body.)
      if (copiesAtRunTime) expect(code).toMatch(/__commonJSMin\(\(\(exports, module\) => \{[^]*?const (\$pe_open\w*) = function[^]*?\$pe\.later\(\(k\) => k \* work\(n\), \$f\w* => \$pe\.lazyText\(\$f\w*, \[\1, /);
      const m = await instrument<{ lib: { work: (n: number) => number; inner: (n: number) => string; total: number } }>(bundle('__commonJSMin'), { copiesAtRunTime });
      expect(m.lib.total).toBe(1225);
      // (The module's functions are still preemptible.)
      for (const [fn, value] of [[m.lib.work, 1225], [m.lib.inner, '1225,2450']] as const) pausesThenGives(fn, value);
    }
  });

  it('writes arguments that make functions once per copy, not once per branch of the dispatch', async () => {
    const source = `
      export function f(xs, k) { return xs.map((x) => x + 101).filter(function (y) { return y > 202; }); }
      export function g(a, b, c) { return a(() => b(() => c(() => 303))); }
    `;
    const count = (lazy: boolean) => {
      const { code } = transform(source, { filename: 'args.mjs', lazy, originalText: false, ...printed });
      return ['101', '202', '303'].map((t) => code.split(t).length - 1);
    };
    // Lazy: each callback in the original, f's fast copy and its re-entry copy (it was 5: both branches of
    // each copy); nested three deep, 3 * 3 * 3 (it was 5 * 5 * 5). Generator versions: 2 each, 2 * 2 * 2.
    expect(count(true)).toEqual([3, 3, 27]);
    expect(count(false)).toEqual([2, 2, 8]);
    const m = await instrument<{ f: (xs: number[], k: number) => number[]; g: (...fs: Function[]) => number }>(source);
    const call = (f: Function) => (x: Function) => f(x);
    for (const [fn, args, value] of [[m.f, [[100, 150, 1], 0], [251]], [m.g, [call((v: Function) => v()), call((v: Function) => v()), call((v: Function) => v() + 1)], 304]] as const) {
      const task = launch(fn as (...a: unknown[]) => unknown, 0, ...(args as unknown[]));
      while (task.status === 'paused') resume(task, 0);
      expect(task.value).toEqual(value);
    }
  });

  it('only instruments annotated functions in annotated mode', async () => {
    const m = await instrument<Record<string, (n: number) => number>>(
      `
      import { preemptible } from 'preemptible';
      export function plain(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export function directive(n) { 'use preemptible'; let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
      export const wrapped = preemptible(function (n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; });
      export const wrappedArrow = preemptible((n) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; });
      `,
      { instrument: 'annotated' },
    );
    expect(launch(m.plain!, 0, 100).status).toBe('completed'); // opaque: cannot pause
    for (const name of ['directive', 'wrapped', 'wrappedArrow']) {
      const task = launch(m[name]!, 0, 100);
      expect(task.status, name).toBe('paused');
      while (task.status === 'paused') resume(task, 0);
      expect(task.value).toBe(4950);
    }
  });

  for (const experimentalDecorators of [false, true]) {
    it(`@preemptible marks methods and classes (experimentalDecorators: ${experimentalDecorators})`, async () => {
      const m = await instrument<Record<string, any>>(
        `
        import { preemptible } from 'preemptible';
        class A {
          @preemptible sum(n: number) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
          plain(n: number) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        }
        @preemptible class B {
          sum(n: number) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
        }
        export const a = new A();
        export const b = new B();
        export function callSum(o: { sum(n: number): number }, n: number) { 'use preemptible'; return o.sum(n); }
        export function callPlain(o: A, n: number) { 'use preemptible'; return o.plain(n); }
        `,
        { instrument: 'annotated', filename: 'deco.ts', compilerOptions: { experimentalDecorators } },
      );
      // Counts the pauses: callSum itself pauses once at its entry; a preemptible sum() pauses in its loop.
      const pauses = (f: (...a: any[]) => unknown, ...args: unknown[]) => {
        const t = launch(f, 0, ...args);
        let n = 0;
        while (t.status === 'paused') {
          resume(t, 0);
          n++;
        }
        return [n > 10, t.value];
      };
      expect(pauses(m.callSum, m.a, 100)).toEqual([true, 4950]);
      expect(pauses(m.callSum, m.b, 100)).toEqual([true, 4950]);
      expect(pauses(m.callPlain, m.a, 100)).toEqual([false, 4950]); // not annotated: runs to completion
      expect(m.a.sum(100)).toBe(4950);
    });
  }

  it("a file-level 'use preemptible' directive instruments the whole file in annotated mode", async () => {
    const m = await instrument<{ f: (n: number) => number }>(`'use preemptible';\n export ${loop.replace('spin', 'f')}`, { instrument: 'annotated' });
    expect(launch(m.f, 0, 10).status).toBe('paused');
  });

  it('output runs under plain Node when the package is installed (ESM and CJS)', () => {
    const dir = join(root, '.test-out', 'plain-node');
    mkdirSync(dir, { recursive: true });
    const main = `
      const t = launch(spin, 0, 1000);
      let pauses = 0;
      while (t.status === 'paused') { resume(t, 0); pauses++; }
      console.log(JSON.stringify({ value: t.value, direct: spin(1000), paused: pauses > 0 }));`;
    writeFileSync(join(dir, 'app.mjs'), transform(`import { launch, resume } from 'preemptible';\n${loop}\n${main}`, { filename: 'app.mjs' }).code);
    writeFileSync(join(dir, 'app.cjs'), transform(`const { launch, resume } = require('preemptible');\n${loop}\n${main}`, { filename: 'app.cjs' }).code);
    for (const f of ['app.mjs', 'app.cjs']) {
      const out = JSON.parse(execFileSync(process.execPath, [join(dir, f)], { encoding: 'utf8' }));
      expect(out).toEqual({ value: 499500, direct: 499500, paused: true });
    }
  });

  it('keeps the original function: same source text for what is called outside a task', async () => {
    const m = await instrument<{ spin: (n: number) => number }>(`export ${loop}`);
    expect(m.spin.toString()).toMatch(/^function spin\(n\) \{/);
    expect(m.spin.toString()).not.toMatch(/yield|\$pe/);
    expect(m.spin.name).toBe('spin');
    expect(m.spin.length).toBe(1);
  });
});
