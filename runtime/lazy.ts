// Lazy capture: inside a task, functions the transformer could make "fast" run as plain code (a fast copy
// with counters and a site number, no generator per call). Only when a checkpoint in a fast copy decides
// to pause does the stack get captured: the checkpoint throws CAPTURE, and every fast frame on the way out
// records its site and locals in a Frame. The nearest generator-mode caller (a boundary made by fastToGen)
// catches it, keeps the frames as a list and yields PAUSE to the task driver.
//
// Resuming *re-enters* the frames one at a time, innermost first: the innermost fast copy is called again
// with its frame in `rt.re`, restores its locals, runs in resume mode to the recorded site and continues at
// full speed from there. When it returns (or throws), the boundary re-enters the frame that was calling it,
// handing it that result at its site, and so on outwards. So a resumed task runs on a short native stack,
// and the next pause only captures the frames entered since the last resume: pausing and resuming cost the
// same however deep the paused stack is (re-entering every frame on each resume made both O(depth)).
//
// Every instrumented function has both entries, so the two modes call each other freely:
//   f[GEN]  (generator mode)  = fastToGen(f's fast copy)  or the transformer's generator version;
//   f[FAST] (fast mode)       = the fast copy              or genToFast(f[GEN]).
// A frame of generator-mode code inside a captured stack is its suspended generator (always innermost:
// what it calls is behind a boundary of its own).

import { rt } from './shared';
import { GEN, OWNER, PAUSE, type GenFn } from './symbols';
import { PreemptibleStateError } from './errors';
import { tick } from './clock';
import { apply, hasOwn, hidden } from './intrinsics';
import { markVersioned } from './brand';

const holder = globalThis as unknown as Record<symbol, object | undefined>;

/** Property under which a function's fast copy is stored (its [OWNER] is the function). */
export const FAST: unique symbol = Symbol.for('preemptible.fast') as never;

/** Thrown by a pausing checkpoint of a fast copy; never reaches user code (boundaries catch it). */
export const CAPTURE: object = (holder[Symbol.for('preemptible.capture.v1')] ??= Object.freeze({ preemptibleCapture: true }));


type FastFn = (this: unknown, ...args: unknown[]) => unknown;

/** Marks a generator-mode frame: [GENERATOR_FRAME, undefined, 0, null, suspended generator]. */
const GENERATOR_FRAME = (): never => {
  throw new PreemptibleStateError('internal error: a generator frame was called');
};

/** Stand, as the inner frame of a frame being re-entered, for how the call it was making ended. */
const RETURNED = (): never => {
  throw new PreemptibleStateError('internal error: a result frame was called');
};
const THREW = RETURNED.bind(undefined);

/**
 * A captured frame: [its fast copy, this, site, the frame it was calling (inner) or null, ...locals], or a
 * generator-mode frame (see GENERATOR_FRAME), or the result of a finished inner call (RETURNED, THREW).
 */
export type Frame = [FastFn, unknown, number, Frame | null, ...unknown[]];

/** `throw $pe.cap()` in a fast copy's pausing checkpoint: starts a capture at the innermost frame. */
export function cap(): object {
  rt.cap = null;
  return CAPTURE;
}

/**
 * Continues a captured frame at its site: re-enters its fast copy (which reads `rt.re` first thing), or
 * advances its generator, or gives back the result its inner call ended with. Returns what the frame's
 * function returns; if it pauses again, throws CAPTURE once more (or, a fast copy's re-entry copy paused
 * at its own checkpoint, returns CAPTURE with its frame recorded: only paused() calls it on such frames).
 */
export function reenter(frame: Frame): unknown {
  const fn = frame[0];
  if (fn === RETURNED) return frame[4];
  if (fn === THREW) throw frame[4];
  if (fn === GENERATOR_FRAME) {
    const it = frame[4] as Generator<unknown, unknown, unknown>;
    const r = it.next();
    if (r.done) return r.value;
    if (r.value !== PAUSE) throw notPause(it);
    frame[3] = null; // it held the link to its caller while paused
    rt.cap = frame;
    throw CAPTURE;
  }
  rt.re = frame;
  return fn.call(frame[1]);
}

/**
 * For a runtime function that is itself a frame of a paused stack (step() for a `next` that paused,
 * ctorBody() for a constructor body), re-entered with its `frame`: continues the frame it was calling (slot
 * 3) and returns what that returned. If it pauses again, `frame` is recorded once more (it is done with, so
 * it is reused as the new record).
 */
