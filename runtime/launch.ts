// launch / resume / cancel / pause: drive the generator version of a function one slice at a time.
//
// A slice pushes the task on the shared stack, arms the effective deadline (the earliest of its own and
// any enclosing task's), advances the generator until it yields PAUSE or finishes, then restores the
// enclosing task's deadline. Functions the transformer never saw have no generator version: they run to
// completion inside the slice ("opaque" tasks).

import { installArrayMethods } from './array-methods';
import { installCollectionMethods } from './collection-methods';
import { installForwarding } from './forwarding';
import { installStringMethods } from './string-methods';
import { installJsonMethods } from './json-methods';
import { installEventMethods } from './events';
import { installPromiseMethods } from './promise-methods';
import { installTimerMethods } from './timer-methods';
import { Budget, parseBudget } from './budget';
import { closeGenerator, endOfStretch, Resumption } from './async';
import { ASYNC_BODY, attachGen, genOf, isAsyncFunction, isAwaitRequest, PAUSE } from './symbols';
import { arm, now, setRehearsal } from './clock';
import { apply } from './intrinsics';
import { PreemptibleArgumentError, PreemptibleStateError, PreemptionOverrunError } from './errors';
import { native, warnIfDegraded } from './native';
import { rehearsal } from './rehearsal';
import { rt, SliceBudget } from './shared';
import { Task, TaskState, taskState } from './task';

// Builtins that call back into the program get versions, so tasks can pause in their callbacks:
// Array.prototype.map & co., Map/Set forEach, replace/replaceAll, JSON.parse, EventEmitter's emit, and the
// forwarders (call, apply, Reflect.apply, bind). Promise then/catch/finally, timers, queueMicrotask and
// process.nextTick run the callbacks a task gives them as tasks of their own (they need rt.detach, below).
installArrayMethods();
installCollectionMethods();
installForwarding();
installStringMethods();
installJsonMethods();
installEventMethods();
installPromiseMethods();
installTimerMethods();

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
  // An async function's task drives its body directly: awaits make the task 'waiting'.
  const body = genOf(fn, ASYNC_BODY) as GeneratorFn | undefined;
  const gen = body ?? (genOf(fn) as GeneratorFn | undefined);
  const s = newState(fn.name || '<anonymous>', body !== undefined || isAsyncFunction(fn));
  const first: Advance =
    typeof gen === 'function'
      ? () => (s.it = gen.apply(undefined, args)).next()
      : () => ({ done: true, value: apply(fn as (...a: unknown[]) => unknown, undefined, args) });
  return { task: new Task<R>(s), s, first };
}

function newState(name: string, isAsync: boolean): TaskState {
  return {
    status: 'running',
    value: undefined,
    error: undefined,
    it: null,
    ownDeadline: Infinity,
    pausedBy: undefined,
    name,
    isAsync,
    input: undefined,
    ready: undefined,
    onReady: undefined,
    deferred: undefined,
    sliceMs: Infinity,
    sliceGraceMs: Infinity,
  };
}

/** Returned by the guard when the watchdog cut the slice short (a unique object, never a task's value). */
const OVERRUN: unique symbol = Symbol('preemptible.overrun');

let sliceEndHook: ((overrun: boolean) => void) | undefined;

/**
 * `hook` runs at the end of every slice, told whether the overrun guard cut it off (native-callee.ts: the
 * C call the slice was in is then cancelled). One hook: only native-callee.ts sets it.
 */
export function onSliceEnd(hook: (overrun: boolean) => void): void {
  sliceEndHook = hook;
}

/** Runs the slice inside the addon's guarding frame, which turns a watchdog termination into OVERRUN. */
const guarded: (advance: Advance) => IteratorResult<unknown, unknown> | typeof OVERRUN = native
  ? (advance) => native!.binding.guard(advance, OVERRUN)
  : (advance) => advance();

/** Runs one slice of `task`. Exceptions from the task propagate (the task is then 'failed'). */
function runSlice(task: Task, s: TaskState, budgetMs: number, graceMs: number, advance: Advance): void {
  try {
    runSliceOnce(task, s, budgetMs, graceMs, advance);
  } finally {
    endOfStretch(s); // held-back rejections, if the slice ended the synchronous stretch
  }
}

function runSliceOnce(task: Task, s: TaskState, budgetMs: number, graceMs: number, advance: Advance): void {
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
  s.sliceMs = budgetMs;
  s.sliceGraceMs = graceMs;
  // The earliest deadline wins; its owner's grace applies.
  if (own <= outer) arm(own, graceMs, start);
  else arm(outer, outerGrace, start);
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
  sliceEndHook?.(r === OVERRUN);
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
    s.it = null;
    if (s.isAsync && isThenable(r.value)) {
      // `return promise` from an async function: the task follows it, as the function's own promise would.
      wait(s, r.value, true);
      return;
    }
    s.status = 'completed';
    s.value = r.value;
    return;
  }
  if (r.value !== PAUSE) {
    if (s.isAsync && isAwaitRequest(r.value)) {
      wait(s, r.value.value, false);
      return;
    }
    s.status = 'failed';
    s.error = new PreemptibleStateError('internal error: a generator version yielded a value that is not PAUSE');
    throw s.error;
  }
  s.status = 'paused';
  // A slice ended before a scavenge ended for the deadline it anticipated: the earlier of the two.
  const reached = rt.lastPauseReason === 'scavenge' ? own <= outer : now() >= own;
  s.pausedBy = rt.lastPauseReason === 'pause' ? 'pause' : reached ? 'budget' : 'outer';
}

