// Native callees (`preemptible/native`): C functions run on a fiber of their own on this thread, paused by
// the addon's timer signal at the deadline, resumed into, cancelled with their hook (native/src/fiber.cc).
// The fixture libraries are compiled from fixtures/native/*.c by the system compiler (the PNG decoder needs
// libpng-dev, which .ci/run installs when it is missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cancel, capabilities, launch, PreemptibleArgumentError, PreemptibleEnvironmentError, PreemptionOverrunError, resume, run, TO_COMPLETION } from 'preemptible';
import { nativeFunction, nativeStats } from 'preemptible/native';
import { instrument, root } from './helpers/instrument';
import { runtimeShared } from './helpers/shared';
// @ts-expect-error: a plain ESM helper shared with bench/
import { fixtureLibrary, makePng, pngJob } from '../fixtures/native/png.mjs';

const pureJs = process.env.PREEMPTIBLE_NATIVE === '0';
// The PNG decoder needs libpng's headers. .ci/run installs them; on a machine without them the libpng tests
// are skipped, saying so (in CI they would fail instead: CI=true).
const havePng = existsSync('/usr/include/png.h') || process.env.CI === 'true';
if (!havePng && !pureJs) console.warn('native-callee.test.ts: /usr/include/png.h missing (apt-get install libpng-dev): the libpng tests are skipped');

/** The argument of spin.c's functions: iterations in, then result, cancelled, progress. */
function spinArg(iterations: number): BigUint64Array {
  const a = new BigUint64Array(4);
  a[0] = BigInt(iterations);
  return a;
}

/** spin.c's hash, in JS (FNV-1a-like over the loop index), to check what the C code computed. */
function spinHash(iterations: number): bigint {
  let h = 1469598103934665603n;
  for (let i = 0n; i < BigInt(iterations); i++) h = BigInt.asUintN(64, (h ^ i) * 1099511628211n);
  return h;
}

/** Resumes with `budgetMs` slices until the task ends; returns how many resumes it took. */
function finish(task: { status: string }, budgetMs: number | { budgetMs: number; graceMs: number }): number {
  let resumes = 0;
  while (task.status === 'paused') {
    resume(task as never, budgetMs);
    resumes++;
  }
  return resumes;
}

/** A gradient RGB image (every pixel known) and its decoder. */
const W = 640;
const H = 480;
const shade = (x: number, y: number, c: number): number => (x * 7 + y * 13 + c * 50 + ((x * y) >> 5)) & 0xff;

function expectGradient(pixels: Uint8Array): void {
  let wrong = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) if (pixels[(y * W + x) * 4 + c] !== shade(x, y, c)) wrong++;
      if (pixels[(y * W + x) * 4 + 3] !== 255) wrong++;
    }
  }
  expect(wrong).toBe(0);
}

