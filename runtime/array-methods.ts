// Versions of the Array.prototype methods that call back into user code. Instrumented code inside a task
// calls `arr.map(f)` through the normal dispatch and finds Array.prototype.map[FAST]: here a plain function
// (the "fast entry"), as a fast copy of an instrumented function is, so an array method whose callback does
// not pause costs a loop and plain calls (no generator per call, none per element). When the callback pauses
// (or, for a callback without versions, the checkpoint before an element's call decides to), the loop records
// where it was as a frame, as a fast copy's catch does (runtime/lazy.ts), and is re-entered there on resume
// (walkAgain). The generator-mode entry ([GEN]) is made from the fast one (attachLazy). Sort and toSorted keep
// generator versions (the TimSort port, runtime/timsort.ts).
//
// Each follows the specification's algorithm step by step (ToObject, length read once, holes skipped with
// HasProperty where the builtin skips them, thisArg, species constructors, error messages as V8 words them).
// When the callback has no versions and the array is small, the builtin itself runs: same result, and a
// small array cannot hold the task for long.

import { types } from 'node:util';
import { rt } from './checkpoint';
import { attachGen, genOf, type GenFn } from './symbols';
import { attachLazy, CAPTURE, fastEntryOf, reenterInner, type Frame } from './lazy';
import { apply, definer, lengthOf } from './intrinsics';
import { timSort } from './timsort';

const { isProxy } = types;
import { tick } from './clock';

type Gen<T> = Generator<unknown, T, unknown>;
type Callback = (...args: unknown[]) => unknown;

/** Arrays at most this long, with a callback that cannot pause, run in the builtin itself. */
const PLAIN_LIMIT = 1024;

function describe(value: unknown): string {
  if (typeof value === 'symbol') return value.toString();
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return '[object Array]';
  let name = 'Object';
  try {
    const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor;
    if (typeof ctor?.name === 'string' && ctor.name) name = ctor.name;
  } catch {
    // a throwing getter: keep the generic name
  }
  return `#<${name}>`;
}

function toObject(value: unknown, method: string): Record<number, unknown> {
  if (value === null || value === undefined) {
    throw new TypeError(`Array.prototype.${method} called on null or undefined`);
  }
  return Object(value) as Record<number, unknown>;
}

function callable(fn: unknown): Callback {
  if (typeof fn !== 'function') throw new TypeError(`${describe(fn)} is not a function`);
  return fn as Callback;
}

/** ArraySpeciesCreate(original, length). */
function speciesCreate(original: unknown, length: number): Record<number, unknown> {
  if (!Array.isArray(original)) return new Array(length);
  let C = (original as { constructor?: unknown }).constructor;
  if (C !== null && (typeof C === 'object' || typeof C === 'function')) {
    C = (C as { [Symbol.species]?: unknown })[Symbol.species];
    if (C === null) C = undefined;
  }
  if (C === undefined) return new Array(length);
  if (typeof C !== 'function') throw new TypeError('object.constructor[Symbol.species] is not a constructor');
  return new (C as new (n: number) => Record<number, unknown>)(length);
}

/** The steps every callback method starts with, in the specification's order: ToObject, length, IsCallable. */
function start(self: unknown, cb: unknown, method: string): { o: Record<number, unknown>; len: number; fn: Callback } {
  const o = toObject(self, method);
  const len = lengthOf(o);
  return { o, len, fn: callable(cb) };
}

/**
 * Short real arrays with a plain callback go to the builtin itself. Not a Proxy (Array.isArray is true for
 * one over an array): the builtin would read its `length` a second time, through the trap.
 */
function plainOk(o: unknown, g: GenFn | undefined, len: number): boolean {
  return len <= PLAIN_LIMIT && g === undefined && Array.isArray(o) && !isProxy(o);
}

