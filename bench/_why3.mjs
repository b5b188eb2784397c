import { readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import { transform } from 'preemptible/transform';
const f = process.argv[2]; const src = readFileSync(f, 'utf8');
const out = transform(src, { filename: f.split('/').pop(), copiesAtRunTime: true }).code;
const ast = acorn.parse(out, { ecmaVersion: 'latest', sourceType: 'module' });
const rows = [];
const walk = (n, later) => {
  if (!n || typeof n.type !== 'string') return;
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.name === '$pe') {
    const h = n.callee.property.name;
    if (h === 'later') later = out.slice(n.arguments[0].start, n.arguments[0].start + 120).replace(/\s+/g, ' ');
    if (h === 'def') { const size = n.arguments.slice(1).reduce((a, x) => a + x.end - x.start, 0); rows.push([size, n.arguments[0].type === 'Identifier' && n.arguments[0].name.startsWith('$f') ? later : out.slice(n.arguments[0].start, n.arguments[0].start + 120).replace(/\s+/g, ' ')]); return; }
  }
  for (const v of Object.values(n)) { if (Array.isArray(v)) v.forEach((c) => walk(c, later)); else if (v && typeof v.type === 'string') walk(v, later); }
};
walk(ast);
rows.sort((a, b) => b[0] - a[0]);
console.log(rows.length, rows.reduce((a, r) => a + r[0], 0));
for (const r of rows.slice(0, 25)) console.log(r[0], r[1]);
