// `for...of` in fast copies. A fast copy cannot keep the engine's own for-of: a pause unwinds the frame by
// an exception, which would close the iterator (the engine calls its `return()` on any abrupt exit), and
// the re-entry copy has to continue the same iterator. So the transformer lowers the loop onto these
// helpers and closes the iterator itself where the language does: on `break`, `return` and labeled
// `continue` out of the loop (close: errors from `return()` propagate) and on an exception leaving the
// function (closeAfterThrow: errors from `return()` are dropped), never on a pause.
//
//   for ($i = iter(E, text); ($v = step($i)) !== DONE || ($i = undefined); ) { x = $v; ... }
//
// Arrays whose iteration is the builtin one are walked by index, which is what the array iterator does
// (length read at every step, holes read through the prototype), without an iterator object.

import { apply } from './intrinsics';

/** What step() returns when the iterator is done. */
export const DONE: object = Object.freeze({ preemptibleDone: true });

const ArrayValues = Array.prototype[Symbol.iterator];
const ArrayIteratorNext = Object.getPrototypeOf([][Symbol.iterator]()).next as () => IteratorResult<unknown>;
const ArrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]()) as { next: unknown };

interface IterationRecord {
  /** An array iterated by index (the builtin iterator, unobservably), or undefined. */
  array: unknown[] | undefined;
  index: number;
  iterator: object | undefined;
  next: unknown;
  /** True while next() runs: an exception from it does not close the iterator. */
  inNext: boolean;
}

function show(v: unknown): string {
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'object' && v !== null) return '#<Object>';
  return String(v);
}

/** GetIterator(value, sync). `text` renders the iterable the way the engine's message does. */
export function iter(value: unknown, text: string): IterationRecord {
  const method = value === null || value === undefined ? undefined : (value as Record<symbol, unknown>)[Symbol.iterator];
  if (typeof method !== 'function') throw new TypeError(`${text} is not iterable`);
  if (method === ArrayValues && Array.isArray(value) && ArrayIteratorPrototype.next === ArrayIteratorNext) {
    return { array: value, index: 0, iterator: undefined, next: undefined, inNext: false };
  }
  const iterator = apply(method as () => unknown, value, []);
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
    throw new TypeError('Result of the Symbol.iterator method is not an object');
  }
  return { array: undefined, index: 0, iterator, next: (iterator as { next: unknown }).next, inNext: false };
}

/** IteratorStep + IteratorValue: the next value, or DONE. */
export function step(r: IterationRecord): unknown {
  const a = r.array;
  if (a !== undefined) {
    // The builtin array iterator reads the length at each step; so does this. (Changing the iterator's
    // `next` in the middle of a loop, which the engine would notice, is not followed.)
    if (r.index < a.length) return a[r.index++];
    r.array = undefined;
    return DONE;
  }
  r.inNext = true;
  const next = r.next;
  if (typeof next !== 'function') throw new TypeError(`${show(next)} is not a function`);
  const result = apply(next as () => unknown, r.iterator, []);
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new TypeError(`Iterator result ${show(result)} is not an object`);
  }
  const { done } = result as IteratorResult<unknown>;
  if (done) return DONE;
  const value = (result as IteratorResult<unknown>).value;
  r.inNext = false;
  return value;
}

/** IteratorClose after `break`, `return` or `continue L` out of the loop. */
export function close(r: IterationRecord | undefined): void {
  if (r === undefined || r.iterator === undefined) return;
  const ret = (r.iterator as { return?: unknown }).return;
  if (ret === undefined || ret === null) return;
  if (typeof ret !== 'function') throw new TypeError(`${show(ret)} is not a function`);
  const result = apply(ret as () => unknown, r.iterator, []);
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new TypeError(`Iterator result ${show(result)} is not an object`);
  }
}

/** IteratorClose when an exception leaves the loop: the exception wins over anything `return()` does. */
export function closeAfterThrow(r: IterationRecord | undefined): void {
  if (r === undefined || r.inNext) return;
  try {
    close(r);
  } catch {
    // dropped, as the language does
  }
}
