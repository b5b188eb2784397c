// launch / resume / cancel / pause: drive the generator version of a function one slice at a time.
//
// A slice pushes the task on the shared stack, arms the effective deadline (the earliest of its own and
// any enclosing task's), advances the generator until it yields PAUSE or finishes, then restores the
// enclosing task's deadline. Functions the transformer never saw have no generator version: they run to
// completion inside the slice ("opaque" tasks).

import { installArrayMethods } from './array-methods';
import { Budget, parseBudget } from './budget';
import { GEN, PAUSE } from './checkpoint';
import { arm, now } from './clock';
import { PreemptibleArgumentError, PreemptibleStateError, PreemptionOverrunError } from './errors';
import { native, warnIfDegraded } from './native';
import { rt } from './shared';
import { Task, TaskState, taskState } from './task';

// Array.prototype.map & co. get generator versions, so tasks can pause inside their callbacks.
installArrayMethods();

type Advance = () => IteratorResult<unknown, unknown>;
type GeneratorFn = (this: unknown, ...args: unknown[]) => Generator<unknown, unknown, unknown>;

interface Prepared<R> {
  task: Task<R>;
  s: TaskState;
  first: Advance;
}

function prepare<R>(fn: unknown, args: unknown[]): Prepared<R> {
  if (typeof fn !== 'function') {
    throw new PreemptibleArgumentError(
      `launch: the first argument must be the function to run, got ${fn === null ? 'null' : typeof fn}`,
    );
  }
  const s: TaskState = {
    status: 'running',
    value: undefined,
    error: undefined,
    it: null,
    ownDeadline: Infinity,
    pausedBy: undefined,
    name: fn.name || '<anonymous>',
  };
  const gen = (fn as unknown as Record<symbol, GeneratorFn | undefined>)[GEN];
  const first: Advance =
    typeof gen === 'function'
      ? () => (s.it = gen.apply(undefined, args)).next()
      : () => ({ done: true, value: (fn as (...a: unknown[]) => unknown).apply(undefined, args) });
  return { task: new Task<R>(s), s, first };
}

/** Returned by the guard when the watchdog cut the slice short (a unique object, never a task's value). */
const OVERRUN: unique symbol = Symbol('preemptible.overrun');

/** Runs the slice inside the addon's guarding frame, which turns a watchdog termination into OVERRUN. */
const guarded: (advance: Advance) => IteratorResult<unknown, unknown> | typeof OVERRUN = native
  ? (advance) => native!.binding.guard(advance, OVERRUN)
  : (advance) => advance();

/** Runs one slice of `task`. Exceptions from the task propagate (the task is then 'failed'). */
function runSlice(task: Task, s: TaskState, budgetMs: number, graceMs: number, advance: Advance): void {
  const start = now();
  const own = start + budgetMs; // Infinity stays Infinity
  const nested = rt.stack.length > 0;
  const outer = nested ? rt.deadline : Infinity;
  const outerGrace = nested ? rt.grace : Infinity;
  const outerPauseRequest = rt.pauseRequested;
  s.ownDeadline = own;
  s.status = 'running';
  rt.stack.push(task);
  rt.pauseRequested = false;
  // The earliest deadline wins; its owner's grace applies.
  if (own <= outer) arm(own, graceMs);
  else arm(outer, outerGrace);
  let r: IteratorResult<unknown, unknown> | typeof OVERRUN;
  try {
    r = guarded(advance);
  } catch (error) {
    s.status = 'failed';
    s.error = error;
    s.it = null;
    throw error;
  } finally {
    rt.stack.pop();
    rt.pauseRequested = outerPauseRequest;
    arm(outer, outerGrace);
  }
  if (r === OVERRUN) {
    // The task's frames were unwound by the termination (their finally blocks did not run).
    s.status = 'cancelled';
    s.it = null;
    s.error = new PreemptionOverrunError(
      `task ${s.name} ran more than ${graceMs} ms (graceMs) past its deadline inside code that cannot pause ` +
        '(an uninstrumented function, a builtin, a regular expression or WebAssembly) and was cancelled; ' +
        'its finally blocks did not run. Instrument that code, raise graceMs, or pass graceMs: Infinity to never cut it off.',
      task,
    );
    throw s.error;
  }
  if (r.done) {
    s.status = 'completed';
    s.value = r.value;
    s.it = null;
    return;
  }
  if (r.value !== PAUSE) {
    s.status = 'failed';
    s.error = new PreemptibleStateError('internal error: a generator version yielded a value that is not PAUSE');
    throw s.error;
  }
  s.status = 'paused';
  s.pausedBy = rt.lastPauseReason === 'pause' ? 'pause' : now() >= own ? 'budget' : 'outer';
}

