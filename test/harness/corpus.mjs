// Corpus differential runner: real npm libraries (marked, acorn, postcss, @babel/core, the TypeScript compiler, ...) as test programs.
// The library's file (ESM, or CommonJS for typescript) and a small workload module are transformed
// (instrument 'all') and written to .test-out/corpus/; the same workload runs plain (original library,
// untransformed workload) and instrumented in several modes, and the results (sha256 of the output) must all agree.
//   plain     original library + workload, called directly
//   direct    instrumented, called outside any task
//   complete  instrumented, launch(main, TO_COMPLETION)
//   stress    instrumented, budget 0: every checkpoint pauses, resumed with budget 0 until done
//             (falls back to STRESS_FALLBACK_MS slices if budget 0 would take longer than STRESS_LIMIT_MS;
//             a workload may set stressBudgetMs to skip budget 0, which CORPUS_STRESS_BUDGET_MS=0 forces back)
//   slices    instrumented, 1 ms slices
// Stress and slices run with the default graceMs first; if the overrun guard cancels the task
// (PreemptionOverrunError: some stretch ran > graceMs past the deadline without a checkpoint), that is
// recorded as `overrun` and the mode is rerun with graceMs: Infinity, so that the outputs are still compared.
// Per-workload knobs: lib (the library's file) or bundle ({ entry, external, minify }: esbuild makes one
// CommonJS file of a multi-file package, or a minified build), out (output file under .test-out/corpus/, its
// extension decides ESM/CJS), runs,
// stressBudgetMs, cache (reuse the transformed library while library, transformer and typescript are
// unchanged; CORPUS_FRESH=1 disables), warmTransform (time a second transform).
// CLI: `node test/harness/corpus.mjs marked` prints one JSON object.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { launch, resume, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// PREEMPTIBLE_COPIES_AT_RUN_TIME=0: the library transformed with its versions printed (copiesAtRunTime:
// false); by default they are made at run time. (Each in a directory of its own: both may run at once.)
const atRunTime = process.env.PREEMPTIBLE_COPIES_AT_RUN_TIME !== '0';
// (1: the option set, true; unset: transform()'s default.)
const copiesOption = { '0': false, '1': true }[process.env.PREEMPTIBLE_COPIES_AT_RUN_TIME ?? ''];
const outDir = join(root, '.test-out', atRunTime ? 'corpus' : 'corpus-printed');
const STRESS_LIMIT_MS = 60_000;
const STRESS_FALLBACK_MS = 0.05;
const SLICE_MS = 1;
const RUNS = 3; // plain, direct, complete and slices report the best of RUNS runs; stress runs once

// Workloads are modules exporting main(...inputs); `__LIB__` is replaced by the library's URL. They are
// transformed too, so that the task is pausable from its root frame down into the library. PRNG: a seeded
// source and pick(), for the workloads that make their own inputs.
const PRNG = `
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
`;

// The library side of the babel-core workloads: both use one transformed bundle (~20 s to make).
const BABEL_CORE = {
  bundle: { entry: 'node_modules/@babel/core/lib/index.js', external: ['@babel/preset-typescript', '@babel/preset-typescript/package.json'] },
  out: 'babel-core/bundle.cjs',
  cache: true,
  stressBudgetMs: 0.05,
};

// A babel plugin for the babel-core workloads (inside their template literals: escapes are doubled).
const BABEL_PLUGIN = `
const { types: t, template } = babel;
const logCall = template.statement('TRACE(%%name%%, %%line%%);');
const plugin = () => ({
  name: 'corpus-plugin',
  pre() { this.renamed = 0; },
  visitor: {
    Program(path) { path.traverse({ Identifier(p) { if (p.node.name.length === 1 && p.scope.hasBinding(p.node.name)) p.scope.rename(p.node.name); } }); },
    FunctionDeclaration(path) {
      const line = path.node.loc ? path.node.loc.start.line : 0;
      path.get('body').unshiftContainer('body', logCall({ name: t.stringLiteral(path.node.id ? path.node.id.name : '?'), line: t.numericLiteral(line) }));
      this.renamed++;
    },
    BinaryExpression(path) {
      if (path.node.operator === '**') path.replaceWith(t.callExpression(t.memberExpression(t.identifier('Math'), t.identifier('pow')), [path.node.left, path.node.right]));
    },
    StringLiteral(path) { if (path.node.value === 'use strict') path.node.value = 'use strict'; else if (path.node.value.length > 40) path.replaceWith(t.binaryExpression('+', t.stringLiteral(path.node.value.slice(0, 20)), t.stringLiteral(path.node.value.slice(20)))); },
    'ForStatement|WhileStatement'(path) { path.addComment('leading', ' loop at ' + (path.node.loc ? path.node.loc.start.line : '?')); },
  },
  post(file) { file.metadata.renamed = this.renamed; },
});
`;

