// TypeScript files written as JavaScript with their types blanked in place (transformer/blank-types.ts), so
// that transform() prints them as their own text and makes their versions at run time, as for JavaScript.
// The blanked text must mean what TypeScript's emit means: checked on every TypeScript source at hand (this
// repository's, and those npm packages ship), construct by construct where a blank could change meaning, and
// for import elision against TypeScript's own output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import esbuild from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { transform } from 'preemptible/transform';
import { root } from './helpers/instrument';

const require = createRequire(import.meta.url);
const { blankTypes } = require(join(root, 'dist/transformer/blank-types.js')) as typeof import('../transformer/blank-types');

const parse = (code: string, fileName = 'x.ts'): ts.SourceFile => ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
const blanked = (code: string): string | undefined => {
  const r = blankTypes(ts, parse(code));
  return 'text' in r ? r.text : undefined;
};
const erased = (code: string): Extract<ReturnType<typeof blankTypes>, { text: string }> => {
  const r = blankTypes(ts, parse(code));
  if (!('text' in r)) throw new Error(`${code}: ${r.notErasable}`);
  return r;
};
const emitOptions: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Preserve, useDefineForClassFields: true, removeComments: true };
/** TypeScript's emit of `code` as `fileName` (TypeScript, or JavaScript: then only reprinted; not x.ts, which the cases import). */
const emit = (code: string, fileName: string): string => ts.transpileModule(code, { fileName, compilerOptions: { ...emitOptions, allowJs: true } }).outputText;
/** Both printed again by esbuild, without blank lines, empty statements and `export {}`, all whitespace. */
const normal = (js: string): string =>
  esbuild
    .transformSync(js, { loader: 'js', target: 'es2022', legalComments: 'none' })
    .code.replace(/^export \{\s*\};?$/m, '')
    .split('\n')
    .filter((l) => l.trim() !== '' && l.trim() !== ';')
    .join('\n')
    .replace(/\s+/g, '');
const sameAsTypeScript = (code: string, text: string): boolean => normal(emit(code, 'main.ts')) === normal(emit(text, 'main.js'));

/** Runs a script's text with `result` as its completion: what it computes. */
const evaluate = (js: string): unknown => new Function(`${js}\n;return result;`)();

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'node_modules' || dir === root) tsFiles(p, out);
    } else if (/\.[cm]?ts$/.test(name) && !/\.d\.[cm]?ts$/.test(name)) out.push(p);
  }
  return out;
}

