// `for...of` in fast copies. A fast copy cannot keep the engine's own for-of: a pause unwinds the frame by
// an exception, which would close the iterator (the engine calls its `return()` on any abrupt exit), and
// the re-entry copy has to continue the same iterator. So the transformer lowers the loop onto these
// helpers and closes the iterator itself where the language does: on `break`, `return` and labeled
// `continue` out of the loop (close: errors from `return()` propagate) and on an exception leaving the
// function (closeAfterThrow: errors from `return()` are dropped), never on a pause.
//
//   for ($i = iter(E, text), $n = start($i);
//        $n >= 0 ? ($n < $i.length ? ($v = $i[$n++], true) : ($i = undefined, false))
//                : ($v = step($i)) !== DONE || ($i = undefined); ) { x = $v; ... }
//
// Arrays whose iteration is the builtin one are walked by index in the loop itself ($i is the array, $n the
// index), which is what the array iterator does (length read at every step, holes read through the
// prototype), with no iterator object and no call per element: through a record and step() such a loop
// cost ~1.5-2x the engine's own for-of. Other iterables get a record ($n is -1).

import { apply, definer, lengthOf } from './intrinsics';
import { attachLazy, CAPTURE, fastOf, onAbandon, onAbandonValue, reenterInner, suspendFrom, unwind, type Frame } from './lazy';
import { rt } from './shared';
import { GeneratorNext, generatorEntryOf, holderOf, isPause, nextStepping } from './user-generators';

/** What step() returns when the iterator is done. */
export const DONE: object = Object.freeze({ preemptibleDone: true });

const ArrayValues = Array.prototype[Symbol.iterator];
const ArrayIteratorNext = Object.getPrototypeOf([][Symbol.iterator]()).next as () => IteratorResult<unknown>;
const ArrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]()) as { next: unknown };
const isArray = Array.isArray;

/** An iterator's record (a class: a cancelled frame's values are told apart from the program's by it). */
class IterationRecord {
  declare readonly iterator: object;
  declare readonly next: unknown;
  /** True while next() runs: an exception from it does not close the iterator. */
  declare inNext: boolean;
  /** Closed already (a cancelled stack may hold the record in two frames). */
  declare closed: boolean;
  constructor(iterator: object, next: unknown) {
    // Plain assignments, one shape: the record of every for-of over an iterator.
    this.iterator = iterator;
    this.next = next;
    this.inNext = false;
    this.closed = false;
  }
}

/** What iter() returns: an array walked by index, or the record of an iterator. */
type Iteration = unknown[] | IterationRecord;

function show(v: unknown): string {
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'object' && v !== null) return '#<Object>';
  return String(v);
}

/**
 * The engine's TypeError text for a value that is not iterable (`nullish`: null or undefined, whose
 * Symbol.iterator cannot even be read), which V8 words by where the value is iterated.
 */
type NotIterable = (value: unknown, text: string, nullish: boolean) => string;

/** for-of, an array literal's spread: `x is not iterable`. */
const forOf: NotIterable = (_value, text) => `${text} is not iterable`;

/** A spread among a call's arguments. */
const inArguments: NotIterable = (value, text, nullish) =>
  nullish ? `${text} is not iterable (cannot read property ${value})` : 'Spread syntax requires ...iterable[Symbol.iterator] to be a function';

/**
 * Destructuring a call's result: V8 names a call of a name (`f()`) or a `new` as for-of does (`text` is then
 * that), a chain of calls by its innermost callee (`f()()`: `text`), anything else by the value's type.
 */