const WORKLOADS = {
  marked: {
    lib: 'node_modules/marked/lib/marked.esm.js',
    inputs: () => [20250101, 40],
    source: `import { Marked } from '__LIB__';
${PRNG}
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa',
  'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon', '<tag>', 'a&b', '"q"', '@ada'];

function inline(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const w = WORDS[Math.floor(r() * WORDS.length)];
    const k = r();
    if (k < 0.1) out.push('**' + w + '**');
    else if (k < 0.2) out.push('*' + w + '*');
    else if (k < 0.26) out.push('\`' + w + '\`');
    else if (k < 0.32) out.push('[' + w + '](https://example.com/' + i + ' "t' + i + '")');
    else if (k < 0.35) out.push('~~' + w + '~~');
    else if (k < 0.37) out.push('![img ' + w + '](/i/' + i + '.png)');
    else if (k < 0.39) out.push('<https://auto.example/' + w.replace(/\\W/g, '') + '>');
    else if (k < 0.41) out.push('_' + w + '_\\\\');
    else out.push(w);
  }
  return out.join(' ');
}

function list(r, depth, ordered) {
  const lines = [];
  const n = 2 + Math.floor(r() * 4);
  const indent = '  '.repeat(depth) + (depth > 0 && ordered ? ' ' : '');
  for (let i = 0; i < n; i++) {
    const bullet = ordered ? (i + 1) + '.' : ['-', '*', '+'][depth % 3];
    const task = !ordered && r() < 0.15 ? (r() < 0.5 ? '[ ] ' : '[x] ') : '';
    lines.push(indent + bullet + ' ' + task + inline(r, 3 + Math.floor(r() * 6)));
    if (depth < 3 && r() < 0.3) {
      for (const l of list(r, depth + 1, r() < 0.4)) lines.push(l);
    }
  }
  return lines;
}

function table(r) {
  const cols = 2 + Math.floor(r() * 4);
  const head = [], sep = [];
  for (let c = 0; c < cols; c++) {
    head.push('H' + c + ' ' + inline(r, 1));
    sep.push([':---', ':---:', '---:', '---'][Math.floor(r() * 4)]);
  }
  const lines = ['| ' + head.join(' | ') + ' |', '| ' + sep.join(' | ') + ' |'];
  const rows = 1 + Math.floor(r() * 5);
  for (let i = 0; i < rows; i++) {
    const cells = [];
    for (let c = 0; c < cols; c++) cells.push(inline(r, 1 + Math.floor(r() * 3)));
    lines.push('| ' + cells.join(' | ') + ' |');
  }
  return lines;
}

function code(r) {
  const lang = ['js', 'ts', 'python', '', 'html'][Math.floor(r() * 5)];
  const lines = ['\`\`\`' + lang];
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) lines.push('  '.repeat(i % 3) + 'let x' + i + ' = "' + inline(r, 2) + '" < ' + i + ';');
  lines.push('\`\`\`');
  return lines;
}

export function buildMarkdown(seed, sections) {
  const r = rng(seed);
  const lines = [];
  for (let s = 0; s < sections; s++) {
    lines.push('#'.repeat(1 + (s % 6)) + ' Section ' + s + ' ' + inline(r, 2), '');
    if (s % 7 === 3) lines.push('Setext ' + s, '-'.repeat(8), '');
    const blocks = 3 + Math.floor(r() * 4);
    for (let b = 0; b < blocks; b++) {
      const k = r();
      let block;
      if (k < 0.3) block = [inline(r, 8 + Math.floor(r() * 20)), inline(r, 5)];
      else if (k < 0.45) block = list(r, 0, false);
      else if (k < 0.55) block = list(r, 0, true);
      else if (k < 0.65) block = code(r);
      else if (k < 0.75) block = table(r);
      else if (k < 0.82) block = ['> ' + inline(r, 6), '> > ' + inline(r, 4), '>', '> - ' + inline(r, 3)];
      else if (k < 0.86) block = ['---'];
      else if (k < 0.9) block = ['    indented code ' + s + ' <&>', '    line two'];
      else if (k < 0.94) block = ['<div class="raw">', inline(r, 3), '</div>'];
      else block = [inline(r, 4) + ' [ref' + s + '][]', '', '[ref' + s + ']: https://ref.example/' + s + ' "Ref"'];
      for (const l of block) lines.push(l);
      lines.push('');
    }
  }
  return lines.join('\\n');
}

export function main(seed, sections) {
  const md = buildMarkdown(seed, sections);
  const html1 = new Marked({ gfm: true }).parse(md);
  const html2 = new Marked({ gfm: true, breaks: true }).parse(md);
  const inl = new Marked().parseInline(md.slice(0, 4000));
  const lexed = new Marked().lexer(md);
  // Extensions: user callbacks (object-literal methods using this) called from inside the library.
  let walked = 0;
  const ext = new Marked({ gfm: true });
  ext.use({
    extensions: [{
      name: 'mention',
      level: 'inline',
      start(src) { const i = src.indexOf('@'); return i < 0 ? undefined : i; },
      tokenizer(src) {
        const m = /^@(\\w+)/.exec(src);
        if (m) return { type: 'mention', raw: m[0], user: m[1] };
      },
      renderer(token) { return '<span class="mention">' + token.user.toUpperCase() + '</span>'; },
    }],
    renderer: {
      heading({ tokens, depth }) { return '<h' + depth + ' class="x">' + this.parser.parseInline(tokens) + '</h' + depth + '>\\n'; },
      codespan(token) { return false; },
    },
    walkTokens(token) {
      walked++;
      if (token.type === 'codespan') token.text = token.text.split('').reverse().join('');
    },
    hooks: { postprocess(html) { return html.replace(/<hr>/g, '<hr class="y">'); } },
  });
  const html3 = ext.parse(md);
  return [md.split('\\n').length, html1, html2, inl, lexed.length, lexed.map((t) => t.type).join(','), html3, walked].join('\\n<<>>\\n');
}
`,
  },
  acorn: {
    lib: 'node_modules/acorn/dist/acorn.mjs',
    inputs: () => [
      readFileSync(join(root, 'node_modules/marked/lib/marked.esm.js'), 'utf8'),
      readFileSync(join(root, 'node_modules/acorn/dist/acorn.mjs'), 'utf8'),
      readFileSync(join(root, 'test/harness/differential.mjs'), 'utf8'),
    ],
    source: `import { parse, tokenizer, Parser } from '__LIB__';

// A plugin: subclass with super calls, as acorn plugins (acorn-jsx, ...) are written.
const Counting = Parser.extend((Base) => class extends Base {
  parseLiteral(value) {
    const node = super.parseLiteral(value);
    node.seen = ++this.literals;
    return node;
  }
  readToken(code) {
    this.tokens = (this.tokens || 0) + 1;
    return super.readToken(code);
  }
  static get literalsStart() { return 0; }
});

export function main(...sources) {
  const out = [];
  for (const src of sources) {
    const p = new Counting({ ecmaVersion: 'latest', sourceType: 'module' }, src);
    p.literals = Counting.literalsStart;
    const ast3 = p.parse();
    out.push(p.tokens + ':' + p.literals + ':' + JSON.stringify(ast3.body[ast3.body.length - 1]));
    const ast = parse(src, { ecmaVersion: 'latest', sourceType: 'module', locations: true });
    out.push(JSON.stringify(ast));
    const comments = [];
    const ast2 = parse(src, { ecmaVersion: 2022, sourceType: 'module', ranges: true, allowHashBang: true, onComment: comments });
    out.push(ast2.body.length + ':' + comments.length + ':' + ast2.end);
    let n = 0, last = '';
    for (const tok of tokenizer(src, { ecmaVersion: 'latest', sourceType: 'module' })) {
      n++;
      last = tok.type.label;
    }
    out.push(n + ':' + last);
  }
  // Errors thrown deep inside the parser must propagate identically through instrumented frames.
  for (const bad of ['let x = ;', 'function f( { return 1 }', 'class A { #x; m() { return this.#y } }', 'a => { "use strict"; with (a) {} }']) {
    try {
      parse(bad, { ecmaVersion: 'latest' });
      out.push('no error');
    } catch (e) {
      out.push(e.name + ':' + e.message + ':' + e.pos + ':' + e.raisedAt);
    }
  }
  return out.join('\\n');
}
`,
  },
  postcss: {
    // PostCSS 8 (CommonJS, bundled with nanoid, picocolors and source-map-js): a tokenizer and parser, a
    // node class hierarchy with Proxy-wrapped nodes for plugins, visitor plugins (LazyResult), source maps.
    bundle: { entry: 'node_modules/postcss/lib/postcss.js' },
    inputs: () => [20261127, 400],
    source: `import postcss from '__LIB__';
${PRNG}
function sheet(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const sel = pick(r, ['a', '.b', '#c > d', 'e:hover::before', '[data-x="y"]', 'f + g ~ h', ':is(i, j)']) + (r() < 0.3 ? ', .k' + i : '');
    const decls = [];
    for (let j = Math.floor(r() * 5); j >= 0; j--) {
      decls.push(pick(r, ['color', 'margin', '--custom-' + j, 'background', 'font']) + ':' + pick(r, [' red', ' 1px 2px', ' url("a b.png")', ' var(--x, 3px)', ' calc(100% - 2em) !important', ' "str\\\\"ing"', ' rgba(0,0,0,.5)']));
    }
    const rule = sel + ' {' + decls.join(';') + (r() < 0.5 ? ';' : '') + '}';
    const k = r();
    if (k < 0.15) out.push('@media (min-width: ' + i + 'px) { ' + rule + ' }');
    else if (k < 0.2) out.push('/* comment ' + i + ' */');
    else if (k < 0.25) out.push('@import url("x' + i + '.css") screen;');
    else out.push(rule);
  }
  return out.join(r() < 0.5 ? '\\n' : '\\n\\n');
}
const plugin = () => ({
  postcssPlugin: 'upcase',
  Declaration: {
    color(decl) { if (decl.value === 'red') decl.value = 'RED'; },
  },
  Rule(rule) { if (rule.selector.startsWith('.b') && !rule.selector.startsWith('.bee')) rule.selector = rule.selector.replace('.b', '.bee'); },
  AtRule: { media(at) { at.params = at.params.replace('min-width', 'min-inline-size'); } },
  OnceExit(root, { result }) {
    let n = 0;
    root.walkComments((c) => { n++; c.remove(); });
    result.messages.push({ type: 'count', plugin: 'upcase', n });
  },
});
plugin.postcss = true;
export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  const src = sheet(r, n);
  const root = postcss.parse(src, { from: 'in.css' });
  root.walkDecls((d) => { out.push(d.prop + '=' + d.value + (d.important ? '!' : '') + '@' + d.source.start.line + ':' + d.source.start.column); });
  root.walkRules('a', (rule) => { rule.append({ prop: 'z-index', value: '1' }); rule.cloneAfter({ selector: rule.selector + '-copy' }); });
  out.push(root.toString());
  out.push(JSON.stringify(root.toJSON().nodes.slice(0, 20)));
  const res = postcss([plugin]).process(src, { from: 'in.css', to: 'out.css', map: { inline: false, sourcesContent: true } });
  out.push(res.css, res.map.toString(), JSON.stringify(res.messages), res.warnings().length);
  for (const bad of ['a { color: red; ', 'a { b }', '}', 'a { color: "x }', '@media { a {', 'a{;}b{c:d}']) {
    try { out.push(postcss.parse(bad).toString()); } catch (e) { out.push(e.name + ': ' + e.message + ' ' + e.line + ':' + e.column); }
  }
  return out.join('\\n');
}
`,
  },
  semver: {
    // node-semver (CommonJS, bundled): SemVer/Range/Comparator classes, regular expressions built at load,
    // an LRU cache of parsed ranges, range algebra (subset, intersects, minVersion), coercion.
    bundle: { entry: 'node_modules/semver/index.js' },
    inputs: () => [20261128, 300],
    source: `import semver from '__LIB__';
${PRNG}
const num = (r) => Math.floor(r() * 4);
function version(r) {
  let v = num(r) + '.' + num(r) + '.' + num(r);
  if (r() < 0.3) v += '-' + pick(r, ['alpha', 'beta.1', 'rc.2', '0', 'x.7.z']);
  if (r() < 0.1) v += '+build.' + num(r);
  return r() < 0.05 ? 'v' + v : v;
}
function range(r) {
  const one = () => pick(r, ['^', '~', '>=', '<', '>', '<=', '=', '']) + pick(r, [version(r), num(r) + '.x', num(r) + '.' + num(r), '*']);
  const k = r();
  if (k < 0.2) return one() + ' ' + one();
  if (k < 0.3) return version(r) + ' - ' + version(r);
  if (k < 0.4) return one() + ' || ' + one();
  if (k < 0.45) return pick(r, ['not a range', '>=x.y', '1.2.3.4', '']);
  return one();
}
export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  const versions = Array.from({ length: 60 }, () => version(r));
  const valid = versions.filter((v) => semver.valid(v));
  out.push(semver.sort(valid.slice()).join(','), semver.rsort(valid.slice()).join(','));
  for (let i = 0; i < n; i++) {
    const a = range(r);
    const b = range(r);
    const v = pick(r, versions);
    const t = (f) => { try { return f(); } catch (e) { return e.name + ': ' + e.message; } };
    const row = [a, b, v, semver.validRange(a), t(() => semver.satisfies(v, a, { includePrerelease: i % 2 === 0 })), semver.maxSatisfying(valid, a), semver.minSatisfying(valid, a)];
    row.push(t(() => String(semver.minVersion(a))), t(() => semver.intersects(a, b)), t(() => semver.subset(a, b)));
    row.push(t(() => semver.inc(v, pick(r, ['major', 'minor', 'patch', 'prerelease', 'premajor']), 'pre')), t(() => semver.diff(v, pick(r, versions))), t(() => semver.compareBuild(v, pick(r, versions))));
    row.push(String(semver.coerce(pick(r, ['v2', '1.2.3.4.5', 'x 3.4 y', '42abc', 'none']))), t(() => semver.gtr(v, a)), t(() => semver.ltr(v, a)));
    out.push(JSON.stringify(row));
  }
  try { new semver.SemVer('nope'); } catch (e) { out.push(e.name + ': ' + e.message); }
  return out.join('\\n');
}
`,
  },
  qs: {
    // qs (CommonJS, bundled with side-channel, object-inspect and the get-intrinsic family): deep parse and
    // stringify with array formats, dots, charset sentinels, depth and parameter limits.
    bundle: { entry: 'node_modules/qs/lib/index.js' },
    inputs: () => [20261129, 300],
    source: `import qs from '__LIB__';
${PRNG}
function value(r, depth) {
  const k = r();
  if (depth > 3 || k < 0.35) return pick(r, ['a b', 'ü&=?', '', '1', 'x[y]', null, true, 42, 'é%20']);
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
  const o = {};
  for (let i = Math.floor(r() * 4); i > 0; i--) o[pick(r, ['a', 'b.c', 'd', 'e f', '0', 'g[]'])] = value(r, depth + 1);
  return o;
}
export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = value(r, 0);
    const opts = { arrayFormat: pick(r, ['indices', 'brackets', 'repeat', 'comma']), allowDots: r() < 0.3, encode: r() < 0.8, skipNulls: r() < 0.2, charsetSentinel: r() < 0.1, sort: r() < 0.2 ? (a, b) => (a < b ? 1 : -1) : undefined };
    let s;
    try { s = qs.stringify(v, opts); } catch (e) { s = e.name + ': ' + e.message; }
    out.push(s);
    try { out.push(JSON.stringify(qs.parse(s, { allowDots: opts.allowDots, comma: opts.arrayFormat === 'comma', depth: 2 + (i % 4), parameterLimit: 50, charsetSentinel: opts.charsetSentinel }))); } catch (e) { out.push(e.name + ': ' + e.message); }
  }
  for (const bad of ['a[b]=1&a=2', 'a[][b]=c&a[][d]=e', '%E0%A4%A=1', 'a[b][c][d][e][f]=1', 'a[>=]=23', '__proto__[x]=1&constructor[prototype][y]=2']) {
    try { out.push(JSON.stringify(qs.parse(bad, { depth: 3, strictDepth: bad.includes('[f]'), allowPrototypes: false }))); } catch (e) { out.push(e.name + ': ' + e.message); }
  }
  return out.join('\\n');
}
`,
  },
  'source-map-js': {
    // source-map-js (CommonJS, bundled): base64 VLQ coding, a SourceMapGenerator fed mappings in random order,
    // SourceMapConsumer's parsing (its own quicksort over the mappings, binary search for lookups), SourceNode
    // trees joined and turned back into code with a map, and a round trip through JSON.
    bundle: { entry: 'node_modules/source-map-js/source-map.js' },
    inputs: () => [20261130, 400],
    source: `import sm from '__LIB__';
${PRNG}
export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  const gen = new sm.SourceMapGenerator({ file: 'out.js', sourceRoot: 'src/' });
  const sources = ['a.js', 'b/c.js', 'd.ts'];
  for (let i = 0; i < n; i++) {
    const m = { generated: { line: 1 + Math.floor(r() * 60), column: Math.floor(r() * 120) }, source: sources[Math.floor(r() * 3)],
      original: { line: 1 + Math.floor(r() * 80), column: Math.floor(r() * 90) } };
    if (r() < 0.3) m.name = 'n' + Math.floor(r() * 20);
    gen.addMapping(m);
  }
  gen.setSourceContent('a.js', 'let a = 1;\\nlet b = 2;');
  const json = gen.toString();
  out.push(json.length, json.slice(0, 200));
  const con = new sm.SourceMapConsumer(json);
  for (let i = 0; i < n / 4; i++) {
    const line = 1 + Math.floor(r() * 60), column = Math.floor(r() * 120);
    out.push(JSON.stringify(con.originalPositionFor({ line, column, bias: i % 2 ? sm.SourceMapConsumer.LEAST_UPPER_BOUND : sm.SourceMapConsumer.GREATEST_LOWER_BOUND })));
    out.push(JSON.stringify(con.generatedPositionFor({ source: sources[i % 3], line: 1 + (i % 80), column: i % 90 })));
  }
  out.push(JSON.stringify(con.allGeneratedPositionsFor({ source: 'a.js', line: 5 })));
  let count = 0;
  con.eachMapping((m) => { count += m.generatedLine + (m.originalColumn || 0); }, null, sm.SourceMapConsumer.ORIGINAL_ORDER);
  out.push(count, con.sourceContentFor('a.js'), con.hasContentsOfAllSources());
  const node = new sm.SourceNode(null, null, null);
  for (let i = 0; i < 80; i++) node.add(new sm.SourceNode(1 + (i % 9), i % 7, sources[i % 3], ['x', String(i), ';\\n'], 'name' + (i % 4)));
  node.prepend('/* head */\\n');
  node.replaceRight(';', '');
  const cm = node.join(' ').toStringWithSourceMap({ file: 'joined.js' });
  out.push(cm.code.length, cm.map.toString());
  const again = sm.SourceMapGenerator.fromSourceMap(new sm.SourceMapConsumer(cm.map.toString()));
  out.push(again.toString() === cm.map.toString());
  try { new sm.SourceMapConsumer('{"version":2}'); } catch (e) { out.push(e.name + ': ' + e.message); }
  return out.join('\\n');
}
`,
  },
  picomatch: {
    // picomatch (CommonJS, bundled): glob patterns scanned and parsed into regular expressions (braces,
    // extglobs, POSIX classes, negation), then matched against many paths; the regexes run as builtins.
    bundle: { entry: 'node_modules/picomatch/index.js' },
    inputs: () => [20261131, 300],
    source: `import pm from '__LIB__';
${PRNG}
const PARTS = ['*', '**', '?', 'a', 'b*', '[abc]', '[!x]', '{a,b}', '{1..3}', '@(x|y)', '!(z)', '+(q)', '*.js', '[[:alpha:]]', '\\\\*', '.d'];
const SEGS = ['a', 'b', 'bb', 'x', 'y.js', 'q', 'qq', 'z', '.d', '1', '2', 'abc', 'foo.js', 'C'];
export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  const paths = Array.from({ length: 40 }, () => Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, SEGS)).join('/'));
  for (let i = 0; i < n; i++) {
    let glob = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, PARTS)).join(pick(r, ['/', '', '/']));
    if (r() < 0.1) glob = '!' + glob;
    const opts = { dot: r() < 0.3, nocase: r() < 0.2, noextglob: r() < 0.1, nobrace: r() < 0.1 };
    try {
      const isMatch = pm(glob, opts);
      const hits = paths.filter((p) => isMatch(p));
      out.push(glob + ' ' + JSON.stringify(opts) + ' ' + String(pm.makeRe(glob, opts)) + ' ' + hits.join(','));
    } catch (e) {
      out.push(glob + ' ' + e.name + ': ' + e.message);
    }
    if (i % 10 === 0) out.push(JSON.stringify(pm.scan(glob, { tokens: true, parts: true })));
  }
  out.push(pm.isMatch('a/b/c.js', ['**/*.js', '!a/**']), JSON.stringify(pm.parse('a/{b,c}/**/*.@(js|ts)').output));
  return out.join('\\n');
}
`,
  },
  'magic-string': {
    // magic-string (ESM, bundled with @jridgewell/sourcemap-codec): a linked list of chunks edited in place
    // (overwrite, move, remove, prepend/append), high-resolution source maps, Bundle of several sources.
    bundle: { entry: 'node_modules/magic-string/dist/magic-string.es.mjs' },
    inputs: () => [20261130, 200, readFileSync(join(root, 'runtime/launch.ts'), 'utf8')],
    source: `import lib from '__LIB__';
${PRNG}
const { default: MagicString, Bundle } = lib;
export function main(seed, n, text) {
  const r = rng(seed);
  const out = [];
  const s = new MagicString(text, { filename: 'launch.ts' });
  const len = text.length;
  for (let i = 0; i < n; i++) {
    const a = Math.floor(r() * len);
    const b = Math.min(len, a + 1 + Math.floor(r() * 40));
    try {
      switch (pick(r, ['overwrite', 'remove', 'prependLeft', 'appendRight', 'move', 'update', 'indent', 'slice'])) {
        case 'overwrite': s.overwrite(a, b, '/*o' + i + '*/'); break;
        case 'remove': s.remove(a, b); break;
        case 'prependLeft': s.prependLeft(a, '<' + i + '>'); break;
        case 'appendRight': s.appendRight(a, '[' + i + ']'); break;
        case 'move': s.move(a, b, Math.floor(r() * len)); break;
        case 'update': s.update(a, b, 'u' + i, { overwrite: r() < 0.5 }); break;
        case 'indent': if (i % 25 === 0) s.indent('  ', { exclude: [a, b] }); break;
        default: out.push(s.slice(a, b));
      }
    } catch (e) { out.push(e.name + ': ' + e.message); }
  }
  out.push(s.toString(), s.generateMap({ hires: true, includeContent: true, source: 'launch.ts' }).toString());
  out.push(s.generateDecodedMap({ hires: 'boundary' }).mappings.length, s.trim().length, s.hasChanged());
  const bundle = new Bundle();
  bundle.addSource({ filename: 'a.js', content: new MagicString('const a = 1;\\nexport { a };') });
  bundle.addSource({ filename: 'b.js', content: s.clone().replace(/export/g, 'EXPORT') });
  bundle.prepend('// banner\\n');
  out.push(bundle.toString().length, bundle.generateMap({ hires: true }).mappings);
  return out.join('\\n');
}
`,
  },
  'babel-core': {
    // @babel/core 7 bundled with everything it requires (parser, traverse, generator, types, template,
    // gensync's generator-driven sync/async plumbing, config loading, source maps): a plugin renames
    // bindings through scope analysis, rewrites nodes with templates and replaceWith, and the generator prints
    // the result with a source map.
    ...BABEL_CORE,
    inputs: () => [
      readFileSync(join(root, 'node_modules/marked/lib/marked.esm.js'), 'utf8'),
      readFileSync(join(root, 'runtime/lazy.ts'), 'utf8'),
    ],
    source: `import babel from '__LIB__';

${BABEL_PLUGIN}
export function main(js, ts) {
  const out = [];
  const opts = (plugins) => ({ configFile: false, babelrc: false, sourceMaps: true, plugins: [plugin], parserOpts: { plugins }, generatorOpts: { comments: true, retainLines: false } });
  for (const [src, plugins] of [[js, []], [ts, ['typescript']]]) {
    const r = babel.transformSync(src, opts(plugins));
    out.push(r.code, JSON.stringify(r.map.mappings), JSON.stringify(r.metadata));
  }
  const ast = babel.parseSync('let a = 1; const f = (b) => a + b ** 2;', { configFile: false, babelrc: false });
  const again = babel.transformFromAstSync(ast, null, { configFile: false, babelrc: false, plugins: [plugin], code: true, ast: true });
  out.push(again.code, again.ast.program.body.length);
  try { babel.transformSync('let x = ;', { configFile: false, babelrc: false, filename: 'bad.js' }); } catch (e) { out.push(e.name + ': ' + e.message + ' ' + e.code); }
  return out.join('\\n');
}
`,
  },
  'babel-core-async': {
    // The same through transformAsync and parseAsync, several files at once: gensync drives babel's
    // generator functions with callbacks, async functions await them, Promise.all collects the results.
    ...BABEL_CORE,
    inputs: () => [
      readFileSync(join(root, 'node_modules/marked/lib/marked.esm.js'), 'utf8'),
      readFileSync(join(root, 'runtime/lazy.ts'), 'utf8'),
      readFileSync(join(root, 'node_modules/json5/dist/index.js'), 'utf8'),
    ],
    source: `import babel from '__LIB__';
${BABEL_PLUGIN}
export async function main(js, ts, umd) {
  const out = [];
  const opts = (plugins, filename) => ({ filename, configFile: false, babelrc: false, sourceMaps: true, plugins: [plugin], parserOpts: { plugins }, generatorOpts: { comments: true } });
  const results = await Promise.all([
    babel.transformAsync(js, opts([], 'a.js')),
    babel.transformAsync(ts, opts(['typescript'], 'b.ts')),
    babel.transformAsync(umd, opts([], 'c.js')),
  ]);
  for (const r of results) out.push(r.code, JSON.stringify(r.map.mappings), JSON.stringify(r.metadata));
  const ast = await babel.parseAsync('let a = 1; const f = async (b) => a + (await b) ** 2;', { configFile: false, babelrc: false });
  const again = await babel.transformFromAstAsync(ast, null, { configFile: false, babelrc: false, plugins: [plugin], code: true });
  out.push(again.code);
  try { await babel.transformAsync('let x = ;', { configFile: false, babelrc: false, filename: 'bad.js' }); } catch (e) { out.push(e.name + ': ' + e.message + ' ' + e.code); }
  return out.join('\\n');
}
`,
  },
  // The TypeScript 5.9 compiler (CommonJS, ~9 MB) compiling fixtures/ts-corpus-project in memory.
  json5: {
    // A UMD bundle (CommonJS here): a hand-written lexer state machine, parse with a reviver, stringify with
    // a replacer, quotes and space options, errors with positions.
    lib: 'node_modules/json5/dist/index.js',
    out: 'json5/index.cjs',
    inputs: () => [20250102, 300],
    source: `import JSON5 from '__LIB__';
${PRNG}
function value(r, depth) {
  const k = r();
  if (depth > 4 || k < 0.3) {
    const p = r();
    if (p < 0.2) return Math.floor(r() * 1e6) / 100;
    if (p < 0.3) return [Infinity, -Infinity, NaN, 0x1f, -0][Math.floor(r() * 5)];
    if (p < 0.5) return 'str\\n"\\'' + Math.floor(r() * 1000) + '\\u2028';
    if (p < 0.6) return null;
    return r() < 0.5;
  }
  if (k < 0.6) return Array.from({ length: Math.floor(r() * 6) }, () => value(r, depth + 1));
  const o = {};
  for (let i = Math.floor(r() * 6); i > 0; i--) o[(r() < 0.5 ? 'k' : 'key-') + Math.floor(r() * 100)] = value(r, depth + 1);
  return o;
}

export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = value(r, 0);
    const text = JSON5.stringify(v, i % 3 === 0 ? null : (k, x) => (typeof x === 'number' && x > 5000 ? String(x) : x), i % 2 ? 2 : '\\t');
    out.push(text);
    const back = JSON5.parse(text, (k, x) => (typeof x === 'string' && x.length > 20 ? x.slice(0, 20) : x));
    out.push(JSON.stringify(back));
    out.push(JSON5.stringify(back, { quote: "'", space: 1 }));
  }
  for (const bad of ['{a: 1,, }', "'unterminated", '[1, 2', '{"a": 0x}', '/* c */ {b: .5e+2, c: +Infinity, d: \\'x\\\\\\ny\\'}']) {
    try { out.push(JSON.stringify(JSON5.parse(bad))); } catch (e) { out.push(e.name + ': ' + e.message + ' ' + e.lineNumber + ':' + e.columnNumber); }
  }
  return out.join('\\n');
}
`,
  },
  parse5: {
    // The WHATWG HTML parser (parse5 8, as vite bundles it in one file): a tokenizer state machine of a few
    // hundred states, the tree-construction insertion modes with their error recovery, a tree adapter of
    // callbacks, source locations and parse-error callbacks. Documents: marked's README rendered to HTML, and
    // broken markup.
    lib: 'node_modules/vite/dist/node/chunks/dist.js',
    out: 'parse5/dist.mjs',
    inputs: () => [readFileSync(join(root, 'README.md'), 'utf8'), readFileSync(join(root, 'BENCHMARKS.md'), 'utf8')],
    source: `import { parse } from '__LIB__';
import { marked } from '${pathToFileURL(join(root, 'node_modules/marked/lib/marked.esm.js')).href}';

const broken = [
  '<table><tr><td>a<td>b</tr><p>misnested</table><b><i>x</b>y</i>',
  '<!DOCTYPE html><title>t</title><select><option>1<option>2</select><frameset></frameset>',
  '<div id=a class="b c" data-x=y>&amp; &copy &#x41; &#65; &unknown; <br/><img src=x alt="&quot;"></div>',
  '<svg><path d="M0 0"/><foreignObject><p>html in svg</p></foreignObject></svg><math><mi>x</mi></math>',
  '<template><tr><td>in template</td></tr></template><script>if (a < b) { x = "</scr" + "ipt>"; }</script>',
  '<ul><li>one<li>two<ul><li>nested</ul></ul><textarea>\\n keep  </textarea><pre>\\nline</pre><!-- c --!><! bogus >',
];

function tree(node, out) {
  out.push(node.nodeName);
  if (node.attrs) for (const a of node.attrs) out.push('@' + a.name + '=' + a.value);
  if (node.value !== undefined) out.push(JSON.stringify(node.value));
  if (node.data !== undefined) out.push('#' + JSON.stringify(node.data));
  const loc = node.sourceCodeLocation;
  if (loc) out.push(loc.startOffset + '-' + loc.endOffset + ':' + loc.startLine + '.' + loc.startCol);
  const kids = node.content ? node.content.childNodes : node.childNodes;
  if (kids) { out.push('('); for (const c of kids) tree(c, out); out.push(')'); }
  return out;
}

export function main(readme, benchmarks) {
  const out = [];
  for (const html of [marked.parse(readme), marked.parse(benchmarks), ...broken]) {
    const errors = [];
    const doc = parse(html, { sourceCodeLocationInfo: true, onParseError: (e) => errors.push(e.code + '@' + e.startOffset) });
    out.push(tree(doc, []).join(' '));
    out.push(errors.join(','));
  }
  return out.join('\\n');
}
`,
  },
  chai: {
    // An assertion library (ESM bundle): chainable getters (\`expect(x).to.be.ok\`), a Proxy that catches
    // misspelt properties, deep equality over cyclic structures (deep-eql), object inspection (loupe), and
    // AssertionErrors with their messages, actual and expected values.
    lib: 'node_modules/chai/index.js',
    out: 'chai/index.mjs',
    inputs: () => [20251127, 250],
    source: `import { expect, assert, AssertionError, util } from '__LIB__';
${PRNG}
function value(r, depth) {
  const k = r();
  if (depth > 3 || k < 0.35) return [1, 'a', null, undefined, 2.5, -0, NaN, true, 10n, Symbol.for('s')][Math.floor(r() * 10)];
  if (k < 0.55) return Array.from({ length: Math.floor(r() * 5) }, () => value(r, depth + 1));
  if (k < 0.65) return new Map([[value(r, depth + 1), value(r, depth + 1)], ['k', value(r, depth + 1)]]);
  if (k < 0.72) return new Set([value(r, depth + 1), 3]);
  if (k < 0.78) return new Date(1700000000000 + Math.floor(r() * 1e9));
  const o = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o['p' + Math.floor(r() * 20)] = value(r, depth + 1);
  return o;
}
function clone(v) {
  if (Array.isArray(v)) return v.map(clone);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [clone(k), clone(x)]));
  if (v instanceof Set) return new Set([...v].map(clone));
  if (v instanceof Date) return new Date(v.getTime());
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
  return v;
}
function attempt(out, f) {
  try { f(); out.push('ok'); } catch (e) { out.push(e instanceof AssertionError ? 'AE: ' + e.message + ' | ' + util.inspect(e.actual) + ' | ' + util.inspect(e.expected) : e.name + ': ' + e.message); }
}
export function main(seed, n) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = value(r, 0);
    const b = r() < 0.5 ? clone(a) : value(r, 0);
    attempt(out, () => expect(a).to.deep.equal(b));
    attempt(out, () => assert.deepStrictEqual(a, b, 'case ' + i));
    attempt(out, () => expect(a).to.not.be.undefined.and.not.be.null);
    attempt(out, () => expect([a, b]).to.have.lengthOf(2).and.deep.include(b));
    out.push(util.inspect(a, { depth: 4 }));
  }
  const cyclic = { name: 'c', list: [1, 2] };
  cyclic.self = cyclic;
  cyclic.list.push(cyclic);
  const twin = { name: 'c', list: [1, 2] };
  twin.self = twin;
  twin.list.push(twin);
  attempt(out, () => expect(cyclic).to.deep.equal(twin));
  attempt(out, () => expect({ a: 1 }).to.haz.property('a'));
  attempt(out, () => expect('hello world').to.match(/wor/).and.have.string('hello'));
  attempt(out, () => expect(() => { throw new TypeError('bad'); }).to.throw(TypeError, /ba/));
  attempt(out, () => expect([3, 1, 2]).to.have.members([1, 2, 4]));
  attempt(out, () => expect({ x: { y: [1, { z: 2 }] } }).to.have.nested.property('x.y[1].z', 3));
  attempt(out, () => assert.closeTo(1.5, 1, 0.25));
  attempt(out, () => expect(new Map([[1, 2]])).to.have.all.keys(1, 3));
  return out.join('\\n');
}
`,
  },
  'babel-parser': {
    // A class hierarchy ~15 deep (each plugin a mixin subclass), super calls everywhere, getters, a tokenizer
    // state object, error recovery: JS, JSX, TypeScript and Flow sources parsed to JSON ASTs.
    lib: 'node_modules/@babel/parser/lib/index.js',
    out: 'babel-parser/index.cjs',
    inputs: () => [
      readFileSync(join(root, 'node_modules/marked/lib/marked.esm.js'), 'utf8'),
      readFileSync(join(root, 'transformer/rewrite.ts'), 'utf8'),
      readFileSync(join(root, 'runtime/launch.ts'), 'utf8'),
    ],
    source: `import babel from '__LIB__';

const jsx = 'const App = () => <div className="a" {...rest}>{items.map((i) => <Item key={i} />)}<>x</></div>;';
const flow = 'type T = { +a: number, -b?: string }; function f<X>(x: X): ?X { return (x: any); }';
const broken = 'let x = 1; let x = 2; class A { constructor() { super(); } } (a, a) => 1; 08; return 5;';

export function main(js, ts1, ts2) {
  const out = [];
  const strip = (ast) => JSON.stringify(ast, (k, v) => (k === 'extra' && v && v.raw !== undefined ? { raw: v.raw } : v));
  out.push(strip(babel.parse(js, { sourceType: 'module' })));
  for (const src of [ts1, ts2]) out.push(strip(babel.parse(src, { sourceType: 'module', plugins: ['typescript', 'decorators-legacy'] })));
  out.push(strip(babel.parseExpression('a?.b ?? (c ||= d) ** 2', {})));
  out.push(strip(babel.parse(jsx, { plugins: ['jsx'] })));
  out.push(strip(babel.parse(flow, { plugins: ['flow'] })));
  const r = babel.parse(broken, { errorRecovery: true, sourceType: 'script' });
  out.push(r.errors.map((e) => e.code + ':' + e.reasonCode + ':' + e.message).join('|'));
  try { babel.parse('let = 1 +', {}); } catch (e) { out.push(e.name + ':' + e.message + ':' + e.pos); }
  return out.join('\\n');
}
`,
  },
  typescript: {
    lib: 'node_modules/typescript/lib/typescript.js',
    out: 'typescript/typescript.cjs',
    cache: true, // the transform takes ~30 s
    warmTransform: false,
    runs: 1,
    // Budget 0 worked with generator versions only (24 M pauses, identical output, ~5.5 min). With lazy
    // capture as first built, every pause unwound and re-entered the whole (deep) stack of fast frames: at
    // 0.05 ms it took 1.06 M pauses and 11.7 min (~0.66 ms per pause). Resuming innermost first cut that
    // (0.25 ms: ~50-60 k pauses in ~21-26 s, ~0.1-0.2 ms per pause, since the rest of each captured frame
    // runs in its cold re-entry copy); 0.25 ms keeps CI in bounds.
    stressBudgetMs: 0.25,
    inputs: () => {
      const dir = join(root, 'fixtures/ts-corpus-project');
      const project = {};
      const walk = (d) => {
        for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          const p = join(d, e.name);
          if (e.isDirectory()) walk(p);
          else if (/\.tsx?$/.test(e.name)) project[relative(dir, p)] = readFileSync(p, 'utf8');
        }
      };
      walk(dir);
      const libDir = join(root, 'node_modules/typescript/lib');
      const libs = {};
      for (const f of readdirSync(libDir).sort()) if (/^lib\..*\.d\.ts$/.test(f)) libs['/lib/' + f] = readFileSync(join(libDir, f), 'utf8');
      return [project, libs];
    },
    source: () => readFileSync(join(root, 'test/harness/corpus-typescript.workload.mjs'), 'utf8'),
  },
};

