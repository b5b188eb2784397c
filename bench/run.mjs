// Benchmarks for preemptible (`npm run bench`). Prints Markdown tables and writes bench/results/latest.json.
//
//   node bench/run.mjs                     everything (~2 minutes on a 2-core machine)
//   node bench/run.mjs fib oop             only these kernels (skips primitives; latest.json not written)
//   node bench/run.mjs --rounds 3          fewer rounds per kernel (latest.json not written)
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
const DEFAULT_ROUNDS = 9;
const WARMUP_ROUNDS = 2;
let rounds = DEFAULT_ROUNDS;
/** Child mode: measure the primitives only and print them as JSON (used for the pure-JS column). */
let primitivesJsonOnly = false;
const only = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rounds') rounds = Math.max(1, Number(argv[++i]) | 0);
  else if (argv[i] === '--primitives-json') primitivesJsonOnly = true;
  else if (argv[i] === '--help' || argv[i] === '-h') {
    console.log('usage: node bench/run.mjs [--rounds N] [kernel ...]');
    process.exit(0);
  } else only.push(argv[i]);
}
const fullRun = only.length === 0 && rounds === DEFAULT_ROUNDS;

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

async function loadKernels() {
  const dir = join(benchDir, 'kernels');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const kernels = [];
  for (const f of files) {
    const name = basename(f, '.mjs');
    if (only.length > 0 && !only.includes(name)) continue;
    const file = join(dir, f);
    const plain = await import(pathToFileURL(file).href);
    const inst = await importInstrumented(file, 'kernels');
    if (typeof plain.run !== 'function' || !plain.meta) throw new Error(`${f}: must export meta and run(n)`);
    kernels.push({ name, file: relative(root, file), title: plain.meta.title, n: plain.meta.n, plain, inst });
  }
  if (only.length > 0) {
    const missing = only.filter((o) => !kernels.some((k) => k.name === o));
    if (missing.length) throw new Error(`unknown kernel(s): ${missing.join(', ')}`);
  }
  return kernels;
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

// ------------------------------------------------------------------------------------------------- main
if (primitivesJsonOnly) {
  const r = await benchPrimitives();
  process.stdout.write(JSON.stringify(r.map(({ id, medianUs, p99Us }) => ({ id, medianUs, p99Us }))) + '\n');
  process.exit(0);
}
const started = now();
const info = machine();
console.log('# preemptible benchmarks\n');
console.log(`- CPU: ${info.cpu} × ${info.cores} cores`);
console.log(`- Node ${info.node}, ${info.os}`);
console.log(
  `- commit ${info.commit ?? 'n/a'}${info.runtimeOrTransformerDirty ? ' (runtime/ or transformer/ modified)' : ''}, ` +
    `${rounds} rounds per kernel, medians`,
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

const kernels = await loadKernels();
const kernelResults = [];
// A kernel that throws (a checksum mismatch, a PreemptionOverrunError, ...) is reported in the table and
// left out of the geometric mean; the other kernels still run. A PreemptionOverrunError is retried once
// (and reported): on a busy machine a garbage collection can stretch a slice past the overrun guard's grace
// period even in code that checkpoints, and the guard then cancels the task.
const failedKernels = [];
const retriedKernels = [];
const errorText = (e) =>
  `${e?.name ?? 'Error'}: ${((m) => (m.length > 120 ? m.slice(0, 120) + '…' : m))(String(e?.message ?? e).split('\n')[0])}`;
for (const k of kernels) {
  const t0 = now();
  for (let attempt = 1; ; attempt++) {
    try {
      kernelResults.push(benchKernel(k));
      process.stderr.write(`  ${k.name}: ${((now() - t0) / 1000).toFixed(1)} s\n`);
      break;
    } catch (e) {
      const error = errorText(e);
      if (attempt === 1 && e?.name === 'PreemptionOverrunError') {
        retriedKernels.push({ name: k.name, error });
        process.stderr.write(`  ${k.name}: ${error} — retrying once\n`);
        continue;
      }
      failedKernels.push({ name: k.name, title: k.title, n: k.n, error });
      process.stderr.write(`  ${k.name}: FAILED after ${((now() - t0) / 1000).toFixed(1)} s: ${error}\n`);
      break;
    }
  }
}
if (kernelResults.length === 0) throw new Error('every kernel failed');

const gm = Object.fromEntries(MODES.map((m) => [m, geomean(kernelResults.map((r) => r.ratioToPlain[m]))]));
const worstDirect = kernelResults.reduce((w, r) => (r.ratioToPlain.direct > w.ratioToPlain.direct ? r : w));

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
        String(r.slices.countMedian),
        `${fmt(r.slices.sliceMsP99, 2)} / ${fmt(r.slices.sliceMsMax, 2)}`,
      ]),
      ...failedKernels.map((f) => [f.title, String(f.n), `**failed**: ${f.error}`, '', '', '', '', '', '', '', '']),
      [
        failedKernels.length ? `**geometric mean** (${kernelResults.length} of ${kernels.length} kernels)` : '**geometric mean**',
        '',
        '',
        '',
        `**${fmtRatio(gm.direct)}**`,
        '',
        `**${fmtRatio(gm.complete)}**`,
        '',
        `**${fmtRatio(gm.slices)}**`,
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
    `- × is median / plain median; modes interleaved in rotating order over ${rounds} rounds after ${WARMUP_ROUNDS} ` +
    'warm-up rounds; checksums agree across all modes.',
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