describe('blankTypes', () => {
  it('means what TypeScript emits, on every TypeScript source at hand (this repository, npm packages)', () => {
    const dirs = ['transformer', 'runtime', 'test', 'fixtures', 'bench', 'node_modules/@jridgewell', 'node_modules/piscina/src', 'node_modules/@babel/core/src'];
    const files = dirs.flatMap((d) => tsFiles(join(root, d)));
    const reasons = new Set<string>();
    const mismatches: string[] = [];
    let erasable = 0;
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      const sf = parse(code, file);
      if ((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length > 0) continue;
      const r = blankTypes(ts, sf);
      if (!('text' in r)) {
        reasons.add(r.notErasable.replace(/^\d+:\d+ /, '').replace(/'.*'/, "'…'"));
        continue;
      }
      erasable++;
      const name = relative(root, file);
      // Every position is the source's (but after code inserted for a parameter property: toSource), and
      // every line break is where it was.
      const positionsKept = r.toSource
        ? r.toSource(r.text.length) === code.length && [...r.text.matchAll(/\n/g)].every((m) => code[r.toSource!(m.index)] === '\n')
        : r.text.length === code.length && [...r.text.matchAll(/\n/g)].every((m) => code[m.index] === '\n');
      if (!positionsKept || r.text.split('\n').length !== code.split('\n').length) mismatches.push(`${name}: positions moved`);
      // (`using` is lowered by TypeScript, differently by esbuild: such files are compared as TypeScript prints them.)
      else if (!/\busing\b/.test(code) && !sameAsTypeScript(code, r.text)) mismatches.push(`${name}: differs from TypeScript's emit`);
    }
    expect(mismatches).toEqual([]);
    expect(erasable).toBeGreaterThan(150);
    // What is left to TypeScript's emit is only what blanking cannot express.
    for (const reason of reasons) expect(reason).toMatch(/^(EnumDeclaration|ModuleDeclaration|Decorator|export =)$/);
  });

  it('writes a `;` where a whole statement or member was, so that the lines around it stay apart', () => {
    const cases: [string, unknown][] = [
      ['const f = (x) => x; let a = f\ninterface I { x: number }\n(function () { return 1 })\nconst result = typeof a;', 'function'],
      ['const xs = [5, 6]; let b = xs\ntype T = number\n[0, 1].forEach(() => {})\nconst result = b;', [5, 6]],
      ['const tag = () => "tagged"; let c = tag\ndeclare const z: number\n`${1}`.length\nconst result = typeof c;', 'function'],
      ['class C { x = 1\n declare y: number\n ["m"]() { return 2 } }\nconst result = new C().m() + new C().x;', 3],
      ['class D { x = 1\n abstract?: number\n [Symbol.iterator]() { return [7][Symbol.iterator]() } }\nconst result = [...new D()];', [7]],
      ['function over(a: string): string;\nfunction over(a: any) { return a }\nconst result = over("o");', 'o'],
    ];
    for (const [code, expected] of cases) {
      const text = blanked(code);
      expect({ code, erased: text !== undefined }).toEqual({ code, erased: true });
      expect({ code, value: evaluate(text!) }).toEqual({ code, value: expected });
      expect({ code, value: evaluate(emit(code, 'x.ts')) }).toEqual({ code, value: expected });
    }
  });

  it('blanks assertions, `as`, `satisfies`, `!`, type arguments and parameters, modifiers and `this` parameters in place', () => {
    const code = [
      'abstract class A<T> implements Iterable<T> { private readonly xs: T[] = []; protected abstract k(): void; public static n?: number;',
      '  *[Symbol.iterator](): Iterator<T> { yield* this.xs } add(this: A<T>, x: T): this { this.xs.push(x); return this } }',
      'class B extends A<number> { override k(): void {} }',
      'const f = <U,>(u: U): U[] => [u, u]; const g = f<string>; const h = async <V>(v: V): Promise<V> => v;',
      'let x!: number; x = <number>(<unknown>3) + (4 as number) + (5 satisfies number) + [6]![0]!;',
      'const result = [x, [...new B().add(1).add(2)], g("s"), typeof h, B.n ?? null];',
    ].join('\n');
    const text = blanked(code)!;
    expect(text).toBeDefined();
    expect(text.length).toBe(code.length);
    expect(text).not.toMatch(/\b(number|string|private|readonly|protected|abstract|public|override|implements|satisfies|as)\b/);
    expect(evaluate(text)).toEqual([18, [1, 2], ['s', 's'], 'function', null]);
    expect(evaluate(emit(code, 'x.ts'))).toEqual(evaluate(text));
  });

  it("writes what TypeScript writes for parameter properties, on the lines it has them, and maps positions after it back", () => {
    const code = [
      'class Base { constructor(public n: number) { "use strict"; } }',
      'class Point extends Base {',
      '  z = this.n * 2;',
      '  constructor(private readonly x: number, protected y = 5, n = 1) { const k = n; super(k); this.z += x + y; }',
      '  get sum(): number { return this.x + this.y + this.z + this.n; }',
      '}',
      'const p = new Point(1, 2, 3);',
      'const result = [p.sum, Object.keys(p), Object.keys(new Base(7))];',
    ].join('\n');
    const r = erased(code);
    expect(r.text.split('\n')[0]).toBe('class Base {n; constructor(       n        ) { "use strict";;this.n = n; } }');
    expect(r.text.split('\n')[1]).toBe('class Point extends Base {x;y;');
    expect(r.text.split('\n')[3]).toContain('super(k);;this.x = x;;this.y = y; this.z += x + y;');
    // TypeScript's fields first, assigned after super(): `z` reads `n` before `x` and `y` are assigned.
    expect(evaluate(r.text)).toEqual(evaluate(emit(code, 'main.ts')));
    expect(evaluate(r.text)).toEqual([1 + 2 + (3 * 2 + 1 + 2) + 3, ['n', 'x', 'y', 'z'], ['n']]);
    // Positions after the insertions on their lines are the source's again; inside one, its place.
    const line3 = r.text.indexOf('this.z += x');
    expect(r.toSource!(line3)).toBe(code.indexOf('this.z += x'));
    expect(r.toSource!(r.text.indexOf('this.x = x'))).toBe(code.indexOf('super(k);') + 'super(k);'.length);
    expect(r.toSource!(r.text.indexOf('get sum'))).toBe(code.indexOf('get sum'));
  });

  it('writes a top-level enum as TypeScript emits it, on its first line', () => {
    const code = [
      'let before = 1',
      'export enum Color {',
      '  Red,',
      '  Green = 5,',
      '  Blue,',
      '  Label = "label",',
      '}',
      'const enum Flags { None = 0, A = 1 << 0, B = 1 << 1, AB = A | B, Named = Flags.A }',
      'const result = [before, Color.Blue, Color[6], Color.Label, Flags.AB, Flags.Named, Object.keys(Color)];',
    ].join('\n');
    const r = erased(code);
    expect(r.text.split('\n')).toHaveLength(code.split('\n').length);
    expect(r.text.split('\n')[1]).toMatch(/^export var Color; \(function \(Color\) \{ Color\[Color\["Red"\] = 0\] = "Red"; .*\}\)\(Color \|\| \(Color = \{\}\)\);;\s*$/);
    expect(r.text.split('\n')[2]).toMatch(/^\s*$/);
    const js = r.text.replace(/^export /m, '');
    expect(evaluate(js)).toEqual([1, 6, 'Blue', 'label', 3, 1, ['0', '5', '6', 'Red', 'Green', 'Blue', 'Label']]);
    expect(evaluate(js)).toEqual(evaluate(emit(code, 'main.ts').replace(/^export /m, '')));
    expect(r.toSource!(r.text.indexOf('const result'))).toBe(code.indexOf('const result'));
  });

  it('leaves to TypeScript what blanking cannot write, or where a blank would join lines', () => {
    const notErasable: [string, RegExp][] = [
      ['function f() { enum E { A } return E; }', /EnumDeclaration/],
      ['const X = 1; enum E { A = X }', /EnumDeclaration/],
      ['enum D { A } enum D { B = 2 }', /EnumDeclaration/],
      ['namespace N { export const x = 1 }', /ModuleDeclaration/],
      ['class P {} class Q extends P { constructor(private x: number) { if (x) super(); else super(); } }', /parameter property without a super\(\) statement/],
      ['export import fs = require("fs");', /ImportEqualsDeclaration/],
      ['export = 1;', /export =/],
      ['function f() { return <number>\n 1 }', /line break in <T>x/],
      ['let a = b as string\n(c)', /line continuing after `as`/],
      ['let a = b as string\n[c]', /line continuing after `as`/],
    ];
    for (const [code, reason] of notErasable) {
      const r = blankTypes(ts, parse(code));
      expect({ code, r }).toEqual({ code, r: { notErasable: expect.stringMatching(reason) } });
    }
    // Type-only namespaces, `declare`, `import type`: nothing to emit, blanked whole.
    for (const code of ['namespace T { export interface I {} export type U = 1 }', 'declare namespace D { const x: number }', 'declare module "m" { export const y: 1 }', 'declare global { var g: 1 }', 'import type { X } from "x";', 'export type { Y } from "y";', 'declare enum DE { A }']) {
      expect({ code, text: blanked(code)?.replace(/^;/, '').trim() }).toEqual({ code, text: '' });
    }
  });

  it('leaves out the imports and exports TypeScript leaves out, by its rule', () => {
    const cases = [
      `import { A, B } from './x'; let y: A = B;`,
      `import { A } from './x'; let y: A;`,
      `import {} from './x';`,
      `import './side-effect';`,
      `import { type A } from './x';`,
      `import D, { A } from './x'; D();`,
      `import D, { A } from './x'; A();`,
      `import D, * as NS from './x'; NS.f();`,
      `import D, * as NS from './x'; D();`,
      `export { type A } from './x';`,
      `export { type A, B } from './x';`,
      `interface I {}; export { I };`,
      `interface I {}; const I = 1; export { I };`,
      `import { A } from './x'; export { A };`,
      `import { A } from './x'; export { A as Z } from './x';`,
      `import type { A } from './x'; export { A };`,
      `interface I {}; export default I;`,
      `import { A } from './x'; function f(A) { return A }`,
      `import { A } from './x'; function f(A) { return A } A;`,
      `import { A } from './x'; const o = { A: 1 }; o.A; class C { A() {} }`,
      `import { A } from './x'; const o = { A };`,
      `import { A } from './x'; { let A = 1; A++; }`,
      `import { A } from './x'; try {} catch (A) { A; }`,
      `import { A } from './x'; for (const A of []) A;`,
      `import { A } from './x'; const f = function A() { return A; };`,
      `import { A } from './x'; function g() { var A; A = 1; }`,
      `import * as N from './x'; let z: N.T;`,
      `import { A } from './x'; let z: typeof A;`,
      `import { A } from './x'; class C implements A {}`,
      `import { A } from './x'; class C extends A<number> {}`,
      `import { A } from './x'; const g = A<string>;`,
      `import { A } from './x'; label: for (;;) break label; const A2 = { A: 0 }.A;`,
      `type T = 1; export { T as U };`,
      `export { type A };  let A = 1;`,
      `import { A } from './x'; export default A;`,
      `import fs = require('fs'); fs.readFileSync;`,
      `import fs = require('fs'); let y: typeof fs;`,
      `import fs = require('fs'); function g(fs) { return fs; }`,
      `declare namespace N { const y: number } import z = N.y; z;`,
    ];
    for (const code of cases) {
      const text = blanked(code);
      expect({ code, erased: text !== undefined }).toEqual({ code, erased: true });
      expect({ code, text: normal(emit(text!, 'main.js')) }).toEqual({ code, text: normal(emit(code, 'main.ts')) });
    }
  });
});

