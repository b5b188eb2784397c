// Experiment for issue #4 (bench/README.md, "Twenty-fifth session"): what does the test at an instrumented
// call site cost, by its form? The tree kernel's `dfs` (an explicit-stack walk: a `pop()` and a few `push()`es
// per node) is written here by hand as its fast copy is printed (counters, the loops' checkpoints, the
// try/catch), with its two call sites in one form or another:
//
//   plain     the kernel's own dfs, untransformed
//   calls     the fast copy with plain calls `stack.pop()`, `stack.push(x)`
//   apply     `$f = $o.pop, apply($f, $o, [])` (the runtime's Reflect.apply)
//   <form>    `(<test>) ? apply($g, $o, [...]) : apply(callable($f, "..."), $o, [...])`, <test> one of FORMS
//   kind first, then own copy (now, transformer/lazy.ts): `typeof $f === "function" ? (<own> ? apply($g, ...)
//             : apply($f, ...)) : apply(callable($f, "..."), ...)`
//
// Each variant runs in a fresh process (its own JIT history), 200 walks of a 20,000-node graph, best of
// --runs (default 3). `node bench/experiments/site-forms.mjs [--runs N]`
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FORMS = {
  'optional chain, truthy (before the 25th session)': '($g = $f?.[FAST]) && $g[OWNER] === $f',
  'optional chain, !== undefined': '($g = $f?.[FAST]) !== undefined && $g[OWNER] === $f',
  'typeof, truthy (aae506e)': 'typeof $f === "function" && ($g = $f[FAST]) && $g[OWNER] === $f',
  'typeof, !== undefined': 'typeof $f === "function" && ($g = $f[FAST]) !== undefined && $g[OWNER] === $f',
  'no guard, !== undefined (wrong error for an undefined callee)': '($g = $f[FAST]) !== undefined && $g[OWNER] === $f',
};

function source(variant) {
  const site = (method, args) => {
    if (variant === 'calls') return `stack.${method}(${args})`;
    if (variant === 'apply') return `($o = stack, $f = $o.${method}, apply($f, $o, [${args}]))`;
    if (variant === 'apply(callable)') return `($o = stack, $f = $o.${method}, apply(callable($f, "stack.${method}"), $o, [${args}]))`;
    if (variant === 'kind first, then own copy (now)') return `($o = stack, $f = $o.${method}, typeof $f === "function" ? (($g = $f[FAST]) && $g[OWNER] === $f ? apply($g, $o, [${args}]) : apply($f, $o, [${args}])) : apply(callable($f, "stack.${method}"), $o, [${args}]))`;
    if (variant === 'apply(callable, one thrower)') return `($o = stack, $f = $o.${method}, apply(callableConst($f, "stack.${method}"), $o, [${args}]))`;
    if (variant === 'test, then apply($f)') return `($o = stack, $f = $o.${method}, (${FORMS['typeof, truthy (aae506e)']}) ? apply($g, $o, [${args}]) : apply($f, $o, [${args}]))`;
    return `($o = stack, $f = $o.${method}, (${FORMS[variant]}) ? apply($g, $o, [${args}]) : apply(callable($f, "stack.${method}"), $o, [${args}]))`;
  };
  return `
const rt = { c: 1e9, cap: null };
const CAPTURE = {};
const tick = () => false;
const FAST = Symbol.for('preemptible.fast'), OWNER = Symbol.for('preemptible.owner');
const apply = Reflect.apply;
const callable = (f, text) => (typeof f === 'function' ? f : () => { throw new TypeError(text + ' is not a function'); });
// A callee that is not a function gets one shared thrower (its text kept aside): the target stays one of two constants.
let notFnText = '';
const notFn = () => { throw new TypeError(notFnText + ' is not a function'); };
const callableConst = (f, text) => (typeof f === 'function' ? f : ((notFnText = text), notFn));
// (The runtime caches a builtin's miss as an own property, as here: runtime/deferred.ts.)
Object.defineProperty(Array.prototype.push, FAST, { value: undefined, writable: true, configurable: true, enumerable: false });
Object.defineProperty(Array.prototype.pop, FAST, { value: undefined, writable: true, configurable: true, enumerable: false });
function plain(adj, start) {
  const seen = new Uint8Array(adj.length); const stack = [start]; let reached = 0; let order = 0;
  while (stack.length > 0) {
    const v = stack.pop(); if (seen[v]) continue; seen[v] = 1; reached++; order = (order * 31 + v) >>> 0;
    const edges = adj[v]; for (let i = edges.length - 1; i >= 0; i--) if (!seen[edges[i]]) stack.push(edges[i]);
  }
  return { reached, order };
}
function copy(adj, start) {
  let seen, stack, reached = 0, order = 0, v, edges, i = 0, $o, $f, $g, $s, $t, $k = 0;
  try {
    if (--rt.c < 0 && tick()) { $k = 1; throw CAPTURE; }
    seen = new Uint8Array(adj.length); stack = [start]; reached = 0; order = 0;
    for (;;) {
      $t = false;
      while ($s ? ($s = false, true) : stack.length > 0) {
        if (--rt.c < 0) { $t = true; break; }
        v = ($k = 3, ${site('pop', '')});
        if (seen[v]) continue; seen[v] = 1; reached++; order = (order * 31 + v) >>> 0; edges = adj[v];
        i = edges.length - 1;
        for (;;) {
          $t = false;
          for (; $s ? ($s = false, true) : i >= 0; i--) {
            if (--rt.c < 0) { $t = true; break; }
            if (!seen[edges[i]]) ($k = 5, ${site('push', 'edges[i]')});
          }
          if (!$t) break; if (tick()) { $k = 4; throw CAPTURE; } $s = true;
        }
      }
      if (!$t) break; if (tick()) { $k = 2; throw CAPTURE; } $s = true;
    }
    return { reached, order };
  } catch ($e) { if ($e === CAPTURE) rt.cap = [$k, adj, start, seen, stack, reached, order, v, edges, i]; throw $e; }
}
let s = 7; const adj = [];
for (let n = 0; n < 20000; n++) { const e = [(n + 1) % 20000]; for (let d = 1; d < 4; d++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; e.push(s % 20000); } adj.push(e); }
const f = ${variant === 'plain' ? 'plain' : 'copy'};
const expected = JSON.stringify(plain(adj, 0));
const t0 = performance.now();
for (let r = 0; r < 200; r++) if (JSON.stringify(f(adj, 0)) !== expected) throw new Error('wrong result');
console.log(performance.now() - t0);
`;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === '--child') {
  await import(`data:text/javascript,${encodeURIComponent(source(process.argv[3]))}`);
} else {
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 3;
  console.log(`| variant | best of ${runs}, ms | × plain |\n|---|---:|---:|`);
  let plainMs;
  for (const variant of ['plain', 'calls', 'apply', 'kind first, then own copy (now)', 'apply(callable)', 'apply(callable, one thrower)', 'test, then apply($f)', ...Object.keys(FORMS)]) {
    const times = [];
    for (let i = 0; i < runs; i++) times.push(Number(execFileSync(process.execPath, [self, '--child', variant], { encoding: 'utf8' })));
    const best = Math.min(...times);
    plainMs ??= best;
    console.log(`| ${variant} | ${best.toFixed(1)} | ${(best / plainMs).toFixed(2)}× |`);
  }
}
