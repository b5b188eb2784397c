const ts = require('typescript'); const fs = require('fs');
const f = process.argv[2]; const src = fs.readFileSync(f, 'utf8');
const sf = ts.createSourceFile(f, src, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
const out = require('/work/main/dist/transformer/index.js').transform(src, { filename: f.split('/').pop(), copiesAtRunTime: true }).code;
const printedDef = new Set([...out.matchAll(/\$pe\.def\((\w+), /g)].map((m) => m[1]));
const reasons = {}; const sizes = {};
const why = (fn) => {
  const r = new Set();
  const visit = (n, inClosure) => {
    if (ts.isClassLike(n)) r.add('class');
    else if (ts.isTaggedTemplateExpression(n)) r.add('tagged-template');
    else if (ts.isMetaProperty(n)) r.add('meta-property');
    else if (ts.isPrivateIdentifier(n)) r.add('#private');
    else if (inClosure && n.kind === ts.SyntaxKind.SuperKeyword) r.add('super');
    else if (ts.isPropertyAssignment(n) && ts.isComputedPropertyName(n.name) && ts.isFunctionLike(n.initializer)) r.add('computed-key fn');
    else if (ts.isFunctionDeclaration(n) && n !== fn && !(ts.isBlock(n.parent) || ts.isSourceFile(n.parent) || ts.isCaseClause(n.parent) || ts.isDefaultClause(n.parent))) r.add('decl not in list');
    ts.forEachChild(n, (c) => visit(c, inClosure || (c !== fn && ts.isFunctionLike(c))));
  };
  visit(fn, false);
  if (fn.getText(sf).includes('$pe')) r.add('$pe in text');
  return [...r].join('+') || 'other';
};
const visit = (n) => {
  if (ts.isFunctionDeclaration(n) && n.name && printedDef.has(n.name.text)) { const w = why(n); reasons[w] = (reasons[w] ?? 0) + 1; sizes[w] = (sizes[w] ?? 0) + n.end - n.pos; if (w === 'other' && !global.shown) { global.shown = (global.shown ?? 0); } if (w === 'other' && (global.cnt = (global.cnt ?? 0) + 1) <= 5) console.log('OTHER', n.getText(sf).slice(0, 300).replace(/\s+/g, ' ')); }
  ts.forEachChild(n, visit);
};
visit(sf);
console.log(reasons, sizes);
