// Generator versions of the Array.prototype methods that call back into user code, attached to the
// builtins as [GEN]. Instrumented code inside a task calls `arr.map(f)` through the normal dispatch, finds
// Array.prototype.map[GEN] and `yield*`s into it, so the task can pause inside the callback (and between
// elements, when the callback itself cannot pause).
//
// Each follows the specification's algorithm step by step (ToObject, length read once, holes skipped with
// HasProperty where the builtin skips them, thisArg, species constructors, error messages as V8 words them).
// When the callback has no generator version and the array is small, the builtin itself runs: same result,
// no per-element generator cost, and a small array cannot hold the task for long.

import { types } from 'node:util';
import { PAUSE, rt } from './checkpoint';
import { attachGen, genOf, type GenFn } from './symbols';
import { callNow, callPlainNow, suspended, SUSPENDED } from './lazy';
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

/**
 * One callback call (value, index, object): its value, or SUSPENDED, after which `yield* suspended()` gives
 * it. The callback's fast copy or generator version when it has one (it checkpoints at its entry), else a
 * checkpoint and a plain call. `g` is read once per builtin call (genOf).
 */
function call3(g: GenFn | undefined, fn: Callback, thisArg: unknown, a: unknown, b: unknown, c: unknown): unknown {
  return g ? callNow(g, thisArg, 3, a, b, c) : callPlainNow(fn, thisArg, 3, a, b, c);
}

/**
 * The element loop, for a callback that has no generator version: calls it directly (no generator per
 * element) with a checkpoint between elements. `each(k)` does one element and returns false to stop.
 */
