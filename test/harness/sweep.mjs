// Robustness sweep (by hand; ~5 minutes on 2 cores, not part of `npm test`): transform() every JavaScript file
// of node_modules (200 B to 600 KB, TypeScript's own lib and tests left out), check that the output parses
// (acorn, as a module or a script like its input), and print the diagnostics that are not about getters or
// setters, with a histogram of all of them. Real code finds what fixtures miss: constructs left plain that
// bundlers and minifiers write (`var C = class {}`, `super(u), this.x = 1`), crashes of the transform.
//   node test/harness/sweep.mjs [shard shards]     e.g. `0 2` and `1 2` in two processes
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as acorn from 'acorn';
import { transform } from 'preemptible/transform';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.bin' && e.name !== 'typescript' && !p.includes('/test')) walk(p);
    } else if (/\.(m?js|cjs)$/.test(e.name) && !e.name.endsWith('.min.js')) {
      const size = statSync(p).size;
      if (size > 200 && size < 600_000) files.push(p);
    }
  }
};
walk(join(root, 'node_modules'));
const [shard, shards] = [Number(process.argv[2] ?? 0), Number(process.argv[3] ?? 1)];
const options = (sourceType) => ({ ecmaVersion: 'latest', sourceType, allowReturnOutsideFunction: true, allowHashBang: true });
const parses = (code, sourceType) => {
  try {
    acorn.parse(code, options(sourceType));
    return true;
  } catch {
    return false;
  }
};
let read = 0;
let crashed = 0;
let unparsable = 0;
const histogram = new Map();
for (let i = shard; i < files.length; i += shards) {
  const file = files[i];
  const source = readFileSync(file, 'utf8');
  const sourceType = parses(source, 'module') ? 'module' : parses(source, 'script') ? 'script' : undefined;
  if (!sourceType) continue; // not plain JavaScript (Flow, JSX, a template)
  read++;
  let out;
  try {
    out = transform(source, { filename: basename(file) });
  } catch (e) {
    crashed++;
    console.log('CRASH', file, String(e?.message ?? e).slice(0, 200));
    continue;
  }
  for (const d of out.diagnostics) {
    histogram.set(d.code, (histogram.get(d.code) ?? 0) + 1);
    if (d.code !== 'accessor') console.log('DIAG', `${file}:${d.line}`, d.code, d.message.slice(0, 160));
  }
  // (The output imports the runtime: a module, whatever the input was.)
  if (!parses(out.code, /^import |\nimport |\nexport /.test(out.code) ? 'module' : sourceType)) {
    unparsable++;
    console.log('UNPARSABLE', file);
  }
}
console.log(JSON.stringify({ files: read, crashed, unparsable, diagnostics: Object.fromEntries(histogram) }));