const builtin = {
  map: Array.prototype.map,
  forEach: Array.prototype.forEach,
  filter: Array.prototype.filter,
  some: Array.prototype.some,
  every: Array.prototype.every,
  find: Array.prototype.find,
  findIndex: Array.prototype.findIndex,
  findLast: Array.prototype.findLast,
  findLastIndex: Array.prototype.findLastIndex,
  reduce: Array.prototype.reduce,
  reduceRight: Array.prototype.reduceRight,
  flatMap: Array.prototype.flatMap,
  sort: Array.prototype.sort,
  toSorted: (Array.prototype as unknown as { toSorted: (this: unknown, comparefn?: unknown) => unknown[] }).toSorted,
};

// ------------------------------------------------------------------------------------- the element loops

/** Where a paused loop stopped: inside element k's callback call, or at the checkpoint before that call. */
const IN_CALLBACK = 1;
const AT_CHECKPOINT = 2;

/** One call of an array method with a callback, as far as it has got. */
interface Walk {
  o: Record<number, unknown>;
  len: number;
  fn: Callback;
  thisArg: unknown;
  /** The callback's fast entry when it has versions (it checkpoints at its own entry), else undefined. */
  fast: Callback | undefined;
  /** The element whose call paused (or is next after a checkpoint's pause), and its value. */
  k: number;
  item: unknown;
  /** Re-entered after the checkpoint before element k paused: the next checkpoint is not made. */
  resumed: boolean;
  /** The method's loop from element `k` on; what it returns is the method's result. */
  from: (w: Walk) => unknown;
  /** Takes element `k`'s callback result, then goes on as `from` does after it. */
  took: (w: Walk, v: unknown) => unknown;
  /** map/filter/flatMap: the result being built; reduce: the accumulator. */
  a: Record<number, unknown> | undefined;
  define: (key: number, value: unknown) => void;
  to: number;
  acc: unknown;
}

const noDefine = (): void => {};

function walk(o: Record<number, unknown>, len: number, fn: Callback, thisArg: unknown, g: GenFn | undefined, k: number, from: Walk['from'], took: Walk['took'], a?: Record<number, unknown>): Walk {
  return {
    o,
    len,
    fn,
    thisArg,
    fast: g === undefined ? undefined : (fastEntryOf(fn) as Callback | undefined),
    k,
    item: undefined,
    resumed: false,
    from,
    took,
    a,
    define: a === undefined ? noDefine : definer(a),
    to: 0,
    acc: undefined,
  };
}

/**
 * For a callback without versions, the checkpoint before element k, which may pause the loop there (before
 * the element is looked at: a Proxy sees each read once, as the builtin makes it). Not after a resume there.
 */
function check(w: Walk, k: number): void {
  if (w.resumed) w.resumed = false;
  else if (--rt.c < 0 && tick()) pauseBefore(w, k);
}

/**
 * Calls the callback for element k (value `a`, arguments a, b, c): through its fast entry, recording this
 * loop as a frame if it pauses; or, without versions, plainly (the loop made a checkpoint).
 */
function call3(w: Walk, k: number, a: unknown, b: unknown, c: unknown): unknown {
  const fast = w.fast;
  if (fast === undefined) return apply(w.fn, w.thisArg, [a, b, c]);
  try {
    return apply(fast, w.thisArg, [a, b, c]);
  } catch (e) {
    if (e === CAPTURE) paused(w, k, a);
    throw e;
  }
}

/** reduce's call (accumulator `acc`, element value `b`, index, object), `this` undefined; as call3. */
function call4(w: Walk, k: number, acc: unknown, b: unknown, c: unknown, d: unknown): unknown {
  const fast = w.fast;
  if (fast === undefined) return apply(w.fn, undefined, [acc, b, c, d]);
  try {
    return apply(fast, undefined, [acc, b, c, d]);
  } catch (e) {
    if (e === CAPTURE) paused(w, k, b);
    throw e;
  }
}

/** A pause inside element k's callback is passing through: records the loop (the callback's frame inside). */
function paused(w: Walk, k: number, item: unknown): void {
  w.k = k;
  w.item = item;
  rt.cap = [walkAgain, undefined, IN_CALLBACK, rt.cap, w] as Frame;
}