describe.skipIf(pureJs)('native callees', () => {
  // (A skipped describe still runs its body: nothing here may need the addon when it is skipped.)
  const spinLib = pureJs ? '' : fixtureLibrary('spin');
  const spin = pureJs ? (undefined as never) : nativeFunction(spinLib, 'spin', { onCancel: 'spin_cancel' });

  it('are available with the addon', () => {
    expect(capabilities().nativeCallees).toBe(true);
  });

  it('reject bad libraries, symbols, options and arguments with typed errors', () => {
    expect(() => nativeFunction(join(root, 'no-such-lib.so'), 'spin')).toThrow(PreemptibleArgumentError);
    expect(() => nativeFunction(join(root, 'no-such-lib.so'), 'spin')).toThrow(/cannot load .*no-such-lib\.so/);
    expect(() => nativeFunction(spinLib, 'no_such_symbol')).toThrow(/no symbol no_such_symbol in/);
    expect(() => nativeFunction(spinLib, 'spin', { onCancel: 'no_such_hook' })).toThrow(/no symbol no_such_hook/);
    expect(() => nativeFunction(spinLib, 'spin', { stackBytes: 100 })).toThrow(/stackBytes must be an integer >= 16384/);
    expect(() => nativeFunction(spinLib, '')).toThrow(PreemptibleArgumentError);
    expect(() => nativeFunction(42 as never, 'spin')).toThrow(PreemptibleArgumentError);
    expect(() => spin({} as never)).toThrow(/spin\(arg\): expected an ArrayBuffer/);
    expect(() => launch(spin, 1, 'text' as never)).toThrow(PreemptibleArgumentError);
  });

  it('is a plain call outside a task, named after its symbol', () => {
    const a = spinArg(1000);
    expect(spin(a)).toBeUndefined();
    expect(a[1]).toBe(spinHash(1000));
    expect(spin.name).toBe('spin');
    expect([spin.library, spin.symbol]).toEqual([spinLib, 'spin']);
    expect(() => new (spin as never as new () => object)()).toThrow(TypeError);
  });

  it('pauses at the deadline inside C code and resumes into it: same result as a direct call', () => {
    const n = 120_000_000; // ~100-200 ms of C
    const direct = spinArg(n);
    spin(direct);
    const before = nativeStats();
    const a = spinArg(n);
    const task = launch(spin, 1, a);
    expect(task.status).toBe('paused');
    expect(a[1]).toBe(0n); // stopped in the middle (with no result yet)
    const resumes = finish(task, 1);
    expect(task.status).toBe('completed');
    expect(a[1]).toBe(direct[1]);
    expect(resumes).toBeGreaterThan(5);
    const after = nativeStats();
    expect(after.preemptions - before.preemptions).toBe(resumes);
    expect(after.live).toBe(before.live);
  });

  it("keeps each side's floating-point rounding mode, errno and signal mask across switches", () => {
    const keeper = nativeFunction(spinLib, 'state_keeper');
    const n = 40_000_000;
    const direct = spinArg(n);
    keeper(direct);
    expect(direct[1]).toBe(0n);
    const third = (x: number): number => 1 / x;
    const usr2Blocked = (): boolean => {
      const line = readFileSync('/proc/thread-self/status', 'utf8').split('\n').find((l) => l.startsWith('SigBlk:'))!;
      return ((BigInt('0x' + line.split(/\s+/)[1]) >> 11n) & 1n) === 1n; // SIGUSR2 = 12
    };
    const a = spinArg(n);
    const task = launch(keeper, 0.5, a);
    let pauses = 0;
    while (task.status === 'paused') {
      pauses++;
      expect(third(3)).toBe(0.3333333333333333); // JS rounds to nearest (the C code rounds up)
      expect(usr2Blocked()).toBe(false); // blocked in the C code's context only
      resume(task, 0.5);
    }
    expect(pauses).toBeGreaterThan(3);
    expect(a[1]).toBe(0n); // at every check the C code found its own mode, errno and mask
    expect(new Float64Array(a.buffer)[2]).toBe(new Float64Array(direct.buffer)[2]); // the same upward sum
  });

  it('switches back once, shortly before the deadline of a long slice, to warm the pause path (not in short slices)', () => {
    const rt = runtimeShared();
    const a = spinArg(2_000_000_000);
    nativeStats(true);
    let before = rt.rehearsals;
    const task = launch(spin, 5, a); // a 5 ms slice: one rehearsal, two runs of the fiber
    expect(task.status).toBe('paused');
    expect(rt.rehearsals - before).toBe(1);
    expect(nativeStats()).toMatchObject({ runs: 2, preemptions: 2 });
    before = rt.rehearsals;
    resume(task, 1); // 1 ms: none
    expect(rt.rehearsals).toBe(before);
    expect(nativeStats()).toMatchObject({ runs: 3, preemptions: 3 });
    cancel(task);
  });

  it('runs to completion in a task with no deadline, on the thread stack', () => {
    const a = spinArg(5_000_000);
    const before = nativeStats().runs;
    const task = launch(spin, TO_COMPLETION, a);
    expect(task.status).toBe('completed');
    expect(a[1]).toBe(spinHash(5_000_000));
    expect(nativeStats().runs).toBe(before); // no fiber
  });

  it('cancel drops the paused call and runs the cancel hook', () => {
    const a = spinArg(2_000_000_000);
    const live = nativeStats().live;
    const task = launch(spin, 2, a);
    expect(task.status).toBe('paused');
    expect(nativeStats().live).toBe(live + 1);
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(a[2]).toBe(1n); // spin_cancel ran
    expect(nativeStats().live).toBe(live);
    // The thread and the library are fine afterwards.
    const b = spinArg(1000);
    expect(launch(spin, 5, b).status).toBe('completed');
    expect(b[1]).toBe(spinHash(1000));
  });

  it('runs on a stack of options.stackBytes; past its end the guard page stops the process (SIGSEGV)', () => {
    const overflow = (stackBytes: number) =>
      spawnSync(process.execPath, [join(root, 'test', 'harness', 'native-overflow.mjs'), String(stackBytes)], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, PREEMPTIBLE_QUIET: '1' },
        timeout: 60_000,
      });
    const big = overflow(8 << 20); // 8 MiB: the ~4 MiB recursion fits
    expect(big.signal).toBe(null);
    expect(JSON.parse(big.stdout.trim())).toEqual({ status: 'completed', depth: 4000 });
    const small = overflow(0); // the default 1 MiB
    expect(small.signal).toBe('SIGSEGV');
    expect(small.stdout).toBe('');
  });

  it('makes progress at budget 0 (each run lasts at least the minimum quantum)', () => {
    const a = spinArg(3_000_000);
    const task = launch(spin, 0, a);
    const resumes = finish(task, 0);
    expect(task.status).toBe('completed');
    expect(a[1]).toBe(spinHash(3_000_000));
    expect(resumes).toBeGreaterThan(0);
  });

  /**
   * Runs `symbol` of the spin library directly and then in 0.5 ms slices with no overrun guard (a deferral may
   * outlast any grace on a loaded machine): the same result, at least one pause; the slices' counters.
   */
  function slicedLikeDirect(symbol: string, iterations: number) {
    const fn = nativeFunction(spinLib, symbol);
    const direct = spinArg(iterations);
    fn(direct);
    nativeStats(true); // counters from zero
    const a = spinArg(iterations);
    const budget = { budgetMs: 0.5, graceMs: Infinity };
    const task = launch(fn, budget, a);
    const resumes = finish(task, budget);
    expect(task.status).toBe('completed');
    expect(a[1]).toBe(direct[1]);
    expect(resumes).toBeGreaterThan(0);
    const stats = nativeStats();
    expect(stats.preemptions).toBe(resumes);
    return { resumes, stats };
  }

  it.skipIf(process.arch !== 'x64')('pauses inside libc\'s memset/memcpy when the C code called them, on time and with the same result', () => {
    // ~0.1 s, nearly all of it inside memset/memcpy called from copy_blocks.
    const { resumes, stats } = slicedLikeDirect('copy_blocks', 2000);
    // Most switches were made inside libc's string functions (they were deferrals of 50-70 ms before).
    expect(stats.libcPreemptions).toBeGreaterThan(resumes / 2);
  });

  it('defers a switch while the C code is inside libc\'s printf (and the memcpy/memset printf calls), and still pauses and finishes', () => {
    // ~0.05-0.1 s: snprintf copying a 16 MiB string ("%s"), 6 times; nearly all of it inside libc.
    const { stats } = slicedLikeDirect('format_wide', 6);
    expect(stats.deferrals).toBeGreaterThan(0);
    expect(stats.longestDeferralMs).toBeGreaterThan(0);
    // printf's own calls to the string functions have libc as their caller: never a switch point.
    expect(stats.libcPreemptions).toBe(0);
  });

  it('a C call deferring past deadline + graceMs (inside libc) is cut off by the overrun guard and cancelled at once', () => {
    const format = nativeFunction(spinLib, 'format_wide', { onCancel: 'spin_cancel' });
    const live = nativeStats().live;
    const a = spinArg(10); // ~0.1-0.2 s, nearly all of it inside snprintf
    const budget = { budgetMs: 0.2, graceMs: 0.5 };
    let error: unknown;
    let task: ReturnType<typeof launch> | undefined;
    try {
      task = launch(format, budget, a);
      while (task.status === 'paused') resume(task, budget);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PreemptionOverrunError);
    expect((error as PreemptionOverrunError).task.status).toBe('cancelled');
    expect(a[2]).toBe(1n); // the cancel hook ran, not left for the garbage collector
    expect(nativeStats().live).toBe(live);
  });

  it('a JS function calling a native callee pauses as a whole and resumes into the C code', async () => {
    const m = await instrument(`
      export function work(fn, arg, log) {
        log.push('before');
        fn(arg);
        log.push('after');
        return 'done';
      }
      export function guarded(fn, arg, log) {
        try {
          log.push('before');
          fn(arg);
          log.push('after');
        } finally {
          log.push('finally');
        }
      }
    `);
    const log: string[] = [];
    const a = spinArg(100_000_000);
    const task = launch(m.work, 1, spin, a, log);
    expect(task.status).toBe('paused');
    expect(log).toEqual(['before']);
    finish(task, 1);
    expect(task.status).toBe('completed');
    expect(task.value).toBe('done');
    expect(log).toEqual(['before', 'after']);
    const direct = spinArg(100_000_000);
    spin(direct);
    expect(a[1]).toBe(direct[1]);

    // Cancelled while inside the C code: the JS finally block runs, and so does the C cancel hook.
    const log2: string[] = [];
    const b = spinArg(2_000_000_000);
    const t2 = launch(m.guarded, 1, spin, b, log2);
    expect(t2.status).toBe('paused');
    cancel(t2);
    expect(log2).toEqual(['before', 'finally']);
    expect(b[2]).toBe(1n);
  });

  it('lets the event loop run timers between slices (run() with 2 ms slices)', async () => {
    const a = spinArg(150_000_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await run(spin, { sliceMs: 2 }, a);
    } finally {
      clearInterval(timer);
    }
    expect(a[3]).toBe(150_000_000n);
    expect(ticks).toBeGreaterThan(3);
  });

  it('works on worker threads too, each with its own timer, while the main thread runs callees', () => {
    const out = execFileSync(process.execPath, [join(root, 'test', 'harness', 'native-workers.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PREEMPTIBLE_QUIET: '1' },
      timeout: 60_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.main).toEqual({ ok: true, paused: true });
    expect(r.workers).toEqual([
      { ok: true, paused: true },
      { ok: true, paused: true },
    ]);
  });
});