function* loopPlain(len: number, each: (k: number) => boolean): Gen<void> {
  for (let i = 0; i < len; i++) {
    if (--rt.c < 0 && tick()) yield PAUSE;
    if (!each(i)) return;
  }
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

const generators: Record<keyof typeof builtin, GenFn> = {
  *map(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'map');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.map.call(o, fn, thisArg);
    const a = speciesCreate(o, len);
    const define = definer(a);
    if (!g) {
      yield* loopPlain(len, (k) => {
        if (k in o) define(k, apply(fn, thisArg, [o[k], k, o]));
        return true;
      });
      return a;
    }
    for (let k = 0; k < len; k++) {
      if (!(k in o)) continue;
      let v = call3(g, fn, thisArg, o[k], k, o);
      if (v === SUSPENDED) v = yield* suspended();
      define(k, v);
    }
    return a;
  },
  *forEach(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'forEach');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.forEach.call(o, fn, thisArg);
    if (!g) {
      yield* loopPlain(len, (k) => {
        if (k in o) apply(fn, thisArg, [o[k], k, o]);
        return true;
      });
      return undefined;
    }
    for (let k = 0; k < len; k++) {
      if (!(k in o)) continue;
      const v = call3(g, fn, thisArg, o[k], k, o);
      if (v === SUSPENDED) yield* suspended();
    }
    return undefined;
  },
  *filter(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'filter');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.filter.call(o, fn, thisArg);
    const a = speciesCreate(o, 0);
    const define = definer(a);
    let to = 0;
    if (!g) {
      yield* loopPlain(len, (k) => {
        if (k in o) {
          const v = o[k];
          if (apply(fn, thisArg, [v, k, o])) define(to++, v);
        }
        return true;
      });
      return a;
    }
    for (let k = 0; k < len; k++) {
      if (k in o) {
        const v = o[k];
        let keep = call3(g, fn, thisArg, v, k, o);
        if (keep === SUSPENDED) keep = yield* suspended();
        if (keep) define(to++, v);
      }
    }
    return a;
  },
  *some(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'some');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.some.call(o, fn, thisArg);
    for (let k = 0; k < len; k++) {
      if (!(k in o)) continue;
      let v = call3(g, fn, thisArg, o[k], k, o);
      if (v === SUSPENDED) v = yield* suspended();
      if (v) return true;
    }
    return false;
  },
  *every(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'every');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.every.call(o, fn, thisArg);
    for (let k = 0; k < len; k++) {
      if (!(k in o)) continue;
      let v = call3(g, fn, thisArg, o[k], k, o);
      if (v === SUSPENDED) v = yield* suspended();
      if (!v) return false;
    }
    return true;
  },
  // find* visit holes too (they read o[k] for every index).
  *find(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'find');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.find.call(o, fn, thisArg);
    for (let k = 0; k < len; k++) {
      const v = o[k];
      let found = call3(g, fn, thisArg, v, k, o);
      if (found === SUSPENDED) found = yield* suspended();
      if (found) return v;
    }
    return undefined;
  },
  *findIndex(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'findIndex');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.findIndex.call(o, fn, thisArg);
    for (let k = 0; k < len; k++) {
      let v = call3(g, fn, thisArg, o[k], k, o);
      if (v === SUSPENDED) v = yield* suspended();
      if (v) return k;
    }
    return -1;
  },
  *findLast(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'findLast');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.findLast.call(o, fn, thisArg);
    for (let k = len - 1; k >= 0; k--) {
      const v = o[k];
      let found = call3(g, fn, thisArg, v, k, o);
      if (found === SUSPENDED) found = yield* suspended();
      if (found) return v;
    }
    return undefined;
  },
  *findLastIndex(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'findLastIndex');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.findLastIndex.call(o, fn, thisArg);
    for (let k = len - 1; k >= 0; k--) {
      let v = call3(g, fn, thisArg, o[k], k, o);
      if (v === SUSPENDED) v = yield* suspended();
      if (v) return k;
    }
    return -1;
  },
  *reduce(this: unknown, cb: unknown, ...initial: unknown[]) {
    const { o, len, fn } = start(this, cb, 'reduce');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.reduce.apply(o, [fn, ...initial] as never);
    let k = 0;
    let acc: unknown;
    if (initial.length > 0) acc = initial[0];
    else {
      while (k < len && !(k in o)) k++;
      if (k >= len) throw new TypeError('Reduce of empty array with no initial value');
      acc = o[k++];
    }
    if (!g) {
      const from = k;
      yield* loopPlain(len - from, (i) => {
        const j = from + i;
        if (j in o) acc = apply(fn, undefined, [acc, o[j], j, o]);
        return true;
      });
      return acc;
    }
    for (; k < len; k++) {
      if (!(k in o)) continue;
      acc = callNow(g, undefined, 4, acc, o[k], k, o);
      if (acc === SUSPENDED) acc = yield* suspended();
    }
    return acc;
  },
  *reduceRight(this: unknown, cb: unknown, ...initial: unknown[]) {
    const { o, len, fn } = start(this, cb, 'reduceRight');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.reduceRight.apply(o, [fn, ...initial] as never);
    let k = len - 1;
    let acc: unknown;
    if (initial.length > 0) acc = initial[0];
    else {
      while (k >= 0 && !(k in o)) k--;
      if (k < 0) throw new TypeError('Reduce of empty array with no initial value');
      acc = o[k--];
    }
    for (; k >= 0; k--) {
      if (!(k in o)) continue;
      acc = g ? callNow(g, undefined, 4, acc, o[k], k, o) : callPlainNow(fn, undefined, 4, acc, o[k], k, o);
      if (acc === SUSPENDED) acc = yield* suspended();
    }
    return acc;
  },
  *flatMap(this: unknown, cb: unknown, thisArg: unknown) {
    const { o, len, fn } = start(this, cb, 'flatMap');
    const g = genOf(fn);
    if (plainOk(o, g, len)) return builtin.flatMap.call(o, fn, thisArg);
    const a = speciesCreate(o, 0);
    const define = definer(a);
    let to = 0;
    for (let k = 0; k < len; k++) {
      if (!(k in o)) continue;
      let mapped = call3(g, fn, thisArg, o[k], k, o);
      if (mapped === SUSPENDED) mapped = yield* suspended();
      if (Array.isArray(mapped)) {
        const m = mapped as unknown as Record<number, unknown>;
        const n = lengthOf(m);
        for (let j = 0; j < n; j++) if (j in m) define(to++, m[j]);
      } else {
        define(to++, mapped);
      }
    }
    return a;
  },
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

/** Attaches the generator versions (non-enumerable, like the methods themselves). Idempotent. */
export function installArrayMethods(): void {
  for (const name of Object.keys(generators) as (keyof typeof builtin)[]) {
    const method = builtin[name];
    if (genOf(method) !== undefined) continue;
    attachGen(method, generators[name] as never);
  }
}
