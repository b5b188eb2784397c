// Callbacks that a task hands to the engine or to Node to be called later (promise reactions, timers,
// microtasks, process.nextTick): each runs, when it is called, as a task of its own (rt.detach, as the rest
// of an instrumented async function after an await) in slices of the budget the registering task's slices
// had, with the event loop turning between slices. Without this they ran whole and outside any task: work a
// task deferred (`setImmediate(nextChunk)`, a promise chain) could block the event loop for as long as it
// liked. Used by promise-methods.ts and timer-methods.ts.

import { isVersioned } from './brand';
import { isStamped } from './deferred';
import { apply } from './intrinsics';
import { rt, type SliceBudget } from './shared';
import { taskState } from './task';
import { genOf, type GenFn } from './symbols';

// Taken at load (a program replacing it later does not change how a late exception is reported).
const nativeQueueMicrotask = queueMicrotask;

/**
 * The slice budget of the task running now, which a detached callback gets; undefined outside a task or
 * when it is unlimited (TO_COMPLETION): the callback would run whole anyway, so it is left as it is (no task).
 */
export function runningBudget(): SliceBudget | undefined {
  if (rt.stack.length === 0) return undefined;
  const s = taskState(rt.stack[rt.stack.length - 1], 'callback');
  return s.sliceMs === Infinity ? undefined : { budgetMs: s.sliceMs, graceMs: s.sliceGraceMs };
}

/**
 * What the caller of the wrapper gets when the callback pauses: 'promise' (a promise reaction: a promise for
 * its outcome, which the derived promise follows), or 'uncaught' (a timer or microtask: nothing, and an
 * exception thrown later is reported as uncaught, as one thrown by the callback itself would have been).
 */
export type Late = 'promise' | 'uncaught';

/**
 * Does `fn` have versions, or make them when asked? Two private brand checks, which read nothing from `fn`:
 * asking a function without versions for one (genOf) would count the miss on it, an allocation per fresh
 * closure (`p.then((v) => v + 1)` in a loop was ~8x slower for that alone).
 */
export function mayHaveVersions(fn: object): boolean {
  return isVersioned(fn) || isStamped(fn);
}

/** `callback`, or a wrapper running it as a task of its own when it has versions and `budget` is limited. */
export function asTask(callback: unknown, budget: SliceBudget | undefined, late: Late = 'promise'): unknown {
  if (budget === undefined || typeof callback !== 'function' || !mayHaveVersions(callback)) return callback;
  const gen = genOf(callback);
  if (gen === undefined) return callback;
  return function (this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    return runDetached(gen, this, arguments, budget, late);
  };
}

/**
 * Runs `gen` (a generator-mode entry) as a detached task. If it finishes in its first slice, returns its
 * result or throws its exception, as calling the callback would have; otherwise see Late.
 */
function runDetached(gen: GenFn, self: unknown, args: ArrayLike<unknown>, budget: SliceBudget, late: Late): unknown {
  let settled = false;
  let threw = false;
  let outcome: unknown;
  let later: { resolve(value: unknown): void; reject(error: unknown): void } | undefined;
  const resolve = (value: unknown): void => {
    if (later) later.resolve(value);
    else [settled, outcome] = [true, value];
  };
  const reject = (error: unknown): void => {
    if (later) later.reject(error);
    else [settled, threw, outcome] = [true, true, error];
  };
  rt.detach!(
    function* () {
      let value: unknown;
      try {
        value = yield* apply(gen, self, args as unknown[]) as Generator<unknown, unknown, unknown>;
      } catch (error) {
        reject(error);
        return;
      }
      resolve(value);
    },
    budget,
    reject, // the driver's own errors (an overrun) too
  );
  if (settled) {
    if (threw) throw outcome;
    return outcome;
  }
  if (late === 'uncaught') {
    later = {
      resolve: () => {},
      reject: (error) =>
        nativeQueueMicrotask(() => {
          throw error;
        }),
    };
    return undefined;
  }
  return new Promise((res, rej) => (later = { resolve: res, reject: rej }));
}
