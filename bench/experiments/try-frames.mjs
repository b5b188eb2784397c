// Experiment for issue #4's "no kernel worse than 3x" (bench/README.md, "Twenty-fifth session"): what do the
// fast copies' try/catch frames cost? Every fast copy wraps its body in `try { ... } catch ($e) { if ($e ===
// CAPTURE) <record the frame>; throw $e; }` so that a pause deeper down can record this frame on its way
// out. Two measurements, side by side in one process:
//
//  1. V8 alone: constructing an instance of a derived class (`class D extends B`, its constructor calling
//     `super()`) in a loop, with and without a try/catch around the loop, and the same for a base class.
//     In Node 20 (V8 11.3) the derived constructor's `super()` call is not inlined inside a try block, so
//     the construction costs about three times as much; a base class's construction costs the same.
//  2. The kernels: each transformed as usual (printed copies), and the same text with every fast copy's
//     try/catch taken away (its body kept), run under launch(run, TO_COMPLETION) where no checkpoint pauses
//     (so no frame is ever recorded and the result is the same). Ratios are to the plain kernel.
//
//   node bench/experiments/try-frames.mjs [kernel ...] [--rounds N]
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as acorn from 'acorn';
import { launch, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';

const here = dirname(fileURLToPath(import.meta.url));
const kernelDir = resolve(here, '..', 'kernels');
const outDir = resolve(here, '..', '..', '.test-out', 'try-frames');
mkdirSync(outDir, { recursive: true });

const argv = process.argv.slice(2);
let rounds = 9;
const only = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Math.max(1, Number(argv[++i]) | 0);
  else only.push(argv[i]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// ------------------------------------------------------------------------------- 1. V8 alone
class Base {
  constructor(p) {
    this.p = p;
  }
}
class Derived extends Base {
  constructor(p, r) {
    super(p);
    this.r = r;
  }
}
const keep = new Array(64).fill(null); // the instances escape, as they do in real code
const loops = {
  'base, no try': (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (keep[i & 63] = new Base(i)).p;
    return s;
  },
  'base, in try': (n) => {
    let s = 0;
    try {
      for (let i = 0; i < n; i++) s += (keep[i & 63] = new Base(i)).p;
    } catch (e) {
      throw e;
    }
    return s;
  },
  'derived, no try': (n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (keep[i & 63] = new Derived(i, 1)).p;
    return s;
  },
  'derived, in try': (n) => {
    let s = 0;
    try {
      for (let i = 0; i < n; i++) s += (keep[i & 63] = new Derived(i, 1)).p;
    } catch (e) {
      throw e;
    }
    return s;
  },
};
const N = 5_000_000;
const loopTimes = {};
for (let r = 0; r < rounds + 2; r++) {
  for (const [name, f] of Object.entries(loops)) {
    const s = performance.now();
    if (f(N) !== (N * (N - 1)) / 2) throw new Error(name);
    if (r >= 2) (loopTimes[name] ??= []).push(performance.now() - s);
  }
}
console.log(`## 1. Constructing instances (${N.toLocaleString('en-US')} per run, median of ${rounds})\n`);
console.log('| loop | ms | ns per instance |\n|---|---:|---:|');
for (const [name, xs] of Object.entries(loopTimes)) {
  const ms = median(xs);
  console.log(`| ${name} | ${ms.toFixed(1)} | ${((ms * 1e6) / N).toFixed(1)} |`);
}

// ------------------------------------------------------------------------------- 2. the kernels
/** `code` with every fast copy's try statement replaced by its block (acorn positions, edited from the end). */
function withoutCopyTries(code) {
  const edits = [];
  const visit = (n) => {
    if (!n || typeof n.type !== 'string') return;
    if (n.type === 'TryStatement' && n.handler && !n.finalizer) {
      // A fast copy's try: its block begins with the entry checkpoint, its catch records and rethrows.
      const first = n.block.body[0];
      const handler = n.handler.body.body;
      const isCopy = first && code.startsWith('if (--$pe_rt.c < 0', first.start) && handler.length === 2 && handler[0].type === 'IfStatement' && !handler[0].alternate;
      if (isCopy) edits.push([n.start, n.end, code.slice(n.block.start, n.block.end)]);
    }
    for (const v of Object.values(n)) {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === 'object') visit(v);
    }
  };
  visit(acorn.parse(code, { ecmaVersion: 'latest', sourceType: 'module' }));
  let out = code;
  for (const [a, b, text] of edits.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + text + out.slice(b);
  return { code: out, removed: edits.length };
}

const kernels = only.length ? only : readdirSync(kernelDir).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4));
console.log(`\n## 2. Kernels under launch(run, TO_COMPLETION), ratio to plain (median of ${rounds})\n`);
console.log('| kernel | plain ms | copies as printed | without their try/catch | frames without |\n|---|---:|---:|---:|---:|');
for (const name of kernels) {
  const source = readFileSync(join(kernelDir, `${name}.mjs`), 'utf8');
  const printed = transform(source, { filename: `${name}.mjs`, copiesAtRunTime: false }).code;
  const bare = withoutCopyTries(printed);
  const files = { plain: source, printed, bare: bare.code };
  const mods = {};
  for (const [kind, text] of Object.entries(files)) {
    const file = join(outDir, `${name}-${kind}.mjs`);
    writeFileSync(file, text);
    mods[kind] = await import(pathToFileURL(file).href);
  }
  const n = mods.plain.meta.n;
  const expected = JSON.stringify(mods.plain.run(n));
  const times = { plain: [], printed: [], bare: [] };
  for (let r = 0; r < rounds + 2; r++) {
    for (const kind of Object.keys(times)) {
      const s = performance.now();
      const value = kind === 'plain' ? mods.plain.run(n) : launch(mods[kind].run, TO_COMPLETION, n).value;
      const ms = performance.now() - s;
      if (JSON.stringify(value) !== expected) throw new Error(`${name} (${kind}): checksum differs`);
      if (r >= 2) times[kind].push(ms);
    }
  }
  const p = median(times.plain);
  console.log(`| ${name} | ${p.toFixed(1)} | ${(median(times.printed) / p).toFixed(2)}x | ${(median(times.bare) / p).toFixed(2)}x | ${bare.removed} |`);
}
