// Benchmarks for preemptible (`npm run bench`). Prints Markdown tables and writes bench/results/latest.json.
//
//   node bench/run.mjs                     everything (~2 minutes on a 2-core machine)
//   node bench/run.mjs fib oop             only these kernels (skips primitives; latest.json not written)
//   node bench/run.mjs --rounds 3          fewer rounds per kernel (latest.json not written)
//   node bench/run.mjs --processes 1       every kernel in this one process (latest.json not written)
//
// 1. Primitives: per-operation cost of launch / resume / cancel, many operations per timing sample.
// 2. Kernels (bench/kernels/*.mjs, plain ESM exporting `meta = { title, n }` and `run(n)` -> checksum),
//    each run in four modes, interleaved across rounds in rotating order:
//      plain     the original, untransformed module
//      direct    the instrumented module, called outside any task (must cost ~nothing)
//      complete  instrumented, launch(run, TO_COMPLETION, n)
//      slices    instrumented, launch(run, 1, n) then resume(task, 1) while paused
//    Checksums must agree across modes.
//
//    A full run measures each kernel in PROCESSES fresh processes (kernels in rotating order) and reports,
//    per kernel and mode, the median over processes of that process's ratio to plain. One process is not
//    enough: V8 settles some kernels into one of two speeds per process (the tree kernel's plain run took
//    29-32 ms in some processes and 44-55 ms in others, with the same code), which moved a single run's
//    geometric mean by ±0.07.
//
// No forced GC between samples: calling gc() shrinks the young generation and made allocation-heavy kernels
// swing by up to 2x from round to round; the rotating order spreads ordinary GC work across modes instead.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { launch, resume, cancel, capabilities, TO_COMPLETION } from 'preemptible';
import { transform } from 'preemptible/transform';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, '..');
const outDir = join(root, '.test-out', 'bench');
const resultsFile = join(benchDir, 'results', 'latest.json');
const now = performance.now.bind(performance);

// ---------------------------------------------------------------------------------------------- options
const argv = process.argv.slice(2);
const DEFAULT_PROCESSES = 5;
const WARMUP_ROUNDS = 2;
let rounds = -1;
let processes = -1;
/** Child mode: measure the primitives only and print them as JSON (used for the pure-JS column). */
let primitivesJsonOnly = false;
/** Child mode: measure the named kernels in this process and print the results as JSON. */
let kernelsJsonOnly = false;
const only = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = positiveInt(argv[i], argv[++i]);
  else if (argv[i] === '--processes') processes = positiveInt(argv[i], argv[++i]);
  else if (argv[i] === '--primitives-json') primitivesJsonOnly = true;
  else if (argv[i] === '--kernels-json') kernelsJsonOnly = true;
  else if (argv[i] === '--help' || argv[i] === '-h') {
    console.log('usage: node bench/run.mjs [--rounds N] [--processes N] [kernel ...]');
    process.exit(0);
  } else only.push(argv[i]);
}
const fullRun = only.length === 0 && rounds === -1 && processes === -1;
// Kernels given by name: one process, as before (quick A/B runs); a full run: DEFAULT_PROCESSES.
if (processes === -1) processes = only.length === 0 && !kernelsJsonOnly ? DEFAULT_PROCESSES : 1;
// Rounds per process: fewer when several processes share the work.
if (rounds === -1) rounds = processes > 1 ? 5 : 9;

function positiveInt(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`bench/run.mjs: ${flag} needs a positive integer, got ${text === undefined ? 'nothing' : JSON.stringify(text)}`);
    process.exit(2);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------- helpers
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
const sortNum = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => quantile(sortNum(xs), 0.5);
const geomean = (xs) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
/** Rounds to 4 significant digits (keeps latest.json diffs readable). */
const sig = (x) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
const fmtRatio = (x) => `${fmt(x, 2)}×`;