// The same workloads over minified builds (esbuild --minify: statements folded into comma and conditional
// expressions, `a && b()` for ifs, renamed locals, merged declarations), the shape of code shipped to users.
// Budget 0 took acorn-min ~60 s (6.8 M pauses) and babel-parser-min ~26 s; their unminified twins run at
// budget 0, these at 0.01 ms (~150 k pauses each).
for (const [name, stressBudgetMs] of [['marked', 0], ['acorn', 0.01], ['postcss', 0], ['babel-parser', 0.01]]) {
  const w = WORKLOADS[name];
  const entry = w.bundle?.entry ?? w.lib;
  WORKLOADS[`${name}-min`] = { ...w, lib: undefined, out: undefined, stressBudgetMs, bundle: { ...w.bundle, entry, minify: true } };
}
// Acorn as its package ships it for require(): a UMD wrapper around a factory holding the whole library (the
// factory runs plainly at load and has no generator version; every function inside it keeps its own).
WORKLOADS['acorn-umd'] = { ...WORKLOADS.acorn, lib: 'node_modules/acorn/dist/acorn.js', out: 'acorn-umd/acorn.cjs', stressBudgetMs: 0.01 };
// And downlevelled to ES5 by TypeScript (classes as functions with `_super.call(this) || this`, for-of and
// spread through __values / __read helpers, var hoisting): the shape of older packages. (chai's extends a
// builtin class, which ES5 output cannot.)
for (const [name, stressBudgetMs] of [['marked', 0], ['postcss', 0], ['babel-parser', 0.01], ['json5', 0], ['semver', 0]]) {
  const w = WORKLOADS[name];
  const entry = w.bundle?.entry ?? w.lib;
  WORKLOADS[`${name}-es5`] = { ...w, lib: undefined, out: undefined, stressBudgetMs, bundle: { ...w.bundle, entry, es5: true } };
}

