// Native callees on several threads at once (test/native-callee.test.ts): the main thread and two workers
// each launch the same C loop in 1 ms slices; every thread's fiber timer signals only that thread.
// Prints { main, workers: [...] }, each { ok: result equals a direct call, paused: it really paused }.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { launch, resume } from 'preemptible';
import { nativeFunction } from 'preemptible/native';
import { fixtureLibrary } from '../../fixtures/native/png.mjs';

function work() {
  const spin = nativeFunction(fixtureLibrary('spin'), 'spin');
  const arg = (n) => {
    const a = new BigUint64Array(4);
    a[0] = BigInt(n);
    return a;
  };
  const n = 60_000_000;
  const direct = arg(n);
  spin(direct);
  const a = arg(n);
  const task = launch(spin, 1, a);
  const paused = task.status === 'paused';
  while (task.status === 'paused') resume(task, 1);
  return { ok: task.status === 'completed' && a[1] === direct[1], paused };
}

if (isMainThread) {
  fixtureLibrary('spin'); // build once, before the workers race to
  const self = fileURLToPath(import.meta.url);
  const workers = [0, 1].map(
    () =>
      new Promise((resolve, reject) => {
        const w = new Worker(self);
        w.once('message', resolve);
        w.once('error', reject);
      }),
  );
  const main = work();
  console.log(JSON.stringify({ main, workers: await Promise.all(workers) }));
} else {
  parentPort.postMessage(work());
}
