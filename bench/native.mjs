// Native callees (`preemptible/native`): what a C function on a fiber costs, how soon control comes back
// after the deadline while it runs, and the seed's image-bomb experiment side by side with the tools a user
// would otherwise pick (a worker thread killed with terminate(), a child process killed with SIGKILL).
// `node bench/native.mjs`; prints Markdown tables and writes bench/results/native.json.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { cancel, capabilities, launch, resume } from 'preemptible';
import { nativeFunction, nativeStats } from 'preemptible/native';

import { fixtureLibrary, makePng, makeStripedPng, pngJob } from '../fixtures/native/png.mjs';
import { fmt, fmtTime, machine, now, quantile, sig, sortNum, table, writeResults } from './common.mjs';

const self = fileURLToPath(import.meta.url);
const BOMB_SIDE = 8000; // 64 MB of gray pixels from ~60 KB of PNG

// Child roles (a worker thread or a forked process decoding the bomb until killed).
if (process.argv[2] === 'decode-child' || process.env.PREEMPTIBLE_BENCH_ROLE === 'worker') {
  const { parentPort } = await import('node:worker_threads');
  const send = (m) => (parentPort ? parentPort.postMessage(m) : process.send(m));
  const decode = nativeFunction(fixtureLibrary('png-decode', ['-lpng']), 'png_decode');
  const job = pngJob(makePng(BOMB_SIDE, BOMB_SIDE, 1), BOMB_SIDE * BOMB_SIDE, false);
  send('started');
  decode(job.buf);
  send('done');
  await new Promise(() => {}); // stay until killed
}

if (!capabilities().nativeCallees) {
  console.log(`native callees are not available here: ${capabilities().reason ?? 'no fiber timer'}`);
  process.exit(0);
}

const started = now();
const spinLib = fixtureLibrary('spin');
const noop = nativeFunction(spinLib, 'noop');
const spin = nativeFunction(spinLib, 'spin');
// Nearly all of its time inside libc's memset/memcpy, called from its own loop (switch points since the
// sixteenth session; before, a switch waited 50-70 ms for the loop's own few instructions).
const copy = nativeFunction(spinLib, 'copy_blocks');
const decode = nativeFunction(fixtureLibrary('png-decode', ['-lpng']), 'png_decode', { onCancel: 'png_decode_cancel' });
const bombPng = makePng(BOMB_SIDE, BOMB_SIDE, 1);

const spinArg = (n) => {
  const a = new BigUint64Array(4);
  a[0] = BigInt(n);
  return a;
};
const stats = (xs) => {
  const s = sortNum(xs);
  return { n: s.length, p50: sig(quantile(s, 0.5)), p99: sig(quantile(s, 0.99)), max: sig(s[s.length - 1]) };
};

// ------------------------------------------------------------------------------------------ primitives
function perOp(fn, k, rounds = 15) {
  const xs = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = now();
    fn(k);
    xs.push(((now() - t0) * 1000) / k);
  }
  return stats(xs.slice(3));
}

const arg = spinArg(0);
const primitives = {
  direct: perOp((k) => {
    for (let i = 0; i < k; i++) noop(arg);
  }, 20_000),
  launchComplete: perOp((k) => {
    for (let i = 0; i < k; i++) launch(noop, 1, arg);
  }, 5_000),
};

// Resume: each resume at budget 0 runs the C code for the minimum quantum (20 µs) and switches out at the
// timer signal. A C loop that reads the clock (clock_loop) tells when it started running again after the
// resume was called (switch in) and when it last ran before resume returned (switch out, from the signal's
// delivery); the rest of a cycle is the C code running, and the timer's own lateness.
{
  const clockLoop = nativeFunction(spinLib, 'clock_loop');
  const a = new BigUint64Array(4);
  a[0] = 1n << 60n;
  const task = launch(clockLoop, 0, a);
  const switchIn = [];
  const switchOut = [];
  const cycle = [];
  const hr = () => Number(process.hrtime.bigint()); // CLOCK_MONOTONIC, as the C code reads it
  for (let i = 0; i < 3000; i++) {
    const gaps = a[3];
    const s = hr();
    resume(task, 0);
    const e = hr();
    if (i >= 100 && a[3] === gaps + 1n) {
      switchIn.push((Number(a[2]) - s) / 1000);
      switchOut.push((e - Number(a[1])) / 1000);
      cycle.push((e - s) / 1000);
    }
  }
  cancel(task);
  const c = [];
  for (let i = 0; i < 500; i++) {
    const t = launch(spin, 0, spinArg(50_000_000_000));
    const s = now();
    cancel(t);
    c.push((now() - s) * 1000);
  }
  primitives.resumeCycle = stats(cycle);
  // A resume without the next pause in it: a task paused inside wait_flag, the flag set, then resumed; it
  // returns a few instructions later. What differs between the budgets is the timer: a deadline before the
  // CPU's next tick makes the kernel reprogram the timer hardware (a VM exit on a guest), a later one not.
  const waitFlag = nativeFunction(spinLib, 'wait_flag');
  for (const budgetMs of [1, 10]) {
    const xs = [];
    for (let i = 0; i < 2200; i++) {
      const f = new BigUint64Array(2);
      const t = launch(waitFlag, 0, f);
      if (t.status !== 'paused') throw new Error(`wait_flag did not pause (${t.status})`);
      f[0] = 1n;
      const s = hr();
      resume(t, budgetMs);
      const e = hr();
      if (t.status !== 'completed') throw new Error(`wait_flag did not complete when resumed (${t.status})`);
      if (i >= 200) xs.push((e - s) / 1000);
    }
    primitives[`resumeComplete${budgetMs}`] = stats(xs);
  }
  primitives.switchIn = stats(switchIn);
  primitives.switchOut = stats(switchOut);
  primitives.resume = stats(switchIn.map((x, i) => x + switchOut[i]));
  primitives.cancel = stats(c);
}