const sha = (s) => createHash('sha256').update(String(s)).digest('hex').slice(0, 16);

// Workloads may be async (main returns a promise): every step below awaits, which costs a sync workload a few
// microtasks and nothing else.
async function timed(fn) {
  const t0 = performance.now();
  try {
    const v = await fn();
    return { ms: +(performance.now() - t0).toFixed(1), ...v };
  } catch (e) {
    return { error: `${e?.name}: ${e?.message}`, stack: e?.stack?.split('\n').slice(0, 6).join('\n'), ms: +(performance.now() - t0).toFixed(1) };
  }
}

/** Runs fn `n` times; keeps the result of the first run and the fastest time. */
async function best(n, fn) {
  const first = await timed(fn);
  let ms = first.ms;
  let overruns = first.overrun ? 1 : 0;
  for (let i = 1; i < n && !first.error; i++) {
    const r = await timed(fn);
    ms = Math.min(ms, r.ms);
    if (r.overrun) overruns++;
  }
  return { ...first, ms, runs: n, ...(overruns ? { overruns } : {}) };
}

// Outputs by hash, so that a mismatching mode's output can be written next to the plain one for diffing.
const outputs = new Map();

function summarize(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const hash = sha(text);
  outputs.set(hash, text);
  return typeof value === 'string' ? { hash, length: value.length } : { hash, value };
}

