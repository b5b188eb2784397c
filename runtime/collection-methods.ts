// Generator versions of Map.prototype.forEach and Set.prototype.forEach, attached as [GEN] like the array
// methods (array-methods.ts), so that a task can pause inside an instrumented callback. A Map/Set iterator
// has exactly forEach's liveness (entries added during the walk are visited, deleted ones skipped), so the
// walk uses the collection's own (saved) iterator. Everything that is not the common case (a receiver that
// is not a Map/Set, a callback that is not callable or has no generator version) goes to the builtin
// itself, for its exact errors and speed. No checkpoint of our own between elements: the callback's generator
// version checkpoints at its entry.

import { types } from 'node:util';
import { attachGen, genOf } from './symbols';
import { callNow, suspended, SUSPENDED } from './lazy';

type Callback = (this: unknown, ...args: unknown[]) => unknown;

const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const mapIteratorNext = Object.getPrototypeOf(new Map().entries()).next as (this: Iterator<[unknown, unknown]>) => IteratorResult<[unknown, unknown]>;
const setIteratorNext = Object.getPrototypeOf(new Set().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;

function* mapForEachGen(this: unknown, cb: unknown, thisArg: unknown): Generator<unknown, void, unknown> {
  const g = genOf(cb);
  if (!g || !types.isMap(this)) return mapForEach.call(this as Map<unknown, unknown>, cb as Callback, thisArg);
  const it = mapEntries.call(this);
  for (;;) {
    const r = mapIteratorNext.call(it);
    if (r.done) return;
    if (callNow(g, thisArg, 3, r.value[1], r.value[0], this) === SUSPENDED) yield* suspended();
  }
}

function* setForEachGen(this: unknown, cb: unknown, thisArg: unknown): Generator<unknown, void, unknown> {
  const g = genOf(cb);
  if (!g || !types.isSet(this)) return setForEach.call(this as Set<unknown>, cb as Callback, thisArg);
  const it = setValues.call(this);
  for (;;) {
    const r = setIteratorNext.call(it);
    if (r.done) return;
    if (callNow(g, thisArg, 3, r.value, r.value, this) === SUSPENDED) yield* suspended();
  }
}

export function installCollectionMethods(): void {
  for (const [method, gen] of [
    [mapForEach, mapForEachGen],
    [setForEach, setForEachGen],
  ] as const) {
    if (genOf(method) !== undefined) continue;
    attachGen(method, gen as never);
  }
}
