// Overrun-guard scenarios, each run in its own process by test/native.test.ts:
//   node test/harness/overrun.mjs <scenario>   prints one JSON object.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { capabilities, launch, PreemptionOverrunError, resume, TO_COMPLETION } from 'preemptible';

const BUDGET = 5;
const GRACE = 50;

function spin(ms) {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

// Garbage collections (perf_hooks entries, delivered after the synchronous launch returns): the guard does
// not charge their time against the grace, so `gcMs` of a guarded call says how much of its `ms` was theirs.
const gcs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.duration]);
}).observe({ entryTypes: ['gc'] });
const windows = [];

/**
 * This thread's time on a CPU (ns) from /proc/thread-self/schedstat (Linux), or NaN. The guard only
 * charges time the JS thread ran (a thread the OS did not schedule, or whose virtual CPU the host took
 * away, is not stuck in code that cannot pause), so `offCpuMs` of a guarded call says how much of its `ms`
 * the thread spent not running.
 */
function onCpuNs() {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** Launches fn as an opaque callee and reports how it ended. */
function guarded(fn, budget = { budgetMs: BUDGET, graceMs: GRACE }, ...args) {
  const cpu0 = onCpuNs();
  const t0 = performance.now();
  const window = { t0, t1: t0 };
  windows.push(window);
  let result;
  try {
    const task = launch(fn, budget, ...args);
    result = { status: task.status, value: task.isComplete ? task.value : undefined, ms: performance.now() - t0 };
  } catch (e) {
    result = {
      error: e?.name ?? String(e),
      isOverrun: e instanceof PreemptionOverrunError,
      taskStatus: e?.task?.status,
      ms: performance.now() - t0,
    };
  }
  window.t1 = performance.now();
  result.offCpuMs = Math.max(0, result.ms - (onCpuNs() - cpu0) / 1e6);
  window.result = result;
  return result;
}

/** After an overrun the process must work normally: timers, promises, later launches, plain code. */
async function afterwards() {
  const timer = await new Promise((r) => setTimeout(() => r('timer'), 5));
  const promise = await Promise.resolve('promise');
  const next = launch((n) => n * 2, { budgetMs: 50, graceMs: 50 }, 21);
  const work = spin(100) > 0; // 100 ms of plain code must not be terminated
  return { timer, promise, nextLaunch: next.value, work };
}

// (module (func (export "loop") (loop (br 0))))
const WASM_LOOP = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 108, 111, 111, 112, 0, 0, 10, 9, 1, 7, 0, 3, 64, 12, 0, 11, 11]);

