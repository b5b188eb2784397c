// Primitives side by side with the alternatives a user would reach for to bound a computation, measured in
// one process, one run (`npm run bench`, or `node bench/compare.mjs`). Prints a Markdown table and writes
// bench/results/compare.json.
//
// Fast synchronous operations are timed in batches (like bench/run.mjs: each sample is the mean of
// `ops/sample` operations, ~0.2 ms per sample); anything slower than ~0.2 ms, and everything asynchronous,
// is timed one operation per sample. Cold-start operations (a new Worker, a forked process) cost tens of
// milliseconds, so they get few samples: their p99 is close to their maximum.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

import { launch, resume, TO_COMPLETION, capabilities } from 'preemptible';

import {
  benchDir,
  fmt,
  fmtRatio,
  fmtTime,
  importInstrumented,
  machine,
  now,
  quantile,
  sig,
  sortNum,
  table,
  writeResults,
} from './common.mjs';

const started = now();
const { trivial } = await importInstrumented(join(benchDir, 'primitives.mjs'), 'primitives');

let Piscina = null;
let piscinaVersion = null;
try {
  ({ default: Piscina } = await import('piscina'));
  piscinaVersion = Piscina.version ?? null;
} catch (e) {
  Piscina = null;
  piscinaVersion = `not available: ${e.code ?? e.message}`;
}

// ------------------------------------------------------------------------------------------- harness
const TARGET_SAMPLE_MS = 0.2;

/** Synchronous op: `run(k)` performs k operations. Returns per-op µs samples. */
function measureSync(run, { samples = 400, warmMs = 60 } = {}) {
  let k = 1;
  let perOp = Infinity;
  const warmEnd = now() + warmMs;
  for (let w = 0; w < 4 || now() < warmEnd; w++) {
    const t0 = now();
    run(k);
    const t = now() - t0;
    perOp = w < 2 ? t / k : Math.min(perOp, t / k);
    if (t < 1 && k < 65536) k *= 2;
  }
  // Operations costing more than ~20 µs are timed one by one (their p99 is then a real per-op p99).
  const batch = perOp > 0.02 ? 1 : Math.max(1, Math.min(100_000, Math.round(TARGET_SAMPLE_MS / Math.max(perOp, 1e-6))));
  const times = [];
  for (let s = 0; s < samples; s++) {
    const t0 = now();
    run(batch);
    times.push(((now() - t0) / batch) * 1000);
  }
  return { batch, times };
}

/** Asynchronous op, one per sample: stops at `samples` or after `maxMs` (at least `minSamples`). */
async function measureAsync(op, { samples, warmup, maxMs, minSamples = 10 }) {
  for (let i = 0; i < warmup; i++) await op();
  const times = [];
  const end = now() + maxMs;
  while (times.length < samples && (times.length < minSamples || now() < end)) {
    const t0 = now();
    await op();
    times.push((now() - t0) * 1000);
  }
  return { batch: 1, times };
}

// ------------------------------------------------------------------------------------------ operations
function* plainGen(x) {
  yield x;
}

const rows = [];
async function add(id, label, fn) {
  const t0 = now();
  let res;
  try {
    res = await fn();
  } catch (e) {
    rows.push({ id, label, error: String(e?.message ?? e) });
    process.stderr.write(`  ${id}: FAILED ${e?.message ?? e}\n`);
    return;
  }
  const sorted = sortNum(res.times);
  rows.push({
    id,
    label,
    batch: res.batch,
    samples: res.times.length,
    medianUs: quantile(sorted, 0.5),
    p99Us: quantile(sorted, 0.99),
    note: res.note,
  });
  process.stderr.write(`  ${id}: ${((now() - t0) / 1000).toFixed(1)} s\n`);
}

// Warm the runtime and the JIT on both launch paths first (~0.3 s), so that the first row is not measured
// on colder code than the others.
for (const end = now() + 300; now() < end; ) {
  for (let i = 0; i < 1000; i++) {
    launch(trivial, TO_COMPLETION, 0);
    const t = launch(trivial, 1, 0);
    if (t.status === 'paused') resume(t, TO_COMPLETION);
  }
}

await add('launch', 'preemptible `launch(trivial, TO_COMPLETION)` (instrumented, completes)', () =>
  measureSync((k) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += launch(trivial, TO_COMPLETION, 0).value;
    if (s !== k) throw new Error('launch: trivial did not complete with 1');
  }),
);

// With a finite budget a launch can legitimately pause: when the thread is descheduled (or a GC runs) for
// longer than the budget. Such a task is resumed to completion and counted.
let launch1msPaused = 0;
await add('launch1ms', 'preemptible `launch(trivial, 1)` (1 ms budget: arms the timer, completes)', () =>
  measureSync((k) => {
    let s = 0;
    for (let i = 0; i < k; i++) {
      const t = launch(trivial, 1, 0);
      if (t.status === 'paused') {
        launch1msPaused++;
        resume(t, TO_COMPLETION);
      }
      s += t.value;
    }
    if (s !== k) throw new Error('launch: trivial did not complete with 1');
  }),
);