/** Resumes a task whenever it is paused, and waits for the promise it awaits whenever it is waiting. */
async function drive(main, args, budget, limitMs) {
  let pauses = 0;
  const t0 = performance.now();
  const task = launch(main, budget, ...args);
  for (;;) {
    if (task.status === 'waiting') await task.ready;
    else if (task.status !== 'paused') break;
    else {
      if (performance.now() - t0 > limitMs) return { timedOut: true, pauses };
      pauses++;
      resume(task, budget);
    }
  }
  return { ...summarize(task.value), pauses, status: task.status, ms: +(performance.now() - t0).toFixed(1) };
}

/** Drives a task in `budgetMs` slices; after an overrun cancellation, records it and reruns with graceMs: Infinity. */
async function driveToEnd(main, args, budgetMs, limitMs = Infinity) {
  const t0 = performance.now();
  try {
    return await drive(main, args, budgetMs, limitMs);
  } catch (e) {
    if (e?.name !== 'PreemptionOverrunError') throw e;
    const overrun = { afterMs: +(performance.now() - t0).toFixed(1), message: String(e.message).slice(0, 120) };
    return { ...(await drive(main, args, { budgetMs, graceMs: Infinity }, limitMs)), overrun };
  }
}

/** Hash of everything the transformed library depends on: its source, the transformer build, typescript. */
function transformKey(libSource) {
  const h = createHash('sha256').update(libSource);
  const dir = join(root, 'dist', 'transformer');
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.js')) h.update(f).update(readFileSync(join(dir, f)));
  h.update(readFileSync(join(root, 'node_modules/typescript/package.json')));
  h.update(`copiesAtRunTime=${copiesOption}`);
  return h.digest('hex');
}


