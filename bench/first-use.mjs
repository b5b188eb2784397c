// The first use of instrumented code in a fresh process (`npm run bench`, or `node bench/first-use.mjs`):
// with its versions made at run time (transform()'s default, copiesAtRunTime) the first call of each function
// in a task makes them from the function's text, a cost the printed versions (copiesAtRunTime: false) paid at
// transform time instead. Measured on real libraries in fresh child processes: the load of the instrumented
// file, the first three runs of a workload in a task run to completion, and the first run again in 1 ms
// slices (a fresh process: the slices that make versions run past their deadline, reported as the slowest
// slice). Prints a Markdown table, writes bench/results/first-use.json.
//
//   node bench/first-use.mjs [--processes N]     (default 5 processes per row, ~40 s)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { fmt, machine, now, outDir, root, table, writeResults } from './common.mjs';

const require = createRequire(import.meta.url);

/** Each workload: a library file, what a process runs with it, and a check against the plain library. */
const WORKLOADS = {
  'acorn parsing marked': {
    file: 'node_modules/acorn/dist/acorn.js',
    input: () => readFileSync(join(root, 'node_modules/marked/lib/marked.cjs'), 'utf8'),
    // (The library's own function launched: a plain arrow around it would run it as an opaque callee.)
    call: (lib, input) => [lib.parse, input, { ecmaVersion: 'latest' }],
  },
  'marked rendering README.md ×4': {
    file: 'node_modules/marked/lib/marked.cjs',
    input: () => readFileSync(join(root, 'README.md'), 'utf8').repeat(4),
    call: (lib, input) => [lib.marked, input],
  },
};

// Each mode: transform options, and whether the children keep and read versions in a cache directory
// (PREEMPTIBLE_CACHE, as the Node loader does with its own), filled by a first start before the measured ones.
const MODES = {
  'made at run time (default)': { options: {}, cache: false },
  'made at run time, from the versions cache': { options: {}, cache: true },
  'printed (copiesAtRunTime: false)': { options: { copiesAtRunTime: false }, cache: false },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** In a child: load the instrumented library, run the workload, print the times as JSON. */
async function child(workloadName, libFile) {
  const w = WORKLOADS[workloadName];
  const { launch, resume, TO_COMPLETION } = await import('preemptible');
  const input = w.input();
  const [plainFn, ...plainArgs] = w.call(require(join(root, w.file)), input);
  const expected = JSON.stringify(plainFn(...plainArgs));
  const t0 = now();
  const lib = require(libFile);
  const load = now() - t0;
  const [fn, ...args] = w.call(lib, input);
  const check = (task) => {
    if (task.status !== 'completed') throw new Error(`task ${task.status}: ${task.error}`);
    if (JSON.stringify(task.value) !== expected) throw new Error('result differs from the plain library');
  };
  const out = { load, runs: [], slices: undefined };
  if (process.argv.includes('--slices')) {
    // The first run in 1 ms slices: its total time and its slowest slice.
    const t = now();
    let slowest = 0;
    let count = 0;
    let s = now();
    const task = launch(fn, 1, ...args);
    slowest = Math.max(slowest, now() - s);
    while (task.status === 'paused') {
      s = now();
      resume(task, 1);
      slowest = Math.max(slowest, now() - s);
      count++;
    }
    check(task);
    out.slices = { total: now() - t, slowest, count };
  } else {
    for (let i = 0; i < 3; i++) {
      const t = now();
      const task = launch(fn, TO_COMPLETION, ...args);
      out.runs.push(now() - t);
      check(task);
    }
  }
  process.stdout.write(JSON.stringify(out));
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  const { transform } = await import('preemptible/transform');
  const arg = process.argv.indexOf('--processes');
  const processes = arg > 0 ? Number(process.argv[arg + 1]) : 5;
  const dir = join(outDir, 'first-use');
  mkdirSync(dir, { recursive: true });
  const results = [];
  for (const [name, w] of Object.entries(WORKLOADS)) {
    const source = readFileSync(join(root, w.file), 'utf8');
    for (const [mode, { options, cache }] of Object.entries(MODES)) {
      const { code } = transform(source, { filename: 'lib.cjs', ...options });
      const libFile = join(dir, `${name.replace(/\W+/g, '-')}-${Object.keys(options).length ? 'printed' : 'run-time'}.cjs`);
      writeFileSync(libFile, code);
      const cacheDir = cache ? mkdtempSync(join(tmpdir(), 'preemptible-first-use-')) : undefined;
      const env = { ...process.env, PREEMPTIBLE_CACHE: cacheDir };
      const child = (extra) => JSON.parse(execFileSync(process.execPath, [import.meta.filename, '--child', name, libFile, ...extra], { cwd: root, encoding: 'utf8', env }));
      if (cache) {
        // A first start of each kind fills the cache (fast copies run to completion, re-entry copies in slices).
        child([]);
        child(['--slices']);
      }
      const runs = [];
      const slices = [];
      for (let p = 0; p < processes; p++) {
        runs.push(child([]));
        slices.push(child(['--slices']).slices);
      }
      if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
      results.push({
        workload: name,
        mode,
        outputRatio: code.length / source.length,
        loadMs: median(runs.map((r) => r.load)),
        runsMs: [0, 1, 2].map((i) => median(runs.map((r) => r.runs[i]))),
        slicesFirstRunMs: median(slices.map((s) => s.total)),
        slowestSliceMs: median(slices.map((s) => s.slowest)),
        slowestSliceMaxMs: Math.max(...slices.map((s) => s.slowest)),
        processes,
      });
      console.error(`${name}, ${mode}: done`);
    }
  }
  const m = machine();
  console.log(`## First use in a fresh process (versions made at run time vs printed)\n`);
  console.log(`Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, commit ${m.commit}; medians of ${processes} processes per row.\n`);
  console.log(table(
    ['workload', 'versions', 'output ×', 'load', 'run 1 (TO_COMPLETION)', 'run 2', 'run 3', '1 ms slices, first run', 'slowest slice (max)'],
    results.map((r) => [r.workload, r.mode, `${fmt(r.outputRatio)}×`, `${fmt(r.loadMs, 1)} ms`, ...r.runsMs.map((x) => `${fmt(x, 1)} ms`), `${fmt(r.slicesFirstRunMs, 0)} ms`, `${fmt(r.slowestSliceMs, 1)} ms (${fmt(r.slowestSliceMaxMs, 1)})`]),
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
  ));
  console.log('\nload: the instrumented file required (with versions made at run time it also loads the maker: acorn and the rewrite). From the versions cache: the same processes with PREEMPTIBLE_CACHE naming a directory a first start filled (the Node loader keeps them in its own cache directory). Runs in a task run to completion: the first makes the versions of every function it calls (at its first call in a task); the next run reuses them. 1 ms slices: the first run again in a fresh process, `resume(task, 1)` until done; a slice that makes versions runs past its deadline by what making them takes (the slowest slice: median over the processes, max in parentheses).');
  console.log(`\nwritten: ${writeResults('first-use.json', { machine: m, results })}`);
}
