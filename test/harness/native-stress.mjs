// Stress for native callees: for `seconds` (argv[2], default 60) the main thread and two worker threads
// run C callees in random slices (some cancelled, some resumed to the end and checked against a direct
// call), instrumented JS tasks that call them, the PNG decoder, while child processes are forked and
// killed and storms of timers fire. Prints one JSON line: counts, failures, and what is left at the end
// (live fibers, POSIX timers of the process, RSS growth). Run by test/native-callee.test.ts (briefly) and
// by hand for the 60 s of issue #8.
import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { cancel, launch, resume, run } from 'preemptible';
import { nativeFunction, nativeStats } from 'preemptible/native';
import { transform } from 'preemptible/transform';
import { fixtureLibrary, makePng, pngJob } from '../../fixtures/native/png.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const self = fileURLToPath(import.meta.url);

if (process.argv[2] === 'child') {
  // A forked child: a few decodes in slices, then exit (or be killed first).
  const decode = nativeFunction(fixtureLibrary('png-decode', ['-lpng']), 'png_decode');
  const png = makePng(300, 300, 3, (x, y, c) => (x + y + c) & 0xff);
  for (let i = 0; i < 5; i++) {
    const t = launch(decode, 0.2, pngJob(png, 300 * 300 * 4, true).buf);
    while (t.status === 'paused') resume(t, 0.2);
  }
  process.exit(0);
}

const seconds = Number(isMainThread ? process.argv[2] ?? 60 : workerData.seconds);
const until = performance.now() + seconds * 1000;
const rand = (n) => Math.floor(Math.random() * n);

const spin = nativeFunction(fixtureLibrary('spin'), 'spin', { onCancel: 'spin_cancel' });
const decode = nativeFunction(fixtureLibrary('png-decode', ['-lpng']), 'png_decode', { onCancel: 'png_decode_cancel' });
const png = makePng(400, 300, 3, (x, y, c) => (x * 3 + y * 5 + c) & 0xff);
const reference = pngJob(png, 400 * 300 * 4, true);
decode(reference.buf);

// An instrumented JS function that calls a native callee between loops of its own.
const outDir = join(root, '.test-out', 'native-stress');
mkdirSync(outDir, { recursive: true });
const jsFile = join(outDir, `work-${process.pid}-${isMainThread ? 'main' : workerData.id}.mjs`);
writeFileSync(
  jsFile,
  transform(
    `export function mixed(fn, arg, n) {
       let s = 0;
       for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;
       fn(arg);
       for (let i = 0; i < n; i++) s = (s + i) % 1000003;
       return s;
     }`,
    { filename: 'work.mjs' },
  ).code,
);
const { mixed } = await import(pathToFileURL(jsFile).href);
const mixedPlain = (n) => {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i * i) % 1000003;
  for (let i = 0; i < n; i++) s = (s + i) % 1000003;
  return s;
};

const spinArg = (n) => {
  const a = new BigUint64Array(4);
  a[0] = BigInt(n);
  return a;
};
const expected = new Map();
const spinExpected = (n) => {
  if (!expected.has(n)) {
    const a = spinArg(n);
    spin(a);
    expected.set(n, a[1]);
  }
  return expected.get(n);
};

const counts = { spin: 0, cancelled: 0, decode: 0, mixed: 0, runs: 0, failures: [] };
const fail = (what) => counts.failures.length < 20 && counts.failures.push(what);

async function oneRound() {
  switch (rand(5)) {
    case 0: {
      const n = 1_000_000 + rand(20_000_000);
      const a = spinArg(n);
      const t = launch(spin, Math.random() * 0.5, a);
      if (rand(4) === 0 && t.status === 'paused') {
        cancel(t);
        if (a[2] !== 1n) fail('cancel hook did not run');
        counts.cancelled++;
      } else {
        while (t.status === 'paused') resume(t, Math.random() * 0.5);
        if (a[1] !== spinExpected(n)) fail(`spin(${n}) gave a different result`);
        counts.spin++;
      }
      break;
    }
    case 1: {
      const job = pngJob(png, 400 * 300 * 4, true);
      const t = launch(decode, Math.random() * 0.3, job.buf);
      while (t.status === 'paused') resume(t, Math.random() * 0.3);
      if (!Buffer.from(job.pixels()).equals(Buffer.from(reference.pixels()))) fail('decode differs');
      counts.decode++;
      break;
    }
    case 2: {
      const n = 10_000 + rand(200_000);
      const a = spinArg(2_000_000);
      const t = launch(mixed, Math.random() * 0.2, spin, a, n);
      while (t.status === 'paused') resume(t, Math.random() * 0.2);
      if (t.value !== mixedPlain(n) || a[1] !== spinExpected(2_000_000)) fail('mixed JS/C task differs');
      counts.mixed++;
      break;
    }
    case 3: {
      const a = spinArg(5_000_000);
      await run(spin, { sliceMs: 0.5 }, a);
      if (a[1] !== spinExpected(5_000_000)) fail('run() result differs');
      counts.runs++;
      break;
    }
    default: {
      // A storm of timers.
      await Promise.all(Array.from({ length: 200 }, () => new Promise((r) => setTimeout(r, rand(3)))));
    }
  }
}

async function loop() {
  while (performance.now() < until) await oneRound();
}

if (!isMainThread) {
  await loop();
  parentPort.postMessage({ counts, live: nativeStats().live });
} else {
  const rss0 = process.memoryUsage().rss;
  const workers = [1, 2].map(
    (id) =>
      new Promise((resolve, reject) => {
        const w = new Worker(self, { workerData: { seconds, id } });
        let result;
        w.once('message', (m) => (result = m));
        w.once('error', reject);
        w.once('exit', () => resolve(result)); // its thread gone (and its fiber timer with it)
      }),
  );
  let children = 0;
  const forking = (async () => {
    while (performance.now() < until) {
      const c = fork(self, ['child'], { stdio: 'ignore' });
      const exited = new Promise((r) => c.once('exit', r));
      if (rand(2) === 0) setTimeout(() => c.kill('SIGKILL'), rand(30));
      await exited;
      children++;
    }
  })();
  await loop();
  const fromWorkers = await Promise.all(workers);
  await forking;
  const timers = readFileSync('/proc/self/timers', 'utf8').split('\n').filter((l) => l.startsWith('ID:')).length;
  console.log(
    JSON.stringify({
      seconds,
      main: counts,
      workers: fromWorkers,
      children,
      live: nativeStats().live,
      posixTimers: timers,
      rssGrowthMiB: Math.round((process.memoryUsage().rss - rss0) / 1048576),
    }),
  );
  process.exit(0);
}
