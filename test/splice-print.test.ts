// The transform of a JavaScript file with copiesAtRunTime printed as the file's own text wherever the rewrite
// kept a node (transformer/splice-print.ts), without TypeScript's program and transforms (transformer/index.ts
// splicedTransform): the layout and comments of what was kept are the source's, a function kept whole is its
// original text to the engine, and only the spans of the functions that were changed are registered for
// toString. Files TypeScript would have to change (decorators, `using`, `accessor`) still go through it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { launch, PreemptibleSyntaxError } from 'preemptible';
import { transform } from 'preemptible/transform';
import { finish } from './helpers/finish';
import { instrument, root } from './helpers/instrument';

const require = createRequire(import.meta.url);
const { splicePrint } = require(join(root, 'dist/transformer/splice-print.js')) as typeof import('../transformer/splice-print');

const program = `// a header comment, kept
export function sum(xs) {
  let t = 0; // running total
  for (const x of xs)   t += step(x);
  return t;
}
function step(x) { return x * 2; }

/** Made in a function: its maker is changed (its closure is registered), the closure kept. */
export function scaler(k) {
  const by = (v) => { let r = 0; for (let i = 0; i < k; i++) r += step(v); return r; };
  return by;
}

class Base { constructor(n) { this.n = n; } }
export class Grid extends Base {
  total() { let s = 0; for (let i = 0; i < this.n; i++) s += step(i); return s; }
}
export const made = () => new Grid(5);
`;

const runTime = (src: string, filename = 'test.mjs'): string => transform(src, { filename, copiesAtRunTime: true }).code;

/** `text` without what is written between `/*$pe<*\/` and `/*$pe>*\/` (nested too). */
function withoutInserted(text: string): string {
  let out = '';
  let depth = 0;
  for (const part of text.split(/(\/\*\$pe[<>]\*\/)/)) {
    if (part === '/*$pe<*/') depth++;
    else if (part === '/*$pe>*/') depth--;
    else if (depth === 0) out += part;
  }
  return out;
}

