// Does lazy.ts give the same copies when it runs on mini-ts nodes parsed from a function's own text
// (transformer/lazy-from-text.ts) as when the transform runs it on TypeScript's nodes of the whole file?
//
// Each file is transformed as usual with lazy.ts's buildLazy wrapped: every function it makes copies for is
// recorded with its text, the facts about its file the rewrite used, and the copies TypeScript printed.
// Then lazyVersionsFromText() makes them again from the text alone, and the two are compared as syntax
// trees (acorn), parentheses and layout aside, generated names (those not in the function's text) matched
// by their order of first appearance.
//
//   node test/harness/lazy-from-text.mjs [file ...]     (default: fixtures/programs and bench/kernels)
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as acorn from 'acorn';

const require = createRequire(import.meta.url);
const root = new URL('../..', import.meta.url).pathname;
const ts = require('typescript');
const lazy = require(join(root, 'dist/transformer/lazy.js'));
const { transform } = require(join(root, 'dist/transformer/index.js'));
const { lazyVersionsFromText, generatorBodyFromText } = require(join(root, 'dist/transformer/lazy-from-text.js'));
const generatorBody = require(join(root, 'dist/transformer/generator-body.js'));
const { factsAbout } = require(join(root, 'dist/transformer/text-facts.js'));

/** Functions whose copies hold more than their own text says (kept out of this comparison, counted). */
function skipReason(g, fn) {
  if (g.newTarget || g.superHome || g.superVia || g.pauseHolder || g.asyncGenerator) return 'special context';
  if (fn.pos < 0 || fn.end < 0) return 'made by the transform';
  let why;
  const visit = (n) => {
    if (why) return;
    if (n !== fn && (ts.isFunctionLike(n) || ts.isClassLike(n))) why = 'closure or class inside';
    else if (ts.isPrivateIdentifier(n)) why = '#private';
    // (The transform's visitor rewrites these in the body before its versions are built: file-level work.)
    else if (ts.isTaggedTemplateExpression(n)) why = 'tagged template';
    else if (ts.isArrowFunction(fn) && ((ts.isIdentifier(n) && n.text === 'arguments') || ts.isMetaProperty(n) || n.kind === ts.SyntaxKind.SuperKeyword)) why = "an arrow's lexical arguments, new.target or super";
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return why;
}

/** The function's text as Function.prototype.toString gives it (no `export`, `export default`, `static`). */
function functionText(fn, sf) {
  let start = fn.getStart(sf);
  for (const m of fn.modifiers ?? []) {
    if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword || m.kind === ts.SyntaxKind.StaticKeyword) start = m.end;
  }
  return sf.text.slice(start, fn.end).trim();
}

/** The facts the transform writes for such a function (text-facts.ts), here for any function, sloppy ones too. */
function factsFor(g, fn, module) {
  const method = ts.isMethodDeclaration(fn) || ts.isAccessor(fn) ? (ts.isClassLike(fn.parent) ? (fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ? 'static' : 'class') : 'object') : undefined;
  const facts = factsAbout(ts, fn, g.policy, (n, site) => g.fixedFast(n, site) !== undefined, { module, method });
  return { ...facts, strict: lazy.isStrict(ts, g, fn) };
}

/** A syntax tree as plain data: no positions or raw text, generated names numbered by first appearance. */
function canonical(code, ownNames, module) {
  // (Inside a method: the copies of an arrow reading `super` read it too.)
  const tree = acorn.parse(`({ m() { return (${code}); } })`, { ecmaVersion: 'latest', sourceType: module ? 'module' : 'script' });
  const renamed = new Map();
  const walk = (n) => {
    if (Array.isArray(n)) return n.map(walk);
    if (!n || typeof n !== 'object') return n;
    const out = {};
    for (const [k, v] of Object.entries(n)) {
      if (k === 'start' || k === 'end' || k === 'raw' || k === 'loc') continue;
      out[k] = walk(v);
    }
    if (n.type === 'Identifier' && !ownNames.has(n.name)) {
      if (!renamed.has(n.name)) renamed.set(n.name, `$$${renamed.size}`);
      out.name = renamed.get(n.name);
    }
    if (n.type === 'Literal' && typeof n.value === 'bigint') out.value = String(n.value);
    if (n.type === 'Literal' && n.regex) out.value = `/${n.regex.pattern}/${n.regex.flags}`;
    return out;
  };
  return JSON.stringify(walk(tree));
}