describe('transform() of TypeScript files', () => {
  const source = [
    'import type { Dirent } from "node:fs";',
    'interface Options { n: number }',
    'export function spin(o: Options): number {',
    '  let s: number = 0;',
    '  for (let i = 0; i < o.n; i++) s += i;',
    '  return s;',
    '}',
    'export class Acc<T> {',
    '  private readonly items: T[] = [];',
    '  add(x: T, d?: Dirent): this { this.items.push(x); spin({ n: 5 }); return this; }',
    '  get size(): number { return this.items.length; }',
    '}',
    'export function fail(n: number): never { spin({ n }); throw new Error("from ts"); }',
    'export class Holder { constructor(private readonly v: number) { if (v < 0) throw new Error("negative"); } get value(): number { return this.v; } total(n: number): number { let s = 0; for (let i = 0; i < n; i++) s += this.v; if (s > 100) throw new Error("big"); return s; } }',
    'export function bigTotal(n: number): number { return new Holder(3).total(n); }',
    '',
  ].join('\n');

  it('writes an erasable file as its own text with the types blanked, versions made at run time, mapped to the .ts file', () => {
    const r = transform(source, { filename: 'spin.ts', sourceMap: true });
    expect(r.format).toBe('esm'); // (its only import is a type's: the file is still a module)
    const code = r.code.replace(/\/\*\$pe[<>]\*\//g, '');
    expect(code).toContain('  for (let i = 0; i < o.n; i++) s += i;\n');
    expect(code).toContain('export function spin(o         )         {');
    expect(code).toMatch(/\$pe\.lazyText\(/);
    expect(code).not.toMatch(/\bnumber\b|Options|Dirent|private/);
    expect(r.map!.sources).toEqual(['spin.ts']);
    expect(r.map!.sourcesContent).toEqual([source]);
    // Printed instead when asked, or when the file is not erasable.
    expect(transform(source, { filename: 'spin.ts', copiesAtRunTime: false }).code).not.toMatch(/lazyText\(/);
    const withNamespace = transform(`${source}namespace N { export const a = 1; }\n`, { filename: 'spin.ts' }).code;
    expect(withNamespace).not.toMatch(/lazyText\(/);
    expect(withNamespace).toContain('(N || (N = {}))');
  });

  it('runs the blanked file preemptibly, with stack traces at the .ts file\'s lines', () => {
    const dir = join(root, '.test-out', 'blank-types');
    mkdirSync(dir, { recursive: true });
    const r = transform(source, { filename: join(dir, 'spin.ts'), sourceMap: true });
    const map = Buffer.from(JSON.stringify(r.map)).toString('base64');
    writeFileSync(join(dir, 'spin.mjs'), `${r.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`);
    const main = [
      "import { launch, resume } from 'preemptible';",
      "import { spin, Acc, fail, Holder, bigTotal } from './spin.mjs';",
      'const t = launch(spin, 0, { n: 1000 });',
      "let pauses = 0; while (t.status === 'paused') { resume(t, 0); pauses++; }",
      "const a = launch(() => new Acc().add('x').add('y').size, 0); while (a.status === 'paused') resume(a, 0);",
      'let where = "";',
      "const f = launch(fail, 0, 3); try { while (f.status === 'paused') resume(f, 0); } catch (e) { where = e.stack.split('\\n')[1].trim(); }",
      "let holder = ''; try { new Holder(-1); } catch (e) { holder = e.stack.split('\\n')[1].trim(); }",
      "let big = ''; try { const h = launch(bigTotal, 0, 50); while (h.status === 'paused') resume(h, 0); } catch (e) { big = e.stack.split('\\n')[1].trim(); }",
      'console.log(JSON.stringify({ value: t.value, pauses: pauses > 10, size: a.value, where, holder, big, value2: new Holder(2).value }));',
    ].join('\n');
    writeFileSync(join(dir, 'main.mjs'), main);
    const out = JSON.parse(execFileSync(process.execPath, ['--enable-source-maps', join(dir, 'main.mjs')], { encoding: 'utf8' }));
    // (Line 14 has code inserted for its parameter property before the `new Error`: the column is the source's.)
    const column = source.split('\n')[13]!.indexOf('new Error') + 1;
    // (`total`'s versions are made at run time, with a map of their own: the same column.)
    const bigColumn = source.split('\n')[13]!.indexOf('new Error("big")') + 1;
    expect(out).toEqual({
      value: 499500, pauses: true, size: 2, value2: 2,
      where: expect.stringMatching(/spin\.ts:13:\d+\)?$/),
      holder: expect.stringMatching(new RegExp(`spin\\.ts:14:${column}\\)?$`)),
      big: expect.stringMatching(new RegExp(`spin\\.ts:14:${bigColumn}\\)?$`)),
    });
  });

  it("gives a blanked file's functions the source's text with the types blanked, as Node's --experimental-strip-types does", async () => {
    const src = 'export function add(a: number, b: number): number { let s: number = a; for (let i = 0; i < b; i++) s++; return s; }\nexport class P { constructor(private x: number) {} get(): number { return this.x; } }\n';
    const dir = join(root, '.test-out', 'blank-types');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'strings.mjs'), transform(src, { filename: 'strings.ts' }).code);
    const m = await import(join(dir, 'strings.mjs'));
    expect(m.add(2, 3)).toBe(5);
    expect(String(m.add)).toBe('function add(a        , b        )         { let s         = a; for (let i = 0; i < b; i++) s++; return s; }');
    expect(String(m.P)).toBe('class P {x; constructor(        x        ) {;this.x = x;} get()         { return this.x; } }');
  });

  it('writes a JavaScript class with static or computed fields as its own text too (TypeScript changes them only for older targets)', () => {
    const js = 'export class A { static made = 1; [Symbol.toStringTag] = "A"; m(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; } }\n';
    const code = transform(js, { filename: 'a.mjs' }).code.replace(/\/\*\$pe[<>]\*\//g, '');
    expect(code).toContain('static made = 1; [Symbol.toStringTag] = "A";');
    expect(transform('export class B { accessor x = 1; }', { filename: 'b.mjs' }).code).not.toContain('/*$pe<*/');
  });
});