/** The checkpoint before element k pauses: the loop is the innermost frame. */
function pauseBefore(w: Walk, k: number): never {
  w.k = k;
  rt.cap = [walkAgain, undefined, AT_CHECKPOINT, null, w] as Frame;
  throw CAPTURE;
}

/**
 * A paused loop re-entered (rt.re): takes the callback's result, or goes on from the element it paused
 * before, without the checkpoint there (at budget 0 it would pause again at the same place, for ever).
 */
function walkAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const w = frame[4] as Walk;
  if (frame[2] === IN_CALLBACK) return w.took(w, reenterInner(frame));
  w.resumed = true;
  return w.from(w);
}

// Each method: its loop from element w.k, and what it does with one callback result when re-entered with
// it; its fast entry is made by `entry` (reduce and reduceRight, whose steps before the loop differ, have
// their own).

/**
 * The fast entry of a method called (callback, thisArg): the specification's steps up to the loop, the
 * builtin itself for a short array with a plain callback, else the loop from the first element (`fromEnd`:
 * the last), building the result array `create` makes, if any.
 */
function entry(
  name: 'map' | 'forEach' | 'filter' | 'some' | 'every' | 'find' | 'findIndex' | 'findLast' | 'findLastIndex' | 'flatMap',
  from: Walk['from'],
  took: Walk['took'],
  fromEnd: boolean,
  create?: (o: Record<number, unknown>, len: number) => Record<number, unknown>,
): (this: unknown, cb: unknown, thisArg: unknown) => unknown {
  const native = builtin[name];
  return function (this: unknown, cb: unknown, thisArg: unknown): unknown {
    const { o, len, fn } = start(this, cb, name);
    const g = genOf(fn);
    if (plainOk(o, g, len)) return apply(native, o, [fn, thisArg]);
    return from(walk(o, len, fn, thisArg, g, fromEnd ? len - 1 : 0, from, took, create?.(o, len)));
  };
}
const sized = (o: Record<number, unknown>, len: number): Record<number, unknown> => speciesCreate(o, len);
const empty = (o: Record<number, unknown>): Record<number, unknown> => speciesCreate(o, 0);

function mapFrom(w: Walk): unknown {
  const { o, len, define } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (k in o) define(k, call3(w, k, o[k], k, o));
  }
  return w.a;
}
function mapTook(w: Walk, v: unknown): unknown {
  w.define(w.k, v);
  w.k++;
  return mapFrom(w);
}

function forEachFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (k in o) call3(w, k, o[k], k, o);
  }
  return undefined;
}
function forEachTook(w: Walk): unknown {
  w.k++;
  return forEachFrom(w);
}

function filterFrom(w: Walk): unknown {
  const { o, len, define } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (!(k in o)) continue;
    const v = o[k];
    if (call3(w, k, v, k, o)) define(w.to++, v);
  }
  return w.a;
}
function filterTook(w: Walk, keep: unknown): unknown {
  if (keep) w.define(w.to++, w.item);
  w.k++;
  return filterFrom(w);
}

function someFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (k in o && call3(w, k, o[k], k, o)) return true;
  }
  return false;
}
function someTook(w: Walk, v: unknown): unknown {
  if (v) return true;
  w.k++;
  return someFrom(w);
}

function everyFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (k in o && !call3(w, k, o[k], k, o)) return false;
  }
  return true;
}
function everyTook(w: Walk, v: unknown): unknown {
  if (!v) return false;
  w.k++;
  return everyFrom(w);
}

// find* visit holes too (they read o[k] for every index).
function findFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    const v = o[k];
    if (call3(w, k, v, k, o)) return v;
  }
  return undefined;
}
function findTook(w: Walk, found: unknown): unknown {
  if (found) return w.item;
  w.k++;
  return findFrom(w);
}

function findIndexFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (call3(w, k, o[k], k, o)) return k;
  }
  return -1;
}
function findIndexTook(w: Walk, v: unknown): unknown {
  if (v) return w.k;
  w.k++;
  return findIndexFrom(w);
}