const scenarios = {
  capabilities: async () => ({ capabilities: capabilities() }),
  redos: async () => ({ result: guarded(() => /(a+)+$/.test('a'.repeat(40) + 'b')), after: await afterwards() }),
  'infinite-loop': async () => ({ result: guarded(() => { for (;;) {} }), after: await afterwards() }),
  wasm: async () => {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(WASM_LOOP));
    return { result: guarded(exports.loop), after: await afterwards() };
  },
  'sort-slow-comparator': async () => {
    const xs = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    return { result: guarded(() => xs.sort((a, b) => { spin(0.05); return a - b; }).length), after: await afterwards() };
  },
  'stuck-after-rehearsal': async () => {
    // Instrumented code runs until tick() has warmed the pause path (a nested slice of a dummy task, 0.1 ms
    // before the deadline: runtime/rehearsal.ts), then calls an uninstrumented infinite loop: the deadline
    // and grace re-armed after the rehearsal must still cut it off. (Without a rehearsal the task pauses at
    // its deadline instead.)
    const { transform } = await import('preemptible/transform');
    const dir = new URL('../../.test-out/harness/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('stuck-after-rehearsal.mjs', dir);
    const source = 'export function work(stuck, rt, before) { let n = 0; while (rt.rehearsals === before) n++; stuck(); return n; }';
    writeFileSync(file, transform(source, { filename: 'stuck-after-rehearsal.mjs' }).code);
    const { work } = await import(file.href);
    const shared = globalThis[Symbol.for('preemptible.runtime.shared.v1')];
    const before = shared.rehearsals;
    // A slice whose last clock reads straddle the rehearsal point (a descheduled VM) pauses at its deadline
    // without one: resume it (each slice is another chance) until the loop has seen one and gone on.
    const t0 = performance.now();
    let result;
    try {
      const task = launch(work, { budgetMs: BUDGET, graceMs: GRACE }, () => { for (;;) {} }, shared, before);
      for (let i = 0; i < 50 && task.status === 'paused'; i++) resume(task, { budgetMs: BUDGET, graceMs: GRACE });
      result = { status: task.status, ms: performance.now() - t0 };
    } catch (e) {
      result = { error: e?.name ?? String(e), isOverrun: e instanceof PreemptionOverrunError, taskStatus: e?.task?.status, ms: performance.now() - t0 };
    }
    return { result, rehearsals: shared.rehearsals - before, after: await afterwards() };
  },
  'json-parse': async () => {
    const text = JSON.stringify(Array.from({ length: 1_500_000 }, (_, i) => ({ i, s: 'x' + i })));
    const result = guarded(() => JSON.parse(text).length, { budgetMs: 1, graceMs: 5 });
    return { result, after: await afterwards() };
  },
  'vm-timeout-inside': async () => {
    const ctx = vm.createContext({});
    const result = guarded(() => {
      try {
        vm.runInContext('for (;;) {}', ctx, { timeout: 20 });
        return 'no timeout';
      } catch (e) {
        return e.code;
      }
    }, { budgetMs: 2000, graceMs: 2000 });
    return { result, after: await afterwards() };
  },
  'vm-timeout-outlived': async () => {
    const ctx = vm.createContext({});
    const result = guarded(() => vm.runInContext('for (;;) {}', ctx, { timeout: 10_000 }));
    return { result, after: await afterwards() };
  },
  'not-running': async () => {
    // The JS thread is not running (blocked in Atomics.wait, as when the OS does not schedule it): the grace
    // counts the thread's CPU time, so this is not cut off, and the task completes.
    const cell = new Int32Array(new SharedArrayBuffer(4));
    const result = guarded(() => {
      Atomics.wait(cell, 0, 0, 200);
      spin(2);
      return 'woke';
    }, { budgetMs: 1, graceMs: 20 });
    return { result };
  },
  'gc-stall': async () => {
    // Run with --expose-gc. A full GC over a big live heap takes far longer than the grace; the work after
    // it (3 ms < grace 50 ms) must still finish: GC time is not charged against the grace. (The grace is not
    // tighter because V8 also does GC work outside its GC pauses, e.g. the main thread finishing concurrent
    // sweeping when the sweeper threads get no CPU on a loaded machine; that work is charged.)
    const heap = Array.from({ length: 3_000_000 }, (_, i) => ({ i, s: 'x' + i }));
    const t0 = performance.now();
    globalThis.gc();
    const gcMs = performance.now() - t0;
    const result = guarded(() => {
      globalThis.gc();
      spin(3);
      return heap.length;
    }, { budgetMs: 1, graceMs: 50 });
    return { gcMs, result };
  },
  'versions-stall': async () => {
    // A function's versions are made from its text at its first call in a task (copiesAtRunTime, the
    // default): the runtime's own work, which cannot pause. For a large function it takes longer than this
    // grace (20 ms; here ~180 ms with V8 compiling what was made, the TypeScript compiler's outer function
    // ~0.7 s), and it is not charged against it, as GC is not: the task completes. `makeMs`: the making,
    // timed in another instance of the module (each instance makes its own).
    const { transform } = await import('preemptible/transform');
    const dir = new URL('../../.test-out/harness/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    const file = new URL('versions-stall.mjs', dir);
    const cases = Array.from({ length: 3000 }, (_, i) => `case ${i}: s += ${i} * k; break;`).join(' ');
    // (`work` is called from inside the task, as most functions are: launch() itself asks `main` for its
    // versions before the slice's deadline is armed.)
    const source = `function work(n) { let s = 0; for (let k = 0; k < n; k++) { switch (k % 3000) { ${cases} } } return s; }
      export function main(n) { let m = 0; for (let i = 0; i < 100; i++) m += i; return work(n) + m; }`;
    writeFileSync(file, transform(source, { filename: 'versions-stall.mjs' }).code);
    const timed = await import(`${file.href}?timed`);
    const t0 = performance.now();
    launch(timed.main, TO_COMPLETION, 1);
    const t1 = performance.now();
    launch(timed.main, TO_COMPLETION, 1);
    const makeMs = t1 - t0 - (performance.now() - t1);
    const { main } = await import(`${file.href}?guarded`);
    const budget = { budgetMs: 1, graceMs: 20 };
    let result;
    try {
      const task = launch(main, budget, 20000);
      while (task.status === 'paused') resume(task, budget);
      result = { status: task.status, value: task.value };
    } catch (e) {
      result = { error: e?.name ?? String(e), taskStatus: e?.task?.status };
    }
    return { makeMs, result };
  },
  'worker-terminate': async () => {
    // The worker spends its life inside guarded slices; terminate() must still stop it (its termination is
    // not ours to cancel), while the main thread keeps launching.
    const worker = new Worker(
      `const { launch } = require(${JSON.stringify(new URL('../../dist/runtime/index.js', import.meta.url).pathname)});
       const { parentPort } = require('node:worker_threads');
       parentPort.postMessage('ready');
       for (;;) launch(() => { let s = 0; for (let i = 0; i < 1e6; i++) s += i; return s; }, { budgetMs: 1e4, graceMs: 1e4 });`,
      { eval: true },
    );
    await new Promise((r) => worker.once('message', r));
    let mainLaunches = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 50) {
      launch(() => 1, { budgetMs: 10, graceMs: 10 });
      mainLaunches++;
    }
    const exitCode = await Promise.race([worker.terminate(), new Promise((r) => setTimeout(() => r('timed out'), 5000))]);
    return { exitCode, mainLaunches, after: await afterwards() };
  },
};

const name = process.argv[process.argv.length - 1];
if (!scenarios[name]) throw new Error(`unknown scenario ${name}; known: ${Object.keys(scenarios).join(', ')}`);
const report = await scenarios[name]();
await new Promise((r) => setTimeout(r, 10)); // (the last gc entries)
for (const w of windows) w.result.gcMs = gcs.filter(([start]) => start >= w.t0 && start <= w.t1).reduce((a, [, d]) => a + d, 0);
process.stdout.write(JSON.stringify(report) + '\n');
