// Scale and memory (`npm run bench`, or `node bench/memory.mjs`): prints Markdown tables and writes
// bench/results/memory.json. The measurements run in a child process started with --expose-gc, so that
// every reading is taken after a full garbage collection.
//   1. 100,000 paused tasks alive at once: heap per paused task (1 frame, and 3 frames with finally
//      blocks), beside 100,000 suspended plain generators; then all cancelled, and the heap after.
//   2. (in a second child process) 1,000,000 launches in a row (completing; pausing then cancelled): RSS and heapUsed after GC at the
//      start, middle and end of each run, and the growth.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchDir, fmt, machine, mb, now, root, sig, table, writeResults } from './common.mjs';

const PAUSED = 100_000;
const LAUNCHES = 1_000_000;

function snapshot() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers };
}

async function child() {
  if (typeof globalThis.gc !== 'function') throw new Error('memory.mjs --child needs --expose-gc');
  const { launch, cancel, TO_COMPLETION } = await import('preemptible');
  const { importInstrumented } = await import('./common.mjs');
  const { trivial, spin, outer } = await importInstrumented(join(benchDir, 'primitives.mjs'), 'primitives');
  const LONG = 2 ** 30;
  function* plainGen(n) {
    for (let i = 0; i < n; i++) yield i;
  }

  // Warm everything up so that code, feedback and runtime caches are not counted per task.
  for (let i = 0; i < 20_000; i++) {
    launch(trivial, TO_COMPLETION, 0);
    cancel(launch(spin, 0, LONG));
    cancel(launch(outer, TO_COMPLETION, 10));
    plainGen(LONG).next();
  }

  const part = process.argv[process.argv.indexOf('--child') + 1];
  // ---- 1. many paused tasks alive at once
  const paused = [];
  const kinds = [
    ['spin', '`launch(loop, 0)`: 1 frame, paused at its first checkpoint', () => launch(spin, 0, LONG)],
    ['outer3', '`launch(outer)` pausing via `pause()` 3 frames deep (each frame with `finally`)', () => launch(outer, TO_COMPLETION, 10)],
    ['generator', 'reference: suspended plain generator (`gen()` + one `next()`)', () => {
      const g = plainGen(LONG);
      g.next();
      return g;
    }],
  ];
  for (const [id, label, make] of part === 'paused' ? kinds : []) {
    const holder = new Array(PAUSED).fill(null); // allocated before the first reading: not counted per task
    const before = snapshot();
    const t0 = now();
    for (let i = 0; i < PAUSED; i++) holder[i] = make();
    const createMs = now() - t0;
    const alive = snapshot();
    if (id !== 'generator' && holder.some((t) => t.status !== 'paused')) throw new Error(`${id}: not every task paused`);
    let cancelMs = null;
    if (id !== 'generator') {
      const t1 = now();
      for (let i = 0; i < PAUSED; i++) cancel(holder[i]);
      cancelMs = now() - t1;
      if (holder.some((t) => t.status !== 'cancelled')) throw new Error(`${id}: not every task cancelled`);
    }
    holder.fill(null);
    const after = snapshot();
    paused.push({
      id,
      label,
      count: PAUSED,
      heapPerTaskBytes: (alive.heapUsed + alive.external - before.heapUsed - before.external) / PAUSED,
      heapAliveMiB: mb(alive.heapUsed - before.heapUsed),
      rssAliveMiB: mb(alive.rss - before.rss),
      rssTotalMiB: mb(alive.rss),
      heapLeftAfterCancelBytes: after.heapUsed + after.external - before.heapUsed - before.external,
      createUsPerTask: (createMs * 1000) / PAUSED,
      cancelUsPerTask: cancelMs === null ? null : (cancelMs * 1000) / PAUSED,
    });
  }

  // ---- 2. a million launches in a row
  const runs = [
    ['complete', '`launch(trivial, TO_COMPLETION)` (completes)', () => launch(trivial, TO_COMPLETION, 0)],
    ['budget', '`launch(trivial, 1)` (1 ms budget, completes)', () => launch(trivial, 1, 0)],
    ['pauseCancel', '`launch(loop, 0)` (pauses) then `cancel`', () => cancel(launch(spin, 0, LONG))],
  ];
  const launches = [];
  for (const [id, label, once] of part === 'launches' ? runs : []) {
    const readings = [];
    readings.push({ at: 0, ...snapshot() });
    const t0 = now();
    for (let i = 1; i <= LAUNCHES; i++) {
      once();
      if (i === LAUNCHES / 2 || i === LAUNCHES) readings.push({ at: i, ...snapshot() });
    }
    const ms = now() - t0;
    const [start, , end] = readings;
    launches.push({
      id,
      label,
      count: LAUNCHES,
      seconds: ms / 1000,
      readings: readings.map((r) => ({ at: r.at, rssMiB: mb(r.rss), heapUsedMiB: mb(r.heapUsed), externalMiB: mb(r.external) })),
      rssGrowthMiB: mb(end.rss - start.rss),
      rssGrowthSecondHalfMiB: mb(end.rss - readings[1].rss),
      heapGrowthMiB: mb(end.heapUsed - start.heapUsed),
      heapGrowthBytesPerLaunch: (end.heapUsed - start.heapUsed) / LAUNCHES,
    });
  }
  process.stdout.write(JSON.stringify({ paused, launches }) + '\n');
}