function findLastFrom(w: Walk): unknown {
  const { o } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k >= 0; k--) {
    if (plain) check(w, k);
    const v = o[k];
    if (call3(w, k, v, k, o)) return v;
  }
  return undefined;
}
function findLastTook(w: Walk, found: unknown): unknown {
  if (found) return w.item;
  w.k--;
  return findLastFrom(w);
}

function findLastIndexFrom(w: Walk): unknown {
  const { o } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k >= 0; k--) {
    if (plain) check(w, k);
    if (call3(w, k, o[k], k, o)) return k;
  }
  return -1;
}
function findLastIndexTook(w: Walk, v: unknown): unknown {
  if (v) return w.k;
  w.k--;
  return findLastIndexFrom(w);
}

function reduce(this: unknown, cb: unknown, ...initial: unknown[]): unknown {
  const { o, len, fn } = start(this, cb, 'reduce');
  const g = genOf(fn);
  if (plainOk(o, g, len)) return apply(builtin.reduce, o, [fn, ...initial]);
  let k = 0;
  let acc: unknown;
  if (initial.length > 0) acc = initial[0];
  else {
    while (k < len && !(k in o)) k++;
    if (k >= len) throw new TypeError('Reduce of empty array with no initial value');
    acc = o[k++];
  }
  const w = walk(o, len, fn, undefined, g, k, reduceFrom, reduceTook);
  w.acc = acc;
  return reduceFrom(w);
}
function reduceFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  let acc = w.acc;
  for (let k = w.k; k < len; k++) {
    if (plain) {
      w.acc = acc; // (what the checkpoint's pause keeps)
      check(w, k);
    }
    if (k in o) acc = call4(w, k, acc, o[k], k, o);
  }
  return acc;
}
function reduceTook(w: Walk, acc: unknown): unknown {
  w.acc = acc;
  w.k++;
  return reduceFrom(w);
}

function reduceRight(this: unknown, cb: unknown, ...initial: unknown[]): unknown {
  const { o, len, fn } = start(this, cb, 'reduceRight');
  const g = genOf(fn);
  if (plainOk(o, g, len)) return apply(builtin.reduceRight, o, [fn, ...initial]);
  let k = len - 1;
  let acc: unknown;
  if (initial.length > 0) acc = initial[0];
  else {
    while (k >= 0 && !(k in o)) k--;
    if (k < 0) throw new TypeError('Reduce of empty array with no initial value');
    acc = o[k--];
  }
  const w = walk(o, len, fn, undefined, g, k, reduceRightFrom, reduceRightTook);
  w.acc = acc;
  return reduceRightFrom(w);
}
function reduceRightFrom(w: Walk): unknown {
  const { o } = w;
  const plain = w.fast === undefined;
  let acc = w.acc;
  for (let k = w.k; k >= 0; k--) {
    if (plain) {
      w.acc = acc; // (what the checkpoint's pause keeps)
      check(w, k);
    }
    if (k in o) acc = call4(w, k, acc, o[k], k, o);
  }
  return acc;
}
function reduceRightTook(w: Walk, acc: unknown): unknown {
  w.acc = acc;
  w.k--;
  return reduceRightFrom(w);
}

function flatMapFrom(w: Walk): unknown {
  const { o, len } = w;
  const plain = w.fast === undefined;
  for (let k = w.k; k < len; k++) {
    if (plain) check(w, k);
    if (k in o) flatten(w, call3(w, k, o[k], k, o));
  }
  return w.a;
}
function flatMapTook(w: Walk, mapped: unknown): unknown {
  flatten(w, mapped);
  w.k++;
  return flatMapFrom(w);
}
/** FlattenIntoArray at depth 1: an array's present elements, or the value itself. */
function flatten(w: Walk, mapped: unknown): void {
  if (Array.isArray(mapped)) {
    const m = mapped as unknown as Record<number, unknown>;
    const n = lengthOf(m);
    for (let j = 0; j < n; j++) if (j in m) w.define(w.to++, m[j]);
  } else {
    w.define(w.to++, mapped);
  }
}

