// Async generator functions, instrumented. The original `ag` stays as it is; its fast entry (what
// instrumented code calls inside a task) makes a real async generator object (`ag.prototype` its
// prototype) from a driver that runs a generator version of ag's body. That body yields requests instead
// of acting: `await e` is `yield aw(e)`, its own `yield v` is `yield yr(v)`, `yield* e` is `yield yd(e)`, and
// checkpoints yield PAUSE. The driver does each await, yield and delegation natively (so promise ticks
// and the next()/return()/throw() protocol are the engine's own). What the body does after an await (a
// continuation, run from a microtask) runs as a task in slices of the budget the creating task had: when a
// slice runs out, the driver waits for the next turn of the event loop (setImmediate) and continues, so a
// long stretch there no longer blocks the event loop. What it does right when next() resumes it (up to its
// first await or yield) runs inside that next(), as the engine does, without slices: the caller's code
// must not run before it.

import { apply } from './intrinsics';
import { fastOf } from './lazy';
import { rt, type SliceBudget, type SlicedRun } from './shared';
import { isAwaitRequest, OWNER } from './symbols';
import { taskState } from './task';
import { PreemptibleStateError } from './errors';

type Body = (this: unknown, ...args: unknown[]) => Generator<unknown, unknown, unknown>;

const BRAND: unique symbol = Symbol.for('preemptible.async-yield.v1') as never;

interface YieldRequest {
  readonly [BRAND]: 'yield' | 'delegate';
  readonly value: unknown;
}

/** The body's own `yield v` (the driver yields v). */
export function yr(value: unknown): YieldRequest {
  return { [BRAND]: 'yield', value };
}

/** The body's `yield* e` (the driver delegates to e). */
export function yd(value: unknown): YieldRequest {
  return { [BRAND]: 'delegate', value };
}

function isYieldRequest(x: unknown): x is YieldRequest {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[BRAND] !== undefined;
}

/** How the body continues: with a value, an exception, or a return (its finally blocks run). */
interface Input {
  mode: 'next' | 'throw' | 'return';
  value: unknown;
}

const START: Input = { mode: 'next', value: undefined };

/** Passed as the body's return value when return() reaches it: seen back, no finally block returned instead. */
const RETURNING: object = Object.freeze({ preemptibleReturning: true });

function resumeWith(it: Generator<unknown, unknown, unknown>, input: Input): IteratorResult<unknown> {
  return input.mode === 'next' ? it.next(input.value) : input.mode === 'throw' ? it.throw(input.value) : it.return(input.value);
}

/** Runs the body from `input` to its next request (or its end) in slices; yields PAUSE between them. */
function* untilRequest(it: Generator<unknown, unknown, unknown>, input: Input): Generator<unknown, IteratorResult<unknown>, unknown> {
  let r = resumeWith(it, input);
  while (!r.done && !isAwaitRequest(r.value) && !isYieldRequest(r.value)) {
    yield r.value; // PAUSE: the task pauses
    r = it.next();
  }
  return r;
}

/**
 * A step that starts where the engine would run the body right away, inside the next() (or throw(), or
 * return()) that resumed it: it runs to its request without slices, as part of whatever called that, so
 * nothing of the caller's runs before it (a PAUSE there, once a deadline has passed, is just stepped over).
 */
function stepNow(it: Generator<unknown, unknown, unknown>, input: Input): IteratorResult<unknown> {
  let r = resumeWith(it, input);
  while (!r.done && !isAwaitRequest(r.value) && !isYieldRequest(r.value)) r = it.next();
  return r;
}

/**
 * A step after an await (a continuation: nothing waits for it synchronously): a task of its own in slices
 * of `budget`, and when one runs out, the next after a turn of the event loop.
 */
async function stepLater(it: Generator<unknown, unknown, unknown>, input: Input, budget: SliceBudget | undefined): Promise<IteratorResult<unknown>> {
  const run: SlicedRun = rt.sliced!(() => untilRequest(it, input), budget);
  while (run.status === 'paused') {
    await new Promise((resolve) => setImmediate(resolve));
    run.again();
  }
  return run.value as IteratorResult<unknown>;
}

type Driver = (state: DriverState, first: Input) => AsyncGenerator<unknown, unknown, unknown>;

interface DriverState {
  readonly it: Generator<unknown, unknown, unknown>;
  readonly budget: SliceBudget | undefined;
  /** True while next() would run the body right away: not started, or suspended at one of its own yields. */
  resumable: boolean;
  /** A step run ahead of next() by a for await in instrumented code, as part of its task (stepAhead). */
  pre: { result: IteratorResult<unknown> } | { error: unknown } | undefined;
}

/** The state of each object an entry made. */
const states = new WeakMap<object, DriverState>();

const AsyncGeneratorNext = (Object.getPrototypeOf(async function* () {}) as { prototype: { next: unknown } }).prototype.next;