function isThenable(value: unknown): boolean {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The task's async function awaits `value` (or, `final`, returned a thenable): the task is 'waiting' until
 * it settles, then 'paused' with the outcome queued for the next resume (or, `final`, finished).
 */
function wait(s: TaskState, value: unknown, final: boolean): void {
  s.status = 'waiting';
  let release!: () => void;
  s.ready = new Promise<void>((resolve) => (release = resolve));
  let awaited: Promise<unknown>;
  try {
    // An await resolves its operand like Promise.resolve; a returned thenable is adopted like resolve(value).
    awaited = final ? new Promise((resolve) => resolve(value)) : Promise.resolve(value);
  } catch (error) {
    awaited = Promise.reject(error);
  }
  const settled = (outcome: Resumption): void => {
    if (s.status !== 'waiting') return; // cancelled meanwhile
    s.ready = undefined;
    if (!final) {
      s.status = 'paused';
      s.pausedBy = 'await';
      s.input = outcome;
    } else if (outcome.threw) {
      s.status = 'failed';
      s.error = outcome.value;
    } else {
      s.status = 'completed';
      s.value = outcome.value;
    }
    release();
    const onReady = s.onReady;
    s.onReady = undefined;
    onReady?.();
  };
  awaited.then(
    (v) => settled({ threw: false, value: v }),
    (e) => settled({ threw: true, value: e }),
  );
}

/** The next step of a paused task: continue it, passing in the outcome of the await it stopped at. */
function continuation(s: TaskState): Advance {
  const it = s.it!;
  const input = s.input;
  s.input = undefined;
  return input?.threw ? () => it.throw(input.value) : () => it.next(input?.value);
}

function checkResumable(task: Task, s: TaskState, caller: string): void {
  if (s.status === 'paused') return;
  if (s.status === 'waiting') {
    throw new PreemptibleStateError(
      `${caller}(): the task is waiting for a promise it awaits; resume it once task.ready has settled`,
    );
  }
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
  runSlice(task, s, budgetMs, graceMs, continuation(s));
  return task;
}

// The pause path is warmed shortly before the deadline of a long slice by pausing and resuming this dummy
// task (rehearsal.ts); it stays paused for the life of the process. Started here, so that no task's slice
// pays for its first start (launch() itself would also print the degraded-mode warning now).
const rehearsalTask = prepare<void>(rehearsal, []);
runSlice(rehearsalTask.task, rehearsalTask.s, 0, Infinity, rehearsalTask.first);
setRehearsal(() => resume(rehearsalTask.task, 0));

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
  const it = s.it;
  s.input = undefined;
  s.onReady = undefined;
  if (it) {
    runSlice(task, s, Infinity, Infinity, () => {
      closeGenerator(it);
      return { done: true, value: undefined };
    });
  }
  s.status = 'cancelled';
  s.value = undefined;
  s.ready = undefined;
  endOfStretch(s);
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
      advance = continuation(s);
      yield PAUSE;
    }
  } finally {
    // The enclosing task is being cancelled while this one is suspended inside it: cancel this one too.
    if (!finished && s.status === 'paused') cancel(task);
  }
}

type Gen<T> = Generator<unknown, T, unknown>;

attachGen(launch, function* launchNested(fn: unknown, budget: Budget, ...args: unknown[]): Gen<Task> {
  const p = prepare(fn, args);
  const { budgetMs, graceMs } = parseBudget(budget, 'launch');
  yield* driveNested(p.task, p.s, budgetMs, graceMs, p.first);
  return p.task;
} as never);

attachGen(resume, function* resumeNested(task: Task, budget: Budget): Gen<Task> {
  const s = taskState(task, 'resume');
  const { budgetMs, graceMs } = parseBudget(budget, 'resume');
  checkResumable(task, s, 'resume');
  yield* driveNested(task, s, budgetMs, graceMs, continuation(s));
  return task;
} as never);

attachGen(pause, function* pauseHere(): Gen<void> {
  if (rt.stack.length === 0) throw outsideTask();
  rt.lastPauseReason = 'pause';
  yield PAUSE;
} as never);

// The continuation of an instrumented async call, once its await settled: a task of its own, run now (in
// the microtask a plain await would resume in) and then in slices on the event loop.
const DETACHED_DEFAULT = parseBudget(1, 'async continuation');

// A step of an instrumented async generator's body (async-generators.ts): a task of its own, one slice now.
rt.sliced = (start, budget) => {
  const { budgetMs, graceMs } = budget ?? DETACHED_DEFAULT;
  const s = newState('<async generator>', false);
  const task = new Task(s);
  runSlice(task, s, budgetMs, graceMs, () => (s.it = start()).next());
  return {
    get status() {
      return s.status;
    },
    get value() {
      return s.value;
    },
    again: () => runSlice(task, s, budgetMs, graceMs, continuation(s)),
  };
};

rt.detach = (start, budget: SliceBudget | undefined, onError) => {
  const { budgetMs, graceMs } = budget ?? DETACHED_DEFAULT;
  const s = newState('<async continuation>', false);
  const task = new Task(s);
  let advance: Advance = () => (s.it = start()).next();
  const step = (): void => {
    try {
      runSlice(task, s, budgetMs, graceMs, advance);
    } catch (error) {
      onError(error); // only the driver's own errors (an overrun): the body settles its promise itself
      return;
    }
    if (s.status === 'paused') {
      advance = continuation(s);
      setImmediate(step);
    }
  };
  step();
};