/** The fast entries, attached as Array.prototype's methods' [FAST] (their [GEN] made from them). */
const fastEntries = {
  map: entry('map', mapFrom, mapTook, false, sized),
  forEach: entry('forEach', forEachFrom, forEachTook, false),
  filter: entry('filter', filterFrom, filterTook, false, empty),
  some: entry('some', someFrom, someTook, false),
  every: entry('every', everyFrom, everyTook, false),
  find: entry('find', findFrom, findTook, false),
  findIndex: entry('findIndex', findIndexFrom, findIndexTook, false),
  findLast: entry('findLast', findLastFrom, findLastTook, true),
  findLastIndex: entry('findLastIndex', findLastIndexFrom, findLastIndexTook, true),
  reduce,
  reduceRight,
  flatMap: entry('flatMap', flatMapFrom, flatMapTook, false, empty),
};

// ------------------------------------------------------------------------------------------------- sorts

const generators = {
  *sort(this: unknown, comparefn: unknown) {
    const fn = comparator(comparefn);
    const o = toObject(this, 'sort');
    const len = lengthOf(o);
    const g = genOf(fn);
    if (fn === undefined || plainOk(o, g, len)) return builtin.sort.call(o, fn as never);
    const { items, undefineds } = yield* sortIndexed(o, len, fn, g, true);
    let k = 0;
    for (; k < items.length; k++) o[k] = items[k];
    for (let u = 0; u < undefineds; u++, k++) o[k] = undefined;
    for (; k < len; k++) delete o[k];
    return o;
  },
  *toSorted(this: unknown, comparefn: unknown) {
    const fn = comparator(comparefn);
    const o = toObject(this, 'toSorted');
    const len = lengthOf(o);
    const g = genOf(fn);
    if (fn === undefined || plainOk(o, g, len)) return builtin.toSorted.call(o, fn);
    const a = new Array(len) as unknown[]; // ArrayCreate(len): the engine's RangeError past 2 ** 32 - 1
    const { items, undefineds } = yield* sortIndexed(o, len, fn, g, false);
    const define = definer(a as unknown as Record<number, unknown>);
    let k = 0;
    for (; k < items.length; k++) define(k, items[k]);
    for (let u = 0; u < undefineds; u++, k++) define(k, undefined);
    return a;
  },
};

/** The comparator both sorts check first, before reading anything. */
function comparator(comparefn: unknown): Callback | undefined {
  if (comparefn !== undefined && typeof comparefn !== 'function') {
    throw new TypeError('The comparison function must be either a function or undefined');
  }
  return comparefn as Callback | undefined;
}

/**
 * SortIndexedProperties: the values at indices below `len` sorted by V8's TimSort (so a comparator sees the
 * builtin's calls), undefineds counted apart (they go last). `skipHoles`: sort's (a hole is no value, it goes
 * after the undefineds); toSorted reads through holes (undefined).
 */
function* sortIndexed(o: Record<number, unknown>, len: number, fn: Callback, g: GenFn | undefined, skipHoles: boolean): Gen<{ items: unknown[]; undefineds: number }> {
  const items: unknown[] = [];
  let undefineds = 0;
  for (let k = 0; k < len; k++) {
    if (skipHoles && !(k in o)) continue;
    const v = o[k];
    if (v === undefined) undefineds++;
    else items.push(v);
  }
  yield* timSort(items, fn, g); // items is its work array, sorted in place
  return { items, undefineds };
}

/** Attaches the versions (non-enumerable, like the methods themselves). Idempotent. */
export function installArrayMethods(): void {
  for (const name of Object.keys(fastEntries) as (keyof typeof fastEntries)[]) {
    const method = builtin[name];
    if (genOf(method) !== undefined) continue;
    attachLazy(method, fastEntries[name] as never);
  }
  for (const name of Object.keys(generators) as (keyof typeof generators)[]) {
    const method = builtin[name];
    if (genOf(method) !== undefined) continue;
    attachGen(method, generators[name] as never);
  }
}