function table(headers, rows, align) {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  const lines = [
    `| ${headers.join(' | ')} |`,
    `|${a.map((x) => (x === 'l' ? ':---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  return lines.join('\n');
}

async function importInstrumented(sourceFile, subdir) {
  const source = readFileSync(sourceFile, 'utf8');
  const { code } = transform(source, { filename: basename(sourceFile) });
  const dir = join(outDir, subdir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, basename(sourceFile));
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

function machine() {
  const cpus = os.cpus();
  let commit = null;
  let dirty = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'runtime', 'transformer'], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .toString()
        .trim() !== '';
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit,
    runtimeOrTransformerDirty: dirty,
    loadAverage1mAtStart: Number(os.loadavg()[0].toFixed(2)),
  };
}

// ------------------------------------------------------------------------------------------- primitives
// Each primitive has its own batch loop (no shared call site through a closure), so the loop overhead
// is a few ns next to operations costing ~0.1-10 µs.

async function benchPrimitives() {
  const p = await importInstrumented(join(benchDir, 'primitives.mjs'), 'primitives');
  const { trivial, opaque, spin, outer, finallyRuns } = p;
  const LONG = 2 ** 30;

  function* plainGen(x) {
    yield x;
  }

  const ops = [
    {
      id: 'launch',
      label: '`launch(trivial, TO_COMPLETION)` → completed',
      setup: null,
      run(k) {
        let s = 0;
        for (let i = 0; i < k; i++) s += launch(trivial, TO_COMPLETION, 0).value;
        if (s !== k) throw new Error('launch: trivial did not complete with 1');
      },
    },
    {
      id: 'launchOpaque',
      label: '`launch(uninstrumented, TO_COMPLETION)` (opaque path)',
      run(k) {
        let s = 0;
        for (let i = 0; i < k; i++) s += launch(opaque, TO_COMPLETION, 0).value;
        if (s !== k) throw new Error('launch opaque: wrong result');
      },
    },
    {
      id: 'launchPause',
      label: '`launch(loop, 0)` → paused at first checkpoint',
      run(k) {
        let paused = 0;
        for (let i = 0; i < k; i++) if (launch(spin, 0, LONG).status === 'paused') paused++;
        if (paused !== k) throw new Error('launch(spin, 0) did not pause');
      },
    },
    {
      id: 'resumeStep',
      label: '`resume(task, 0)` of a paused loop (one step)',
      setup: () => launch(spin, 0, LONG),
      run(k, task) {
        for (let i = 0; i < k; i++) resume(task, 0);
        if (task.status !== 'paused') throw new Error('resume(task, 0) did not pause again');
      },
    },
    {
      id: 'cancel3',
      label: '`cancel` of a paused task, 3 frames with `finally`',
      setup(k) {
        const tasks = new Array(k);
        for (let i = 0; i < k; i++) {
          tasks[i] = launch(outer, TO_COMPLETION, 10);
          if (tasks[i].status !== 'paused') throw new Error('outer() did not pause');
        }
        return { tasks, before: finallyRuns.count };
      },
      run(k, { tasks, before }) {
        for (let i = 0; i < k; i++) cancel(tasks[i]);
        if (finallyRuns.count - before !== 3 * k) throw new Error('cancel: not every finally block ran');
        if (tasks[k - 1].status !== 'cancelled') throw new Error('cancel: task not cancelled');
      },
    },
    {
      id: 'plainGenerator',
      label: 'reference: plain generator create + `next()`',
      run(k) {
        let s = 0;
        for (let i = 0; i < k; i++) s += plainGen(1).next().value;
        if (s !== k) throw new Error('generator: wrong result');
      },
    },
  ];

  const TARGET_SAMPLE_MS = 0.2; // per timing sample: far above timer resolution, short enough for a p99
  const SAMPLES = 400;
  const results = [];
  for (const op of ops) {
    // Warm up (~60 ms, enough for the optimizing compiler) and estimate the cost per operation from
    // the last, warm rounds.
    let k = 256;
    let perOp = Infinity;
    const warmEnd = now() + 60;
    for (let w = 0; w < 4 || now() < warmEnd; w++) {
      const ctx = op.setup?.(k);
      const t0 = now();
      op.run(k, ctx);
      const t = now() - t0;
      perOp = w < 2 ? t / k : Math.min(perOp, t / k);
      if (t < 1) k *= 2;
    }
    const batch = Math.max(16, Math.min(100_000, Math.round(TARGET_SAMPLE_MS / Math.max(perOp, 1e-6))));
    const times = [];
    for (let s = 0; s < SAMPLES; s++) {
      const ctx = op.setup?.(batch);
      const t0 = now();
      op.run(batch, ctx);
      times.push(((now() - t0) / batch) * 1000); // µs per op
    }
    const sorted = sortNum(times);
    results.push({
      id: op.id,
      label: op.label,
      batch,
      samples: SAMPLES,
      medianUs: quantile(sorted, 0.5),
      p99Us: quantile(sorted, 0.99),
    });
  }
  const base = results.find((r) => r.id === 'launch').medianUs;
  for (const r of results) r.ratioToLaunch = r.medianUs / base;
  return results;
}

// ---------------------------------------------------------------------------------------------- kernels
const MODES = ['plain', 'direct', 'complete', 'slices'];

/** The kernels to measure: bench/kernels/*.mjs, or those named on the command line. */
function kernelNames() {
  const names = readdirSync(join(benchDir, 'kernels'))
    .filter((f) => f.endsWith('.mjs'))
    .map((f) => basename(f, '.mjs'))
    .sort();
  if (only.length === 0) return names;
  const missing = only.filter((o) => !names.includes(o));
  if (missing.length) throw new Error(`unknown kernel(s): ${missing.join(', ')}`);
  return names.filter((n) => only.includes(n));
}

async function loadKernel(name) {
  const file = join(benchDir, 'kernels', `${name}.mjs`);
  const plain = await import(pathToFileURL(file).href);
  const inst = await importInstrumented(file, 'kernels');
  if (typeof plain.run !== 'function' || !plain.meta) throw new Error(`${name}.mjs: must export meta and run(n)`);
  return { name, file: relative(root, file), title: plain.meta.title, n: plain.meta.n, plain, inst };
}

/** Runs one mode once; returns { ms, value, slices?, sliceMs? }. */
function runMode(kernel, mode) {
  const { n } = kernel;
  if (mode === 'plain') {
    const t0 = now();
    const value = kernel.plain.run(n);
    return { ms: now() - t0, value };
  }
  if (mode === 'direct') {
    const t0 = now();
    const value = kernel.inst.run(n);
    return { ms: now() - t0, value };
  }
  if (mode === 'complete') {
    const t0 = now();
    const task = launch(kernel.inst.run, TO_COMPLETION, n);
    const ms = now() - t0;
    if (task.status !== 'completed') throw new Error(`${kernel.name}: TO_COMPLETION task ended ${task.status}`);
    return { ms, value: task.value };
  }
  // 1 ms slices; every slice is timed too (two clock reads per ms: negligible).
  const sliceMs = [];
  const t0 = now();
  let a = t0;
  const task = launch(kernel.inst.run, 1, n);
  let b = now();
  sliceMs.push(b - a);
  while (task.status === 'paused') {
    a = b;
    resume(task, 1);
    b = now();
    sliceMs.push(b - a);
  }
  const ms = b - t0;
  if (task.status !== 'completed') throw new Error(`${kernel.name}: sliced task ended ${task.status}`);
  return { ms, value: task.value, slices: sliceMs.length, sliceMs };
}

function benchKernel(kernel) {
  // Warm-up rounds (the first is also the checksum check).
  const expected = runMode(kernel, 'plain').value;
  for (let w = 0; w < WARMUP_ROUNDS; w++) {
    for (const mode of MODES) {
      const { value } = runMode(kernel, mode);
      if (!Object.is(value, expected)) {
        throw new Error(`${kernel.name}: checksum mismatch in mode ${mode}: ${value} !== plain ${expected}`);
      }
    }
  }
  const ms = Object.fromEntries(MODES.map((m) => [m, []]));
  const slices = [];
  const sliceMs = [];
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < MODES.length; j++) {
      const mode = MODES[(j + r) % MODES.length];
      const res = runMode(kernel, mode);
      if (!Object.is(res.value, expected)) throw new Error(`${kernel.name}: checksum mismatch in mode ${mode}`);
      ms[mode].push(res.ms);
      if (mode === 'slices') {
        slices.push(res.slices);
        // Every slice but the last (which ends when the function returns, not at the deadline).
        sliceMs.push(...res.sliceMs.slice(0, -1));
      }
    }
  }
  const med = Object.fromEntries(MODES.map((m) => [m, median(ms[m])]));
  const sortedSlices = sortNum(sliceMs);
  return {
    name: kernel.name,
    title: kernel.title,
    n: kernel.n,
    checksum: expected,
    medianMs: med,
    ratioToPlain: Object.fromEntries(MODES.map((m) => [m, med[m] / med.plain])),
    minMs: Object.fromEntries(MODES.map((m) => [m, Math.min(...ms[m])])),
    slices: {
      countMedian: median(slices),
      sliceMsMedian: quantile(sortedSlices, 0.5),
      sliceMsP99: quantile(sortedSlices, 0.99),
      sliceMsMax: sortedSlices[sortedSlices.length - 1] ?? NaN,
    },
  };
}

const errorText = (e) =>
  `${e?.name ?? 'Error'}: ${((m) => (m.length > 120 ? m.slice(0, 120) + '…' : m))(String(e?.message ?? e).split('\n')[0])}`;

/**
 * Measures the named kernels in this process. A kernel that throws (a checksum mismatch, a
 * PreemptionOverrunError, ...) is reported and left out of the geometric mean; the other kernels still run.
 * A PreemptionOverrunError is retried once (and reported): on a busy machine a garbage collection can
 * stretch a slice past the overrun guard's grace period even in code that checkpoints, and the guard then
 * cancels the task.
 */
async function measureHere(kernelList) {
  const results = [];
  const failed = [];
  const retried = [];
  for (const name of kernelList) {
    const t0 = now();
    let k = null;
    for (let attempt = 1; ; attempt++) {
      try {
        k ??= await loadKernel(name);
        results.push(benchKernel(k));
        process.stderr.write(`  ${name}: ${((now() - t0) / 1000).toFixed(1)} s\n`);
        break;
      } catch (e) {
        const error = errorText(e);
        if (attempt === 1 && e?.name === 'PreemptionOverrunError') {
          retried.push({ name, error });
          process.stderr.write(`  ${name}: ${error} — retrying once\n`);
          continue;
        }
        failed.push({ name, title: k?.title ?? name, n: k?.n ?? NaN, error });
        process.stderr.write(`  ${name}: FAILED after ${((now() - t0) / 1000).toFixed(1)} s: ${error}\n`);
        break;
      }
    }
  }
  return { results, failed, retried };
}

/**
 * Measures every kernel in `processes` fresh processes (this script with --kernels-json and this process's
 * Node options, one kernel per process, kernels in a different rotation each pass so that a slow spell of the machine does not fall on
 * one kernel's processes), then folds each kernel's processes into one result: per mode, the median over
 * processes of each process's median time and of its ratio to plain (plain and the other modes of one
 * process are measured interleaved, so their ratio is the like-with-like number).
 */
function measureInProcesses(kernelList) {
  const perKernel = new Map(kernelList.map((n) => [n, []]));
  const failed = [];
  const retried = [];
  for (let p = 0; p < processes; p++) {
    for (let j = 0; j < kernelList.length; j++) {
      const name = kernelList[(j + p) % kernelList.length];
      const t0 = now();
      let out;
      try {
        out = JSON.parse(
          execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--kernels-json', '--rounds', String(rounds), name], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            maxBuffer: 64 << 20,
          }),
        );
      } catch (e) {
        const why = String(e?.stderr ?? e?.message ?? e).trim().split('\n').pop();
        out = { results: [], failed: [{ name, title: name, n: NaN, error: `the measuring process failed: ${why}` }], retried: [] };
      }
      for (const r of out.results) perKernel.get(r.name).push(r);
      for (const f of out.failed) failed.push({ ...f, process: p + 1 });
      for (const r of out.retried) retried.push({ ...r, process: p + 1 });
      process.stderr.write(
        `  [${p + 1}/${processes}] ${name}: ${((now() - t0) / 1000).toFixed(1)} s` +
          (out.results[0] ? `, 1 ms slices ${fmtRatio(out.results[0].ratioToPlain.slices)}` : ', FAILED') +
          '\n',
      );
    }
  }
  // A kernel that failed in any process is reported as failed (with every error) and left out.
  const failedNames = new Set(failed.map((f) => f.name));
  const results = [];
  for (const [name, rs] of perKernel) {
    if (failedNames.has(name) || rs.length === 0) continue;
    results.push(foldProcesses(rs));
  }
  const failedKernels = [...failedNames].map((name) => {
    const fs = failed.filter((f) => f.name === name);
    const title = perKernel.get(name)[0]?.title ?? fs[0].title;
    const n = perKernel.get(name)[0]?.n ?? fs[0].n;
    return { name, title, n, error: fs.map((f) => `process ${f.process}: ${f.error}`).join('; ') };
  });
  return { results, failed: failedKernels, retried };
}

/** One kernel's results from several processes, folded as measureInProcesses says. */
function foldProcesses(rs) {
  const byMode = (get) => Object.fromEntries(MODES.map((m) => [m, median(rs.map((r) => get(r, m)))]));
  return {
    name: rs[0].name,
    title: rs[0].title,
    n: rs[0].n,
    checksum: rs[0].checksum,
    medianMs: byMode((r, m) => r.medianMs[m]),
    ratioToPlain: byMode((r, m) => r.ratioToPlain[m]),
    minMs: Object.fromEntries(MODES.map((m) => [m, Math.min(...rs.map((r) => r.minMs[m]))])),
    perProcess: rs.map((r) => ({ medianMs: r.medianMs, ratioToPlain: r.ratioToPlain })),
    slices: {
      countMedian: median(rs.map((r) => r.slices.countMedian)),
      sliceMsMedian: median(rs.map((r) => r.slices.sliceMsMedian)),
      sliceMsP99: median(rs.map((r) => r.slices.sliceMsP99)),
      sliceMsMax: Math.max(...rs.map((r) => r.slices.sliceMsMax)),
    },
  };
}

// ------------------------------------------------------------------------------------------------- main
if (primitivesJsonOnly) {
  const r = await benchPrimitives();
  process.stdout.write(JSON.stringify(r.map(({ id, medianUs, p99Us }) => ({ id, medianUs, p99Us }))) + '\n');
  process.exit(0);
}
const names = kernelNames();
if (kernelsJsonOnly) {
  const out = await measureHere(names);
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
const started = now();
const info = machine();
console.log('# preemptible benchmarks\n');
console.log(`- CPU: ${info.cpu} × ${info.cores} cores`);
console.log(`- Node ${info.node}, ${info.os}`);
console.log(
  `- commit ${info.commit ?? 'n/a'}${info.runtimeOrTransformerDirty ? ' (runtime/ or transformer/ modified)' : ''}, ` +
    `${processes > 1 ? `kernels in ${processes} processes each, ` : ''}${rounds} rounds per kernel${processes > 1 ? ' and process' : ''}, medians`,
);
console.log(
  `- load average at start: ${info.loadAverage1mAtStart}` +
    (info.loadAverage1mAtStart > 0.5 ? ' — **other processes are busy; expect noisy numbers**' : '') +
    '\n',
);

let primitives = null;
let primitivesPureJs = null;
if (only.length === 0) {
  primitives = await benchPrimitives();
  // The same operations without the addon (no guarding native frame, clock-read checkpoints), in a child
  // process started right after, so that the two columns compare like with like.
  primitivesPureJs = JSON.parse(
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--primitives-json'], {
      encoding: 'utf8',
      env: { ...process.env, PREEMPTIBLE_NATIVE: '0', PREEMPTIBLE_QUIET: '1' },
    }),
  );
  const pure = new Map(primitivesPureJs.map((r) => [r.id, r]));
  console.log(`## Primitives (addon: ${capabilities().nativeTimer ? 'loaded' : 'NOT loaded: ' + capabilities().reason})\n`);
  console.log(
    table(
      ['operation', 'median µs/op', 'p99 µs/op', '× launch', 'pure-JS median µs/op', 'pure-JS p99 µs/op', 'ops/sample'],
      primitives.map((r) => [
        r.label,
        fmt(r.medianUs, 3),
        fmt(r.p99Us, 3),
        fmtRatio(r.ratioToLaunch),
        fmt(pure.get(r.id)?.medianUs, 3),
        fmt(pure.get(r.id)?.p99Us, 3),
        String(r.batch),
      ]),
    ),
  );
  console.log(
    '\n`trivial` is the smallest instrumented function (entry checkpoint only); functions without loops or calls ' +
      'are left plain by the transform. p99 is over timing samples, each the mean of `ops/sample` operations.\n',
  );
}

const measured = processes > 1 ? measureInProcesses(names) : await measureHere(names);
const kernelResults = measured.results;
const failedKernels = measured.failed;
const retriedKernels = measured.retried;
if (kernelResults.length === 0) throw new Error('every kernel failed');

const gm = Object.fromEntries(MODES.map((m) => [m, geomean(kernelResults.map((r) => r.ratioToPlain[m]))]));
const worstDirect = kernelResults.reduce((w, r) => (r.ratioToPlain.direct > w.ratioToPlain.direct ? r : w));
// With several processes: each process's own ratio in 1 ms slices (its range per kernel), and the geometric
// mean each pass of processes would have reported alone (the spread a single run has).
const spread = processes > 1;
const rangeOf = (xs) => `${fmt(Math.min(...xs), 2)}–${fmt(Math.max(...xs), 2)}×`;
const passGeomeans = spread
  ? Array.from({ length: processes }, (_, p) => geomean(kernelResults.map((r) => r.perProcess[p].ratioToPlain.slices)))
  : [];

console.log('## Kernels\n');
console.log(
  table(
    [
      'kernel',
      'n',
      'plain ms',
      'direct ms',
      'direct ×',
      'TO_COMPLETION ms',
      'TO_COMPLETION ×',
      '1 ms slices ms',
      '1 ms slices ×',
      ...(spread ? ['1 ms slices × per process'] : []),
      'slices',
      'slice p99 / max ms',
    ],
    [
      ...kernelResults.map((r) => [
        r.title,
        String(r.n),
        fmt(r.medianMs.plain, 1),
        fmt(r.medianMs.direct, 1),
        fmtRatio(r.ratioToPlain.direct),
        fmt(r.medianMs.complete, 1),
        fmtRatio(r.ratioToPlain.complete),
        fmt(r.medianMs.slices, 1),
        fmtRatio(r.ratioToPlain.slices),
        ...(spread ? [rangeOf(r.perProcess.map((x) => x.ratioToPlain.slices))] : []),
        String(r.slices.countMedian),
        `${fmt(r.slices.sliceMsP99, 2)} / ${fmt(r.slices.sliceMsMax, 2)}`,
      ]),
      ...failedKernels.map((f) => [f.title, String(f.n), `**failed**: ${f.error}`, '', '', '', '', '', '', ...(spread ? [''] : []), '', '']),
      [
        failedKernels.length ? `**geometric mean** (${kernelResults.length} of ${names.length} kernels)` : '**geometric mean**',
        '',
        '',
        '',
        `**${fmtRatio(gm.direct)}**`,
        '',
        `**${fmtRatio(gm.complete)}**`,
        '',
        `**${fmtRatio(gm.slices)}**`,
        ...(spread ? [`${rangeOf(passGeomeans)} (one pass)`] : []),
        '',
        '',
      ],
    ],
  ),
);
console.log(
  '\n- **plain**: original module. **direct**: instrumented module called outside any task — the contract says this ' +
    `costs ~nothing; measured geomean ${fmtRatio(gm.direct)}, worst ${fmtRatio(worstDirect.ratioToPlain.direct)} ` +
    `(${worstDirect.name}).\n` +
    '- **TO_COMPLETION**: `launch(run, TO_COMPLETION, n)`. **1 ms slices**: `launch(run, 1, n)` then ' +
    "`resume(task, 1)` while `status === 'paused'`; slice p99/max is the wall time of one launch/resume call " +
    '(the final, partial slice excluded).\n' +
    (spread
      ? `- Each kernel ran in ${processes} fresh processes; in each, modes interleaved in rotating order over ${rounds} ` +
        `rounds after ${WARMUP_ROUNDS} warm-up rounds, × = median / plain median of that process. The table gives ` +
        'the median over processes (times and ×); **per process** is the range of the processes\' own ×, and in the ' +
        'geometric mean row the range of the geometric means of each pass over the kernels (what one single-process ' +
        'run would have reported). Checksums agree across all modes.'
      : `- × is median / plain median; modes interleaved in rotating order over ${rounds} rounds after ${WARMUP_ROUNDS} ` +
        'warm-up rounds; checksums agree across all modes.'),
);
if (failedKernels.length > 0) {
  console.log(
    `- **${failedKernels.length} kernel(s) failed** and are left out of the geometric mean: ` +
      failedKernels.map((f) => `${f.name} (${f.error})`).join('; ') +
      '.',
  );
}
if (retriedKernels.length > 0) {
  console.log(
    `- **Retried once after a \`PreemptionOverrunError\`** (the overrun guard cancelled a task of instrumented code; ` +
      `the numbers are from the second attempt): ${retriedKernels.map((r) => r.name).join(', ')}.`,
  );
}
const overran = kernelResults.filter((r) => r.slices.sliceMsP99 > 2);
if (overran.length > 0) {
  console.log(
    `- **1 ms slices overran** (p99 > 2 ms): ${overran
      .map((r) => `${r.name} (p99 ${fmt(r.slices.sliceMsP99, 1)} ms)`)
      .join(', ')}.`,
  );
}
console.log('');

const totalS = (now() - started) / 1000;
console.log(`_total ${totalS.toFixed(1)} s_`);

const result = {
  machine: info,
  date: new Date().toISOString(),
  rounds,
  processes,
  primitives: primitives?.map((r) => ({
    id: r.id,
    label: r.label,
    opsPerSample: r.batch,
    samples: r.samples,
    medianUs: sig(r.medianUs),
    p99Us: sig(r.p99Us),
    ratioToLaunch: sig(r.ratioToLaunch),
  })),
  primitivesPureJs: primitivesPureJs?.map((r) => ({ id: r.id, medianUs: sig(r.medianUs), p99Us: sig(r.p99Us) })),
  addon: capabilities(),
  kernels: kernelResults.map((r) => ({
    name: r.name,
    title: r.title,
    n: r.n,
    checksum: r.checksum,
    medianMs: Object.fromEntries(MODES.map((m) => [m, sig(r.medianMs[m])])),
    minMs: Object.fromEntries(MODES.map((m) => [m, sig(r.minMs[m])])),
    ratioToPlain: Object.fromEntries(MODES.map((m) => [m, sig(r.ratioToPlain[m])])),
    ...(r.perProcess ? { slices1msRatioPerProcess: r.perProcess.map((x) => sig(x.ratioToPlain.slices)) } : {}),
    slices1ms: {
      count: r.slices.countMedian,
      sliceMsMedian: sig(r.slices.sliceMsMedian),
      sliceMsP99: sig(r.slices.sliceMsP99),
      sliceMsMax: sig(r.slices.sliceMsMax),
    },
  })),
  failedKernels,
  retriedKernels,
  geomeanRatioToPlain: Object.fromEntries(MODES.filter((m) => m !== 'plain').map((m) => [m, sig(gm[m])])),
  ...(spread ? { slices1msGeomeanPerPass: passGeomeans.map(sig) } : {}),
  totalSeconds: sig(totalS),
};

if (fullRun) {
  mkdirSync(dirname(resultsFile), { recursive: true });
  const tmp = resultsFile + '.tmp';
  writeFileSync(tmp, JSON.stringify(result, null, 2) + '\n');
  renameSync(tmp, resultsFile);
  console.log(`\nwrote ${relative(root, resultsFile)}`);
} else {
  console.log('\n(partial run: bench/results/latest.json not written)');
}
