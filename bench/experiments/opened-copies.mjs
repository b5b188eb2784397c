// Experiment for issue #4's transform targets (bench/README.md, "Copies compiled at run time"): do a
// function's copies run as fast when they are compiled at run time, from text, as when they are printed
// in place? A plan that makes the copies at run time needs a way into each function's scope; this
// measures the one it would use, a direct-eval "opener" declared in that scope:
//
//   const $pe_open = (s) => eval(s);                 // once per module (or class static block)
//   $pe.lazy(f, $pe_open("(() => { ...copies... })()"));
//
// Each kernel of bench/kernels is transformed as usual (A), and B is A with every copy factory that sits
// at module level or directly in a class static block turned into such an eval of its own text (the code
// compiled is the same; only where its text comes from differs). Factories nested in functions are left
// as they are (an opener there would make all of that function's locals context-allocated). Both are run
// in one process, modes interleaved: plain, called outside a task, TO_COMPLETION, 1 ms slices.
//
//   node bench/experiments/opened-copies.mjs [kernel ...] [--rounds N] [--cjs] [--sloppy] [--from-text]
//     --cjs        the kernels as CommonJS (sloppy scripts)
//     --sloppy     with --cjs: a sloppy opener (eval code then looks names up dynamically); default strict
//     --from-text  B is the transform with copiesAtRunTime: the copies are made at run time from each
//                  function's text (transformer/lazy-from-text.ts) and compiled through the file's opener
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as acorn from 'acorn';
import { launch, resume, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';

import { root, table, fmtRatio } from '../common.mjs';

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 7;
const only = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds');
const cjs = flag('--cjs');
const sloppyOpener = flag('--sloppy');
const fromText = flag('--from-text');

/** A factory of copies as transform() prints it: `(() => { [const $home = ...;] const $self = ...})()`. */
function isFactory(code, n) {
  return (
    n.type === 'CallExpression' &&
    n.arguments.length === 0 &&
    n.callee.type === 'ArrowFunctionExpression' &&
    n.callee.params.length === 0 &&
    n.callee.body.type === 'BlockStatement' &&
    /^\{ (const \$home = this\.prototype; )?const \$self = /.test(code.slice(n.callee.body.start, n.callee.body.start + 60))
  );
}

/** A's text with its module-level and static-block factories compiled through an opener; and how many. */
export function openCopies(code) {
  const ast = acorn.parse(code, { ecmaVersion: 'latest', sourceType: /^import /m.test(code) ? 'module' : 'script', allowReturnOutsideFunction: true });
  const edits = [];
  const openedBlocks = new Set();
  let opened = 0;
  const visit = (n, ancestors) => {
    if (!n || typeof n.type !== 'string') return;
    if (isFactory(code, n)) {
      // The nearest scope that is not a function: the module, or a class static block.
      const scope = ancestors.findLast((a) => a.type === 'StaticBlock' || a.type === 'Program' || /Function/.test(a.type));
      if (scope && !/Function/.test(scope.type)) {
        edits.push({ start: n.start, end: n.end, text: `$pe_open(${JSON.stringify(code.slice(n.start, n.end))})` });
        opened++;
        if (scope.type === 'StaticBlock' && !openedBlocks.has(scope)) {
          openedBlocks.add(scope);
          const at = code.indexOf('{', scope.start) + 1;
          edits.push({ start: at, end: at, text: ' const $pe_open = (s) => eval(s);' });
        }
        return;
      }
    }
    ancestors.push(n);
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) for (const c of v) visit(c, ancestors);
      else if (v && typeof v.type === 'string') visit(v, ancestors);
    }
    ancestors.pop();
  };
  visit(ast, []);
  edits.sort((a, b) => b.start - a.start);
  let out = code;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const opener = cjs && !sloppyOpener ? 'const $pe_open = function (s) { "use strict"; return eval(s); };\n' : 'const $pe_open = (s) => eval(s);\n';
  const at = out.indexOf('\n', out.indexOf('const $pe_rt')) + 1;
  return { code: out.slice(0, at) + opener + out.slice(at), opened };
}