export function reenterInner(frame: Frame): unknown {
  try {
    return reenter(frame[3]!);
  } catch (e) {
    if (e === CAPTURE) {
      frame[3] = rt.cap;
      rt.cap = frame;
    }
    throw e;
  }
}

function notPause(it: Generator<unknown, unknown, unknown>): PreemptibleStateError {
  it.return(undefined);
  return new PreemptibleStateError('internal error: a generator version called from fast code yielded a value that is not PAUSE');
}

// A paused stack is a list of frames from the innermost outwards, linked through slot 3: while a frame is
// paused that slot holds the frame that called it (null for the outermost), and just before the frame is
// re-entered it gets the RETURNED/THREW frame its site reads. (No arrays with push(): a program may have
// put indexed setters on Object.prototype.)

/**
 * Turns the frames a capture recorded (rt.cap, linked outermost to innermost) into a paused stack on top
 * of `callers`, and returns its innermost frame.
 */
function takeCapture(e: unknown, callers: Frame | null): Frame {
  if (e !== CAPTURE) throw e;
  let f = rt.cap;
  let top = callers;
  rt.cap = null;
  while (f !== null) {
    const inner = f[3];
    f[3] = top;
    top = f;
    f = inner;
  }
  return top!;
}

const GeneratorPrototype = Object.getPrototypeOf(function* () {}).prototype as Generator<unknown, unknown, unknown>;
const generatorReturn = GeneratorPrototype.return;
const generatorNext = GeneratorPrototype.next;

/**
 * Runs the finally blocks of a suspended generator object to the end (its task was cancelled while it was
 * paused inside it). Run plainly: a user generator's checks do not pause without `rt.stepping`, and a
 * generator version's pauses are stepped over.
 */
export function unwind(it: object): void {
  let r = apply(generatorReturn, it, [undefined]) as IteratorResult<unknown>;
  while (!r.done) r = apply(generatorNext, it, []) as IteratorResult<unknown>;
}

/**
 * What a cancelled frame leaves to clean up, by its function: runtime frames register here (a generator
 * object paused inside its body is unwound). For every other frame, its recorded values go to `dropValue`
 * (iteration.ts closes the iterators of the loops they belong to).
 */
const dropFrame = new Map<unknown, (frame: Frame) => void>();
let dropValue: (value: unknown) => void = () => undefined;

/** How a cancelled frame of `fn` is unwound (runtime frames only). */
export function onAbandon(fn: unknown, drop: (frame: Frame) => void): void {
  dropFrame.set(fn, drop);
}

/** What to do with each value recorded in a cancelled frame (iteration.ts: close an open loop's iterator). */
export function onAbandonValue(drop: (value: unknown) => void): void {
  dropValue = drop;
}

/**
 * Unwinds a paused stack that will never be resumed (its task was cancelled while paused), innermost frame
 * first, as an exception would: a generator frame (only ever the innermost) runs its finally blocks; fast
 * frames have none (such functions are not made fast), but the for-of loops they are inside close their
 * iterators, as the language does when anything but a pause leaves a loop — a generator being iterated runs
 * its finally blocks.
 */
function abandon(top: Frame): void {
  for (let frame: Frame | null = top; frame !== null; frame = frame[3]) {
    if (frame[0] === GENERATOR_FRAME) {
      unwind(frame[4] as object);
      continue;
    }
    const drop = dropFrame.get(frame[0]);
    if (drop !== undefined) drop(frame);
    // Later locals belong to inner loops (their temporaries are declared after the outer loops').
    else for (let i = frame.length - 1; i >= 4; i--) dropValue(frame[i]);
  }
}

/** The generator-mode entry of a fast copy: runs it plainly and turns each capture into a pause. */
export function fastToGen(fast: FastFn): GenFn {
  const boundary = function* boundary(this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    let top: Frame;
    try {
      return fast.apply(this, args);
    } catch (e) {
      top = takeCapture(e, null);
    }
    return yield* paused(top);
  };
  (boundary as unknown as Record<symbol, unknown>)[INNER_FAST] = fast;
  return boundary;
}

/** On a boundary made by fastToGen: the fast copy inside it. */
const INNER_FAST: unique symbol = Symbol('preemptible.innerFast');

