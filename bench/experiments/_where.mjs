import { readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import { transform } from 'preemptible/transform';
const f = process.argv[2]; const src = readFileSync(f, 'utf8');
const out = transform(src, { filename: f.split('/').pop(), copiesAtRunTime: true }).code;
const ast = acorn.parse(out, { ecmaVersion: 'latest', sourceType: 'module' });
const sizes = {}; let counted = [];
const add = (k, n) => (sizes[k] = (sizes[k] ?? 0) + n);
const walk = (n, inside) => {
  if (!n || typeof n.type !== 'string') return;
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.name === '$pe' && !inside) {
    const h = n.callee.property.name;
    if (h === 'sources') { add('sources', n.end - n.start); return; }
    if (['lazy', 'def', 'defArrow', 'genEntry', 'asyncGenEntry', 'link', 'obj'].includes(h)) {
      const args = n.arguments.slice(1); const sz = args.reduce((a, x) => a + x.end - x.start, 0); add('printed:' + h, sz);
      for (const a of args) walk(a, true); return;
    }
  }
  for (const [k, v] of Object.entries(n)) { if (Array.isArray(v)) v.forEach((c) => walk(c, inside)); else if (v && typeof v.type === 'string') walk(v, inside); }
};
walk(ast, false);
console.log('input', src.length, 'output', out.length, (out.length / src.length).toFixed(2));
for (const [k, v] of Object.entries(sizes).sort((a, b) => b[1] - a[1])) console.log(k, v, (v / src.length).toFixed(2) + 'x');
