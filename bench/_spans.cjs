const ts = require('typescript'); const fs = require('fs');
const f = process.argv[2]; const src = fs.readFileSync(f, 'utf8');
const out = require('/work/main/dist/transformer/index.js').transform(src, { filename: f.split('/').pop(), copiesAtRunTime: true }).code;
const m = /\$pe\.sources\("[0-9a-f]+", "(?:[^"\\]|\\.)*", \[([\d, ]+)\]\)/.exec(out);
const at = m[1].split(', ').map(Number);
const sf = ts.createSourceFile(f, src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
const byKind = {};
for (let i = 0; i < at.length; i += 2) {
  // find node whose range matches
  let found = 'unknown';
  const visit = (n) => { if (found !== 'unknown') return; const s = n.getStart(sf); if (n.end === at[i + 1] && s <= at[i] + 20 && s >= at[i] - 20 && (ts.isFunctionLike(n) || ts.isClassLike(n))) { found = ts.isClassLike(n) ? 'class' : (ts.isFunctionExpression(n) || ts.isArrowFunction(n)) && n.parent && (ts.isCallExpression(n.parent) || ts.isParenthesizedExpression(n.parent)) ? 'fn-in-call' : ts.SyntaxKind[n.kind]; return; } if (n.pos <= at[i] && n.end >= at[i + 1]) ts.forEachChild(n, visit); };
  visit(sf);
  byKind[found] = (byKind[found] ?? 0) + at[i + 1] - at[i];
}
console.log(f.split('/').pop(), 'input', src.length, Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, (v / src.length).toFixed(2)])));
