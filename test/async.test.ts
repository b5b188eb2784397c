// Instrumented async functions: their synchronous stretches pause with the task, their awaits make a
// launched task 'waiting', and results, errors and ordering match the plain async function.
import { describe, expect, it } from 'vitest';
import { cancel, launch, PreemptibleStateError, resume, run, Scheduler, TO_COMPLETION, type Task } from 'preemptible';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { instrument, root } from './helpers/instrument';
import { transform } from 'preemptible/transform';

const source = `
export const log = [];
export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
export async function twoSteps(n) {
  log.push('start');
  const a = spin(n);
  const b = await Promise.resolve(a + 1);
  log.push('after await ' + b);
  return b + spin(n);
}
export async function failing() {
  spin(10);
  try { await Promise.reject(new Error('inner')); } catch (e) { log.push('caught ' + e.message); }
  await null;
  throw new RangeError('outer');
}
export async function withFinally(p) {
  try { spin(5); await p; log.push('not reached'); } finally { log.push('finally'); }
}
export async function returnsPromise() {
  spin(5);
  return new Promise((resolve) => setTimeout(() => resolve('late'), 5));
}
export async function caller(n) {
  const p = twoSteps(n);           // an async call inside the task: its promise comes back at its first await
  log.push('caller got ' + (p instanceof Promise));
  return (await p) * 2;
}
export async function longAfterAwait(n) {
  await null;
  return spin(n);                  // runs as a continuation of its own, in slices
}
export async function nested(n) {
  return await longAfterAwait(n);
}
export async function rejectsLater() {
  await null;
  throw new Error('late rejection');
}
export function handlesAfterLongStretch(n) {
  const p = rejectsLater();        // rejects in a microtask...
  const s = spin(n);               // ...while this stretch is paused and the event loop turns
  return p.catch((e) => e.message + ' ' + s);
}
export async function order(tag, out) {
  out.push(tag + '1');
  await null;
  out.push(tag + '2');
  await Promise.resolve();
  out.push(tag + '3');
  return tag;
}
`;

async function load(): Promise<Record<string, any>> {
  return instrument(source);
}

/** The unhandled rejections Node reports while `body` runs (and for 5 ms after). */
async function unhandledDuring(body: () => Promise<void>): Promise<unknown[]> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await body();
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  return unhandled;
}

/** Drives a task to its end with the synchronous API, awaiting `ready` while it waits. */
async function drive<T>(task: Task<T>, budget: number): Promise<{ task: Task<T>; paused: number; waited: number }> {
  let paused = 0;
  let waited = 0;
  for (;;) {
    if (task.status === 'paused') {
      paused++;
      resume(task, budget);
    } else if (task.status === 'waiting') {
      waited++;
      await task.ready;
    } else return { task, paused, waited };
  }
}

