// Versions of Promise.prototype.then, catch and finally, so that a callback a task registers on a promise
// runs, when the promise settles, as a task of its own in slices (as the continuation of an instrumented
// async function does after an await: async.ts), instead of whole and outside any task. Promise-based code
// that is not written with async/await (promise chains, gensync driving @babel/core's transformAsync,
// callback-style libraries wrapped in promises) is then preemptible after its first microtask too.
//
// The fast entry calls the builtin with each instrumented callback wrapped (detached.ts): when the engine
// calls the wrapper (in the microtask it would have called the callback in), the callback starts as a task
// of its own with the slice budget of the task that registered it. If it finishes in that first slice, the
// wrapper returns its result or throws its exception, exactly as the callback would have (same value, same
// microtask); if it pauses, the wrapper returns a promise for its outcome, and the rest runs in slices with
// the event loop turning between them. A callback without versions is passed through untouched.
// catch and finally are the builtins with the wrapped callback (catch still calls `this.then`, as the
// builtin does). Callbacks registered by code outside a task, or by uninstrumented code, are the engine's.
//
// `new Promise(executor)` at a site of instrumented code (the transform routes it through newSite) runs the
// executor through its fast entry, so the task can pause inside it: the promise and its resolving functions
// are made first, as the engine makes them, then the executor is called with them, and an exception from it
// rejects the promise. A pause inside the executor records the construction as a frame of the paused stack.
// (A subclass's `super(executor)`, Reflect.construct and uninstrumented code get the engine's.)

import { afterStretch } from './async';
import { builtinFast, builtinNew, SPLIT } from './constructors';
import { apply } from './intrinsics';
import { CAPTURE, fastOf, reenterInner, type Frame } from './lazy';
import { asTask, mayHaveVersions, runningBudget } from './detached';
import { rt } from './shared';
import { nativeText } from './source-text';
import { taskState } from './task';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

// Taken at load: a program replacing them later changes neither what the builtins do nor what this does.
const nativeThen = Promise.prototype.then as Fn;
const nativeCatch = Promise.prototype.catch as Fn;
const nativeFinally = Promise.prototype.finally as Fn;
const NativePromise = Promise;

function thenFast(this: unknown, onFulfilled: unknown, onRejected: unknown): unknown {
  const budget = runningBudget();
  return apply(nativeThen, this, [asTask(onFulfilled, budget), asTask(onRejected, budget)]);
}

function catchFast(this: unknown, onRejected: unknown): unknown {
  return apply(nativeCatch, this, [asTask(onRejected, runningBudget())]);
}

function finallyFast(this: unknown, onFinally: unknown): unknown {
  return apply(nativeFinally, this, [asTask(onFinally, runningBudget())]);
}

/** `new Promise(executor)` at an instrumented site: the executor through its fast entry. */
function promiseNew(args: unknown[]): object {
  const executor = args[0];
  // Under no deadline (TO_COMPLETION) the executor would run whole anyway: the engine's `new`, without
  // making the executor's versions (a closure's are made when first asked for, deferred.ts).
  const fast = typeof executor === 'function' && rt.deadline !== Infinity && mayHaveVersions(executor) ? fastOf(executor) : executor;
  // No versions (or not callable: the engine's TypeError).
  if (fast === executor) return new NativePromise(executor as ConstructorParameters<typeof Promise>[0]);
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new NativePromise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const [resolveFn, rejectFn] = resolvingFunctions(resolve, reject);
  try {
    apply(fast as Fn, undefined, [resolveFn, rejectFn]);
  } catch (e) {
    if (e === CAPTURE) {
      rt.cap = [executorAgain, undefined, 1, rt.cap, promise, rejectFn] as Frame;
      throw e;
    }
    rejectFn(e);
  }
  return promise;
}

/**
 * The resolving functions the executor gets: the engine's, except that a rejection made while the creating
 * task is in the middle of a synchronous stretch is delivered when that stretch ends (async.ts,
 * afterStretch), as for an instrumented async call's promise. The stretch can now pause inside the executor
 * or after it, and the event loop turns at a pause: a promise rejected there and handled later in the same
 * stretch (`Promise.allSettled(items.map((x) => new Promise(...)))`) was reported as an unhandled rejection,
 * which by Node's default ends the process. Like the engine's they are nameless, of length 1, print as
 * native code, and share one "already resolved" flag (the first call wins, held or not).
 */
function resolvingFunctions(resolve: (value: unknown) => void, reject: (error: unknown) => void): [(value: unknown) => void, (error: unknown) => void] {
  const creator = taskState(rt.stack[rt.stack.length - 1], 'new Promise');
  let done = false;
  const fns: [(value: unknown) => void, (error: unknown) => void] = [
    (value) => {
      if (done) return;
      done = true;
      resolve(value);
    },
    (error) => {
      if (done) return;
      done = true;
      afterStretch(creator, () => reject(error));
    },
  ];
  nativeText(fns[0], resolve);
  nativeText(fns[1], reject);
  return fns;
}

/** The construction re-entered after a pause inside the executor: slot 3 holds how the executor ended. */
function executorAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  try {
    reenterInner(frame);
  } catch (e) {
    if (e === CAPTURE) throw e;
    (frame[5] as (error: unknown) => void)(e);
  }
  return frame[4];
}

export function installPromiseMethods(): void {
  if ((NativePromise as unknown as Record<symbol, unknown>)[SPLIT] === undefined) builtinNew(NativePromise, promiseNew);
  builtinFast(nativeThen, thenFast);
  builtinFast(nativeCatch, catchFast);
  builtinFast(nativeFinally, finallyFast);
}