// ------------------------------------------------------------------------------- control back in time
/** Lateness (µs) of each slice of `make()`'s task at `budgetMs`, over whole runs until `samples` slices. */
function lateness(fn, make, budgetMs, samples) {
  const late = [];
  nativeStats(true);
  let decodes = 0;
  while (late.length < samples) {
    const a = make();
    decodes++;
    let s = now();
    const task = launch(fn, budgetMs, a);
    for (;;) {
      const end = now();
      if (task.status !== 'paused') break;
      late.push((end - s - budgetMs) * 1000);
      s = now();
      resume(task, budgetMs);
    }
  }
  const after = nativeStats(true);
  return {
    ...stats(late),
    runs: decodes,
    libcPreemptions: after.libcPreemptions,
    deferrals: after.deferrals,
    longestDeferralUs: sig(after.longestDeferralMs * 1000),
  };
}

const latency = {};
for (const budgetMs of [0.1, 1, 10]) {
  latency[`bomb ${budgetMs} ms`] = lateness(decode, () => pngJob(bombPng, BOMB_SIDE * BOMB_SIDE, false).buf, budgetMs, budgetMs >= 10 ? 150 : 600);
  latency[`spin ${budgetMs} ms`] = lateness(spin, () => spinArg(300_000_000), budgetMs, budgetMs >= 10 ? 150 : 600);
}
latency['copy_blocks 1 ms'] = lateness(copy, () => spinArg(20_000), 1, 600);

// ------------------------------------------------------- one decode paused and resumed 10,000+ times
// A 20000×20000 gray image of 16 distinct rows (quick to make, still a real decode: filters, inflate
// back-references), resumed at budget 0 until done; every row checked afterwards.
const cycles = {};
{
  const S = 20000;
  const rows = Array.from({ length: 16 }, (_, k) => Buffer.from(Array.from({ length: S }, (_, x) => (x * (k + 1) + k) & 0xff)));
  const png = makeStripedPng(S, S, rows);
  const job = pngJob(png, S * S, false);
  const s = now();
  const task = launch(decode, 0, job.buf);
  let n = 0;
  while (task.status === 'paused') {
    resume(task, 0);
    n++;
  }
  const ms = now() - s;
  const px = Buffer.from(job.pixels().buffer, job.pixels().byteOffset, S * S);
  let badRows = 0;
  for (let y = 0; y < S; y++) if (!px.subarray(y * S, y * S + S).equals(rows[y % 16])) badRows++;
  Object.assign(cycles, { side: S, pngKB: Math.round(png.length / 1024), cycles: n, ms: sig(ms), status: job.result().status, badRows });
}

// ---------------------------------------------------------------------------- the image-bomb experiment
const KILL_AFTER_MS = 10;

async function killedWorker() {
  const w = new Worker(self, { env: { ...process.env, PREEMPTIBLE_BENCH_ROLE: 'worker' } });
  await new Promise((resolve) => w.on('message', (m) => m === 'started' && resolve()));
  await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
  const s = now();
  let finished = false;
  w.on('message', (m) => m === 'done' && (finished = true));
  await w.terminate();
  return { stopMs: now() - s, decodedAnyway: finished };
}

async function killedChild() {
  const c = fork(self, ['decode-child'], { stdio: 'ignore' });
  await new Promise((resolve) => c.on('message', (m) => m === 'started' && resolve()));
  await new Promise((resolve) => setTimeout(resolve, KILL_AFTER_MS));
  const s = now();
  const exited = new Promise((resolve) => c.on('exit', resolve));
  c.kill('SIGKILL');
  await exited;
  return { stopMs: now() - s };
}