const kernelsDir = join(root, 'bench/kernels');
const here = join(root, '.test-out/bench/opened-copies');
mkdirSync(here, { recursive: true });
const require = createRequire(import.meta.url);
const ext = cjs ? 'cjs' : 'mjs';
const load = (file) => (cjs ? require(file) : import(pathToFileURL(file).href));
const names = readdirSync(kernelsDir)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.slice(0, -4))
  .filter((n) => only.length === 0 || only.includes(n));

const kernels = [];
for (const name of names) {
  let src = readFileSync(join(kernelsDir, `${name}.mjs`), 'utf8');
  if (cjs) {
    const exported = [];
    src = src.replace(/^export (const|function|class) (\w+)/gm, (_, kind, id) => (exported.push(id), `${kind} ${id}`));
    src += `\nmodule.exports = { ${exported.join(', ')} };\n`;
  }
  const a = transform(src, { filename: `${name}.${ext}` }).code;
  const b = fromText ? { code: transform(src, { filename: `${name}.${ext}`, copiesAtRunTime: true }).code, opened: -1 } : openCopies(a);
  if (fromText) b.opened = b.code.split('.lazyText(').length - 1;
  const files = { P: src, A: a, B: b.code };
  const mods = {};
  for (const [k, text] of Object.entries(files)) {
    const file = join(here, `${name}.${k}.${ext}`);
    writeFileSync(file, text);
    mods[k] = await load(file);
  }
  kernels.push({ name, opened: b.opened, ...mods });
}

const direct = (m, n) => m.run(n);
const complete = (m, n) => launch(m.run, TO_COMPLETION, n).value;
const slices = (m, n) => {
  const t = launch(m.run, 1, n);
  while (t.status === 'paused') resume(t, 1);
  return t.value;
};
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

const rows = [];
const ratios = [];
for (const k of kernels) {
  const modes = [['plain', direct, k.P], ['directA', direct, k.A], ['directB', direct, k.B], ['completeA', complete, k.A], ['completeB', complete, k.B], ['slicesA', slices, k.A], ['slicesB', slices, k.B]];
  const times = Object.fromEntries(modes.map(([m]) => [m, []]));
  for (let round = 0; round < rounds + 2; round++) {
    const results = new Set();
    for (const [mode, run, mod] of round % 2 ? modes : [...modes].reverse()) {
      const t0 = performance.now();
      results.add(String(run(mod, mod.meta.n)));
      if (round >= 2) times[mode].push(performance.now() - t0); // two warm-up rounds
    }
    if (results.size !== 1) throw new Error(`${k.name}: results differ: ${[...results].join(' ')}`);
  }
  const m = Object.fromEntries(Object.entries(times).map(([mode, xs]) => [mode, median(xs)]));
  const r = Object.fromEntries(Object.keys(m).map((mode) => [mode, m[mode] / m.plain]));
  ratios.push(r);
  rows.push([k.name, String(k.opened), `${m.plain.toFixed(1)} ms`, ...['direct', 'complete', 'slices'].flatMap((mode) => [fmtRatio(r[mode + 'A']), fmtRatio(r[mode + 'B'])])]);
}
const geomean = (mode) => Math.exp(ratios.reduce((s, r) => s + Math.log(r[mode]), 0) / ratios.length);
rows.push(['geomean', '', '', ...['direct', 'complete', 'slices'].flatMap((mode) => [fmtRatio(geomean(mode + 'A')), fmtRatio(geomean(mode + 'B'))])]);
console.log(`\nCopies printed (A) vs compiled through an eval opener (B${fromText ? ', made at run time from the functions\' text' : ''}); ${cjs ? `CommonJS, ${sloppyOpener ? 'sloppy' : 'strict'} opener` : 'ESM'}; ${rounds} rounds, medians, × plain\n`);
console.log(table(['kernel', 'opened', 'plain', 'direct A', 'direct B', 'TO_COMPLETION A', 'TO_COMPLETION B', '1 ms slices A', '1 ms slices B'], rows));
