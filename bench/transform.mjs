// Transform throughput (`npm run bench`, or `node bench/transform.mjs`): MB/s of source through
// `transform()` on real files and output size ratio, with its default options (versions made at run time:
// copiesAtRunTime) and with `copiesAtRunTime: false` (every function's versions printed), and beside it TypeScript's own `transpileModule` on the
// same file with the same options and no transformer (the floor under this design: the transform is a
// TypeScript transformer, so it can never be faster than TypeScript parsing and printing the file).
// Prints a Markdown table, writes bench/results/transform.json.
//
//   node bench/transform.mjs           marked, acorn, vite's node chunk, @babel/core bundled by esbuild, and
//                                      TypeScript sources file by file: those npm packages here ship, and
//                                      this repository's own (~60 s)
//   node bench/transform.mjs --large   node_modules/typescript/lib/typescript.js (9 MB; ~1 minute,
//                                      ~3.7 GB RSS), written to bench/results/transform-large.json;
//                                      the default run then shows that row, marked with its date
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import * as esbuild from 'esbuild';

import ts from 'typescript';
import { transform, transpileOptions } from 'preemptible/transform';

import { fmt, machine, now, root, sig, table, writeResults } from './common.mjs';

const large = process.argv.includes('--large');
const started = now();
// A bundle as esbuild writes one (its modules in `__commonJS({ "path"(exports, module) { ... } })`): made here.
const BABEL_BUNDLE = '@babel/core bundled by esbuild';
// TypeScript input, each file through transform() (times and sizes summed): the sources npm packages installed
// here ship, and this repository's own (whose functions mention the runtime's `$pe` names, which keeps many of
// them printed, and which has parameter properties, which TypeScript must emit: see the README).
const NPM_TS = 'TypeScript sources of @jridgewell/*, piscina, @babel/core (file by file)';
const OWN_TS = "this repository's transformer/ and runtime/ (TypeScript, file by file)";
const FILES = large
  ? ['node_modules/typescript/lib/typescript.js']
  : ['node_modules/marked/lib/marked.esm.js', 'node_modules/acorn/dist/acorn.mjs', 'node_modules/acorn/dist/acorn.js', 'node_modules/vite/dist/node/chunks/node.js', BABEL_BUNDLE, NPM_TS, OWN_TS];

/** Every .ts file (not .d.ts) under `dir`, its path relative to the root as its name. */
function tsSources(dir, out = []) {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) tsSources(rel, out);
    else if (/\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) out.push({ fileName: rel, source: readFileSync(join(root, rel), 'utf8') });
  }
  return out;
}

/** The inputs of a row: its file, or a set of TypeScript files. */
function inputsOf(rel) {
  if (rel === NPM_TS) {
    const dirs = ['node_modules/piscina/src', 'node_modules/@babel/core/src', ...readdirSync(join(root, 'node_modules/@jridgewell')).map((d) => `node_modules/@jridgewell/${d}/src`)];
    return dirs.filter((d) => existsSync(join(root, d))).flatMap((d) => tsSources(d));
  }
  if (rel === OWN_TS) return ['transformer', 'runtime'].flatMap((d) => tsSources(d));
  const bundled = rel === BABEL_BUNDLE;
  const file = bundled ? babelBundle() : join(root, rel);
  if (!existsSync(file)) return undefined;
  const source = readFileSync(file, 'utf8');
  if (bundled) rmSync(file);
  return [{ fileName: bundled ? 'babel-core.bundle.cjs' : rel.split('/').pop(), source }];
}

/** Milliseconds to run `f` on every input, and the output's total size. */
function timed(inputs, f) {
  const t = now();
  let outBytes = 0;
  for (const { source, fileName } of inputs) outBytes += Buffer.byteLength(f(source, fileName));
  return { ms: now() - t, outBytes };
}