/** Transforms the library (or reuses a cached transform with the same key). */
function transformLibrary(name, w, libSource, libOut) {
  const filename = basename(libOut);
  const metaFile = libOut + '.meta.json';
  const key = w.cache ? transformKey(libSource) : undefined;
  if (key && !process.env.CORPUS_FRESH && existsSync(libOut) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (meta.key === key) return { ...meta.transform, cached: true };
  }
  const t0 = performance.now();
  const lib = transform(libSource, { filename, instrument: 'all', copiesAtRunTime: copiesOption });
  const transformMs = performance.now() - t0;
  let warm = {};
  if (w.warmTransform !== false) {
    const t1 = performance.now();
    transform(libSource, { filename, instrument: 'all', copiesAtRunTime: copiesOption });
    const transformWarmMs = performance.now() - t1;
    warm = { warmMs: +transformWarmMs.toFixed(1), warmMbPerSec: +(libSource.length / 1e6 / (transformWarmMs / 1000)).toFixed(2) };
  }
  writeFileSync(libOut, lib.code);
  const result = {
    ms: +transformMs.toFixed(1),
    inputBytes: libSource.length,
    outputBytes: lib.code.length,
    sizeRatio: +(lib.code.length / libSource.length).toFixed(2),
    mbPerSec: +(libSource.length / 1e6 / (transformMs / 1000)).toFixed(2),
    ...warm,
    diagnostics: lib.diagnostics.length,
    diagnosticCodes: Object.fromEntries([...new Set(lib.diagnostics.map((d) => d.code))].map((c) => [c, lib.diagnostics.filter((d) => d.code === c).length])),
  };
  if (key) writeFileSync(metaFile, JSON.stringify({ key, transform: result }, null, 2));
  return result;
}