function preemptedHere() {
  const job = pngJob(bombPng, BOMB_SIDE * BOMB_SIDE, false);
  const s = now();
  const task = launch(decode, KILL_AFTER_MS, job.buf);
  const back = now();
  cancel(task);
  return { backMs: back - s, lateMs: back - s - KILL_AFTER_MS, cancelMs: now() - back, cancelled: task.status === 'cancelled' };
}

const direct = [];
for (let i = 0; i < 3; i++) {
  const job = pngJob(bombPng, BOMB_SIDE * BOMB_SIDE, false);
  const s = now();
  decode(job.buf);
  direct.push(now() - s);
}
const bomb = { directDecodeMs: stats(direct).p50, worker: [], child: [], preemptible: [] };
for (let i = 0; i < 5; i++) {
  bomb.worker.push(await killedWorker());
  bomb.child.push(await killedChild());
  bomb.preemptible.push(preemptedHere());
}
const med = (xs, k) => sig(quantile(sortNum(xs.map((x) => x[k])), 0.5));

// ----------------------------------------------------------------------------------------------- report
const us = (x) => fmtTime(x);
console.log(`## Native callees (${machine().cpu}, Node ${process.version})\n`);
console.log(
  table(
    ['Operation', 'median', 'p99'],
    [
      ['direct call of `noop` (no fiber)', us(primitives.direct.p50), us(primitives.direct.p99)],
      ['`launch(noop, 1 ms)` to completion (fiber, timer armed)', us(primitives.launchComplete.p50), us(primitives.launchComplete.p99)],
      ['`resume` at budget 0, one whole cycle (the C code runs ≥ 20 µs, until the timer signal)', us(primitives.resumeCycle.p50), us(primitives.resumeCycle.p99)],
      ['  of which: `resume` called → C code running (switch in)', us(primitives.switchIn.p50), us(primitives.switchIn.p99)],
      ['  of which: signal delivered → `resume` returns (switch out)', us(primitives.switchOut.p50), us(primitives.switchOut.p99)],
      ['`resume` cost (switch in + switch out)', us(primitives.resume.p50), us(primitives.resume.p99)],
      ['`resume(task, 1 ms)` of a paused call that then returns at once (timer armed before the next tick)', us(primitives.resumeComplete1.p50), us(primitives.resumeComplete1.p99)],
      ['`resume(task, 10 ms)` of a paused call that then returns at once (timer armed after the next tick)', us(primitives.resumeComplete10.p50), us(primitives.resumeComplete10.p99)],
      ['`cancel` of a paused C call', us(primitives.cancel.p50), us(primitives.cancel.p99)],
    ],
  ),
);
console.log('\nControl back after the deadline (slice end − deadline), resumed in a tight loop:\n');
console.log(
  table(
    ['callee, budget', 'slices', 'p50', 'p99', 'max', 'switches inside memcpy & co.', 'deferrals', 'longest deferral'],
    Object.entries(latency).map(([k, v]) => [k, String(v.n), us(v.p50), us(v.p99), us(v.max), String(v.libcPreemptions), String(v.deferrals), us(v.longestDeferralUs)]),
  ),
);
console.log(
  `\nOne decode of a ${cycles.side}×${cycles.side} gray PNG (${cycles.pngKB} KB) resumed at budget 0 until done: ` +
    `${cycles.cycles.toLocaleString('en-US')} pause/resume cycles in ${fmt(cycles.ms / 1000, 2)} s, ` +
    `status ${cycles.status}, ${cycles.badRows} of ${cycles.side} rows wrong.`,
);
console.log(`\nThe image bomb (${BOMB_SIDE}×${BOMB_SIDE} gray, ${(bombPng.length / 1024).toFixed(0)} KB of PNG, ${fmt(bomb.directDecodeMs, 0)} ms to decode whole), stopped ${KILL_AFTER_MS} ms after it started (medians of 5):\n`);
console.log(
  table(
    ['how', 'time to stop it', 'notes'],
    [
      ['`launch(decode, 10)` + `cancel` (this library)', `${fmt(med(bomb.preemptible, 'lateMs') * 1000, 0)} µs past the deadline; cancel ${fmt(med(bomb.preemptible, 'cancelMs') * 1000, 1)} µs`, 'same thread; the decode could be resumed instead'],
      ['worker thread, `terminate()`', `${fmt(med(bomb.worker, 'stopMs'), 1)} ms`, `V8 cannot stop C code: terminate waits for the decode (finished anyway: ${bomb.worker.filter((w) => w.decodedAnyway).length}/5)`],
      ['child process, `SIGKILL`', `${fmt(med(bomb.child, 'stopMs'), 1)} ms`, 'until the exit event'],
    ],
  ),
);
const file = writeResults('native.json', { machine: machine(), primitives, latency, cycles, bomb, seconds: sig((now() - started) / 1000) });
console.log(`\n(${file}; ${fmt((now() - started) / 1000, 1)} s)`);
process.exit(0);
