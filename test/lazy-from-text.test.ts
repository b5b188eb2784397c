// The core rewrite run without TypeScript (transformer/lazy-from-text.ts, transformer/mini-ts/): a function's
// copies made from its own text must be the ones the transform makes from the whole file, and they must
// work when compiled at run time in the function's scope.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { launch, PreemptibleArgumentError, PreemptibleCopiesError, resume, TO_COMPLETION } from 'preemptible';
import * as runtime from 'preemptible/runtime';
import { transform } from 'preemptible/transform';
import { finish } from './helpers/finish';
import { instrument, root } from './helpers/instrument';

const require = createRequire(import.meta.url);

/** The output with the delimiters around what the transform added (transformer/splice-print.ts) left out. */
const delimitersOff = (code: string): string => code.replace(/\/\*\$pe[<>]\*\//g, '');
const { lazyVersionsFromText } = require(join(root, 'dist/transformer/lazy-from-text.js')) as typeof import('../transformer/lazy-from-text');
const enums = require(join(root, 'dist/transformer/mini-ts/enums.js')) as Record<string, Record<string, number>>;

/**
 * A scope like a transformed module's: the runtime's hot names, `spin`, a `walk` written `walkText`, and an
 * opener there (an eval that sees them).
 */
function moduleScope(walkText: string): { spin: (n: number) => number; walk: (a: number[]) => number; open: (text: string) => (...a: unknown[]) => unknown } {
  return new Function(
    '$pe',
    `"use strict";
    const $pe_rt = $pe.rt, $pe_FAST = $pe.FAST, $pe_OWNER = $pe.OWNER, $pe_apply = $pe.apply, $pe_call = $pe.call, $pe_callable = $pe.callable;
    function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
    ${walkText}
    const open = (text) => eval(text);
    return { spin, walk, open };`,
  )(runtime);
}

/**
 * `run(xs)` of `src` with versions made at run time, launched at each budget, gives what the original code
 * gives (`run` called outside a task), and at budget 0 pauses more than 100 times.
 */
async function expectRunsAsPlain(src: string, budgets: number[] = [0]): Promise<void> {
  const made = await instrument(src, { copiesAtRunTime: true });
  const plain = await instrument(src, { copiesAtRunTime: false });
  const xs = Array.from({ length: 30 }, (_, i) => i * 5);
  for (const budget of budgets) {
    const r = finish(launch(made.run, budget, xs));
    expect(r.value).toEqual(plain.run(xs));
    if (budget === 0) expect(r.pauses).toBeGreaterThan(100);
  }
}

describe('mini-ts', () => {
  it("has TypeScript's own numbers for every kind and flag the rewrite compares", () => {
    for (const name of ['SyntaxKind', 'NodeFlags', 'ModifierFlags', 'EmitFlags', 'GeneratedIdentifierFlags']) {
      const theirs = (ts as unknown as Record<string, Record<string, number>>)[name]!;
      const ours = enums[name]!;
      for (const key of Object.keys(theirs).filter((k) => Number.isNaN(Number(k)))) expect(ours[key], `${name}.${key}`).toBe(theirs[key]);
    }
  });
});

describe('lazyVersionsFromText', () => {
  it('makes the copies and generator versions the transform makes, and leaves out the functions it leaves out, over the fixtures and kernels', async () => {
    const { compareFile } = (await import(join(root, 'test/harness/lazy-from-text.mjs'))) as {
      compareFile(file: string): { same: number; rejectedBoth: number; generators: { same: number }; differ: { name?: string; text: string; why?: string }[]; failed: { error: string }[]; skipped: Record<string, number> };
    };
    let same = 0;
    let rejected = 0;
    let generators = 0;
    const differ: string[] = [];
    for (const dir of ['fixtures/programs', 'bench/kernels']) {
      for (const f of readdirSync(join(root, dir)).sort()) {
        if (!/\.(mjs|cjs|js)$/.test(f)) continue;
        const r = compareFile(join(root, dir, f));
        same += r.same;
        rejected += r.rejectedBoth;
        generators += r.generators.same;
        differ.push(...r.differ.map((d) => `${f} ${d.name}: ${d.why ?? 'copies differ'}: ${d.text}`), ...r.failed.map((e) => `${f}: ${e.error}`));
      }
    }
    expect(differ).toEqual([]);
    // Nearly 2,000 functions compared (those with closures or #private calls inside are not yet: see the harness).
    expect(same).toBeGreaterThan(1500);
    expect(rejected).toBeGreaterThan(200); // outside the lazy subset both ways (try, generators, large, ...)
    expect(generators).toBeGreaterThan(200); // generator versions (of functions outside the lazy subset) compared too
  }, 300_000);

  it('writes the brackets of a computed property name whose literal it rewrote (acorn gives the name without them)', () => {
    const { generatorVersionFromText } = require(join(root, 'dist/transformer/lazy-from-text.js')) as typeof import('../transformer/lazy-from-text');
    const facts = { strict: true, module: true, declared: ['g'], plain: [], plainClasses: [], fixed: [] };
    const made = generatorVersionFromText('function f(o) { try { return { [o.k]: g(o), [Symbol.iterator]: g(1) }; } finally {} }', facts, 'f');
    expect(made).toMatch(/return \{ \[o\.k\]: \(/);
    expect(made).toMatch(/, \[Symbol\.iterator\]: \(/);
    expect(() => new Function(`return ${made}`)).not.toThrow();
  });

  it('makes copies of a function with functions declared in its body, when what they read of it is set before any pause', () => {
    const lazy = require(join(root, 'dist/transformer/lazy.js')) as typeof import('../transformer/lazy');
    const facts = { strict: true, declared: ['spin'], plain: [], plainClasses: [], fixed: [] };
    const made = (text: string): string | undefined => lazyVersionsFromText(text, facts, 'f');
    // Helpers after the return, reading a parameter, a const set before the first call, each other.
    const copies = made('function f(xs, k) { const out = []; xs.forEach(add); return out.length + twice(k); function add(x) { out.push(spin(x) + k); } function twice(v) { return add(v), v * 2; } }');
    expect(copies).toBeDefined();
    // Both copies declare the helpers before their try (a declaration in the try block would be the block's),
    // and the re-entry copy takes the frame's own helpers except at the entry.
    expect(copies!.match(/function add\(x\)/g)).toHaveLength(2);
    expect(copies).toMatch(/function twice\(v\) \{[^]*?\} *try \{/);
    expect(copies).toMatch(/if \(\$\w*k !== 1\) add = \$\w*rec\[\d+\]; if \(\$\w*k !== 1\) twice = /);
    expect(copies).not.toMatch(/let [^;]*\badd\b[^;]*;/); // (not among the hoisted lets)
    // A helper's own parameter, var or top-level let named like a let of the function is the helper's.
    expect(made('function f(n) { let i = 0; for (; i < n; i++) spin(step(i)); return i; function step(i) { var s = i; let n2 = 0; return s + n2; } }')).toBeDefined();
    expect(made('function f(n) { let x = 0; x = spin(n); return h(); function h(a = 1) { var x = 5; return a + x; } }')).toBeDefined();
    const refused: [string, RegExp][] = [
      // (A name the helper declares only in an inner block still means the function's elsewhere in it.)
      ['function f(n) { let i = 0; i = spin(n); return g(); function g() { { let i = 1; void i; } return i; } }', /function declaration over (let or var|let) i/],
      ['function f(n) { let acc = 0; acc += spin(n); return read(); function read() { return acc; } }', /function declaration over (let or var|let) acc/],
      // (A parameter's default does not see the helper's vars: there `x` is the function's.)
      ['function f(n) { let x = 0; x = spin(n); return h(); function h(a = x) { var x = 5; return a + x; } }', /function declaration over (let or var|let) x/],
      ['function f(n) { const first = spin(n); return show(); function show() { return first; } }', /const set after a point/],
      ['function f(n) { pick = null; return spin(n); function pick() {} }', /declared function assigned: pick/],
      ['function f(n) { if (n) { function inner() { return 1; } return inner() + spin(n); } return 0; }', /FunctionDeclaration/],
      ['function f(n) { var add = 1; return spin(n) + add; function add() {} }', /name declared twice: add/],
    ];
    for (const [text, why] of refused) {
      expect(made(text), text).toBeUndefined();
      expect(lazy.lastRejection, text).toMatch(why);
    }
  });

  it('renames a block-scoped binding apart where it is written as a shorthand property, and next to closures outside its block', () => {
    const facts = { strict: true, declared: ['spin', 'x'], plain: [], plainClasses: [], fixed: [] };
    // `x` is also read at the function's level (the module's): the block's is renamed, `{ x }` becomes
    // `{ x: x$1 }` (its key given the name's place: check() refuses nodes without one), the closure after
    // the loop reads the module's.
    const copies = lazyVersionsFromText('function f(n) { const out = []; for (let i = 0; i < n; i++) { let x = spin(i); out.push({ x }); } const g = () => x; return out.length + g() + x; }', facts, 'f');
    expect(copies).toBeDefined();
    expect(copies).toMatch(/\{ x: x\$1 \}/);
    // A closure inside the block could mean the block's binding: refused.
    expect(lazyVersionsFromText('function f(n) { const out = []; for (let i = 0; i < n; i++) { let x = spin(i); out.push(() => x); } return out.length + x; }', facts, 'f')).toBeUndefined();
  });

  it('gives undefined for a function outside the lazy subset', () => {
    const facts = { strict: true, declared: [], plain: [], plainClasses: [], fixed: [] };
    expect(lazyVersionsFromText('function f(a) { try { return g(a); } finally { h(); } }', facts, 'f')).toBeUndefined();
    expect(lazyVersionsFromText('function* f(a) { yield a; }', facts, 'f')).toBeUndefined();
  });

  it('makes copies that pause and resume when compiled at run time in the function\'s own scope', () => {
    const scope = moduleScope(`function walk(items) {
        let total = 0;
        for (let i = 0; i < items.length; i++) total += spin(items[i]) + items.indexOf(items[i]);
        const o = { sum: total };
        return o.sum * 2 + spin(total % 50);
      }`);
    const facts = { strict: true, declared: ['spin', 'walk'], plain: [], plainClasses: [], fixed: [] };
    let made = 0;
    for (const [name, fn] of [['spin', scope.spin], ['walk', scope.walk]] as const) {
      const copies = lazyVersionsFromText(Function.prototype.toString.call(fn), facts, name);
      expect(copies, name).toBeDefined();
      runtime.lazy(fn, scope.open(copies!));
      made++;
    }
    expect(made).toBe(2);
    const items = Array.from({ length: 200 }, (_, i) => (i * 37) % 300);
    const plain = scope.walk(items);
    // Budget 0: every checkpoint pauses, so every frame is captured and re-entered through its re-entry copy.
    const task = launch(scope.walk, 0, items);
    let pauses = 0;
    while (task.status === 'paused') {
      resume(task, 0);
      pauses++;
    }
    expect(task.value).toBe(plain);
    expect(pauses).toBeGreaterThan(1000);
  });

  it('makes the fast copy alone, its re-entry copy made only when a frame of it is first resumed', () => {
    const scope = moduleScope('function walk(items) { let total = 0; for (let i = 0; i < items.length; i++) total += spin(items[i]); return total; }');
    const facts = { strict: true, declared: ['spin', 'walk'], plain: [], plainClasses: [], fixed: [] };
    const made: string[] = [];
    for (const [name, fn] of [['spin', scope.spin], ['walk', scope.walk]] as const) {
      const text = Function.prototype.toString.call(fn);
      const fast = lazyVersionsFromText(text, facts, name, { part: 'fast' })!;
      const reentry = lazyVersionsFromText(text, facts, name, { part: 'reentry' })!;
      // Each part holds one copy: the fast one reads no record, the re-entry one has no stand-in.
      expect(fast).toContain('$pe_reentry');
      expect(fast).not.toContain('$rec');
      expect(reentry).toContain('$rec');
      expect(reentry).not.toContain('$pe_reentry');
      const makeReentry = (): unknown => (made.push(name), scope.open(reentry));
      runtime.lazy(fn, scope.open(`(($pe_reentry) => (${fast}))`)(makeReentry) as never);
    }
    const items = Array.from({ length: 100 }, (_, i) => (i * 37) % 300);
    const plain = scope.walk(items);
    // Never paused: no re-entry copy is made.
    expect(finish(launch(scope.walk, TO_COMPLETION, items)).value).toBe(plain);
    expect(made).toEqual([]);
    // Every checkpoint pauses: each function's re-entry copy is made once, at its first frame's resume.
    const r = finish(launch(scope.walk, 0, items));
    expect(r.value).toBe(plain);
    expect(r.pauses).toBeGreaterThan(1000);
    expect(made.sort()).toEqual(['spin', 'walk']);
  });
});

describe('transform option copiesAtRunTime', () => {
  const program = `
    export function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
    export const walk = function (items) {
      let total = 0;
      for (let i = 0; i < items.length; i++) total += spin(items[i]);
      return total;
    };
    export class Box { sum(items) { let t = 0; for (const v of items) t += spin(v); return t; } }
    export function outer(k) { const add = (v) => spin(v) + k; let t = 0; for (let i = 0; i < 50; i++) t += add(i); return t; }
    export function guarded(items) { const log = []; try { for (const v of items) log.push(spin(v)); } finally { log.push('done'); } return log; }
    export const unnamed = [function (items) { let t = 0; try { for (const v of items) t += spin(v); } finally { t += 1; } return t; }];
    export const literal = { total(items) { let t = 0; for (let i = 0; i < items.length; i++) t += spin(items[i]); return t; } };
  `;

  it('writes a registration and the opener instead of the copies of strict top-level functions', () => {
    const printed = transform(program, { filename: 'p.mjs', copiesAtRunTime: false }).code;
    const code = delimitersOff(transform(program, { filename: 'p.mjs', copiesAtRunTime: true }).code);
    // spin, walk: copies made at run time; guarded (a try: outside the lazy subset) its generator version;
    // Box#sum: its copies too, from its class's link table (`[opener, facts]`, the opener in the static
    // block); outer and its closure (which hands over k) too.
    expect(code.match(/\.lazyText\(/g)).toHaveLength(4);
    expect(code).toMatch(/\.lazyText\(\$f\w*, \[\$pe_open, "[^"]*"\], \[k\]\)/);
    expect(code.match(/\.defText\(/g)).toHaveLength(2); // guarded, and the function without a name
    expect(code).toMatch(/"sum": \[\$pe_open\w*, "1\|1\|c\|/);
    expect(code).toMatch(/"total": \[\$pe_open\w*, "1\|1\|o\|/); // an object literal's method: through obj()
    expect(code).toMatch(/static \{ const \$pe_open\w* = \(\$pe_hot, \$pe_text\) => \{/);
    expect(code).not.toMatch(/"guarded": function\*/);
    expect(printed).toMatch(/"guarded": function\*/);
    expect(code).toMatch(/\$pe\.later\(spin, \$f\w* => \$pe\.lazyText\(\$f\w*, \[\$pe_open, "1\|1\|/);
    expect(code).toMatch(/return eval\(\$pe_text\);/);
    expect(code).not.toMatch(/const \$self/);
    expect(printed.match(/const \$self/g)?.length).toBeGreaterThanOrEqual(6);
    expect(code.length).toBeLessThan(printed.length);
    // A sloppy script's functions keep printed versions (copies of sloppy code would be compiled strict); a
    // class body is strict code, so its methods' copies are made at run time there too.
    const sloppy = transform(program.replace(/export /g, ''), { filename: 'p.cjs', copiesAtRunTime: true }).code;
    expect(sloppy).not.toMatch(/\.(lazy|def)Text\(/);
    expect(sloppy).toMatch(/"sum": \[\$pe_open\w*, "1\|0\|c\|/);
  });

  it("lists in a function's facts the file's names it reads, calls or makes, not those it names properties with", async () => {
    // The file declares \`test\` and \`Map\`; \`matches\` mentions them only as property names (\`re.test\`,
    // \`o.Map\`), \`counts\` calls both: a declared callee is the file's (dispatched), \`new Map\` not the builtin.
    const src = `
      function test(x) { let n = 0; for (let i = 0; i < x; i++) n += i; return n; }
      class Map { constructor(k) { this.k = k; } }
      export function matches(re, o, xs) { let n = 0; for (const x of xs) if (re.test(x)) n += o.Map; return n; }
      export function counts(xs) { let n = 0; for (const x of xs) n += test(x) + new Map(x).k; return n; }
    `;
    const code = delimitersOff(transform(src, { filename: 't.mjs', copiesAtRunTime: true }).code);
    const facts = (name: string) => new RegExp(`later\\(${name}, \\$f\\w* => \\$pe\\.\\w+\\(\\$f\\w*, \\[\\$pe_open, "([^"]*)"`).exec(code)![1]!.split('|');
    // (strict|module|method|declared|plain|plainClasses|fixed|...)
    expect(facts('matches')[3]!.split(' ')).not.toContain('test');
    expect(facts('matches')[3]!.split(' ')).not.toContain('Map');
    expect(facts('counts')[3]!.split(' ')).toEqual(expect.arrayContaining(['test', 'Map']));
    const made = await instrument(src, { copiesAtRunTime: true });
    const plain = await instrument(src, { copiesAtRunTime: false }); // (called outside a task: the original code)
    const xs = Array.from({ length: 40 }, (_, i) => i);
    const r = finish(launch(made.counts, 0, xs));
    expect(r.value).toBe(plain.counts(xs));
    expect(r.pauses).toBeGreaterThan(xs.length); // (test, the file's, pauses inside: a dispatched call)
    expect(finish(launch(made.matches, 0, /[13579]$/, { Map: 2 }, xs.map(String))).value).toBe(plain.matches(/[13579]$/, { Map: 2 }, xs.map(String)));
  });

  it('makes the versions of a TypeScript file\'s functions from their emitted text, where that is theirs with the types taken out', async () => {
    const src = `
      type Pair = [number, number];
      interface Acc { total: number }
      function spin(n: number): number { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export function sum(xs: readonly number[]): number { let t = 0; for (const x of xs) t += spin(x)!; return t; }
      export function pairs(n: number): Pair[] {
        type Local = { k: number };
        const k = n % 5;
        const make = (i: number): Pair => { const l: Local = { k }; let s = 0; for (let j = 0; j < i; j++) s += spin(j); return [i, s + l.k] as Pair; };
        return Array.from({ length: n }, (_, i) => make(i));
      }
      export function colours(n: number): number { enum C { Red = 1, Green = 2 } let t = 0; for (let i = 0; i < n; i++) t += spin(i) % C.Green; return t; }
      export namespace Inner { const base = 3; export function scaled(n: number): number { let t = 0; for (let i = 0; i < n; i++) t += spin(i) * base; return t; } }
      export function viaAcc(xs: number[]): Acc { const a: Acc = { total: 0 }; for (const x of xs) a.total += spin(x); return a; }
    `;
    const code = delimitersOff(transform(src, { filename: 'typed.ts', copiesAtRunTime: true }).code);
    const fromText = (name: string) => new RegExp(`later\\(${name}, \\$f\\w* => \\$pe\\.(lazy|def)Text\\(`).test(code);
    // Typed functions, a closure reading a local beside a local type: from their text; a function with an
    // enum inside, or inside a namespace (its members read as \`Inner.x\` once emitted): printed.
    expect(['spin', 'sum', 'pairs', 'viaAcc'].filter((n) => !fromText(n))).toEqual([]);
    expect(code).toMatch(/\$pe\.lazyText\(\$f\w*, \[\$pe_open, "[^"]*"\], \[k\]\)/); // (k handed over; not the type)
    expect(fromText('colours')).toBe(false);
    expect(code).toMatch(/\$pe\.def\(colours, \(\{ "colours": function\* \(n\)/); // (printed: its generator version)
    expect(fromText('scaled')).toBe(false);
    const made = await instrument(src, { filename: 'typed.ts', copiesAtRunTime: true });
    const plain = await instrument(src, { filename: 'typed.ts', copiesAtRunTime: false }); // (called outside a task: the original code)
    const xs = Array.from({ length: 30 }, (_, i) => i * 3);
    const calls: [string, (m: Record<string, any>) => (...args: any[]) => unknown, unknown[]][] = [
      ['sum', (m) => m.sum, [xs]], ['pairs', (m) => m.pairs, [12]], ['colours', (m) => m.colours, [20]],
      ['scaled', (m) => m.Inner.scaled, [15]], ['viaAcc', (m) => m.viaAcc, [xs]],
    ];
    for (const budget of [0, 1]) {
      for (const [name, fn, args] of calls) {
        const r = finish(launch(fn(made), budget, ...args));
        expect(r.value, name).toEqual(fn(plain)(...args));
        if (budget === 0) expect(r.pauses, name).toBeGreaterThan(10);
      }
    }
  });

  it('gives the same results as the printed copies, at every budget', async () => {
    const printed = await instrument(program, { copiesAtRunTime: false });
    const made = await instrument(program, { copiesAtRunTime: true });
    const items = Array.from({ length: 120 }, (_, i) => (i * 37) % 200);
    for (const m of [printed, made]) {
      expect(finish(launch(m.walk, 0, items)).value).toBe(printed.walk(items));
      expect(launch(m.walk, TO_COMPLETION, items).value).toBe(printed.walk(items));
      expect(finish(launch((a: number[]) => new m.Box().sum(a), 0, items)).value).toBe(printed.walk(items));
      expect(finish(launch(m.outer, 0, 7)).value).toBe(printed.outer(7));
      expect(finish(launch(m.guarded, 0, items)).value).toEqual(printed.guarded(items));
      expect(finish(launch(m.unnamed[0], 0, items)).value).toBe(printed.unnamed[0](items));
      expect(finish(launch((a: number[]) => m.literal.total(a), 0, items)).value).toBe(printed.walk(items));
    }
    expect(finish(launch(made.guarded, 0, items)).pauses).toBeGreaterThan(500);
    // Paused at budget 0 inside spin's and walk's copies made from text: many pauses, same value.
    expect(finish(launch(made.walk, 0, items)).pauses).toBeGreaterThan(1000);
  });

  it('pauses inside fixed functions that call themselves or each other, their copies calling copies', async () => {
    // A copy calls a fixed function through a constant taken when the copy is made; while a function's own
    // versions are being made it has no fast entry yet, and a call to it would run it plainly (never pausing).
    const src = `import { pause } from 'preemptible';
      export function deep(n, probe) { return n === 0 ? bottom(probe) : deep(n - 1, probe); }
      export function ping(n, probe) { return n === 0 ? bottom(probe) : pong(n - 1, probe); }
      function pong(n, probe) { return n === 0 ? bottom(probe) : ping(n - 1, probe); }
      function bottom(probe) { const before = probe(); pause(); return [before, probe()]; }`;
    const printed = await instrument(src, { copiesAtRunTime: false });
    const made = await instrument(src, { copiesAtRunTime: true });
    expect(transform(src, { filename: 'x.mjs', copiesAtRunTime: true }).code).toMatch(/\$pe\.later\(pong, \$f\w* => \$pe\.lazyText\(/);
    // A call to itself goes to the copy itself; one to another fixed function to its fast entry, taken at
    // the first call (by then made: not while this one's versions are being made).
    const facts = { strict: true, declared: ['deep', 'bottom'], plain: [], plainClasses: [], fixed: ['deep', 'bottom'] };
    const fast = lazyVersionsFromText('function deep(n, probe) { return n === 0 ? bottom(probe) : deep(n - 1, probe); }', facts, 'deep', { part: 'fast' })!;
    expect(fast).toMatch(/const \$pe_fast_deep = \(\{ "deep": \(function/); // (parenthesized: V8 compiles it with its maker)
    expect(fast).not.toContain('fastOf(deep)');
    expect(fast).toMatch(/let \$pe_fast_bottom = function \(\) \{ return \$pe_apply\(\(\$pe_fast_bottom = \$pe\.fastOf\(bottom\)\), this, arguments\); \}/);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    try {
      const probe = () => new Error().stack!.split('\n').length;
      for (const m of [printed, made]) {
        for (const f of [m.deep, m.ping]) {
          // Run to completion, so the fast copies' calls are the ones made: paused at the bottom with every
          // frame captured, then only the innermost one re-entered.
          const [before, after] = finish(launch(f, TO_COMPLETION, 200, probe)).value as number[];
          expect(before - after).toBeGreaterThan(190);
        }
      }
    } finally {
      Error.stackTraceLimit = limit;
    }
  });

  it('makes the versions of functions in a run-once wrapper (an IIFE, a UMD factory) with an opener declared inside it', async () => {
    const wrapped = `
      export const api = (function () {
        'use strict';
        let calls = 0;
        function spin(n) { calls++; let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
        function walk(items) { let t = 0; for (let i = 0; i < items.length; i++) t += spin(items[i]); return t + calls * 0; }
        const guarded = function (items) { try { return walk(items); } finally { calls++; } };
        return { walk, guarded, calls: () => calls };
      })();
      export function notInWrapper(k) { return (function () { function inner(n) { let t = 0; while (n-- > 0) t += k; return t; } return inner(10); })(); }
    `;
    const code = delimitersOff(transform(wrapped, { filename: 'w.mjs', copiesAtRunTime: true }).code);
    // Two openers: the wrapper's, declared in it (after its 'use strict'), and the file's. notInWrapper's IIFE
    // gets none (it runs at each call of notInWrapper, an ordinary function): the copies of the function
    // declared in it are compiled by the file's, handed notInWrapper's parameter k.
    expect(code.match(/return eval\(\$pe_text\)/g)).toHaveLength(2);
    expect(code).toMatch(/'use strict';[^]*const \$pe_open\w* = function \(\$pe_hot, \$pe_text\)[^]*let calls = 0;/);
    expect(code).toMatch(/\$pe\.later\(spin, \$f\w* => \$pe\.lazyText\(\$f\w*, \[\$pe_open\w*, /);
    expect(code).toMatch(/\$pe\.defText\(\$f\w*, \[\$pe_open\w*, /);
    expect(code).toMatch(/\$pe\.later\(inner, \$f\w* => \$pe\.lazyText\(\$f\w*, \[\$pe_open, "[^"]*"\], \[k\]\)\)/);
    const printed = await instrument(wrapped, { copiesAtRunTime: false });
    const made = await instrument(wrapped, { copiesAtRunTime: true });
    const items = Array.from({ length: 80 }, (_, i) => (i * 31) % 150);
    const r = finish(launch(made.api.guarded, 0, items));
    expect(r.value).toBe(printed.api.guarded(items));
    expect(r.pauses).toBeGreaterThan(500);
    expect(finish(launch(made.notInWrapper, 0, 3)).value).toBe(printed.notInWrapper(3));
  });

  it("binds the runtime's values in the copies as parameters, read without a hole check", () => {
    // Read from a closure, a \`const\` costs a hole check at every use (ThrowReferenceErrorIfHole: bytecode
    // that pushed small methods' fast copies past V8's inlining limit); a parameter never assigned, none.
    const dir = join(root, '.test-out', 'hole-checks');
    mkdirSync(dir, { recursive: true });
    const src = `export class Probe { probeMethod(o) { return this.a(o.b(1), o.c(2)) + this.d(o.e(3)); } a(x, y) { return x + y; } d(x) { return x; } }
      export function run() { const p = new Probe(); const o = { b: (x) => x, c: (x) => x, e: (x) => x }; let t = 0; for (let i = 0; i < 5; i++) t += p.probeMethod(o); return t; }`;
    writeFileSync(join(dir, 'probe.mjs'), transform(src, { filename: 'probe.mjs' }).code);
    const main = `import { launch, TO_COMPLETION } from 'preemptible'; import { run } from './probe.mjs';
      const t = launch(run, TO_COMPLETION); if (t.status !== 'completed' || t.value !== 30) throw new Error('ran wrong: ' + t.status + ' ' + t.value);`;
    writeFileSync(join(dir, 'main.mjs'), main);
    // (Copies made from text are anonymous functions: found by the call sites' names in their constant pool.)
    const out = execFileSync(process.execPath, ['--print-bytecode', join(dir, 'main.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
    const copies = out.split('[generated bytecode for function:').filter((b) => b.includes('#o.e>') && b.includes('LdaImmutableContextSlot'));
    expect(copies.length).toBe(1);
    // The names checked (a hole check's operand is the name's index in the constant pool): at most the
    // frame's own `$self`, read in its catch.
    const pool = new Map([...copies[0]!.matchAll(/^\s+(\d+): \S+ <String\[\d+\]: #(\S+)>$/gm)].map((m) => [m[1], m[2]]));
    const checked = [...copies[0]!.matchAll(/ThrowReferenceErrorIfHole \[(\d+)\]/g)].map((m) => pool.get(m[1]!));
    expect(checked.filter((name) => name !== '$self')).toEqual([]);
  });

  it('rejects a value that is not a boolean', () => {
    expect(() => transform(program, { copiesAtRunTime: 'yes' as never })).toThrow(PreemptibleArgumentError);
    expect(() => transform(program, { copiesAtRunTime: 'yes' as never })).toThrow(/copiesAtRunTime must be a boolean/);
  });

  it('gives a function the lazy subset turns down only at run time its generator version there', async () => {
    // The transform makes only the subset's cheap checks (size, constructs); a call in a parameter's
    // default is found by the rest, made at run time.
    const src = `export function defaults(n, base = Number(String(n))) { let t = base; for (let i = 0; i < n; i++) t += step(i); return t; }
function step(i) { return i * 2; }`;
    const printed = await instrument(src, { copiesAtRunTime: false });
    const made = await instrument(src, { copiesAtRunTime: true });
    expect(transform(src, { filename: 'test.mjs', copiesAtRunTime: true }).code).toMatch(/\$pe\.later\(defaults, \$f\w* => \$pe\.lazyText\(/);
    expect(transform(src, { filename: 'test.mjs', copiesAtRunTime: false }).code).toMatch(/\$pe\.def\(defaults, /); // (printed: its generator version)
    const r = finish(launch(made.defaults, 0, 40));
    expect(r.value).toBe(printed.defaults(40));
    expect(r.pauses).toBeGreaterThan(40);
    expect(finish(launch(made.defaults, 0, 7, 5)).value).toBe(printed.defaults(7, 5));
  });

  it('reports a function whose versions cannot be made from its text with a typed error', () => {
    const spec: [(hot: Record<string, unknown>, text: string) => never, string] = [() => { throw new Error('not compiled'); }, '1|0||||||||||=outside'];
    const f = function outside(a: number) { try { return a; } finally { void 0; } };
    // The rewrite failing on the text (here: facts saying it is a class's method, which it is not): the same.
    const g = function inner(a: number) { let t = 0; for (let i = 0; i < a; i++) t += i; return t; };
    expect(() => runtime.lazyText(g as never, [spec[0], '1|0|c||||||||||=inner'])).toThrow(PreemptibleCopiesError);
    expect(() => runtime.lazyText(g as never, [spec[0], '1|0|c||||||||||=inner'])).toThrow(/versions of inner could not be made from its text \(/);
    // Facts the runtime cannot read (a transform of another version): the same error, saying so.
    expect(() => runtime.lazyText(f as never, [spec[0], '1|0|=outside'])).toThrow(PreemptibleCopiesError);
    expect(() => runtime.lazyText(f as never, [spec[0], '1|0|=outside'])).toThrow(/facts .* could not be read/);
  });
});

describe('copiesAtRunTime: closures inside functions', () => {
  const program = `
    export function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
    // Reads a parameter and a const of the function around it: both handed over as values.
    export function scaled(xs, k) { const base = k * 2; return xs.map((x) => spin(x) + base + k); }
    // Writes a local of the function around it: handed over as an accessor with a setter (the live binding).
    export function summed(xs) { let total = 0; xs.forEach((x) => { total += spin(x); }); return total; }
    // Declared after the closure: it could be read in its dead zone, so an accessor too (which throws there).
    export function early(n) { const f = () => spin(n) + (n > 1000 ? late : 0); const late = 1; return f(); }
    export function dead(n) { const f = () => spin(n) + late; const r = []; try { r.push(f()); } catch (e) { r.push(e.constructor.name); } const late = 2; r.push(f()); return r; }
    // A var: assigned by its declaration, after the function starts.
    export function withVar(n) { var v = n + 1; const f = () => spin(v); return f(); }
    // A declaration nested in a function is hoisted: a parameter is a value, a const an accessor.
    export function nested(n) { function inner() { return spin(n); } return inner(); }
    export function nestedConst(n) { const m = n; function inner() { return spin(m); } return inner(); }
    // A closure declaring a name like one it would read through an accessor keeps printed versions.
    export function shadowed(xs) { let t = 0; xs.forEach((x) => { t += spin(x); { let t = 1; void t; } }); return t; }
    // An arrow reading this: this is handed over too; a closure that cannot pause (try/finally: outside the
    // lazy subset) gets a generator version from its text.
    export class Counter {
      constructor(step) { this.step = step; }
      run(xs) { return xs.map((x) => { let t = 0; for (let i = 0; i < x; i++) t += spin(this.step); return t; }); }
      guarded(xs) { return xs.map((x) => { try { return spin(x) + this.step; } finally { this.step += 0; } }); }
    }
    // One closure per loop iteration, each with its own binding: one compiled maker, each its own value.
    export function makers(n) { const out = []; for (const i of Array.from({ length: n }, (_, j) => j)) out.push(() => spin(i * 3) + i); return out; }
    export function callAll(fs) { const out = []; for (const f of fs) out.push(f()); return out; }
    export function counting(step, xs) { return new Counter(step).run(xs); }
    export function guarding(step, xs) { return new Counter(step).guarded(xs); }
    export function both(a, b) { return [a.run([3]), b.run([3]), a.guarded([4]), b.guarded([4])]; }
  `;

  it('hands over the bindings that never change as values, the others as accessors', () => {
    const code = delimitersOff(transform(program, { filename: 'c.mjs', copiesAtRunTime: true }).code);
    const handed = (rest: string): RegExp => new RegExp(`\\$pe\\.(lazy|def)Text\\(\\$f\\w*, \\[\\$pe_open, "[^"]*"\\], ${rest.replace(/[[\]().{}$]/g, (c) => `\\${c}`)}\\)`);
    expect(code).toMatch(handed('[base, k]'));
    expect(code).toMatch(handed('[], void 0, { get total() { return total; }, set total($pe_v) { total = $pe_v; } }'));
    expect(code).toMatch(handed('[n], void 0, { get late() { return late; } }'));
    expect(code).toMatch(handed('[], void 0, { get v() { return v; } }'));
    expect(code).toMatch(handed('[n]')); // nested's inner
    expect(code).toMatch(handed('[], void 0, { get m() { return m; } }')); // nestedConst's inner
    expect(code).toMatch(handed('[], this')); // Counter#run's and Counter#guarded's arrows
    expect(code).toMatch(/\$pe\.defText\(\$f\w*, \[\$pe_open, "[^"]*"\], \[\], this\)/); // guarded's: a generator version
    expect(code).toMatch(handed('[i]')); // makers' arrow
    // The facts name what is handed: `...|captured|boxed|this|site|at|` (at: where its text starts).
    expect(code).toMatch(/"1\|1\|\|x total spin\|\|\|spin\|\|total\|\|\d+\|\d+:\d+\|"/);
    // shadowed's closure declares a `t` of its own: printed copies (the closure itself kept as written).
    expect(code).toMatch(/\(x\) => \{ t \+= spin\(x\);[^]*?\}, \$f\w* => \$pe\.lazy\(\$f/);
    expect(code).not.toMatch(/get t\(\)/);
  });

  it('sees a binding written as a destructuring target of a for-of (an accessor, not a value), and not one whose elements are written', async () => {
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export function f(xs) { let x = 0; const g = () => spin(x); let t = 0; for ([x] of xs) t += g(); return t; }
      export function h(a) { const g = () => spin(a[0]); let t = 0; for (let i = 0; i < 3; i++) { [a[0], a[1]] = [a[1], a[0]]; t += g(); } return t; }
    `;
    const code = delimitersOff(transform(src, { filename: 'w.mjs', copiesAtRunTime: true }).code);
    expect(code).toMatch(/\], \[\], void 0, \{ get x\(\) \{ return x; \} \}\)/);
    expect(code).toMatch(/\], \[a\]\)/); // (only a's elements are written)
    const made = await instrument(src, { copiesAtRunTime: true });
    const plain = await instrument(src, { copiesAtRunTime: false }); // (called outside a task: the original code)
    const xs = [[40], [70], [90]];
    expect(finish(launch(made.f, 0, xs)).value).toBe(plain.f(xs));
    expect(finish(launch(made.h, 0, [30, 80])).value).toBe(plain.h([30, 80]));
  });

  it('counts the writes of a name inside the scope around a closure, not those of functions before or after it', async () => {
    // (captures.ts asks by the file's writers of each name and their places: the scope's bounds are what
    // is tested here, with writes of the same name just before, inside at every depth, and just after.)
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export function before(n) { let w = n; w += 1; return w; }
      export function reads(n) { const w = n * 2; return [n].map((x) => spin(x) + w)[0]; }
      export function after(n) { let w = 0; for (w of [n, n + 1]); return w; }
      export function deep(n) { let q = n; const f = () => spin(q); const g = () => { const h = () => { q = 40; }; h(); }; g(); return f(); }
      export function last(n) { let z = n; const f = () => spin(z); z++; return f(); }
    `;
    const code = delimitersOff(transform(src, { filename: 'sc.mjs', copiesAtRunTime: true }).code);
    expect(code).toMatch(/\], \[w\]\)/); // reads' arrow: w is written only in the functions around reads
    expect(code).toMatch(/\], \[\], void 0, \{ get q\(\) \{ return q; \} \}\)/); // deep's f: q written two functions down
    expect(code).toMatch(/\], \[\], void 0, \{ get z\(\) \{ return z; \} \}\)/); // last's f: z written by the scope's last statement
    const made = await instrument(src, { copiesAtRunTime: true });
    const plain = await instrument(src, { copiesAtRunTime: false }); // (called outside a task: the original code)
    for (const name of ['before', 'reads', 'after', 'deep', 'last']) {
      expect(finish(launch(made[name], 0, 30)).value, name).toBe(plain[name](30));
    }
  });

  it('without a place for every writer (nodes a transformer before this one made), walks the scope instead, with the same answer', () => {
    const { collectDeclaredNames } = require(join(root, 'dist/transformer/analyze.js')) as typeof import('../transformer/analyze');
    const { capturesOf, newCaptureMemo } = require(join(root, 'dist/transformer/captures.js')) as typeof import('../transformer/captures');
    // w: outer's parameter, written only in functions before and after outer; q: b's, written in g.
    const src = 'function a() { let w = 1; w++; } function outer(w) { function b(n) { let q = n; const f = () => q + w; const g = () => { q = 2; }; g(); return f(); } return b(1); } function c() { let w; w = 3; }';
    const sf = ts.createSourceFile('x.js', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const b = (sf.statements[1] as ts.FunctionDeclaration).body!.statements[0] as ts.FunctionDeclaration;
    const f = ((b.body!.statements[1] as ts.VariableStatement).declarationList.declarations[0]!.initializer) as ts.ArrowFunction;
    const written = collectDeclaredNames(ts, sf).written;
    const answer = (writers: ReadonlyMap<string, readonly ts.Node[]>) => capturesOf(ts, f, sf, newCaptureMemo(writers), () => true);
    expect(answer(written)).toEqual({ names: ['w'], boxed: ['q'], written: [] });
    // With no writers recorded, q's write is not seen: the answer depends on them.
    expect(answer(new Map())).toEqual({ names: ['q', 'w'], boxed: [], written: [] });
    // The same writers, one of them without a place (pos -1, as a node a transformer made): the scopes walked.
    const unplaced = new Map([...written].map(([name, nodes]) => [name, name === 'w' ? [...nodes, ts.factory.createIdentifier('w')] : nodes]));
    expect(newCaptureMemo(unplaced).positioned).toBe(false);
    expect(answer(unplaced)).toEqual({ names: ['w'], boxed: ['q'], written: [] });
    expect(capturesOf(ts, f, sf, { ...newCaptureMemo(new Map()), positioned: false }, () => true)).toEqual({ names: ['w'], boxed: ['q'], written: [] });
  });

  it('gives the results of the plain program at every budget, with pauses inside the closures', async () => {
    const plain = await instrument(program, { copiesAtRunTime: false }) // (called outside a task: the original code);
    const made = await instrument(program, { copiesAtRunTime: true });
    const xs = Array.from({ length: 40 }, (_, i) => (i * 13) % 60);
    const cases: [string, unknown[]][] = [
      ['scaled', [xs, 3]],
      ['summed', [xs]],
      ['early', [50]],
      ['withVar', [70]],
      ['dead', [40]],
      ['shadowed', [xs]],
      ['nested', [90]],
      ['nestedConst', [90]],
      ['counting', [5, xs]],
      ['guarding', [7, xs]],
    ];
    for (const [what, args] of cases) {
      const expected = plain[what](...args);
      expect(launch(made[what], TO_COMPLETION, ...args).value, what).toEqual(expected);
      const r = finish(launch(made[what], 0, ...args));
      expect(r.value, what).toEqual(expected);
      expect(r.pauses, what).toBeGreaterThan(10);
    }
    // Closures made by one loop: one compiled maker, each closure its own value.
    const fs = made.makers(30);
    expect(finish(launch(made.callAll, 0, fs)).value).toEqual(plain.makers(30).map((f: () => number) => f()));
    // Two instances: each arrow its own `this`.
    const r = finish(launch(made.both, 0, new made.Counter(2), new made.Counter(9)));
    expect(r.value).toEqual([[plain.spin(2) * 3], [plain.spin(9) * 3], [plain.spin(4) + 2], [plain.spin(4) + 9]]);
    expect(r.pauses).toBeGreaterThan(10);
  });

  it('makes the versions of a function with closures inside from its text too, the closures as registered', async () => {
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export function outer(xs, k) { let t = 0; for (const x of xs) t += [x, x + 1].map((y) => spin(y) + k).reduce((p, q) => p + q, 0); return t; }
      // A function declared inside: its registration is a statement of its own, first in its scope. It reads
      // only a parameter nobody assigns: the outer function has fast copies; reading a let, it would not.
      export function declares(xs, k) { let t = 0; function add(y) { return spin(y) + k; } for (const x of xs) t += add(x); return t; }
      export function declaresOverLet(xs) { let t = 0; function add(y) { return spin(y) + t % 7; } for (const x of xs) t += add(x); return t; }
      // A named function expression: registered with its name as a constant, which its versions are handed.
      export function recursive(xs) { return xs.map(function down(x) { return x > 50 ? down(x - 50) + 1 : spin(x); }); }
    `;
    const code = delimitersOff(transform(src, { filename: 'o.mjs', copiesAtRunTime: true }).code);
    expect(code).toMatch(/\$pe\.later\(outer, \$f\w* => \$pe\.lazyText\(/);
    expect(code).toMatch(/\$pe\.later\(declares, \$f\w* => \$pe\.lazyText\(/);
    expect(code).toMatch(/\$pe\.later\(declaresOverLet, \$f\w* => \$pe\.defText\(/);
    expect(code).toMatch(/\$pe\.later\(add, \$f\w* => \$pe\.lazyText\(\$f\w*, \[\$pe_open, "[^"]*"\], \[k\]\)\)/);
    expect(code).toMatch(/\$pe\.later\(recursive, \$f\w* => \$pe\.lazyText\(/);
    expect(code).toMatch(/const down = \$fn\w*; return \$pe\.later\(down, \$f\w* => \$pe\.lazyText\(\$f\w*, \[\$pe_open, "[^"]*"\], \[down\]\)\)/);
    expect(code).not.toMatch(/const \$self|function\*/); // nothing printed: all made from text
    const made = await instrument(src, { copiesAtRunTime: true });
    const plain = await instrument(src, { copiesAtRunTime: false }) // (called outside a task: the original code);
    const xs = Array.from({ length: 30 }, (_, i) => i * 7);
    const r = finish(launch(made.outer, 0, xs, 4));
    expect(r.value).toBe(plain.outer(xs, 4));
    expect(r.pauses).toBeGreaterThan(100);
    const rec = finish(launch(made.recursive, 0, xs));
    expect(rec.value).toEqual(plain.recursive(xs));
    expect(rec.pauses).toBeGreaterThan(100);
    const d = finish(launch(made.declares, 0, xs, 4));
    expect(d.value).toBe(plain.declares(xs, 4));
    expect(d.pauses).toBeGreaterThan(100);
    const dl = finish(launch(made.declaresOverLet, 0, xs));
    expect(dl.value).toBe(plain.declaresOverLet(xs));
    expect(dl.pauses).toBeGreaterThan(100);
  });

  it("makes a method's generator version from its text when the method is outside the lazy subset (not one reading super)", async () => {
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      class Base { twice(n) { return spin(n) * 2; } }
      export class Careful extends Base {
        sum(xs) { let t = 0; try { for (const x of xs) t += spin(x); } finally { t += 1; } return t; }
        viaSuper(xs) { let t = 0; try { for (const x of xs) t += super.twice(x); } finally { t += 1; } return t; }
      }
      export const literal = { sum(xs) { let t = 0; try { for (const x of xs) t += spin(x); } finally { t += 2; } return t; } };
      export function run(xs) { const c = new Careful(); return [c.sum(xs), c.viaSuper(xs), literal.sum(xs)]; }
    `;
    const code = delimitersOff(transform(src, { filename: 'm.mjs', copiesAtRunTime: true }).code);
    expect(code).toMatch(/"sum": \[\$pe_open\w*, "1\|1\|c\|[^"]*", "gen"\]/);
    expect(code).toMatch(/"sum": \[\$pe_open\w*, "1\|1\|o\|[^"]*", "gen"\]/);
    expect(code).toMatch(/\*"\\0preemptible:viaSuper"\(xs\)/); // printed: reads super
    expect(code).not.toMatch(/\*"\\0preemptible:sum"/);
    await expectRunsAsPlain(src);
  });

  it("keeps printed versions for a function naming a binding like the opener's ($pe...), not for one with such text in a string", async () => {
    const src = `
      const $pe_rt = { n: 3 };
      export function named(xs) { let t = 0; for (const x of xs) t += x * $pe_rt.n; return t; }
      export function quoted(xs) { let t = ''; for (const x of xs) t += '$pe_rt:' + x; return t; }
    `;
    const code = delimitersOff(transform(src, { filename: 'pe.mjs' }).code);
    expect(code).toMatch(/\$pe\w*\.later\(quoted, \$f\w* => \$pe\w*\.lazyText\(/);
    expect(code).not.toMatch(/\.later\(named, /);
    expect(code).toMatch(/\.lazy\(named, /);
    const m = await instrument(src);
    const r = finish(launch(m.named, 0, [1, 2, 3]));
    expect(r.value).toBe(18);
    expect(r.pauses).toBeGreaterThan(3);
    expect(finish(launch(m.quoted, 0, [1, 2])).value).toBe('$pe_rt:1$pe_rt:2');
  });

  it("makes the versions of a class's methods that read and write its private fields from their text, compiled in the class", async () => {
    // `#x` reaches a field only inside its class: the versions of its methods (compiled in the class's static
    // block) can use it; a closure's (compiled outside) cannot, nor can a call of a private method be read
    // back (its fast entry is the class's): those stay printed.
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export class Account {
        #balance = 0;
        #log = [];
        static #opened = 0;
        constructor() { Account.#opened++; }
        deposit(xs) { for (const x of xs) { this.#balance += spin(x); this.#log.push(x); } return this.#balance; }
        owns(o) { let n = 0; for (let i = 0; i < 3; i++) n += #balance in o ? 1 : 0; return n; }
        static opened() { let t = 0; for (let i = 0; i < 2; i++) t += Account.#opened; return t; }
        static Audit = class { check(a) { let t = 0; for (const x of a.#log) t += spin(x); return t; } };
        viaClosure(xs) { return xs.map((x) => this.#balance + spin(x)); }
        viaPrivate(xs) { return this.#sum(xs); }
        #sum(xs) { let t = 0; for (const x of xs) t += spin(x); return t; }
      }
      export function run(xs) {
        const a = new Account();
        return [a.deposit(xs), a.owns(a), a.owns({}), Account.opened(), new Account.Audit().check(a), a.viaClosure(xs.slice(0, 3)), a.viaPrivate(xs)];
      }
    `;
    const code = delimitersOff(transform(src, { filename: 'p.mjs', copiesAtRunTime: true }).code);
    for (const name of ['deposit', 'owns', 'opened', 'check']) expect(code).toMatch(new RegExp(`"${name}": \\[\\$pe_open\\w*, "1\\|1\\|[cs]\\|`));
    expect(code).toMatch(/"viaPrivate": \(\(\) => \{ const \$self/); // printed: calls a private method
    expect(code).toMatch(/\$pe\.later\(\(x\) => this\.#balance \+ spin\(x\), \$f\w* => \$pe\.lazy\(/); // printed: a closure
    await expectRunsAsPlain(src);
  });

  it('makes the versions of the methods of a class made inside a function from their text, each making with its own bindings', async () => {
    // A mixin applied twice: each class's methods read that making's \`k\` and \`Base\`; their versions,
    // compiled by an opener in each class's static block, must not be shared between the makings.
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      class A { base() { return 1; } }
      class B { base() { return 1000; } }
      const Counting = (Base, k) => class extends Base {
        sum(xs) { let t = 0; for (const x of xs) t += spin(x) + k; return t + super.base(); }
        careful(xs) { try { return this.sum(xs) * k; } finally { this.done = k; } }
      };
      const CA = Counting(A, 3);
      const CB = Counting(B, 5);
      // (A loop of its own around the class: the opener would slow it; printed versions.)
      function looping(xs) { let n = 0; for (const x of xs) n += x; class Inner { total(ys) { let t = n; try { for (const y of ys) t += spin(y); } finally { t++; } return t; } } return new Inner().total(xs); }
      export function run(xs) { const a = new CA(); const b = new CB(); return [a.sum(xs), b.sum(xs), a.careful(xs), b.careful(xs), a.done, b.done, looping(xs)]; }
    `;
    const code = delimitersOff(transform(src, { filename: 'k.mjs', copiesAtRunTime: true }).code);
    expect(code).toMatch(/static \{ const \$pe_open\w* = \(\$pe_hot, \$pe_text\) =>/);
    expect(code).toMatch(/"careful": \[\$pe_open\w*, "1\|1\|c\|[^"]*", "gen"\]/);
    expect(code).not.toMatch(/\*"\\0preemptible:careful"/);
    expect(code).toMatch(/\*"\\0preemptible:total"/);
    expect(code.match(/static \{ const \$pe_open/g)).toHaveLength(1);
    await expectRunsAsPlain(src, [0, 1]);
  });

  it("makes the versions of an object literal's methods written in a function from their text, handed the locals around", async () => {
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export function make(k) {
        let hits = 0;
        for (let i = 0; i < k % 3; i++) hits += spin(i) * 0; // (something to pause at: make gets versions)
        return {
          sum(xs) { let t = 0; for (const x of xs) t += spin(x) + k; hits++; return t; },
          careful(xs) { try { return this.sum(xs); } finally { hits++; } },
          get hits() { return hits; },
        };
      }
      export function many(n, xs) { let t = 0; for (let i = 0; i < n; i++) { const o = make(i); t += o.careful(xs) + o.hits; } return t; }
    `;
    const code = delimitersOff(transform(src, { filename: 'l.mjs', copiesAtRunTime: true }).code);
    expect(code).toMatch(/"sum": \[\$pe_open, "1\|1\|o\|[^"]*", "lazy", \[k\], void 0, \{ get hits\(\) \{ return hits; \}, set hits\(\$pe_v\) \{ hits = \$pe_v; \} \}\]/);
    expect(code).toMatch(/"careful": \[\$pe_open, "1\|1\|o\|[^"]*", "gen", \[\], void 0, \{ get hits/);
    // make, which makes the literal, is made from text too: its generator version keeps the literal's
    // registration, `$pe.obj(...)`, as written.
    expect(code).toMatch(/\$pe\.later\(make, \$f\w* => \$pe\.defText\(/);
    expect(code).toMatch(/\$pe\.later\(many, \$f\w* => \$pe\.lazyText\(/);
    expect(code).not.toMatch(/const \$self|function\*|\*"?careful/);
    const made = await instrument(src, { copiesAtRunTime: true });
    const plain = await instrument(src, { copiesAtRunTime: false }); // (called outside a task: the original code)
    const xs = Array.from({ length: 20 }, (_, i) => i * 9);
    const r = finish(launch(made.many, 0, 6, xs));
    expect(r.value).toBe(plain.many(6, xs));
    expect(r.pauses).toBeGreaterThan(100);
  });

  it('makes versions in a realm of its own, unaffected by a task that changed the builtins of its realm', async () => {
    const src = `
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      export function poisoned(xs, k) {
        Object.defineProperty(Array.prototype, '1', { configurable: true, set() { throw new Error('setter called'); }, get() { return 'poison'; } });
        Object.prototype.extra = 'poison';
        try { return xs.map((x) => spin(x) + k); } finally { delete Array.prototype[1]; delete Object.prototype.extra; }
      }
    `;
    const made = await instrument(src, { copiesAtRunTime: true });
    const plain = await instrument(src, { copiesAtRunTime: false }) // (called outside a task: the original code);
    const xs = [5, 9, 14, 20];
    const r = finish(launch(made.poisoned, 0, xs, 1));
    expect(r.value).toEqual(plain.poisoned(xs, 1));
    expect(r.pauses).toBeGreaterThan(10);
  });
});