describe('copiesAtRunTime: the output is the source where the rewrite kept it', () => {
  it('is the source with what it added between /*$pe<*/ and /*$pe>*/', () => {
    const out = runTime(program);
    expect(withoutInserted(out)).toBe(program);
    expect(out).toContain('// a header comment, kept');
    expect(out).toContain('export function sum(xs) {\n  let t = 0; // running total\n  for (const x of xs)   t += step(x);\n  return t;\n}');
    expect(out).toMatch(/const by = \/\*\$pe<\*\/\$pe\.later\(\(\{ "by": \/\*\$pe>\*\/\(v\) => \{ let r = 0;/);
    expect(out).toMatch(/export class Grid extends Base \{\n {2}\/\*\$pe<\*\/[^]*?static \{/);
    // Every function is its source text with additions only: no span marks, no text registered.
    expect(out).not.toMatch(/\/\*\$pe:|\.sources\(/);
  });

  it('marks a function the rewrite changed otherwise, and registers its text only', async () => {
    const src = `class A { constructor(n) { this.n = n; } }
export class B extends A {
  constructor(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += step(i);
    super(s);
    this.k = s;
  }
}
export function plain(xs) { return xs.map((x) => step(x)); }
function step(i) { return i; }
`;
    const out = runTime(src);
    const registered = /\$pe\.sources\("[0-9a-f]+", ("(?:[^"\\]|\\.)*"), \[([\d, ]+)\]\)/.exec(out);
    expect(registered).not.toBeNull();
    const text = JSON.parse(registered![1]!) as string;
    const at = registered![2]!.split(', ').map(Number);
    // B's constructor is rewritten (split around super()): B is marked, its text registered; plain is not.
    expect(at).toEqual([src.indexOf('class B'), src.indexOf('function plain') - '\nexport '.length]);
    expect(text).toBe(src.slice(at[0], at[1]));
    expect(out.match(/\/\*\$pe:[0-9a-f]+:\d+:\d+\*\//g)).toHaveLength(1);
    // (The mark outside what was added, which toString takes out before it looks for marks.)
    expect(withoutInserted(out)).toMatch(/\/\*\$pe:[0-9a-f]+:\d+:\d+\*\//);
    const m = await instrument(src, { copiesAtRunTime: true });
    expect(String(m.B)).toBe(src.slice(at[0], at[1]));
    expect(String(m.plain)).toBe('function plain(xs) { return xs.map((x) => step(x)); }');
    expect(new m.B(10).k).toBe(45);
    expect(finish(launch(() => new m.B(200).k, 0)).value).toBe(19900);
  });

  it("registers no run-once wrapper's text (an IIFE's, a bundled module's): only the functions changed inside it", async () => {
    // (esbuild's CommonJS form: the module's code is the one method of a literal given to __commonJS.)
    const src = `var __commonJS = (cb, mod) => function __require() { return mod || (0, cb[Object.keys(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports; };
var require_b = __commonJS({ "b.js"(exports) {
  class A { constructor(n) { this.n = n; } }
  class B extends A {
    constructor(n) {
      let s = 0;
      for (let i = 0; i < n; i++) s += i;
      super(s);
    }
  }
  exports.B = B;
} });
export const { B } = (function () { return require_b(); })();
`;
    const out = runTime(src);
    const registered = /\$pe\.sources\("[0-9a-f]+", ("(?:[^"\\]|\\.)*"), \[([\d, ]+)\]\)/.exec(out);
    const b = src.slice(src.indexOf('class B'), src.indexOf('\n  exports.B'));
    // Only B's span (its constructor split), not the module's code around it nor the IIFE's.
    expect(JSON.parse(registered![1]!)).toBe(b);
    expect(out.match(/\/\*\$pe:[0-9a-f]+:\d+:\d+\*\//g)).toHaveLength(1);
    const m = await instrument(src, { copiesAtRunTime: true });
    expect(String(m.B)).toBe(b);
    expect(finish(launch(() => new m.B(100).n, 0)).value).toBe(4950);
  });

  it('gives every function its source text, changed or kept, and runs as the original at every budget', async () => {
    const m = await instrument(program, { copiesAtRunTime: true });
    const original = new Function(`${program.replace(/export /g, '')}; return { sum, scaler, Grid, made };`)() as Record<string, any>;
    for (const name of ['sum', 'scaler', 'Grid']) expect(String(m[name])).toBe(String(original[name]));
    expect(Function.prototype.toString.call(m.Grid)).toBe(String(original.Grid));
    expect(String(m.scaler(3))).toBe(String(original.scaler(3)));
    const xs = Array.from({ length: 60 }, (_, i) => i);
    for (const budget of [0, 1]) {
      const r = finish(launch(m.sum, budget, xs));
      expect(r.value).toBe(original.sum(xs));
      expect(finish(launch(m.scaler(4), budget, 7)).value).toBe(original.scaler(4)(7));
      expect(finish(launch(() => m.made().total(), budget)).value).toBe(original.made().total());
    }
    expect(finish(launch(m.sum, 0, xs)).pauses).toBeGreaterThan(60);
  });

  it('leaves a file TypeScript must change to TypeScript: auto-accessors, `using`, decorators; types are errors', () => {
    // Node 20 has none of these: TypeScript lowers them (an `accessor` kept as written would not load).
    const accessor = runTime('export class A { accessor x = 1; m() { for (;;) g(); } }\nfunction g() {}');
    expect(accessor).not.toMatch(/^\s*accessor x/m); // (the registered source text has it, in a string)
    expect(accessor).toMatch(/#x_accessor_storage/);
    expect(runTime('export function f() { using r = g(); for (;;) g(); }\nfunction g() {}')).toMatch(/__disposeResources/);
    expect(runTime('@dec export class A { m() { for (;;) g(); } }\nfunction g() {}\nfunction dec() {}')).toMatch(/__esDecorate/);
    expect(() => runTime('export function f(x: number) { for (;;) g(x); }')).toThrow(PreemptibleSyntaxError);
    // The `in` operator flags a subtree as TypeScript too (`in` is also a modifier): that alone is JavaScript.
    expect(runTime('export function f(o) { let n = 0; for (;;) if ("k" in o) n += g(); }\nfunction g() { return 1; }')).toContain('export function f(o) { let n = 0; for (;;) if ("k" in o) n += g(); }');
  });

  it('puts a statement it adds that starts with ( after one of the source without a semicolon, as a statement of its own', () => {
    // A transformer adding `(0, mark)(7)` before each `return` of the source (the core adds no such
    // statement today; the printer must not let one continue the statement before it).
    const src = 'export function f(n) {\n  let t = n * 2\n  return t\n}\nexport function g() { return 1 }\n';
    const sf = ts.createSourceFile('a.mjs', src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const add: ts.TransformerFactory<ts.SourceFile> = (ctx) => (file) => {
      const visit = (node: ts.Node): ts.Node => {
        if (ts.isBlock(node)) {
          const statements = node.statements.flatMap((st) => ts.isReturnStatement(st)
            ? [ctx.factory.createExpressionStatement(ctx.factory.createCallExpression(ctx.factory.createParenthesizedExpression(ctx.factory.createComma(ctx.factory.createNumericLiteral(0), ctx.factory.createIdentifier('mark'))), undefined, [ctx.factory.createNumericLiteral(7)])), st]
            : [st]);
          return ctx.factory.updateBlock(node, statements);
        }
        return ts.visitEachChild(node, visit, ctx);
      };
      return ts.visitEachChild(file, visit, ctx);
    };
    const out = splicePrint(ts, ts.transform(sf, [add]).transformed[0]!, sf).code;
    expect(withoutInserted(out)).toBe(src);
    expect(out).toContain('let t = n * 2\n  /*$pe<*/;/*$pe<*/(0, mark)(7);');
    // It runs: `mark` is called once per return, `t` is not called.
    const marks: unknown[] = [];
    const run = new Function('mark', `${out.replace(/export /g, '')}; return [f(3), g()];`) as (mark: (x: unknown) => void) => number[];
    expect(run((x) => marks.push(x))).toEqual([6, 1]);
    expect(marks).toEqual([7, 7]);
  });

  it("takes what was added out of a function's text in toString, nested too, and leaves unbalanced text as it is", async () => {
    await import('preemptible/runtime'); // (the runtime's toString is installed when it loads)
    const added = new Function('return function f(a) { /*$pe<*/ g(/*$pe<*/ 1 /*$pe>*/); /*$pe>*/return a; }')() as () => unknown;
    expect(String(added)).toBe('function f(a) { return a; }');
    // (Unbalanced: not the transform's; the engine's text as it is.)
    const unbalanced = new Function('return function h(a) { /*$pe<*/ return a; }')() as () => unknown;
    expect(String(unbalanced)).toBe('function h(a) { /*$pe<*/ return a; }');
    const closedOnly = new Function('return function k(a) { return a; /*$pe>*/ }')() as () => unknown;
    expect(String(closedOnly)).toBe('function k(a) { return a; /*$pe>*/ }');
  });

  it('maps the source kept in the output to itself, token by token, in a source map', () => {
    const withMap = transform(program, { filename: 'test.mjs', copiesAtRunTime: true, sourceMap: true });
    expect(withMap.code).toBe(runTime(program));
    expect(withMap.map).toMatchObject({ version: 3, sources: ['test.mjs'], sourcesContent: [program] });
    const map = new SourceMap(withMap.map as never);
    const positionIn = (text: string, at: number) => {
      const before = text.slice(0, at).split('\n');
      return { line: before.length - 1, column: before[before.length - 1]!.length };
    };
    // Every word of the source kept where it was (outside the additions and the registered text).
    let checked = 0;
    const out = withMap.code;
    let depth = 0;
    for (const m of out.matchAll(/\/\*\$pe[^*]*\*\/|[\w$]+/g)) {
      if (m[0] === '/*$pe<*/') depth++;
      else if (m[0] === '/*$pe>*/') depth--;
      if (depth !== 0 || m[0].startsWith('/*')) continue;
      const g = positionIn(out, m.index);
      const entry = map.findEntry(g.line, g.column) as { originalLine: number; originalColumn: number; generatedColumn: number };
      expect(entry.generatedColumn, `${m[0]} at ${g.line}:${g.column}`).toBe(g.column);
      const source = program.split('\n')[entry.originalLine]!;
      expect(source.slice(entry.originalColumn, entry.originalColumn + m[0].length)).toBe(m[0]);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    // A word added (a registration's) maps to nothing of its own: no segment begins there.
    const added = out.indexOf('$pe.later(');
    const g = positionIn(out, added);
    expect((map.findEntry(g.line, g.column) as { generatedColumn?: number }).generatedColumn).not.toBe(g.column);
  });

  it("gives the engine's stack traces the source's positions with --enable-source-maps", () => {
    const src = `export function outer(xs) {\n  let t = 0;\n  for (const x of xs) t += inner(x);\n  return t;\n}\nfunction inner(x) {\n  if (x > 2) throw new Error('too big');\n  return x;\n}\n`;
    const r = transform(src, { filename: 'thrower.mjs', copiesAtRunTime: true, sourceMap: true });
    expect(r.code).not.toBe(src); // (something was added before the functions)
    const dir = join(root, '.test-out', 'unit');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `thrower${process.pid}.mjs`);
    const map = Buffer.from(JSON.stringify({ ...r.map, sources: [file] })).toString('base64');
    writeFileSync(file, `${r.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`);
    const stack = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', `import { outer } from ${JSON.stringify(file)}; try { outer([1, 2, 3]); } catch (e) { console.log(e.stack); }`], { encoding: 'utf8' });
    // Where the engine points: at `new Error` (line 7), at the call of inner (line 3), as for the source itself.
    const at = (text: string) => {
      const lines = src.split('\n');
      const line = lines.findIndex((l) => l.includes(text));
      return `${file.replace(/[.\\/]/g, (c) => '\\' + c)}:${line + 1}:${lines[line]!.indexOf(text) + 1}\\)`;
    };
    expect(stack).toMatch(new RegExp(`at inner \\(${at('new Error')}`));
    expect(stack).toMatch(new RegExp(`at outer \\(${at('inner(x)')}`));
  });

  it('gives stack traces through versions made at run time (inside a task) the source\'s positions too', () => {
    // A fast copy calling itself and a closure writing a local around it (read through an accessor, which
    // moves its text), a generator version (try/finally), a function with a closure's registration in its
    // text before the call, each at budget 0 (every frame re-entered through
    // its re-entry copy) and run to completion (fast copies only).
    const src = [
      'export function deep(n) {',
      '  let s = 0;',
      '  for (let i = 0; i < n; i++) s += i;',
      '  if (n > 0)',
      '    return deep(n - 1) + s;',
      "  throw new RangeError('bottom');",
      '}',
      'export function summed(xs) { let total = 0; xs.forEach((x) => { for (let i = 0; i < 2; i++) total += x; if (x > 2) deep(0); }); return total; }',
      'export function guarded(n) {',
      '  try { for (let i = 0; i < n; i++) deep(i); } finally { n = 0; }',
      '}',
      // A closure inside: its registration is added to the function's text at run time, before the call.
      'export function after(xs) {',
      '  for (let i = 0; i < 2; i++) xs = xs.slice();',
      '  const inc = (x) => { while (x < 1) x++; return x; }; return deep(xs.map(inc).length - 3);',
      '}',
      '',
    ].join('\n');
    const dir = join(root, '.test-out', 'unit');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `made${process.pid}.mjs`);
    const r = transform(src, { filename: file });
    expect(r.code).toMatch(/\$pe\.fileOf\(\$pe_open, /);
    expect(r.code).toMatch(/\$pe\.later\(guarded, \$f\w* => \$pe\.defText\(/);
    writeFileSync(file, r.code);
    const script = `import { launch, resume, TO_COMPLETION } from 'preemptible';
      import { deep, summed, guarded, after } from ${JSON.stringify(pathToFileURL(file).href)};
      for (const [f, arg] of [[deep, 3], [summed, [1, 2, 3]], [guarded, 3], [after, [1, 2, 3]]]) {
        for (const budget of [TO_COMPLETION, 0]) {
          try { const t = launch(f, budget, arg); while (t.status === 'paused') resume(t, budget); } catch (e) { console.log(e.stack.split('\\n').slice(0, 5).join('\\n')); }
        }
      }`;
    const out = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    const at = (text: string) => {
      const lines = src.split('\n');
      const line = lines.findIndex((l) => l.includes(text));
      return `${file}:${line + 1}:${lines[line]!.indexOf(text) + 1})`;
    };
    const traces = out.split('RangeError: bottom').slice(1);
    expect(traces).toHaveLength(8);
    for (const trace of traces) expect(trace).toContain(`at deep (${at("new RangeError('bottom')")}`);
    // Run to completion, the frame that called it: deep itself (its call of deep), the closure, guarded's
    // generator version. (At budget 0 the thrower was re-entered alone, its callers recorded: not on the stack.)
    for (const [i, call] of [[0, 'deep(n - 1)'], [2, 'deep(0)'], [4, 'deep(i)'], [6, 'deep(xs.map(inc).length - 3)']] as const) {
      expect(traces[i], `trace ${i}`).toContain(at(call));
    }
    expect(traces[1]).toMatch(/at reenter /);
  });
});

describe('the small printer (simple-print.ts)', () => {
  const { printSimple } = require(join(root, 'dist/transformer/simple-print.js')) as typeof import('../transformer/simple-print');
  const acorn = require('acorn') as typeof import('acorn');
  /** An expression's tree, without positions or raw texts (what two printings of one node must agree on). */
  const shape = (text: string): string =>
    JSON.stringify(acorn.parseExpressionAt(`(${text})`, 0, { ecmaVersion: 'latest', allowAwaitOutsideFunction: true, allowYieldOutsideFunction: false }), (k, v) =>
      k === 'start' || k === 'end' || k === 'raw' || k === 'loc' || k === 'range' ? undefined : v,
    );

  it("prints every node it accepts as TypeScript's printer does, over the output of transforms of real files", () => {
    const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
    let accepted = 0;
    let refused = 0;
    const kinds = new Set<string>();
    for (const file of ['node_modules/marked/lib/marked.esm.js', 'node_modules/acorn/dist/acorn.mjs']) {
      const src = require('node:fs').readFileSync(join(root, file), 'utf8') as string;
      // Generator versions too (yield, comma lists, conditionals), as printed copies hold them.
      const out = transform(src, { filename: file.split('/').pop()!, copiesAtRunTime: false }).code;
      const sf = ts.createSourceFile('out.mjs', out, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
      const visit = (n: ts.Node): void => {
        // (Only nodes outside generator functions whose text stands as an expression alone.)
        if (ts.isExpression(n) && !ts.isIdentifier(n) && !ts.findAncestor(n, (a) => ts.isFunctionLike(a) && !!(a as ts.FunctionLikeDeclaration).asteriskToken)) {
          const mine = printSimple(ts, n, () => undefined);
          if (mine === undefined) refused++;
          else {
            accepted++;
            kinds.add(ts.SyntaxKind[n.kind]!);
            expect(shape(mine), mine).toBe(shape(printer.printNode(ts.EmitHint.Expression, n, sf)));
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(accepted).toBeGreaterThan(10_000);
    expect(refused).toBeGreaterThan(0);
    for (const k of ['CallExpression', 'ArrowFunction', 'ObjectLiteralExpression', 'ConditionalExpression', 'BinaryExpression', 'ElementAccessExpression', 'VoidExpression']) expect(kinds).toContain(k);
  });

  it('refuses what would need parentheses only printing adds, and nodes with synthetic comments', () => {
    const f = ts.factory;
    const comma = f.createBinaryExpression(f.createIdentifier('a'), ts.SyntaxKind.CommaToken, f.createIdentifier('b'));
    // (The factory parenthesizes a comma argument itself; one put there otherwise is refused.)
    const call = f.createCallExpression(f.createIdentifier('g'), undefined, [f.createIdentifier('x')]);
    (call as unknown as { arguments: ts.NodeArray<ts.Expression> }).arguments = f.createNodeArray([comma]);
    expect(printSimple(ts, call, () => undefined)).toBeUndefined();
    expect(printSimple(ts, f.createParenthesizedExpression(comma), () => undefined)).toBe('(a, b)');
    const commented = ts.addSyntheticLeadingComment(f.createIdentifier('x'), ts.SyntaxKind.MultiLineCommentTrivia, 'c');
    expect(printSimple(ts, f.createCallExpression(f.createIdentifier('g'), undefined, [commented]), () => undefined)).toBeUndefined();
    // What the leaf gives is written in the node's place.
    expect(printSimple(ts, f.createCallExpression(f.createIdentifier('g'), undefined, [f.createIdentifier('x'), f.createStringLiteral('a"b')]), (n) => (ts.isIdentifier(n) && n.text === 'x' ? 'P0' : undefined))).toBe('g(P0, "a\\"b")');
  });
});