/**
 * Pauses with a captured stack, then resumes it on each `next()` until it finishes or is abandoned. A
 * resume re-enters the innermost frame, each on a short native stack; a frame that finishes hands its
 * result to the frame that called it, which is re-entered next; a frame that pauses again puts the frames
 * it captured on top of those still waiting.
 */
function* paused(top: Frame): Generator<unknown, unknown, unknown> {
  for (;;) {
    let resumed = false;
    try {
      yield PAUSE;
      resumed = true;
    } finally {
      if (!resumed) abandon(top);
    }
    let frame = top;
    let caller = frame[3];
    for (;;) {
      let result: unknown;
      let threw = false;
      try {
        result = reenter(frame);
        // A re-entry copy that paused at one of its own checkpoints recorded itself and returned CAPTURE.
        if (result === CAPTURE) {
          top = takeCapture(CAPTURE, caller);
          break;
        }
      } catch (e) {
        if (e === CAPTURE) {
          top = takeCapture(e, caller);
          break;
        }
        threw = true;
        result = e;
      }
      if (caller === null) {
        if (threw) throw result;
        return result;
      }
      frame = caller;
      caller = frame[3];
      frame[3] = [threw ? THREW : RETURNED, undefined, 0, null, result];
    }
  }
}

/** What callNow() returns when the call has not finished: the caller then `yield*`s suspended(). */
export const SUSPENDED: object = Object.freeze({ preemptibleSuspended: true });
let pending: Generator<unknown, unknown, unknown> | undefined;

/** The generator that finishes the call callNow() or suspendWith() left unfinished (taken once). */
export function suspended(): Generator<unknown, unknown, unknown> {
  const p = pending!;
  pending = undefined;
  return p;
}

/**
 * suspended(), in the body of a user generator (runtime user-generators.ts): the callee's pauses go out only
 * while step() runs this generator (`rt.stepping === holder`); for any other consumer (one that resumed it
 * after its task was cancelled, say) the callee is simply continued until it returns.
 */
export function* suspendedFor(holder: object): Generator<unknown, unknown, unknown> {
  const inner = suspended();
  let r = inner.next();
  while (!r.done) {
    r = rt.stepping === holder ? inner.next(yield r.value) : inner.next();
  }
  return r.value;
}

/** Leaves `gen` for the caller's next suspended() and returns SUSPENDED. */
export function suspendWith(gen: Generator<unknown, unknown, unknown>): object {
  pending = gen;
  return SUSPENDED;
}

/**
 * A runtime helper's call of a callback without versions, with `n` (2-4) arguments: a checkpoint, then the
 * plain call; SUSPENDED if the checkpoint pauses (the call runs when the task resumes). The arguments are
 * written out at each `apply` (as callNow's): V8 turns `apply(f, t, [a, b])` into a plain call only when the
 * array is a literal there, and an array handed in from the caller was allocated per call.
 */
export function callPlainNow(fn: (...args: unknown[]) => unknown, thisArg: unknown, n: 2 | 3 | 4, a: unknown, b: unknown, c?: unknown, d?: unknown): unknown {
  if (--rt.c < 0 && tick()) return suspendWith(afterPause(fn, thisArg, n === 3 ? [a, b, c] : n === 4 ? [a, b, c, d] : [a, b]));
  return n === 3 ? apply(fn, thisArg, [a, b, c]) : n === 4 ? apply(fn, thisArg, [a, b, c, d]) : apply(fn, thisArg, [a, b]);
}

function* afterPause(fn: (...args: unknown[]) => unknown, thisArg: unknown, args: unknown[]): Generator<unknown, unknown, unknown> {
  yield PAUSE;
  return apply(fn, thisArg, args);
}

/**
 * One call through a generator-mode entry `g` with `n` (2-4) arguments, for runtime helpers (array-method
 * and collection callbacks): a fast copy's boundary is skipped and the fast copy called plainly, so a
 * callback that does not pause costs a plain call (no generator, no `yield*` per element). Returns its value,
 * or SUSPENDED when it paused (or is a generator version): the helper then does `yield* suspended()`. What
 * enter() does, with the arguments written out at each call (see callPlainNow).
 */
