// Versions of setTimeout, setInterval, setImmediate, queueMicrotask and process.nextTick: a callback that a
// task schedules runs, when Node calls it, as a task of its own in slices of the registering task's budget
// (detached.ts), instead of whole and outside any task. A task that splits its work with
// `setImmediate(nextChunk)` keeps every chunk preemptible. If the callback finishes in its first slice
// nothing differs from Node's call but the cost of a task (~0.5 us); if it pauses, the event loop turns
// between its slices (a setInterval callback still paused when the interval fires again then overlaps its
// next run, which plain code cannot), and an exception it throws later is reported as uncaught, as Node
// reports one from the callback. Under TO_COMPLETION, outside a task, and for callbacks without versions,
// these are Node's functions called with the same arguments.

import { builtinFast } from './constructors';
import { asTask, runningBudget } from './detached';
import { apply } from './intrinsics';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const slice = Array.prototype.slice;

/** `scheduler`'s fast entry: the same call with the callback (its first argument) wrapped. */
function scheduling(scheduler: Fn): Fn {
  return function (this: unknown, callback: unknown): unknown {
    const budget = runningBudget();
    // eslint-disable-next-line prefer-rest-params
    if (budget === undefined) return apply(scheduler, this, arguments);
    // eslint-disable-next-line prefer-rest-params
    const args = apply(slice, arguments, []) as unknown[];
    if (args.length > 0) args[0] = asTask(callback, budget, 'uncaught'); // index 0 is own: no setter runs
    return apply(scheduler, this, args);
  };
}

export function installTimerMethods(): void {
  for (const scheduler of [setTimeout, setInterval, setImmediate, queueMicrotask, process.nextTick] as unknown as Fn[]) {
    builtinFast(scheduler, scheduling(scheduler));
  }
}