function parent() {
  const started = now();
  // One process per part, so that the RSS readings of the launch runs do not see the heap released by the
  // paused-task part.
  const runChild = (part) =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', part], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      }),
    );
  const { paused } = runChild('paused');
  const { launches } = runChild('launches');
  console.log(`## Scale and memory (child process with --expose-gc; every reading after a full GC)\n`);
  console.log(`### ${PAUSED.toLocaleString('en-US')} paused tasks alive at once\n`);
  console.log(
    table(
      ['what is held', 'heap per task', 'heap for all', 'RSS growth / RSS', 'create µs/task', 'cancel µs/task', 'heap left after cancel + GC'],
      paused.map((p) => [
        p.label,
        `${fmt(p.heapPerTaskBytes, 0)} B`,
        `${fmt(p.heapAliveMiB, 1)} MiB`,
        `${fmt(p.rssAliveMiB, 1)} / ${fmt(p.rssTotalMiB, 0)} MiB`,
        fmt(p.createUsPerTask, 2),
        p.cancelUsPerTask === null ? '—' : fmt(p.cancelUsPerTask, 2),
        `${fmt(p.heapLeftAfterCancelBytes / 1024, 0)} KiB`,
      ]),
    ),
  );
  console.log(
    '\nHeap per task = (heapUsed + external after − before) / count, the holding array excluded. Targets (issue 4): ' +
      '<= 2 KB per paused shallow task; 100k paused tasks in < 500 MB.\n',
  );
  console.log(`### ${LAUNCHES.toLocaleString('en-US')} launches in a row\n`);
  console.log(
    table(
      ['launches of', 'time s', 'RSS start / middle / end MiB', 'heapUsed start / middle / end MiB', 'RSS growth (2nd half)', 'heap growth'],
      launches.map((l) => [
        l.label,
        fmt(l.seconds, 2),
        l.readings.map((r) => fmt(r.rssMiB, 1)).join(' / '),
        l.readings.map((r) => fmt(r.heapUsedMiB, 2)).join(' / '),
        `${fmt(l.rssGrowthMiB, 1)} MiB (${fmt(l.rssGrowthSecondHalfMiB, 1)} MiB)`,
        `${fmt(l.heapGrowthMiB * 1024, 0)} KiB`,
      ]),
    ),
  );
  console.log('\nTarget (issue 4): no growth in RSS after GC.\n');
  const result = {
    machine: machine(),
    date: new Date().toISOString(),
    paused: paused.map((p) => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? sig(v) : v]))),
    launches: launches.map((l) => ({
      ...l,
      seconds: sig(l.seconds),
      rssGrowthMiB: sig(l.rssGrowthMiB),
      rssGrowthSecondHalfMiB: sig(l.rssGrowthSecondHalfMiB),
      heapGrowthMiB: sig(l.heapGrowthMiB),
      heapGrowthBytesPerLaunch: sig(l.heapGrowthBytesPerLaunch),
      readings: l.readings.map((r) => ({ at: r.at, rssMiB: sig(r.rssMiB), heapUsedMiB: sig(r.heapUsedMiB), externalMiB: sig(r.externalMiB) })),
    })),
    totalSeconds: sig((now() - started) / 1000),
  };
  console.log(`_total ${fmt(result.totalSeconds, 1)} s_\n\nwrote ${writeResults('memory.json', result)}`);
}

if (process.argv.includes('--child')) await child();
else parent();
