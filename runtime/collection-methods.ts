// Map.prototype.forEach and Set.prototype.forEach inside a task, so that it can pause inside an instrumented
// callback: fast entries (plain functions, as the array methods' in array-methods.ts), attached as [FAST] with
// a generator-mode entry made from them. A Map/Set iterator has exactly forEach's liveness (entries added
// during the walk are visited, deleted ones skipped), so the walk uses the collection's own (saved)
// iterator; a pause inside the callback records the walk as a frame (the iterator in it), re-entered with
// the callback's result. Everything that is not the common case (a receiver that is not a Map/Set, a
// callback that is not callable or has no versions) goes to the builtin itself, for its exact errors and
// speed. No checkpoint of our own between elements: the callback checkpoints at its entry.

import { types } from 'node:util';
import { apply } from './intrinsics';
import { attachLazy, CAPTURE, fastEntryOf, reenterInner, type Frame } from './lazy';
import { rt } from './shared';
import { genOf } from './symbols';

type Callback = (this: unknown, ...args: unknown[]) => unknown;

const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const mapIteratorNext = Object.getPrototypeOf(new Map().entries()).next as (this: Iterator<[unknown, unknown]>) => IteratorResult<[unknown, unknown]>;
const setIteratorNext = Object.getPrototypeOf(new Set().values()).next as (this: Iterator<unknown>) => IteratorResult<unknown>;

/** One forEach over a Map (entries: value, key) or a Set (values: value, value), as far as it has got. */
interface Walk {
  collection: object;
  isMap: boolean;
  it: object;
  fast: Callback;
  thisArg: unknown;
}

/** The callback's fast entry (it has versions), or undefined. */
function fastOfCallback(cb: unknown): Callback | undefined {
  return genOf(cb) === undefined ? undefined : (fastEntryOf(cb as object) as Callback | undefined);
}

function mapForEachFast(this: unknown, cb: unknown, thisArg: unknown): unknown {
  const fast = fastOfCallback(cb);
  if (fast === undefined || !types.isMap(this)) return apply(mapForEach, this, [cb, thisArg]);
  return walkFrom({ collection: this, isMap: true, it: apply(mapEntries, this, []), fast, thisArg });
}

function setForEachFast(this: unknown, cb: unknown, thisArg: unknown): unknown {
  const fast = fastOfCallback(cb);
  if (fast === undefined || !types.isSet(this)) return apply(setForEach, this, [cb, thisArg]);
  return walkFrom({ collection: this, isMap: false, it: apply(setValues, this, []), fast, thisArg });
}

/** Calls the callback for each entry the iterator still gives. */
function walkFrom(w: Walk): undefined {
  const { collection, it, fast, thisArg } = w;
  for (;;) {
    let value: unknown;
    let key: unknown;
    if (w.isMap) {
      const r = apply(mapIteratorNext, it, []);
      if (r.done) return undefined;
      key = r.value[0];
      value = r.value[1];
    } else {
      const r = apply(setIteratorNext, it, []);
      if (r.done) return undefined;
      key = value = r.value;
    }
    try {
      apply(fast, thisArg, [value, key, collection]);
    } catch (e) {
      if (e === CAPTURE) rt.cap = [walkAgain, undefined, 1, rt.cap, w] as Frame;
      throw e;
    }
  }
}

/** A walk re-entered (rt.re) after a pause inside a callback: that call's end, then the rest. */
function walkAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  reenterInner(frame);
  return walkFrom(frame[4] as Walk);
}

export function installCollectionMethods(): void {
  for (const [method, fast] of [
    [mapForEach, mapForEachFast],
    [setForEach, setForEachFast],
  ] as const) {
    if (genOf(method) !== undefined) continue;
    attachLazy(method, fast as never);
  }
}