const destructuring = (form: 'text' | 'chain' | 'value'): NotIterable => (value, text) => {
  if (form === 'text') return `${text} is not iterable`;
  const what = form === 'chain' ? text
    : value === null ? 'object null'
    : typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${String(value)}`
    : typeof value;
  return `${what} is not iterable (cannot read property Symbol(Symbol.iterator))`;
};

/** GetIterator(value, sync). `text` renders the iterable the way the engine's message does. */
export function iter(value: unknown, text: string, notIterable: NotIterable = forOf): Iteration {
  if (value === null || value === undefined) throw new TypeError(notIterable(value, text, true));
  const method = (value as Record<symbol, unknown>)[Symbol.iterator];
  if (typeof method !== 'function') throw new TypeError(notIterable(value, text, false));
  return iterWith(value, method);
}

/** GetIteratorFromMethod(value, method), `method` a function read from `value[Symbol.iterator]`. */
function iterWith(value: unknown, method: unknown): Iteration {
  if (method === ArrayValues && isArray(value) && ArrayIteratorPrototype.next === ArrayIteratorNext) return value;
  // `*[Symbol.iterator]() {...}` instrumented: its entry makes an object that can pause when stepped.
  const iterator = apply((generatorEntryOf(method) ?? method) as () => unknown, value, []);
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
    throw new TypeError('Result of the Symbol.iterator method is not an object');
  }
  return new IterationRecord(iterator, (iterator as { next: unknown }).next);
}

/** The first index for an array walked by index, -1 for an iterator record (the loop calls step()). */
export function start(it: Iteration): number {
  return isArray(it) ? 0 : -1;
}

/**
 * IteratorStep + IteratorValue of an iterator record: the next value, or DONE. A `next` with a fast copy
 * (an instrumented method) runs that, and a pause inside it unwinds through this call as through a fast
 * copy's frame: the loop's step is a resume point of the fast copy that called it (lazy.ts), and this
 * frame, re-entered, finishes the step with what `next` returned.
 */
export function step(r: IterationRecord): unknown {
  r.inNext = true;
  const next = r.next;
  if (typeof next !== 'function') throw new TypeError(`${show(next)} is not a function`);
  if (next === GeneratorNext) {
    const holder = holderOf(r.iterator);
    if (holder !== undefined) return stepGenerator(r, holder);
  }
  const fast = fastOf(next) as () => unknown;
  if (fast === next) return stepped(r, apply(fast, r.iterator, []));
  let result: unknown;
  try {
    result = apply(fast, r.iterator, []);
  } catch (e) {
    if (e === CAPTURE) rt.cap = [stepAgain, undefined, 1, rt.cap, r] as Frame;
    throw e;
  }
  return stepped(r, result);
}

/** step() re-entered after a pause inside `next`: its frame's slot 3 holds what `next` returned or threw. */
function stepAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const result = reenterInner(frame);
  return stepped(frame[4] as IterationRecord, result);
}

/**
 * next() of a generator object made by an instrumented user generator (user-generators.ts): with
 * `rt.stepping` set to its holder, its body may yield PAUSE. Then this step is captured as the innermost
 * frame (the suspended generator object holds the rest), and stepGeneratorAgain runs next() again.
 */
function stepGenerator(r: IterationRecord, holder: object): unknown {
  const result = nextStepping(r.iterator, holder);
  if (isPause(result)) {
    rt.cap = [stepGeneratorAgain, undefined, 1, null, r, holder] as Frame;
    throw CAPTURE;
  }
  return stepped(r, result);
}

// Cancelled while paused inside the body of a generator being stepped: its finally blocks run (plainly),
// and the loop's record is then closed already.
onAbandon(stepGeneratorAgain, (frame) => {
  const r = frame[4] as IterationRecord;
  r.closed = true;
  unwind(r.iterator);
});

function stepGeneratorAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  return stepGenerator(frame[4] as IterationRecord, frame[5] as object);
}

/** The rest of IteratorStep + IteratorValue, given what `next` returned. */
function stepped(r: IterationRecord, result: unknown): unknown {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new TypeError(`Iterator result ${show(result)} is not an object`);
  }
  const { done } = result as IteratorResult<unknown>;
  if (done) return DONE;
  const value = (result as IteratorResult<unknown>).value;
  r.inNext = false;
  return value;
}

/** IteratorClose after `break`, `return` or `continue L` out of the loop (an array has nothing to close). */
export function close(r: Iteration | undefined): void {
  if (r === undefined || isArray(r)) return;
  r.closed = true;
  const ret = (r.iterator as { return?: unknown }).return;
  if (ret === undefined || ret === null) return;
  if (typeof ret !== 'function') throw new TypeError(`${show(ret)} is not a function`);
  const result = apply(ret as () => unknown, r.iterator, []);
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new TypeError(`Iterator result ${show(result)} is not an object`);
  }
}

/** IteratorClose when an exception leaves the loop: the exception wins over anything `return()` does. */
export function closeAfterThrow(r: Iteration | undefined): void {
  if (r === undefined || isArray(r) || r.inNext) return;
  try {
    close(r);
  } catch {
    // dropped, as the language does
  }
}

/**
 * A task cancelled while paused inside a loop: the loop's iterator is closed as for an exception leaving it
 * (a generator being iterated runs its finally blocks), once, unless the pause was inside its `next`.
 */
function dropIteration(r: unknown): void {
  if (r instanceof IterationRecord && !r.closed) closeAfterThrow(r);
}
onAbandonValue(dropIteration);

const ArrayFrom = Array.from as (...args: unknown[]) => unknown[];

/** `limit`: how many values to take, then close the iterator if it is not done (destructureNow); else all. */
interface FromState {
  a: unknown[];
  k: number;
  /** The iteration (an array walked by index, or an iterator's record); undefined: an array-like, `o`. */
  r: Iteration | undefined;
  /** The array-like and its length (read once), when `r` is undefined. */
  o?: Record<number, unknown>;
  len?: number;
  mapfn: unknown;
  thisArg: unknown;
  limit?: number;
  /** CreateDataPropertyOrThrow on `a` (made on first use). */
  define?: (key: number, value: unknown) => void;
}

/**
 * The fast entry of Array.from, which instrumented code calls inside a task. `Array.from(items, mapfn,
 * thisArg)` with an instrumented `mapfn`, or of a generator object made through genEntry, is the builtin's
 * algorithm written out (the iterator stepped as a for-of steps it, or the array-like read by index), so
 * that `mapfn` and the generator's body can pause: this call is then a frame of its own, as step()'s.
 * Anything else (another constructor as `this`, a mapfn that is not a function, nothing that could pause)
 * is the builtin.
 */
function fromFast(this: unknown, items?: unknown, mapfn?: unknown, thisArg?: unknown): unknown {
  // Another constructor, a bad mapfn or no items (the builtin's errors, before anything is read), or nothing
  // that could pause (a mapfn without versions over anything but a generator made through genEntry).
  if (
    this !== Array ||
    (mapfn !== undefined && typeof mapfn !== 'function') ||
    items === null ||
    items === undefined ||
    ((mapfn === undefined || fastOf(mapfn) === mapfn) && (typeof items !== 'object' || holderOf(items) === undefined))
  ) {
    // eslint-disable-next-line prefer-rest-params
    return apply(ArrayFrom, this, arguments as unknown as unknown[]);
  }
  const s: FromState = { a: [], k: 0, r: undefined, mapfn, thisArg };
  const method = (items as Record<symbol, unknown>)[Symbol.iterator]; // GetMethod: read once
  if (method === undefined || method === null) {
    // An array-like: its length once, then every index up to it (holes read as undefined).
    s.o = Object(items) as Record<number, unknown>;
    s.len = lengthOf(s.o);
    s.a = new Array(s.len); // ArrayCreate(len): the engine's RangeError past 2 ** 32 - 1
  } else {
    if (typeof method !== 'function') {
      throw new TypeError('%Array%.from requires that the property of the first argument, items[Symbol.iterator], when exists, be a function');
    }
    s.r = iterWith(items, method);
  }
  return fromLoop(s, undefined, FRESH);
}

/** Where fromLoop() starts an element: afresh, with the next value taken (not yet mapped), or mapped. */
const FRESH = 0;
const TAKEN = 1;
const MAPPED = 2;

/** The rest of Array.from (and destructureNow); `value` is the element's, as far as `phase` says. */
function fromLoop(s: FromState, value: unknown, phase: number): unknown {
  for (;;) {
    if (phase === FRESH) {
      if (s.k === s.limit) {
        close(s.r); // IteratorClose after a pattern's last element: errors from return() propagate
        return s.a;
      }
      value = take(s);
      phase = TAKEN;
    }
    if (phase === TAKEN) {
      if (value === DONE) {
        s.a.length = s.r === undefined ? s.len! : s.k;
        return s.a;
      }
      if (s.mapfn !== undefined) value = mapped(s, value);
    }
    (s.define ??= definer(s.a))(s.k, value);
    s.k++;
    phase = FRESH;
  }
}

/** The next value of the iteration, or DONE. A pause inside a step records this loop as a frame. */
function take(s: FromState): unknown {
  const r = s.r;
  if (r === undefined) return s.k < s.len! ? s.o![s.k] : DONE;
  if (isArray(r)) return s.k < r.length ? r[s.k] : DONE; // as the array iterator: length read at each step
  try {
    return step(r);
  } catch (e) {
    if (e === CAPTURE) rt.cap = [fromAgain, undefined, 1, rt.cap, s] as Frame;
    throw e;
  }
}

/** mapfn(value, k): its fast entry when it has one; a pause records this loop as a frame. */
function mapped(s: FromState, value: unknown): unknown {
  try {
    return apply(fastOf(s.mapfn as object) as (v: unknown, k: number) => unknown, s.thisArg, [value, s.k]);
  } catch (e) {
    if (e === CAPTURE) rt.cap = [mapAgain, undefined, 2, rt.cap, s] as Frame;
    else closeAfterThrow(s.r);
    throw e;
  }
}

/** fromLoop() re-entered after a pause inside a step: slot 3 holds how the step ended. */
function fromAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const value = reenterInner(frame);
  return fromLoop(frame[4] as FromState, value, TAKEN);
}

/** fromLoop() re-entered after a pause inside mapfn: slot 3 holds how that call ended. */
function mapAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const s = frame[4] as FromState;
  let value: unknown;
  try {
    value = reenterInner(frame);
  } catch (e) {
    if (e !== CAPTURE) closeAfterThrow(s.r); // IfAbruptCloseIterator
    throw e;
  }
  return fromLoop(s, value, MAPPED);
}

attachLazy(ArrayFrom, fromFast as never);
// A cancelled Array.from / spread / destructuring closes its iterator as one that threw would.
onAbandon(fromAgain, (frame) => dropIteration((frame[4] as FromState).r));
onAbandon(mapAgain, (frame) => dropIteration((frame[4] as FromState).r));

/**
 * `const [a, , b] = f()` in a generator version (names and holes only, no rest, no defaults): the `count`
 * values the engine's destructuring would take, stepped as a for-of steps (a user generator may pause inside),
 * then the iterator closed if it is not done, as the engine does after the last element; the engine then
 * destructures the array this returns (binding names is not observable). An array is left to the engine.
 * SUSPENDED when it paused; `text` and `form` render the operand as the engine's TypeError does.
 */
export function destructureNow(value: unknown, count: number, text: string, form: 'text' | 'chain' | 'value'): unknown {
  if (isArray(value)) return value;
  try {
    const it = iter(value, text, destructuring(form)) as IterationRecord; // (an array was returned above)
    return fromLoop({ a: [], k: 0, r: it, mapfn: undefined, thisArg: undefined, limit: count }, undefined, FRESH);
  } catch (e) {
    return suspendFrom(e);
  }
}

/**
 * `...value` in a generator version (an array literal's element, or a call's or `new`'s argument): the values
 * the engine's spread would take, collected the way a for-of steps (iter, step: a user generator's body, or
 * an instrumented `next`, may pause, this call then a frame of its own, as Array.from's), as an array the
 * engine then spreads; SUSPENDED when it paused (the version then does `yield* $pe.suspended()`). An array
 * iterated by the builtin iterator is read as that iterator reads it (length at each step). `text` renders
 * the operand as the engine's TypeError does; `inCall`: the spread is an argument (worded differently).
 */
export function spreadNow(value: unknown, text: string, inCall: boolean): unknown {
  try {
    const it = iter(value, text, inCall ? inArguments : forOf);
    if (!isArray(it)) return fromLoop({ a: [], k: 0, r: it, mapfn: undefined, thisArg: undefined }, undefined, FRESH);
    const copy: unknown[] = [];
    const define = definer(copy);
    for (let i = 0; i < it.length; i++) define(i, it[i]);
    return copy;
  } catch (e) {
    return suspendFrom(e);
  }
}
