import * as acorn from 'acorn';
import fs from 'fs';
const c = fs.readFileSync(process.argv[2], 'utf8');
const ast = acorn.parse(c, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true });
const agg = { reentry: 0, fast: 0, later: 0, sources: 0, lazyOther: 0 };
let lazyTotal = 0;
(function full(n,cb){ if(!n||typeof n.type!=='string')return; cb(n); for(const k in n){const v=n[k]; if(Array.isArray(v)) v.forEach(x=>{ if(x&&typeof x.type==='string') full(x,cb)}); else if(v&&typeof v.type==='string') full(v,cb);} })(ast, (n) => {
  if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.name === '$pe_1') {
    const name = n.callee.property.name;
    if (name === 'lazy') {
      // avoid nested double counting: only outermost
      if (n._seen) return;
      const thunk = n.arguments[1];
      lazyTotal += n.end - n.start;
      const body = thunk?.callee?.body?.body;
      if (body) for (const st of body) {
        if (st.type === 'VariableDeclaration') agg.reentry += st.end - st.start;
        else if (st.type === 'ReturnStatement') agg.fast += st.end - st.start;
        else agg.lazyOther += st.end - st.start;
      }
    } else if (name === 'sources') agg.sources += n.end - n.start;
    else if (name === 'later') agg.later += n.end - n.start;
  }
});
console.log('total', c.length, 'lazy', lazyTotal, Object.fromEntries(Object.entries(agg).map(([k, v]) => [k, v + ' ' + (v / c.length * 100).toFixed(1) + '%'])));