/** `@babel/core` bundled by esbuild into a CommonJS file in the temporary directory (as the corpora make it). */
function babelBundle() {
  const outfile = join(tmpdir(), `preemptible-bench-babel-core-${process.pid}.cjs`);
  esbuild.buildSync({
    entryPoints: [join(root, 'node_modules/@babel/core/lib/index.js')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'error',
    external: ['@babel/preset-typescript', '@babel/preset-typescript/package.json'],
  });
  return outfile;
}

function transpileOnly(source, fileName) {
  // The options transform() passes to transpileModule, without the transformers.
  return ts.transpileModule(source, { fileName, reportDiagnostics: true, compilerOptions: transpileOptions() }).outputText;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const rows = [];
/** The files measured, for the warm runs of copiesAtRunTime. */
const warm = [];
for (const rel of FILES) {
  const inputs = inputsOf(rel);
  if (!inputs) {
    rows.push({ file: rel, error: 'file not found (dependency not installed)' });
    continue;
  }
  const bytes = inputs.reduce((n, i) => n + Buffer.byteLength(i.source), 0);
  const label = inputs.length > 1 ? `${inputs.length} files` : inputs[0].fileName;
  // Small inputs: the first (cold) run, then the best of two more (warm JIT). Large files: one run.
  const runs = bytes < 500_000 && !large ? 3 : 1;
  const ms = [];
  let outBytes;
  try {
    for (let r = 0; r < runs; r++) {
      const run = timed(inputs, (source, filename) => transform(source, { filename, copiesAtRunTime: false }).code);
      ms.push(run.ms);
      outBytes = run.outBytes;
    }
  } catch (e) {
    rows.push({ file: rel, bytes, error: String(e?.message ?? e).slice(0, 200) });
    continue;
  }
  // The default, versions made at run time (copiesAtRunTime): its first run here, and below, once every file
  // has been transformed, the median of three more (warm).
  const atRunTime = timed(inputs, (source, filename) => transform(source, { filename }).code);
  const t0 = now();
  let plainBytes;
  let transpileMs = Infinity;
  for (let r = 0; r < runs; r++) {
    const run = timed(inputs, transpileOnly);
    transpileMs = Math.min(transpileMs, run.ms);
    plainBytes = run.outBytes;
  }
  const best = Math.min(...ms);
  rows.push({
    file: rel,
    bytes,
    runs,
    coldMs: ms[0],
    bestMs: best,
    mbPerS: bytes / 1e6 / (best / 1000),
    outputBytes: outBytes,
    outputRatio: outBytes / bytes,
    atRunTimeColdMs: atRunTime.ms,
    atRunTimeColdMbPerS: bytes / 1e6 / (atRunTime.ms / 1000),
    atRunTimeOutputRatio: atRunTime.outBytes / bytes,
    transpileOnlyMs: transpileMs,
    transpileOnlyMbPerS: bytes / 1e6 / (transpileMs / 1000),
    transpileOnlyOutputRatio: plainBytes / bytes,
    peakRssMiB: process.memoryUsage().rss / 2 ** 20,
  });
  warm.push({ row: rows[rows.length - 1], inputs });
  process.stderr.write(`  ${label}: ${((now() - t0 + ms.reduce((a, b) => a + b, 0) + atRunTime.ms) / 1000).toFixed(1)} s\n`);
}

// The default warm: a build's steady state, its transform and TypeScript compiled by the JIT (every file
// transformed once above, as the first files of a build do it), the median of three runs.
for (const { row, inputs } of warm) {
  const ms = [];
  for (let r = 0; r < 3; r++) ms.push(timed(inputs, (source, filename) => transform(source, { filename }).code).ms);
  row.atRunTimeMs = median(ms);
  row.atRunTimeMbPerS = row.bytes / 1e6 / (row.atRunTimeMs / 1000);
}

const clean = (r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? sig(v) : v]));
const result = { machine: machine(), date: new Date().toISOString(), rows: rows.map(clean), totalSeconds: sig((now() - started) / 1000) };
const written = writeResults(large ? 'transform-large.json' : 'transform.json', result);

// The default run also shows the last --large measurement, if there is one.
const shown = rows.map((r) => ({ ...r, note: '' }));
if (!large) {
  const largeFile = join(root, 'bench', 'results', 'transform-large.json');
  if (existsSync(largeFile)) {
    const prev = JSON.parse(readFileSync(largeFile, 'utf8'));
    for (const r of prev.rows) shown.push({ ...r, note: ` (from \`--large\`, ${prev.date.slice(0, 10)})` });
  } else {
    shown.push({ file: 'node_modules/typescript/lib/typescript.js', error: 'not run by default: `node bench/transform.mjs --large`' });
  }
}

console.log(`## Transform throughput (\`transform()\`, no source map)\n`);
console.log(
  table(
    ['file', 'size MB', '`copiesAtRunTime: false`: s (cold / best)', 'MB/s', 'output × input', 'default (versions made at run time): s warm (cold), MB/s warm (cold), output ×', 'TS `transpileModule` alone: s, MB/s, output ×', 'RSS after MiB'],
    shown.map((r) =>
      r.error
        ? [`\`${r.file}\``, r.bytes ? fmt(r.bytes / 1e6, 2) : '', `**${r.error}**`, '', '', '', '', '']
        : [
            `\`${r.file}\`${r.note}`,
            fmt(r.bytes / 1e6, 2),
            r.runs > 1 ? `${fmt(r.coldMs / 1000, 2)} / ${fmt(r.bestMs / 1000, 2)}` : fmt(r.bestMs / 1000, 1),
            fmt(r.mbPerS, 2),
            `${fmt(r.outputRatio, 2)}×`,
            r.atRunTimeMs === undefined
              ? '(not measured)'
              : `${fmt(r.atRunTimeMs / 1000, 2)} (${fmt((r.atRunTimeColdMs ?? NaN) / 1000, 2)}) s, ${fmt(r.atRunTimeMbPerS, 2)} (${fmt(r.atRunTimeColdMbPerS ?? NaN, 2)}) MB/s, ${fmt(r.atRunTimeOutputRatio, 2)}×`,
            `${fmt(r.transpileOnlyMs / 1000, 2)} s, ${fmt(r.transpileOnlyMbPerS, 2)} MB/s, ${fmt(r.transpileOnlyOutputRatio, 2)}×`,
            fmt(r.peakRssMiB, 0),
          ],
    ),
  ),
);
console.log(
  '\nMB = 10^6 bytes of UTF-8 source; MB/s from the best run for `copiesAtRunTime: false` (`transpileModule` too: best of as many runs); for the default, warm: the median of three runs once every file has been transformed (a build\'s steady state, TypeScript and the transform compiled by the JIT) and, in parentheses, the first run of the file (the JIT still at work, as for the first files of a build; after the transform with `copiesAtRunTime: false` of the same file). The default\'s cost at run time: `node bench/first-use.mjs`. Targets (issue 4): >= 2 MB/s, output <= 3× the input.\n',
);
console.log(`_total ${fmt(result.totalSeconds, 1)} s_\n\nwrote ${written}`);
