// Transform throughput per front-end, on the same real inputs (acorn, marked): MB of source per second
// of transform work, measured as (time with preemptible) - (time of the same tool without it) where the
// tool does other work too. Prints a Markdown table, writes bench/results/frontends.json.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from '@babel/core';
import { build } from 'esbuild';
import ts from 'typescript';
import preemptibleBabel from 'preemptible/babel';
import preemptibleEsbuild from 'preemptible/esbuild';
import tscPlugin from 'preemptible/tsc';
import { transform } from 'preemptible/transform';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const inputs = ['node_modules/acorn/dist/acorn.mjs', 'node_modules/marked/lib/marked.esm.js'].map((p) => join(root, p));
const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(f) {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

const tools = {
  'transform()': { plain: async () => {}, with: async (file, src) => transform(src, { filename: file }) },
  'preemptible/tsc (transpileModule)': {
    plain: async (file, src) => ts.transpileModule(src, { fileName: file, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }),
    with: async (file, src) =>
      ts.transpileModule(src, {
        fileName: file,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
        transformers: { before: [tscPlugin(undefined, { warnings: 'off' }, { ts })] },
      }),
  },
  'preemptible/esbuild': {
    plain: async (file) => build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' }),
    with: async (file) =>
      build({ entryPoints: [file], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent', plugins: [preemptibleEsbuild({ nodeModules: true })] }),
  },
  'preemptible/babel': {
    plain: async (file, src) => transformSync(src, { filename: file, babelrc: false, configFile: false, sourceMaps: true }),
    with: async (file, src) => transformSync(src, { filename: file, babelrc: false, configFile: false, sourceMaps: true, plugins: [[preemptibleBabel, { nodeModules: true, warnings: false }]] }),
  },
};

const rows = [];
for (const [name, tool] of Object.entries(tools)) {
  for (const file of inputs) {
    const src = readFileSync(file, 'utf8');
    await tool.with(file, src); // warm-up
    const plain = [];
    const inst = [];
    for (let r = 0; r < ROUNDS; r++) {
      plain.push(await time(() => tool.plain(file, src)));
      inst.push(await time(() => tool.with(file, src)));
    }
    const extra = median(inst) - median(plain);
    rows.push({
      frontEnd: name,
      input: file.split('/').slice(-1)[0],
      kb: +(src.length / 1024).toFixed(0),
      plainMs: +median(plain).toFixed(1),
      withMs: +median(inst).toFixed(1),
      mbPerS: +(src.length / 1e6 / (extra / 1000)).toFixed(2),
    });
  }
}
console.log('## Front-end transform throughput\n');
console.log('| front-end | input | KB | tool alone ms | with preemptible ms | MB/s of the added work |');
console.log('|:---|:---|---:|---:|---:|---:|');
for (const r of rows) console.log(`| ${r.frontEnd} | ${r.input} | ${r.kb} | ${r.plainMs} | ${r.withMs} | ${r.mbPerS} |`);
console.log('\nThe loader (preemptible/register) calls transform() per file: its throughput is the first rows.');
const out = join(root, 'bench', 'results', 'frontends.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out + '.tmp', JSON.stringify({ date: new Date().toISOString(), rows }, null, 2) + '\n');
renameSync(out + '.tmp', out);