export function compareFile(file, source = readFileSync(file, 'utf8')) {
  const recorded = [];
  const generators = [];
  const originalGen = generatorBody.buildGeneratorBody;
  generatorBody.buildGeneratorBody = (g, body) => {
    const made = originalGen(g, body);
    generators.push({ g, body, made });
    return made;
  };
  const original = lazy.buildLazy;
  lazy.buildLazy = (g, fn, name) => {
    const made = original(g, fn, name);
    recorded.push({ g, fn, name, made });
    return made;
  };
  const results = { file, same: 0, rejectedBoth: 0, differ: [], skipped: {}, failed: [], generators: { same: 0, skipped: 0 } };
  let format;
  try {
    // (The versions printed, to compare with: copiesAtRunTime would leave most of them to the run time.)
    format = transform(source, { filename: basename(file), copiesAtRunTime: false }).format;
  } catch (e) {
    results.failed.push({ what: 'transform', error: String(e?.message ?? e).slice(0, 200) });
    return results;
  } finally {
    lazy.buildLazy = original;
    generatorBody.buildGeneratorBody = originalGen;
  }
  const printer = ts.createPrinter({ removeComments: true });
  for (const { g, fn, name, made } of recorded) {
    const why = skipReason(g, fn);
    if (why) {
      results.skipped[why] = (results.skipped[why] ?? 0) + 1;
      continue;
    }
    const sf = fn.getSourceFile();
    const text = functionText(fn, sf);
    const expected = made && printer.printNode(ts.EmitHint.Expression, made, sf);
    let actual;
    try {
      actual = lazyVersionsFromText(text, factsFor(g, fn, format === 'esm'), name, { fixedOutside: true, asPrinted: true });
    } catch (e) {
      results.failed.push({ name, text: text.slice(0, 120), error: String(e?.stack ?? e).split('\n').slice(0, 3).join(' | ') });
      continue;
    }
    if (actual === undefined || expected === undefined) {
      if (actual === expected) results.rejectedBoth++;
      else results.differ.push({ name, text: text.slice(0, 120), why: actual === undefined ? `not in the subset from text: ${lazy.lastRejection}` : 'in the subset from text only' });
      continue;
    }
    const own = new Set();
    const collect = (n) => {
      if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) own.add(n.text);
      ts.forEachChild(n, collect);
    };
    collect(fn);
    const [a, b] = [canonical(expected, own, format === 'esm'), canonical(actual, own, format === 'esm')];
    if (a === b) results.same++;
    else {
      let at = 0;
      while (a[at] === b[at]) at++;
      results.differ.push({ name, text: text.slice(0, 120), expected: a.slice(Math.max(0, at - 300), at + 200), actual: b.slice(Math.max(0, at - 300), at + 200), rawExpected: expected, rawActual: actual });
    }
  }
  // Generator versions (functions outside the lazy subset): their bodies, printed, compared the same way.
  for (const { g, body, made } of generators) {
    const originalBody = ts.getOriginalNode(body);
    const fn = originalBody.parent;
    if (!fn || !ts.isFunctionLike(fn) || fn.body !== originalBody || originalBody.pos < 0 || skipReason(g, fn)) {
      results.generators.skipped++;
      continue;
    }
    const sf = fn.getSourceFile();
    const text = functionText(fn, sf);
    const facts = factsFor(g, fn, format === 'esm');
    let actual;
    try {
      actual = generatorBodyFromText(text, facts);
    } catch (e) {
      results.failed.push({ name: 'generator body', text: text.slice(0, 120), error: String(e?.stack ?? e).split('\n').slice(0, 3).join(' | ') });
      continue;
    }
    const expected = printer.printNode(ts.EmitHint.Unspecified, made, sf);
    const own = new Set();
    const collect = (n) => {
      if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) own.add(n.text);
      ts.forEachChild(n, collect);
    };
    collect(fn);
    const asBody = (b) => `{ *m() ${b} }`;
    const [a, b] = [canonical(asBody(expected), own, format === 'esm'), canonical(asBody(actual), own, format === 'esm')];
    if (a === b) results.generators.same++;
    else {
      let at = 0;
      while (a[at] === b[at]) at++;
      results.differ.push({ name: 'generator body', text: text.slice(0, 120), expected: a.slice(Math.max(0, at - 300), at + 200), actual: b.slice(Math.max(0, at - 300), at + 200), rawExpected: expected, rawActual: actual });
    }
  }
  return results;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    for (const dir of ['fixtures/programs', 'bench/kernels']) {
      for (const f of readdirSync(join(root, dir)).sort()) if (/\.(mjs|cjs|js)$/.test(f)) files.push(join(root, dir, f));
    }
  }
  const total = { same: 0, rejectedBoth: 0, generatorsSame: 0, generatorsSkipped: 0, differ: 0, failed: 0, skipped: {} };
  for (const file of files) {
    const r = compareFile(file);
    total.same += r.same;
    total.rejectedBoth += r.rejectedBoth;
    total.generatorsSame += r.generators.same;
    total.generatorsSkipped += r.generators.skipped;
    total.differ += r.differ.length;
    total.failed += r.failed.length;
    for (const [k, v] of Object.entries(r.skipped)) total.skipped[k] = (total.skipped[k] ?? 0) + v;
    for (const d of r.differ) console.log(`DIFFER ${basename(file)} ${d.name ?? ''}: ${d.why ?? ''}\n  text: ${d.text}\n${d.expected ? `  ts:   ${d.expected.slice(0, 600)}\n  mini: ${d.actual.slice(0, 600)}` : ''}`);
    for (const f of r.failed) console.log(`FAILED ${basename(file)} ${f.name ?? ''}: ${f.error}\n  text: ${f.text ?? ''}`);
  }
  console.log(JSON.stringify(total));
}
