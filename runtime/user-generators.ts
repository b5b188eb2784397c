// User generator functions, instrumented. The original `g` stays as it is; its fast entry (what instrumented
// code calls inside a task) makes the generator object from an instrumented copy of g's body whose
// checkpoints and calls may yield PAUSE, but only while runtime step() (a for-of in a fast copy) is running
// that object's next(): step() sees PAUSE, captures itself as a frame (the suspended generator object holds
// the rest), and on resume calls next() again. So does an explicit `it.next(v)` in instrumented code inside a
// task: %GeneratorPrototype%.next has a fast entry (nextFast) that steps such an object the same way, and so
// does `Array.from(it)` (iteration.ts fromFast). Every other consumer (spread, destructuring, yield* in plain code) gets
// plain steps: the body's checks fail and it runs as the original would.

import { apply } from './intrinsics';
import { attachLazy, CAPTURE, fastOf, onAbandon, unwind, type Frame } from './lazy';
import { rt } from './shared';
import { OWNER, PAUSE } from './symbols';

type Body = ((this: unknown, holder: object, ...args: unknown[]) => Generator<unknown, unknown, unknown>) & { prototype: unknown };

/** The entries genEntry made (they never pause: they only make the object). */
const entries = new WeakSet<object>();

/** The objects made through genEntry, each with the holder its body compares `rt.stepping` against. */
const holders = new WeakMap<object, object>();

/** %GeneratorPrototype%.next: a record whose `next` is anything else is stepped plainly. */
export const GeneratorNext = (Object.getPrototypeOf(function* () {}) as { prototype: { next: unknown } }).prototype.next;

/** The holder of a generator object made through genEntry, or undefined. */
export function holderOf(it: object): object | undefined {
  return holders.get(it);
}

/**
 * The fast entry of an instrumented generator function: `body` is the instrumented copy, taking a holder
 * before the original parameters. (Its owner, set when the entry is attached, is the original function.)
 */
export function genEntry(body: Body): (...args: unknown[]) => unknown {
  const entry = function (this: unknown, ...args: unknown[]): unknown {
    const g = (entry as unknown as Record<symbol, { prototype: unknown }>)[OWNER]!;
    // The object's prototype is the original's `prototype`, read at each call as the engine does. (Written
    // only when it changed: each write of a function's `prototype` drops its cached initial map, and every
    // object made after it got a new map: the generator pipeline kernel ran 5x slower.)
    if (body.prototype !== g.prototype) body.prototype = g.prototype;
    const holder = {};
    const it = apply(body, this, [holder, ...args]) as object;
    holders.set(it, holder);
    return it;
  };
  entries.add(entry);
  return entry;
}

/**
 * genEntry() for a generator function whose body reads `arguments`: `make(holder)` makes the instrumented
 * copy for one call, closing over that call's holder (a holder parameter would show in `arguments`). Its
 * objects get the original's prototype the way the engine gives it (the copy's `prototype`, read at the call).
 */
export function genEntryMade(make: (holder: object) => (this: unknown, ...args: unknown[]) => Generator<unknown, unknown, unknown>): (...args: unknown[]) => unknown {
  const entry = function (this: unknown, ...args: unknown[]): unknown {
    const g = (entry as unknown as Record<symbol, { prototype: unknown }>)[OWNER]!;
    const holder = {};
    const body = make(holder) as unknown as Body;
    body.prototype = g.prototype;
    const it = apply(body, this, args) as object;
    holders.set(it, holder);
    return it;
  };
  entries.add(entry);
  return entry;
}

/**
 * For runtime helpers that call a method plainly (a for-of's GetIterator): the method's generator entry when
 * it is an instrumented generator function, so that the object it makes can pause when stepped.
 */
export function generatorEntryOf(method: unknown): ((...args: unknown[]) => unknown) | undefined {
  if (typeof method !== 'function') return undefined;
  const fast = fastOf(method) as (...args: unknown[]) => unknown;
  return fast !== method && entries.has(fast) ? fast : undefined;
}

/**
 * next() of an object made through genEntry, with `rt.stepping` set to its holder: its body may pause, and
 * the result is then `{ value: PAUSE, done: false }` (isPause).
 */
export function nextStepping(it: object, holder: object, sent?: unknown): IteratorResult<unknown> {
  const outer = rt.stepping;
  rt.stepping = holder;
  try {
    return apply(GeneratorNext as (v: unknown) => IteratorResult<unknown>, it, [sent]);
  } finally {
    rt.stepping = outer;
  }
}

/**
 * The fast entry of %GeneratorPrototype%.next, which instrumented code calls for `it.next(v)` inside a task:
 * on an object made through genEntry, its next() with `rt.stepping` set, so its body may pause (this call is
 * then captured as a frame, and resuming runs next() again, as step() does); on anything else the builtin.
 */