await add('generator', 'plain generator create + `next()`', () =>
  measureSync((k) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += plainGen(1).next().value;
    if (s !== k) throw new Error('generator: wrong result');
  }),
);

const context = vm.createContext({ x: 1 });
await add('vmTimeout', '`vm.runInContext("x + 1", ctx, { timeout: 1000 })`', () =>
  measureSync((k) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += vm.runInContext('x + 1', context, { timeout: 1000 });
    if (s !== 2 * k) throw new Error('vm: wrong result');
  }),
);

await add('vmNoTimeout', 'reference: the same `vm.runInContext` without `timeout`', () =>
  measureSync((k) => {
    let s = 0;
    for (let i = 0; i < k; i++) s += vm.runInContext('x + 1', context);
    if (s !== 2 * k) throw new Error('vm: wrong result');
  }),
);

if (Piscina) {
  const pool = new Piscina({ filename: join(benchDir, 'workers', 'piscina-task.mjs') });
  await add('piscina', `\`piscina\` ${piscinaVersion} task round trip, warm pool (${pool.options.maxThreads} threads)`, () =>
    measureAsync(
      async () => {
        if ((await pool.run(1)) !== 2) throw new Error('piscina: wrong result');
      },
      { samples: 3000, warmup: 300, maxMs: 3000 },
    ),
  );
  await pool.destroy();
} else {
  rows.push({ id: 'piscina', label: '`piscina` task round trip, warm pool', error: piscinaVersion });
}

await add('worker', '`new Worker` (eval, trivial script) + first message + `terminate()`', () =>
  measureAsync(
    async () => {
      const w = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true });
      const v = await new Promise((res, rej) => {
        w.once('message', res);
        w.once('error', rej);
      });
      if (v !== 1) throw new Error('worker: wrong message');
      await w.terminate();
    },
    { samples: 100, warmup: 3, maxMs: 4000 },
  ),
);

const forkChild = join(benchDir, 'workers', 'fork-child.mjs');
function exited(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) res();
    else child.once('exit', res);
  });
}
await add('fork', '`child_process.fork` + one message each way + exit', () =>
  measureAsync(
    async () => {
      const child = fork(forkChild, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const done = exited(child);
      const v = await new Promise((res, rej) => {
        child.once('message', res);
        child.once('error', rej);
        child.send(1);
      });
      if (v !== 2) throw new Error('fork: wrong reply');
      child.disconnect();
      await done;
    },
    { samples: 40, warmup: 2, maxMs: 4000 },
  ),
);

{
  const child = fork(forkChild, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await add('forkWarm', 'reference: one message each way to an already forked child', () =>
    measureAsync(
      () =>
        new Promise((res, rej) => {
          child.once('message', (v) => (v === 2 ? res() : rej(new Error('fork: wrong reply'))));
          child.send(1);
        }),
      { samples: 3000, warmup: 300, maxMs: 3000 },
    ),
  );
  const done = exited(child);
  child.disconnect();
  await done;
}

// ---------------------------------------------------------------------------------------------- report
const base = rows.find((r) => r.id === 'launch').medianUs;
for (const r of rows) if (!r.error) r.ratioToLaunch = r.medianUs / base;

const info = machine();
console.log('## Primitives vs. the alternatives (same process, same run)\n');
console.log(
  table(
    ['operation', 'median', 'p99', 'median × launch', 'samples', 'ops/sample'],
    rows.map((r) =>
      r.error
        ? [r.label, `**failed**: ${r.error}`, '', '', '', '']
        : [r.label, fmtTime(r.medianUs), fmtTime(r.p99Us), fmtRatio(r.ratioToLaunch), String(r.samples), String(r.batch)],
    ),
  ),
);
console.log(
  '\n- `launch` runs the function on the calling thread: no thread, isolate, context or process to create, and no ' +
    'message to serialize. The alternatives bound a computation by isolating it (a Worker, a process, a `vm` ' +
    'context with a watchdog thread); they can end it, but not pause it and resume it later.\n' +
    `- Addon ${capabilities().nativeTimer ? 'loaded' : 'NOT loaded'}; the 1 ms row arms the watchdog timer ` +
    `(${launch1msPaused} of its launches paused because more than 1 ms of wall time passed, e.g. the thread was ` +
    'descheduled or a GC ran; they were resumed to completion).\n' +
    '- Batched rows: p99 is over samples, each the mean of `ops/sample` operations. Rows with one op per sample ' +
    'time each operation alone; with few samples (cold Worker, fork) p99 is close to the maximum.\n',
);

const result = {
  machine: info,
  date: new Date().toISOString(),
  piscina: piscinaVersion,
  launch1msPaused,
  rows: rows.map((r) => ({
    id: r.id,
    label: r.label,
    ...(r.error
      ? { error: r.error }
      : {
          samples: r.samples,
          opsPerSample: r.batch,
          medianUs: sig(r.medianUs),
          p99Us: sig(r.p99Us),
          ratioToLaunch: sig(r.ratioToLaunch),
        }),
  })),
  totalSeconds: sig((now() - started) / 1000),
};
console.log(`_total ${fmt(result.totalSeconds, 1)} s_\n\nwrote ${writeResults('compare.json', result)}`);