/**
 * A multi-file package made into one CommonJS file by esbuild (as bundlers ship libraries), so that the
 * whole package is one transformed file; Node's builtins stay require()s.
 */
function bundleLibrary(name, { entry, external = [], minify = false, es5 = false }) {
  const outfile = join(outDir, `${name}.bundle.cjs`);
  esbuild.buildSync({ entryPoints: [join(root, entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, external, minify, logLevel: 'error' });
  if (es5) {
    const downlevel = ts.transpileModule(readFileSync(outfile, 'utf8'), {
      fileName: basename(outfile),
      compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES5, module: ts.ModuleKind.CommonJS, downlevelIteration: true, lib: ['es2022'] },
    });
    writeFileSync(outfile, downlevel.outputText);
  }
  return outfile;
}

async function importFresh(file, tag) {
  return import(`${pathToFileURL(file).href}?${tag}`);
}

export async function runCorpus(name) {
  const w = WORKLOADS[name];
  if (!w) throw new Error(`runCorpus: unknown corpus '${name}'; known: ${Object.keys(WORKLOADS).join(', ')}`);
  const libRel = w.out ?? (w.bundle ? `${name}/bundle.cjs` : `${name}.mjs`);
  const libOut = join(outDir, libRel);
  mkdirSync(dirname(libOut), { recursive: true });
  const libPath = w.bundle ? bundleLibrary(name, w.bundle) : join(root, w.lib);
  const libSource = readFileSync(libPath, 'utf8');
  if (/^\s*(import|export)\s[^;]*?from\s*['"]\.{1,2}\//m.test(libSource) || /\brequire\(\s*['"]\.{1,2}\//.test(libSource)) {
    throw new Error(`${name}: the library has relative imports; fix them up before using it as a corpus`);
  }

  // Transform the library.
  const transformInfo = transformLibrary(name, w, libSource, libOut);

  // Workload: plain (original library) and instrumented (transformed library).
  const source = typeof w.source === 'function' ? w.source() : w.source;
  const plainWorkload = join(outDir, `${name}.workload.plain.mjs`);
  writeFileSync(plainWorkload, source.replaceAll('__LIB__', pathToFileURL(libPath).href));
  const wl = transform(source.replaceAll('__LIB__', `./${libRel}`), { filename: `${name}.workload.mjs`, instrument: 'all' });
  const instWorkload = join(outDir, `${name}.workload.mjs`);
  writeFileSync(instWorkload, wl.code);

  const args = w.inputs();
  const plainMain = (await importFresh(plainWorkload, 'plain')).main;
  const instMain = (await importFresh(instWorkload, 'inst')).main;
  // Warm-up both once so that timings compare JIT-warm code (and the lib modules are loaded).
  await timed(async () => summarize(await plainMain(...args)));
  await timed(async () => summarize(await instMain(...args)));
  const runs = w.runs ?? RUNS;
  // A workload measured once: its first run inside a task would also pay for making the closures' versions
  // on first use and for the fast copies' cold first runs (TypeScript: 10.6 s first, 5.8 s again), so
  // TO_COMPLETION, run first, looked slower than 1 ms slices. Run it once inside a task beforehand.
  if (runs === 1) await timed(() => drive(instMain, args, TO_COMPLETION, Infinity));

  const plain = await best(runs, async () => summarize(await plainMain(...args)));
  const direct = await best(runs, async () => summarize(await instMain(...args)));
  const complete = await best(runs, () => drive(instMain, args, TO_COMPLETION, Infinity));
  const envStress = process.env.CORPUS_STRESS_BUDGET_MS;
  const stressBudget = envStress !== undefined && envStress !== '' ? Number(envStress) : (w.stressBudgetMs ?? 0);
  let stress;
  if (stressBudget === 0) {
    stress = await timed(() => driveToEnd(instMain, args, 0, envStress !== undefined ? Infinity : STRESS_LIMIT_MS));
    if (stress.timedOut) {
      const budget0 = { pausesBeforeTimeout: stress.pauses, ms: stress.ms };
      stress = await timed(() => driveToEnd(instMain, args, STRESS_FALLBACK_MS));
      stress.budgetMs = STRESS_FALLBACK_MS;
      stress.budget0TimedOut = budget0;
    } else {
      stress.budgetMs = 0;
    }
  } else {
    stress = await timed(() => driveToEnd(instMain, args, stressBudget));
    stress.budgetMs = stressBudget;
  }
  const slices = await best(runs, () => driveToEnd(instMain, args, SLICE_MS));
  slices.budgetMs = SLICE_MS;

  const modes = { direct, complete, stress, slices };
  const pass = {};
  const ratios = {};
  for (const [k, v] of Object.entries(modes)) {
    pass[k] = !v.error && !plain.error && v.hash === plain.hash;
    ratios[k] = plain.ms > 0 ? +(v.ms / plain.ms).toFixed(2) : null;
    if (!pass[k] && v.hash && outputs.has(plain.hash)) {
      writeFileSync(join(outDir, `${name}.plain.out`), outputs.get(plain.hash));
      writeFileSync(join(outDir, `${name}.${k}.out`), outputs.get(v.hash));
      v.diffFiles = [`${name}.plain.out`, `${name}.${k}.out`];
    }
  }
  return {
    name,
    plain,
    ...modes,
    pass,
    ratios,
    transform: { ...transformInfo, workloadDiagnostics: wl.diagnostics },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  for (const n of names.length ? names : Object.keys(WORKLOADS)) {
    process.stdout.write(JSON.stringify(await runCorpus(n), null, 2) + '\n');
  }
}
