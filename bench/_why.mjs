import { readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import { transform } from 'preemptible/transform';
const f = process.argv[2]; const src = readFileSync(f, 'utf8');
const out = transform(src, { filename: f.split('/').pop(), copiesAtRunTime: true }).code;
const ast = acorn.parse(out, { ecmaVersion: 'latest', sourceType: 'module' });
const kinds = {}; const ex = {};
const walk = (n) => {
  if (!n || typeof n.type !== 'string') return;
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.name === '$pe' && ['def', 'lazy'].includes(n.callee.property.name)) {
    const target = n.arguments[0]; const txt = out.slice(target.start, target.end);
    const size = n.arguments.slice(1).reduce((a, x) => a + x.end - x.start, 0);
    // find original function text: target is identifier ($f) in later thunk; look at enclosing later call
    const k = n.callee.property.name; kinds[k] = (kinds[k] ?? 0) + size;
  }
  for (const v of Object.values(n)) { if (Array.isArray(v)) v.forEach(walk); else if (v && typeof v.type === 'string') walk(v); }
};
walk(ast);
// functions whose def is printed: registrations `$pe.later(X, $f => $pe.def($f, ...))`
const re = /\$pe\.later\(([^,]{0,80}), \$f\w* => \$pe\.(def|lazy)\(/g; let m; const names = {};
for (const [, name, k] of out.matchAll(re)) { names[k] = (names[k] ?? 0) + 1; }
console.log(kinds, names);
// sample some printed def'd functions: print first 300 chars of the original for 10
let c = 0; for (const m of out.matchAll(/\$pe\.later\((\w+), \$f\w* => \$pe\.def\(/g)) { if (c++ > 12) break; const i = src.indexOf('function ' + m[1] + '('); console.log('---', m[1], i >= 0 ? src.slice(i, i + 200).replace(/\n/g, ' ') : '?'); }