function nextFast(this: unknown, sent?: unknown): unknown {
  const holder = typeof this === 'object' && this !== null ? holders.get(this) : undefined;
  // eslint-disable-next-line prefer-rest-params
  if (holder === undefined) return apply(GeneratorNext as (...a: unknown[]) => unknown, this, arguments as unknown as unknown[]);
  return nextPausing(this as object, holder, sent);
}

function nextPausing(it: object, holder: object, sent: unknown): unknown {
  const result = nextStepping(it, holder, sent);
  if (isPause(result)) {
    rt.cap = [nextAgain, undefined, 1, null, it, holder] as Frame;
    throw CAPTURE;
  }
  return result;
}

function nextAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  return nextPausing(frame[4] as object, frame[5] as object, undefined);
}

attachLazy(GeneratorNext as object, nextFast as never);

// An explicit `it.next()` paused inside the generator's body, cancelled.
onAbandon(nextAgain, (frame) => unwind(frame[4] as object));


export function isPause(result: IteratorResult<unknown>): boolean {
  return result.value === PAUSE && result.done === false;
}

/** What a generator version's for-of gets for a step that paused (see forOfIn). */
export const PAUSED_STEP: object = Object.freeze({ preemptiblePausedStep: true });

/**
 * GetIterator on a generator object made through genEntry, as the engine would have done it (a wrapper takes
 * the engine's place): the iterator, its `next`, and its holder when `next` is the generator's own.
 */
function trackedIterator(iterable: object): { iterator: object; next: unknown; holder: object | undefined } {
  const method = (iterable as Record<symbol, unknown>)[Symbol.iterator];
  if (typeof method !== 'function') throw new TypeError('object is not iterable');
  const iterator = apply(method as () => unknown, iterable, []);
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
    throw new TypeError('Result of the Symbol.iterator method is not an object');
  }
  const next = (iterator as { next: unknown }).next;
  return { iterator: iterator as object, next, holder: next === GeneratorNext ? holders.get(iterator as object) : undefined };
}

/**
 * A generator version's `for (x of E)` (the engine's own loop) iterates `forOfIn(E)`. For a generator object
 * made through genEntry, that is a wrapper that runs its next() with `rt.stepping` set, so the generator's
 * body may pause; a pause comes out as the value PAUSED_STEP, and the loop body (transformer) yields PAUSE
 * and continues, which runs next() again. Anything else is E itself: the engine's loop, untouched.
 */
export function forOfIn(iterable: unknown): unknown {
  if (typeof iterable !== 'object' || iterable === null || !holders.has(iterable)) return iterable;
  const { iterator, next, holder } = trackedIterator(iterable);
  return {
    [Symbol.iterator]() {
      return this;
    },
    next(): unknown {
      if (holder === undefined) return apply(next as () => unknown, iterator, []);
      const result = nextStepping(iterator, holder);
      return isPause(result) ? { value: PAUSED_STEP, done: false } : result;
    },
    return(): unknown {
      const ret = (iterator as { return?: unknown }).return;
      if (ret === undefined || ret === null) return { done: true, value: undefined };
      return apply(ret as () => unknown, iterator, []);
    },
  };
}

/**
 * `yield* E` in the body of an instrumented user generator (holder `outer`): when E is a generator object
 * made through genEntry, an iterator that forwards next/throw/return to it, running its next() with
 * `rt.stepping` set while the outer generator is itself being stepped, so a pause inside E comes out of the
 * outer generator as its own (step() sees it; resuming runs the delegation again). The engine's yield* does
 * the rest of the protocol. Anything else is E itself.
 */
export function delegating(iterable: unknown, outer: object): unknown {
  if (typeof iterable !== 'object' || iterable === null || !holders.has(iterable)) return iterable;
  const { iterator, next, holder } = trackedIterator(iterable);
  return {
    [Symbol.iterator]() {
      return this;
    },
    next(sent: unknown): unknown {
      if (holder !== undefined && rt.stepping === outer) return nextStepping(iterator, holder, sent);
      return apply(next as (v: unknown) => unknown, iterator, [sent]);
    },
    throw(error: unknown): unknown {
      const t = (iterator as { throw?: unknown }).throw;
      if (t === undefined || t === null) {
        const ret = (iterator as { return?: unknown }).return;
        if (ret !== undefined && ret !== null) apply(ret as () => unknown, iterator, []);
        throw new TypeError("The iterator does not provide a 'throw' method");
      }
      return apply(t as (e: unknown) => unknown, iterator, [error]);
    },
    return(value: unknown): unknown {
      const ret = (iterator as { return?: unknown }).return;
      if (ret === undefined || ret === null) return { value, done: true };
      return apply(ret as (v: unknown) => unknown, iterator, [value]);
    },
  };
}