/**
 * For a written-out for await (async-iteration.ts) about to call `next` on `iterator`: when that next()
 * would run the body of one of these objects right away, run that step here instead, inside the caller's
 * task (its pauses are the task's), and leave the result for the driver; then the caller calls next().
 */
export function* stepAhead(iterator: object, next: unknown): Generator<unknown, void, unknown> {
  const state = next === AsyncGeneratorNext ? states.get(iterator) : undefined;
  if (state === undefined || !state.resumable) return;
  state.resumable = false;
  try {
    state.pre = { result: yield* untilRequest(state.it, { mode: 'next', value: undefined }) };
  } catch (e) {
    state.pre = { error: e };
  }
}

/**
 * Drives the body from `input` to its end: awaits, yields and delegates natively. A return() that reaches
 * one of its yields is passed into the body (its finally blocks run, with whatever they await or yield);
 * then the driver's own return completes, unless a finally block of the body returned a value instead.
 */
function makeDriver(): Driver {
  return async function* drive(state: DriverState, first: Input): AsyncGenerator<unknown, unknown, unknown> {
    const { it, budget } = state;
    state.resumable = false;
    let input = first;
    let awaited = false; // the step ahead continues after an await (else next() or its like resumed it)
    for (;;) {
      let r: IteratorResult<unknown>;
      const pre = state.pre;
      if (pre !== undefined) {
        state.pre = undefined;
        if ('error' in pre) throw pre.error;
        r = pre.result;
      } else {
        r = awaited ? await stepLater(it, input, budget) : stepNow(it, input);
      }
      if (r.done) return r.value;
      const request = r.value;
      if (isAwaitRequest(request)) {
        try {
          input = { mode: 'next', value: await request.value };
        } catch (e) {
          input = { mode: 'throw', value: e };
        }
        awaited = true;
        continue;
      }
      awaited = false;
      const { [BRAND]: kind, value } = request as YieldRequest;
      let resumed = false;
      try {
        let sent: unknown;
        if (kind === 'delegate') {
          sent = yield* value as AsyncIterable<unknown>;
        } else {
          state.resumable = true;
          sent = yield value;
        }
        input = { mode: 'next', value: sent };
        resumed = true;
      } catch (e) {
        input = { mode: 'throw', value: e };
        resumed = true;
      } finally {
        state.resumable = false;
        if (!resumed) {
          const returned = yield* forwarding({ it, budget, resumable: false, pre: undefined }, { mode: 'return', value: RETURNING });
          if (returned !== RETURNING) return returned; // eslint-disable-line no-unsafe-finally
        }
      }
    }
  }
}

/** The driver that carries a return() into the body (its objects' prototype does not matter). */
const forwarding: Driver = makeDriver();

/**
 * The fast entry of an instrumented async generator function: `body` is the generator version of its body
 * (taking the original parameters, evaluated at the call as the engine does). Made inside a task, the
 * object's steps run in slices of that task's budget (1 ms if none).
 */
export function asyncGenEntry(body: Body): (...args: unknown[]) => unknown {
  const entry = makeEntry(body);
  entries.add(entry);
  return entry;
}

/** The entries asyncGenEntry made. */
const entries = new WeakSet<object>();

/**
 * For runtime helpers that call a method plainly (a written-out for await's GetIterator): the method's entry
 * when it is an instrumented async generator function, so that its steps run in slices.
 */
export function asyncGeneratorEntryOf(method: unknown): ((...args: unknown[]) => unknown) | undefined {
  if (typeof method !== 'function') return undefined;
  const fast = fastOf(method) as (...args: unknown[]) => unknown;
  return fast !== method && entries.has(fast) ? fast : undefined;
}

function makeEntry(body: Body): (...args: unknown[]) => unknown {
  // One driver per function: its `prototype` is the original's, written only when it changed.
  // (Its own function, not one delegating to a shared driver: an async yield* adds promise ticks per step.)
  const driver = makeDriver() as unknown as Driver & { prototype: unknown };
  const entry = function (this: unknown, ...args: unknown[]): unknown {
    const g = (entry as unknown as Record<symbol, { prototype: unknown }>)[OWNER]!;
    if (driver.prototype !== g.prototype) driver.prototype = g.prototype;
    const it = apply(body, this, args);
    const running = rt.stack.length > 0 ? taskState(rt.stack[rt.stack.length - 1]!, 'async generator') : undefined;
    const budget = running ? { budgetMs: running.sliceMs, graceMs: running.sliceGraceMs } : undefined;
    if (!rt.sliced) throw new PreemptibleStateError('internal error: no driver for async generators (preemptible not loaded)');
    const state: DriverState = { it, budget, resumable: true, pre: undefined };
    const object = apply(driver, undefined, [state, START]) as object;
    states.set(object, state);
    return object;
  };
  return entry;
}