describe.skipIf(pureJs)('the C API (native/include/preemptible.h)', () => {
  it('runs, pauses, cancels and frees fibers as the header says, from a C program', () => {
    const exe = join(root, '.test-out', 'native', 'c-api');
    execFileSync('g++', ['-O2', '-x', 'c', join(root, 'fixtures', 'native', 'c-api.c'), '-x', 'c++', join(root, 'native', 'src', 'fiber.cc'), '-o', exe, '-ldl', '-lrt', '-lpthread']);
    const r = JSON.parse(execFileSync(exe, [fixtureLibrary('spin')], { encoding: 'utf8' }).trim());
    expect(r).toMatchObject({ supported: true, done: true, again: -1, first: 1, cancel: 0, cancelAgain: -1, runCancelled: -1, hook: 1, whole: 0, wholeOk: true });
    expect(r.pauses).toBeGreaterThan(5);
    expect(r.preemptions).toBe(r.pauses + 1); // and the one before the cancel
  });
});

describe.skipIf(pureJs || !havePng)('native callees under stress', () => {
  it('mixed with JS tasks, worker threads, forked and killed children and timer storms: correct, nothing left', () => {
    // 6 s here; `node test/harness/native-stress.mjs 60` is the 60 s run of the issue.
    const out = execFileSync(process.execPath, [join(root, 'test', 'harness', 'native-stress.mjs'), '6'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, PREEMPTIBLE_QUIET: '1' },
      timeout: 120_000,
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    for (const counts of [r.main, ...r.workers.map((w: any) => w.counts)]) {
      expect(counts.failures).toEqual([]);
      expect(counts.spin + counts.decode + counts.mixed + counts.runs).toBeGreaterThan(10);
    }
    expect(r.workers.map((w: any) => w.live)).toEqual([0, 0]);
    expect(r.live).toBe(0);
    expect(r.posixTimers).toBe(1); // the main thread's; each worker's went with its thread
    expect(r.children).toBeGreaterThan(0);
  });
});

describe.skipIf(pureJs || !havePng)('native callees: the image-bomb experiment (libpng)', () => {
  const decode = pureJs || !havePng ? (undefined as never) : nativeFunction(fixtureLibrary('png-decode', ['-lpng']), 'png_decode', { onCancel: 'png_decode_cancel' });

  it('decodes a normal image through launch in slices exactly as a direct call does', () => {
    const png = makePng(W, H, 3, shade);
    const direct = pngJob(png, W * H * 4, true);
    decode(direct.buf);
    expect(direct.result()).toEqual({ status: 0, width: W, height: H, message: '' });
    expectGradient(direct.pixels());
    const job = pngJob(png, W * H * 4, true);
    const task = launch(decode, 0.05, job.buf);
    expect(finish(task, 0.05)).toBeGreaterThan(0); // it did pause
    expect(job.result()).toEqual(direct.result());
    expect(Buffer.from(job.pixels()).equals(Buffer.from(direct.pixels()))).toBe(true);
  });

  it('10,000 pause/resume cycles of one decode give the correct image', () => {
    const png = makePng(W, H, 3, shade);
    const job = pngJob(png, W * H * 4, true);
    let cycles = 0;
    let task = launch(decode, 0, job.buf);
    // Run the same image again until 10,000 cycles have passed through decodes (each cycle: a switch out
    // at the timer, a switch back in).
    for (;;) {
      const resumes = finish(task, 0);
      expect(resumes).toBeGreaterThan(0); // (else this loop would never end)
      cycles += resumes;
      expect(job.result().status).toBe(0);
      expectGradient(job.pixels());
      if (cycles >= 10_000) break;
      job.pixels().fill(0);
      task = launch(decode, 0, job.buf);
    }
    expect(cycles).toBeGreaterThanOrEqual(10_000);
  });

  it('the event loop serves timers between the slices of a decode (run() with 2 ms slices)', async () => {
    const bomb = makePng(8000, 8000, 1);
    const job = pngJob(bomb, 8000 * 8000, false);
    new Uint8Array(job.pixels().buffer, job.pixels().byteOffset, 1 << 20).fill(0xaa); // overwritten by the decode
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await run(decode, { sliceMs: 2 }, job.buf);
    } finally {
      clearInterval(timer);
    }
    expect(job.result()).toEqual({ status: 0, width: 8000, height: 8000, message: '' });
    expect(Buffer.from(job.pixels().buffer, job.pixels().byteOffset, 1 << 20).every((b) => b === 0)).toBe(true);
    expect(ticks).toBeGreaterThan(10); // a plain call of ~0.15 s gives none
  });

  it('pauses a decompression bomb at a 10 ms budget; cancelled, it frees libpng state and the process stays healthy', async () => {
    const bomb = makePng(8000, 8000, 1); // 64 MB of pixels from ~60 KB
    const job = pngJob(bomb, 8000 * 8000, false);
    nativeStats(true);
    const start = performance.now();
    const task = launch(decode, 10, job.buf);
    const took = performance.now() - start;
    const seen = JSON.stringify({ took, status: task.status, job: job.result(), stats: nativeStats() });
    expect(task.status, seen).toBe('paused');
    expect(job.result().status, seen).toBe(-1); // still decoding
    expect(took).toBeLessThan(10 + 200); // generous: CI machines are noisy
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(job.result().status).toBe(3); // png_decode_cancel ran: png_image_free
    expect(nativeStats().live).toBe(0);
    // Healthy: timers, promises, launches and another decode.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(await Promise.resolve(7)).toBe(7);
    const png = makePng(W, H, 3, shade);
    const again = pngJob(png, W * H * 4, true);
    expect(launch(decode, 50, again.buf).status).toBe('completed');
    expectGradient(again.pixels());
  });
});

describe.runIf(pureJs)('native callees without the addon', () => {
  it('nativeFunction throws PreemptibleEnvironmentError saying why', () => {
    expect(capabilities().nativeCallees).toBe(false);
    expect(() => nativeFunction('/nonexistent.so', 'f')).toThrow(PreemptibleEnvironmentError);
    expect(() => nativeFunction('/nonexistent.so', 'f')).toThrow(/native callees need the native addon .*PREEMPTIBLE_NATIVE=0/);
  });
});