export function callNow(g: GenFn, self: unknown, n: 2 | 3 | 4, a: unknown, b: unknown, c?: unknown, d?: unknown): unknown {
  const fast = (g as unknown as Record<symbol, FastFn | undefined>)[INNER_FAST];
  if (fast === undefined) return suspendWith(apply(g, self, n === 3 ? [a, b, c] : n === 4 ? [a, b, c, d] : [a, b]) as Generator<unknown, unknown, unknown>);
  try {
    return n === 3 ? apply(fast, self, [a, b, c]) : n === 4 ? apply(fast, self, [a, b, c, d]) : apply(fast, self, [a, b]);
  } catch (e) {
    return suspendFrom(e);
  }
}

/**
 * A call through a generator-mode entry `g` (what generator versions emit for an instrumented callee, and
 * callNow): a fast copy's boundary is skipped and the fast copy called plainly, so a callee that does not
 * pause costs a plain call instead of a generator and a `yield*`. Returns its value, or SUSPENDED when it
 * paused or `g` is a generator version (the caller then does `yield* suspended()`).
 */
export function enter(g: GenFn, self: unknown, args: unknown[]): unknown {
  const fast = (g as unknown as Record<symbol, FastFn | undefined>)[INNER_FAST];
  if (fast === undefined) return suspendWith(apply(g, self, args));
  try {
    return apply(fast, self, args);
  } catch (e) {
    return suspendFrom(e);
  }
}

/**
 * In the catch around a fast call made from generator mode: a capture becomes a paused stack left for the
 * caller's next suspended() (returns SUSPENDED); any other exception is rethrown.
 */
export function suspendFrom(e: unknown): object {
  return suspendWith(paused(takeCapture(e, null)));
}

/**
 * What a fast copy calls for a top-level function whose binding never changes (taken once, at load, after
 * every def/lazy of the file): its fast entry, or the function itself when it has none (then it cannot
 * pause, and a plain call is what the dispatch would have made).
 */
export function fastOf(fn: object): unknown {
  return fastEntryOf(fn) ?? fn;
}

/** `fn`'s own fast entry (its fast copy, or the fast-mode entry of its generator version), or undefined. */
export function fastEntryOf(fn: object): FastFn | undefined {
  const fast = (fn as Record<symbol, FastFn | undefined>)[FAST];
  return fast !== undefined && (fast as unknown as Record<symbol, unknown>)[OWNER] === fn ? fast : undefined;
}

/** The fast-mode entry of a generator version: runs it, and if it pauses, captures it as a frame. */
export function genToFast(gen: GenFn): FastFn {
  return function (this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const it = gen.apply(this, arguments as unknown as unknown[]);
    const r = it.next();
    if (r.done) return r.value;
    if (r.value !== PAUSE) throw notPause(it);
    rt.cap = [GENERATOR_FRAME, undefined, 0, null, it];
    throw CAPTURE;
  };
}

/**
 * Attaches `fast` as `fn`'s fast-mode entry. Only `fn` (the user's function) gets a non-enumerable property;
 * the runtime's own functions get plain stores, 10x cheaper (this runs once per closure a task calls).
 * `mark`: brand `fn` as versioned (brand.ts); a stamped closure is known by its stamp (deferred.ts) already.
 */
export function attachFast(fn: object, fast: FastFn, mark = true): void {
  (fast as unknown as Record<symbol, unknown>)[OWNER] = fn;
  hidden(fn, FAST, fast);
  if (mark) markVersioned(fn);
}

/** For a function with a fast copy: the fast copy, and a generator-mode entry built on it. */
export function attachLazy(fn: object, fast: FastFn): void {
  attachFast(fn, fast);
  attachGenFromFast(fn, fast);
}

/** `fn`'s generator-mode entry made from its fast copy `fast`, attached and returned. */
function attachGenFromFast(fn: object, fast: FastFn): GenFn {
  const gen = fastToGen(fast);
  (gen as unknown as Record<symbol, unknown>)[OWNER] = fn;
  hidden(fn, GEN, gen);
  return gen;
}

/**
 * For a function that has an own fast copy but no generator-mode entry yet (a closure whose versions were
 * made at run time: most are only ever called from fast copies, and making the entry for each cost as much
 * as the rest), the entry, made now; else undefined. Reads nothing but own data properties of `fn`.
 */
export function genFromOwnFast(fn: object): GenFn | undefined {
  if (!hasOwn(fn, FAST) || hasOwn(fn, GEN)) return undefined;
  const fast = (fn as Record<symbol, FastFn | undefined>)[FAST];
  if (typeof fast !== 'function' || (fast as unknown as Record<symbol, unknown>)[OWNER] !== fn) return undefined;
  return attachGenFromFast(fn, fast);
}