function checkResumable(task: Task, s: TaskState, caller: string): void {
  if (s.status === 'paused') return;
  if (s.status === 'running') {
    throw new PreemptibleStateError(
      `${caller}(): the task is running and called ${caller}() on itself; a task cannot ${caller} itself ` +
        `(return or throw to finish it, call pause() to give control back)`,
    );
  }
  throw new PreemptibleStateError(
    `${caller}(): the task is already ${s.status}; only a paused task can be resumed (check task.status first)`,
  );
}

/**
 * Runs `fn(...args)` here, synchronously, for at most `budget` ms (or until it calls pause()).
 * Returns the task: completed, or paused and resumable. An exception from `fn` propagates.
 */
export function launch<A extends unknown[], R>(fn: (...args: A) => R, budget: Budget, ...args: A): Task<R> {
  const p = prepare<R>(fn, args);
  const { budgetMs, graceMs } = parseBudget(budget, 'launch');
  warnIfDegraded();
  runSlice(p.task, p.s, budgetMs, graceMs, p.first);
  return p.task;
}

/** Runs a paused task for up to `budget` ms more. Returns the task. */
export function resume<R>(task: Task<R>, budget: Budget): Task<R> {
  const s = taskState(task, 'resume');
  const { budgetMs, graceMs } = parseBudget(budget, 'resume');
  checkResumable(task, s, 'resume');
  const it = s.it!;
  runSlice(task, s, budgetMs, graceMs, () => it.next());
  return task;
}

/**
 * Unwinds a paused task: its pending `finally` blocks run, innermost first, to completion (pauses inside
 * them are ignored). Idempotent on finished tasks. An exception thrown by a `finally` block propagates and
 * leaves the task 'failed'.
 */
export function cancel<R>(task: Task<R>): Task<R> {
  const s = taskState(task, 'cancel');
  if (s.status === 'completed' || s.status === 'cancelled' || s.status === 'failed') return task;
  if (s.status === 'running') {
    throw new PreemptibleStateError(
      'cancel(): the task is running and tried to cancel itself; throw an exception or return instead',
    );
  }
  const it = s.it!;
  runSlice(task, s, Infinity, Infinity, () => {
    let r = it.return(undefined);
    while (!r.done) r = it.next();
    return r;
  });
  s.status = 'cancelled';
  s.value = undefined;
  return task;
}

/**
 * Inside a task: give control back now. Called from instrumented code the task pauses right here; called
 * from code that cannot suspend (an uninstrumented callback) the task pauses at its next checkpoint.
 */
export function pause(): void {
  if (rt.stack.length === 0) throw outsideTask();
  rt.pauseRequested = true;
  rt.c = 0;
}

function outsideTask(): PreemptibleStateError {
  return new PreemptibleStateError('pause() was called outside any task; only code run by launch()/resume() can pause');
}

// Generator versions, used when instrumented code calls these inside a task. A nested launch/resume
// whose slice is cut short by an enclosing deadline suspends the enclosing task with the inner one
// inside it, and continues the inner one (with what is left of its own budget) when resumed.

function* driveNested(
  task: Task,
  s: TaskState,
  budgetMs: number,
  graceMs: number,
  first: Advance,
): Generator<unknown, void, unknown> {
  let budget = budgetMs;
  let advance = first;
  let finished = false;
  try {
    for (;;) {
      runSlice(task, s, budget, graceMs, advance);
      if (s.status !== 'paused' || s.pausedBy !== 'outer') {
        finished = true;
        return;
      }
      budget = Math.max(0, s.ownDeadline - now());
      const it = s.it!;
      advance = () => it.next();
      yield PAUSE;
    }
  } finally {
    // The enclosing task is being cancelled while this one is suspended inside it: cancel this one too.
    if (!finished && s.status === 'paused') cancel(task);
  }
}

type Gen<T> = Generator<unknown, T, unknown>;

Object.defineProperty(launch, GEN, {
  value: function* launchNested(fn: unknown, budget: Budget, ...args: unknown[]): Gen<Task> {
    const p = prepare(fn, args);
    const { budgetMs, graceMs } = parseBudget(budget, 'launch');
    yield* driveNested(p.task, p.s, budgetMs, graceMs, p.first);
    return p.task;
  },
});

Object.defineProperty(resume, GEN, {
  value: function* resumeNested(task: Task, budget: Budget): Gen<Task> {
    const s = taskState(task, 'resume');
    const { budgetMs, graceMs } = parseBudget(budget, 'resume');
    checkResumable(task, s, 'resume');
    const it = s.it!;
    yield* driveNested(task, s, budgetMs, graceMs, () => it.next());
    return task;
  },
});

Object.defineProperty(pause, GEN, {
  value: function* pauseHere(): Gen<void> {
    if (rt.stack.length === 0) throw outsideTask();
    rt.lastPauseReason = 'pause';
    yield PAUSE;
  },
});