describe('async functions under launch/resume', () => {
  it("an await makes the task 'waiting'; ready settles; resume continues with the awaited value", async () => {
    const m = await load();
    const task = launch(m.twoSteps, TO_COMPLETION, 1000);
    expect(task.status).toBe('waiting');
    expect(() => resume(task, 1)).toThrow(PreemptibleStateError);
    expect(() => task.value).toThrow(PreemptibleStateError);
    await task.ready;
    expect(task.status).toBe('paused');
    expect(task.pausedBy).toBe('await');
    resume(task, TO_COMPLETION);
    expect(task.status).toBe('completed');
    expect(task.value).toBe(await m.twoSteps(1000));
  });

  it('the synchronous stretches are preemptible: budget 0 pauses them, result unchanged', async () => {
    const m = await load();
    const { task, paused, waited } = await drive(launch(m.twoSteps, 0, 500), 0);
    expect(task.value).toBe(await m.twoSteps(500));
    expect(paused).toBeGreaterThan(100); // every loop iteration of spin() paused
    expect(waited).toBe(1);
  });

  it('a rejected await throws inside the function; an uncaught error fails the task', async () => {
    const m = await load();
    m.log.length = 0;
    const task = launch(m.failing, 0);
    let thrown: unknown;
    try {
      await drive(task, 0);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect(task.status).toBe('failed');
    expect(task.error).toBe(thrown);
    expect(m.log).toEqual(['caught inner']);
  });

  it('cancel while waiting runs the finally blocks; the later settlement is ignored', async () => {
    const m = await load();
    m.log.length = 0;
    let release!: (v: unknown) => void;
    const pending = new Promise((r) => (release = r));
    const task = launch(m.withFinally, TO_COMPLETION, pending);
    expect(task.status).toBe('waiting');
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(m.log).toEqual(['finally']);
    release(1);
    await new Promise((r) => setTimeout(r, 1));
    expect(task.status).toBe('cancelled');
    expect(m.log).toEqual(['finally']);
  });

  it('a returned promise is followed: the task completes with its value', async () => {
    const m = await load();
    const task = launch(m.returnsPromise, TO_COMPLETION);
    expect(task.status).toBe('waiting');
    await task.ready;
    expect(task.status).toBe('completed');
    expect(task.value).toBe('late');
  });

  it('an uninstrumented async function launched: the task follows its promise', async () => {
    const plainAsync = async (x: number) => {
      await null;
      return x * 3;
    };
    const task = launch(plainAsync, 1, 7);
    expect(task.status).toBe('waiting');
    await task.ready;
    expect(task.value).toBe(21);
  });

  it('an async call inside a task returns its promise at the first await, like a plain call', async () => {
    const m = await load();
    m.log.length = 0;
    const expected = await m.caller(300);
    const plainLog = [...m.log];
    m.log.length = 0;
    const { task, paused } = await drive(launch(m.caller, 0, 300), 0);
    expect(task.value).toBe(expected);
    expect(m.log).toEqual(plainLog);
    expect(plainLog).toContain('caller got true');
    expect(paused).toBeGreaterThan(100); // paused inside the callee's synchronous stretch
  });

  it("a continuation after an await is itself preemptible: other callbacks run between its slices", async () => {
    const m = await load();
    const expected = m.spin(3_000_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      // The caller's task budget (1 ms) is what the continuation gets per slice.
      const { task } = await drive(launch(m.nested, 1, 3_000_000), 1);
      expect(task.value).toBe(expected);
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('promise executors and then/catch/finally callbacks (runtime promise-methods.ts)', () => {
  const promiseSource = `
export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
export function make(n) {
  return new Promise((resolve) => resolve(spin(n)));
}
export function makeFailing(n) {
  return new Promise(() => { spin(n); throw new RangeError('executor failed'); });
}
export function chained(n) {
  return Promise.resolve(n).then((k) => spin(k)).then((v) => { if (v < 0) throw new Error('no'); return v + 1; });
}
export function recovered(n, log) {
  return Promise.reject(new Error('x'))
    .catch((e) => { log.push('catch'); return e.message + spin(n); })
    .finally(() => { log.push('finally'); spin(n); });
}
export function throwsLate(n) {
  return Promise.resolve().then(() => { spin(n); throw new TypeError('callback failed'); });
}
export function rejectsThenHandles(n) {
  const p = new Promise((_, reject) => reject(new Error('early')));
  const s = spin(n); // the stretch pauses here, and the event loop turns, before the handler is attached
  return p.catch((e) => e.message + ' ' + s);
}
`;
  const loadPromises = (): Promise<Record<string, any>> => instrument(promiseSource);

  it('new Promise(executor) inside a task pauses inside the executor; its exception still rejects the promise', async () => {
    const m = await loadPromises();
    const { task, paused } = await drive(launch(m.make, 0, 2000), 0);
    expect(await task.value).toBe(await m.make(2000));
    expect(paused).toBeGreaterThan(1000); // every loop iteration of spin() inside the executor
    const failing = await drive(launch(m.makeFailing, 0, 500), 0);
    expect(failing.paused).toBeGreaterThan(400);
    await expect(failing.task.value).rejects.toThrow(new RangeError('executor failed'));
  });

  it('a then callback registered in a task runs in slices of its own when the promise settles', async () => {
    const m = await loadPromises();
    const expected = await m.chained(3_000_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      // The task itself ends at once (it only registers the callbacks); spin() runs later, in 1 ms slices.
      const task = launch(m.chained, 1, 3_000_000);
      expect(task.status).toBe('completed');
      expect(ticks).toBe(0);
      expect(await task.value).toBe(expected);
      expect(ticks).toBeGreaterThan(0); // the event loop turned while the callback ran
    } finally {
      clearInterval(timer);
    }
  });

  it('catch and finally callbacks too; an exception from a paused callback rejects the derived promise', async () => {
    const m = await loadPromises();
    const plainLog: string[] = [];
    const expected = await m.recovered(2_000_000, plainLog);
    const log: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      expect(await run(m.recovered, { sliceMs: 1 }, 2_000_000, log)).toBe(expected);
      expect(log).toEqual(plainLog);
      expect(ticks).toBeGreaterThan(0);
      ticks = 0;
      await expect(launch(m.throwsLate, 1, 3_000_000).value).rejects.toThrow(new TypeError('callback failed'));
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('a rejection made by an executor mid-stretch is held until the stretch ends: handled later in it, never unhandled', async () => {
    const m = await loadPromises();
    const expected = await m.rejectsThenHandles(20_000);
    expect(await unhandledDuring(async () => expect(await run(m.rejectsThenHandles, { sliceMs: 0.01 }, 20_000)).toBe(expected))).toEqual([]);
  });

  it('callbacks registered outside any task are the engine\'s (they run whole)', async () => {
    const m = await loadPromises();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      expect(await m.chained(3_000_000)).toBe(m.spin(3_000_000) + 1);
      expect(ticks).toBe(0);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('timer, microtask and nextTick callbacks a task schedules (runtime timer-methods.ts)', () => {
  const timerSource = `
export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
// Whether a 0 ms timeout set just before a long stretch fired during it: never in plain code.
function stretch(n, resolve) {
  let fired = false;
  setTimeout(() => { fired = true; }, 0);
  const s = spin(n);
  resolve([s, fired]);
}
export function viaImmediate(n) { return new Promise((resolve) => setImmediate(stretch, n, resolve)); }
export function viaTimeout(n) { return new Promise((resolve) => setTimeout(() => stretch(n, resolve), 0)); }
export function viaMicrotask(n) { return new Promise((resolve) => queueMicrotask(() => stretch(n, resolve))); }
export function viaNextTick(n) { return new Promise((resolve) => process.nextTick(stretch, n, resolve)); }
export function throwsLater(n) { setImmediate(() => { spin(n); throw new RangeError('late ' + n); }); }
`;
  const N = 3_000_000;

  it('a callback scheduled inside a task runs in slices: timers fire during it; the result is the plain one', async () => {
    const m = await instrument(timerSource);
    const s = m.spin(N);
    for (const name of ['viaImmediate', 'viaTimeout', 'viaMicrotask', 'viaNextTick']) {
      expect({ name, plain: await m[name](N) }).toEqual({ name, plain: [s, false] });
      expect({ name, sliced: await run(m[name], { sliceMs: 1 }, N) }).toEqual({ name, sliced: [s, true] });
      // Under TO_COMPLETION the callback is Node's, whole.
      expect({ name, whole: await launch(m[name], TO_COMPLETION, N).value }).toEqual({ name, whole: [s, false] });
    }
  });

  it('an exception thrown after the callback paused is reported as uncaught, as plain', () => {
    const dir = join(root, '.test-out', 'unit');
    mkdirSync(dir, { recursive: true });
    const lib = join(dir, `timers_${process.pid}.mjs`);
    writeFileSync(lib, transform(timerSource, { filename: 'timers.mjs' }).code);
    const runner = join(dir, `timers_${process.pid}_run.mjs`);
    writeFileSync(runner, `import { launch } from 'preemptible';\nimport { throwsLater } from './${basename(lib)}';\nlaunch(throwsLater, 1, ${N});\n`);
    const r = spawnSync(process.execPath, [runner], { cwd: root, encoding: 'utf8', env: { ...process.env, PREEMPTIBLE_QUIET: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`RangeError: late ${N}`);
  });
});

describe('rejections of async calls made in a paused stretch', () => {
  it('are held until the stretch ends, so a handler attached later in it counts (no unhandled rejection)', async () => {
    const m = await load();
    const expected = await m.handlesAfterLongStretch(20_000);
    // Slices of 0.01 ms with event-loop turns between them: the microtask that rejects runs mid-stretch.
    expect(await unhandledDuring(async () => expect(await run(m.handlesAfterLongStretch, { sliceMs: 0.01 }, 20_000)).toBe(expected))).toEqual([]);
  });
});

describe('async functions under run() and Scheduler', () => {
  it('run() resumes in the microtask the await would: interleaving equals the plain functions', async () => {
    const m = await load();
    const plain: string[] = [];
    await Promise.all([m.order('a', plain), m.order('b', plain), Promise.resolve().then(() => plain.push('x'))]);
    const viaRun: string[] = [];
    await Promise.all([
      run(m.order, { sliceMs: 50 }, 'a', viaRun),
      run(m.order, { sliceMs: 50 }, 'b', viaRun),
      Promise.resolve().then(() => viaRun.push('x')),
    ]);
    expect(viaRun).toEqual(plain);
  });

  it('aborting run() while the task waits on a promise cancels it (finally runs) and rejects with the reason', async () => {
    const m = await load();
    m.log.length = 0;
    const ac = new AbortController();
    let release!: (v: unknown) => void;
    const pending = new Promise((r) => (release = r));
    const running = run(m.withFinally, { sliceMs: 1, signal: ac.signal }, pending);
    await new Promise((r) => setImmediate(r)); // the task is now waiting on `pending`
    expect(m.log).toEqual([]);
    const reason = new Error('client went away');
    ac.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(m.log).toEqual(['finally']);
    release(1);
    await new Promise((r) => setTimeout(r, 1));
    expect(m.log).toEqual(['finally']); // the later settlement did not resume it
  });

  it('run() settles with the value or the rejection of an async function', async () => {
    const m = await load();
    await expect(run(m.twoSteps, { sliceMs: 0.05 }, 2000)).resolves.toBe(await m.twoSteps(2000));
    await expect(run(m.failing, { sliceMs: 0.05 })).rejects.toThrow(RangeError);
  });

  it("Scheduler counts waiting tasks and settles them when their await is done", async () => {
    const m = await load();
    const scheduler = new Scheduler({ sliceMs: 1 });
    let release!: (v: unknown) => void;
    const pending = new Promise((r) => (release = r));
    const waiter = scheduler.spawn(async (p: Promise<unknown>) => m.withFinally(p), pending);
    const direct = scheduler.spawn(m.twoSteps, 100);
    const viaAwait = scheduler.spawn(m.caller, 100);
    expect(await direct).toBe(await m.twoSteps(100));
    expect(await viaAwait).toBe((await m.twoSteps(100)) * 2);
    const blocked = scheduler.spawn(m.withFinally, pending);
    await new Promise((r) => setImmediate(r));
    expect(scheduler.counts.waiting).toBeGreaterThanOrEqual(1);
    release(5);
    await blocked;
    await waiter;
    expect(scheduler.counts.waiting).toBe(0);
    expect(scheduler.counts.completed).toBe(4);
  });
});

describe('for await in instrumented async functions (runtime async-iteration.ts)', () => {
  const loops = `
    export const log = [];
    export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    async function* gen(n) { for (let i = 0; i < n; i++) { await null; yield i; } }
    export function counted(n) {
      let i = 0;
      return {
        [Symbol.asyncIterator]() { return this; },
        next() { return Promise.resolve(i < n ? { value: i++, done: false } : { done: true }); },
        return() { log.push('return'); return Promise.resolve({ done: true }); },
      };
    }
    export async function total(n) { let s = 0; for await (const x of gen(n)) s += spin(100) + x; return s; }
    export async function guarded(it) {
      try { for await (const x of it) spin(100); } finally { log.push('finally'); }
    }
    export async function destructures(it) { let s = 0; for await (const [a] of it) s += spin(a); return s; }
  `;

  it('the loop body is preemptible: budget 0 pauses inside it, result unchanged', async () => {
    const m = await instrument(loops);
    const { task, paused, waited } = await drive(launch(m.total, 0, 5), 0);
    expect(task.value).toBe(await m.total(5));
    expect(paused).toBeGreaterThan(5 * 100); // spin()'s loop, inside the loop body, paused at every turn
    expect(waited).toBeGreaterThan(0);
  });

  it('a task cancelled inside the loop runs its finally blocks and does not close the iterator', async () => {
    const m = await instrument(loops);
    m.log.length = 0;
    const task = launch(m.guarded, 0, m.counted(3));
    // Ten pauses in a row with no await between: inside spin() in the loop body (it pauses 100 times).
    let inBody = 0;
    while (inBody < 10) {
      if (task.status === 'waiting') {
        await task.ready;
        inBody = 0;
      } else {
        inBody = task.pausedBy === 'await' ? 0 : inBody + 1;
        resume(task, 0);
      }
    }
    expect(task.status).toBe('paused');
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(m.log).toEqual(['finally']);
    // Run to its end, `break`-free: the iterator ends by itself, never closed.
    await drive(launch(m.guarded, 0, m.counted(2)), 0);
    expect(m.log).toEqual(['finally', 'finally']);
  });

  it('a loop with a destructuring head is instrumented too (the engine binds the pattern)', async () => {
    const m = await instrument(loops);
    expect(transform(loops, { filename: 'x.mjs' }).diagnostics).toEqual([]);
    const pairs = [[100], [200], [300]];
    const { task, paused } = await drive(launch(m.destructures, 0, pairs), 0);
    expect(task.value).toBe(await m.destructures(pairs));
    expect(paused).toBeGreaterThan(600);
  });
});

describe('await using in instrumented async functions (runtime disposal.ts)', () => {
  const scopes = `
    export const log = [];
    export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    function res(name) {
      log.push('open ' + name);
      return { async [Symbol.asyncDispose]() { await null; log.push('close ' + name); } };
    }
    export async function scoped(n) {
      await using a = res('a');
      {
        await using b = res('b');
        log.push('body ' + spin(n));
      }
      for (await using c of [res('c1'), res('c2')]) log.push('turn ' + spin(n));
      return spin(n);
    }
    export async function headed(n) {
      let s = 0;
      for (await using h = res('h'); s < 3; s++) log.push('turn ' + spin(n));
      return s;
    }
    // Async methods with symbol keys get their versions too (linked by the key).
    class Pool { static async [Symbol.asyncDispose]() { return spin(100); } async [Symbol.asyncDispose]() { return spin(100); } }
    export async function directly() {
      const lit = { async [Symbol.asyncDispose]() { return spin(100); } };
      return (await lit[Symbol.asyncDispose]()) + (await new Pool()[Symbol.asyncDispose]()) + (await Pool[Symbol.asyncDispose]());
    }
    export async function guarded(n) {
      await using g = res('g');
      try { return spin(n); } finally { log.push('finally'); }
    }
  `;

  it("is lowered in the generator version: the scope's body pauses, disposers are awaited in order as plain", async () => {
    expect(transform(scopes, { filename: 'x.mjs' }).diagnostics).toEqual([]);
    const m = await instrument(scopes);
    m.log.length = 0;
    const plain = await m.scoped(100);
    const plainLog = m.log.splice(0);
    const { task, paused, waited } = await drive(launch(m.scoped, 0, 100), 0);
    expect(task.value).toBe(plain);
    expect(m.log).toEqual(plainLog);
    expect(plainLog.filter((l: string) => l.startsWith('close'))).toEqual(['close b', 'close c1', 'close c2', 'close a']);
    expect(paused).toBeGreaterThan(4 * 100); // spin()'s loop paused at every turn, in each of the four scopes
    expect(waited).toBeGreaterThanOrEqual(4); // each async disposer's result is awaited by the task
    // In a `for (;;)` head: disposed when the loop ends.
    m.log.length = 0;
    const headedPlain = await m.headed(100);
    const headedLog = m.log.splice(0);
    const headed = await drive(launch(m.headed, 0, 100), 0);
    expect([headed.task.value, m.log]).toEqual([headedPlain, headedLog]);
    expect(headedLog.at(-1)).toBe('close h');
    expect(headed.paused).toBeGreaterThan(3 * 100);
    const direct = await drive(launch(m.directly, 0), 0);
    expect(direct.task.value).toBe(await m.directly());
    expect(direct.paused).toBeGreaterThan(3 * 100); // inside each of the three methods' loops
  });

  it('a task cancelled inside the scope runs its finally blocks and starts the disposers', async () => {
    const m = await instrument(scopes);
    m.log.length = 0;
    const task = launch(m.guarded, 0, 100);
    for (let i = 0; i < 10; i++) resume(task, 0);
    expect(task.status).toBe('paused');
    cancel(task);
    expect(task.status).toBe('cancelled');
    expect(m.log).toEqual(['open g', 'finally']);
    await new Promise((r) => setTimeout(r, 1));
    expect(m.log).toEqual(['open g', 'finally', 'close g']);
  });
});

/** run(m.consume, 1 ms slices, ...args) with an interval timer pushing 'tick' to m.log while it runs. */
async function runTicking(m: Record<string, any>, ...args: unknown[]): Promise<unknown> {
  const timer = setInterval(() => m.log.push('tick'), 0);
  try {
    return await run(m.consume, { sliceMs: 1 }, ...args);
  } finally {
    clearInterval(timer);
  }
}

describe('async generators, instrumented (runtime async-generators.ts)', () => {
  const gens = `
    export const log = [];
    export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) % 1000003; return s; }
    export async function* heavy(n, work) {
      try {
        for (let i = 0; i < n; i++) {
          await null;
          log.push('start ' + i);
          const v = spin(work);
          log.push('end ' + i);
          yield v + i;
        }
        return 'done';
      } finally { log.push('finally'); }
    }
    export async function consume(n, work) { let s = 0; for await (const x of heavy(n, work)) s += x; return s; }
    export async function early(work) { for await (const x of heavy(10, work)) { if (x >= 0) break; } return log.slice(); }
    export class Bag { constructor(n) { this.n = n; } async *[Symbol.asyncIterator]() { for (let i = 0; i < this.n; i++) yield spin(100) + i; } }
    export async function sumBag(n) { let s = 0; for await (const x of new Bag(n)) s += x; return s; }
  `;

  it('a long stretch of its body runs in slices: timers fire inside it; results as plain', async () => {
    const m = await instrument(gens);
    const expected = await m.consume(2, 2_000_000);
    m.log.length = 0;
    const value = await runTicking(m, 2, 2_000_000);
    expect(value).toBe(expected);
    const start = m.log.indexOf('start 1');
    const end = m.log.indexOf('end 1');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(m.log.slice(start, end)).toContain('tick'); // the event loop turned inside spin()
  });

  it('break closes it (its finally runs); an async-iterator method is instrumented too', async () => {
    const m = await instrument(gens);
    m.log.length = 0;
    const seen = (await run(m.early, { sliceMs: 1 }, 10)) as string[];
    expect(seen).toEqual(['start 0', 'end 0', 'finally']);
    expect(await run(m.sumBag, { sliceMs: 0.01 }, 5)).toBe(await m.sumBag(5));
    expect(transform(gens, { filename: 'x.mjs' }).diagnostics.filter((d) => d.code === 'generator-function')).toEqual([]);
  });
});

describe('async generators stepped by for await: the step next() would run right away is part of the loop\'s task', () => {
  it('a generator with no awaits pauses with the consuming task; order of effects as plain', async () => {
    const m = await instrument(`
      export const log = [];
      export function spin(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i) % 1000003; return s; }
      export async function* pipeline(n, work) { for (let i = 0; i < n; i++) { log.push('start ' + i); const v = spin(work); log.push('end ' + i); yield v + i; } }
      export async function consume(n, work) { let s = 0; for await (const x of pipeline(n, work)) { log.push('got ' + x); s += x; } return s; }
    `);
    const expected = await m.consume(2, 2_000_000);
    const plainLog = m.log.slice();
    m.log.length = 0;
    const value = await runTicking(m, 2, 2_000_000);
    expect(value).toBe(expected);
    expect(m.log.filter((x: string) => x !== 'tick')).toEqual(plainLog);
    expect(m.log.slice(m.log.indexOf('start 1'), m.log.indexOf('end 1'))).toContain('tick');
  });
});
