// `for await...of` in the generator version of an async function. The engine's loop cannot be kept: its
// awaits would be real ones inside a generator (a syntax error), so the transformer writes the loop out
// with an AwaitRequest (`yield $pe.aw(x)`) at each of its awaits, and these helpers do the rest of
// ForIn/OfBodyEvaluation for async iteration:
//
//   $ai = asyncIter(E, "E"); $ad = false;
//   try {
//     for (;;) {
//       <checkpoint>
//       $ad = true;                                   // next() or its result failing: no close
//       $ar = asyncResult(yield aw(yield* asyncNextStepped($ai)));
//       if ($ar.done) break;
//       $av = $ar.value; $ad = false;
//       { const x = $av; <body> }
//     }
//   } catch ($ae) { if (!$ad) { $ad = true; <close, errors dropped> } throw $ae; }
//   finally { if (!$ad && !unwinding()) <close: await return()'s result, which must be an object> }
//
// A task cancelled inside the loop does not close the iterator (as an abandoned async function does not).

import { apply } from './intrinsics';
import { asyncGeneratorEntryOf, stepAhead } from './async-generators';
import { rt } from './shared';

interface AsyncIterationRecord {
  iterator: object;
  next: unknown;
}

/** What asyncReturn() gives when the iterator has no `return` method (nothing to await). */
export const NO_RETURN: object = Object.freeze({ preemptibleNoReturn: true });

/** GetIterator(value, async): its Symbol.asyncIterator, or its sync iterator made async. `text` names it as written. */
export function asyncIter(value: unknown, text: string): AsyncIterationRecord {
  if (value === null || value === undefined) {
    throw new TypeError(`Cannot read properties of ${value} (reading 'Symbol(Symbol.asyncIterator)')`);
  }
  const method = (value as Record<symbol, unknown>)[Symbol.asyncIterator];
  if (method !== undefined && method !== null) {
    if (typeof method !== 'function') throw new TypeError(`${text} is not async iterable`);
    // `async *[Symbol.asyncIterator]() {...}` instrumented: its entry makes an object whose steps run in slices.
    return record(apply((asyncGeneratorEntryOf(method) ?? method) as () => unknown, value, []));
  }
  const syncMethod = (value as Record<symbol, unknown>)[Symbol.iterator];
  if (typeof syncMethod !== 'function') throw new TypeError(`${text} is not async iterable`);
  const sync = record(apply(syncMethod as () => unknown, value, []));
  return { iterator: fromSync(sync), next: fromSyncNext };
}

function record(iterator: unknown): AsyncIterationRecord {
  if (iterator === null || (typeof iterator !== 'object' && typeof iterator !== 'function')) {
    throw new TypeError('Result of the Symbol.asyncIterator method is not an object');
  }
  return { iterator, next: (iterator as { next: unknown }).next };
}

/** Call(next, iterator): the value the loop awaits. */
export function asyncNext(r: AsyncIterationRecord): unknown {
  if (typeof r.next !== 'function') throw new TypeError(`${describe(r.next)} is not a function`);
  return apply(r.next as () => unknown, r.iterator, []);
}

/**
 * asyncNext() for the loop's steps: an instrumented async generator's step that its next() would run right
 * away runs first, here, as part of the loop's task (async-generators.ts stepAhead).
 */
export function* asyncNextStepped(r: AsyncIterationRecord): Generator<unknown, unknown, unknown> {
  yield* stepAhead(r.iterator, r.next);
  return asyncNext(r);
}

/** The awaited result of next(): must be an object. */
export function asyncResult(result: unknown): IteratorResult<unknown> {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) {
    throw new TypeError(`Iterator result ${show(result)} is not an object`);
  }
  return result as IteratorResult<unknown>;
}

/** GetMethod(iterator, "return") and its call: the value to await, or NO_RETURN. */
export function asyncReturn(r: AsyncIterationRecord): unknown {
  if (r.next === fromSyncNext) return fromSyncReturn((r.iterator as FromSync).sync);
  const ret = (r.iterator as { return?: unknown }).return;
  if (ret === undefined || ret === null) return NO_RETURN;
  if (typeof ret !== 'function') throw new TypeError(`${describe(ret)} is not a function`);
  return apply(ret as () => unknown, r.iterator, []);
}

/** The awaited result of return() after break/return out of the loop: must be an object. */
export function asyncClosed(result: unknown): void {
  asyncResult(result);
}

/** An iterable of the one value: a pattern head is bound by the engine's own for-of over it. */
export function once(value: unknown): Iterable<unknown> {
  return {
    [Symbol.iterator]() {
      let done = false;
      return {
        next(): IteratorResult<unknown> {
          if (done) return { value: undefined, done: true };
          done = true;
          return { value, done: false };
        },
      };
    },
  };
}

/** True while a cancelled task's generators are being unwound (runtime closeGenerator): the loop does not close then. */
export function unwinding(): boolean {
  return rt.unwinding > 0;
}

// CreateAsyncFromSyncIterator, as this engine does it (Node 20: a rejected value does not close the sync
// iterator): next() calls the sync next() and resolves to { value: await value, done }.
interface FromSync {
  sync: AsyncIterationRecord;
}

function fromSync(sync: AsyncIterationRecord): FromSync {
  return { sync };
}

function fromSyncNext(this: FromSync): Promise<IteratorResult<unknown>> {
  try {
    const { sync } = this;
    if (typeof sync.next !== 'function') throw new TypeError(`${describe(sync.next)} is not a function`);
    const result = asyncResult(apply(sync.next as () => unknown, sync.iterator, []));
    const done = !!result.done;
    return Promise.resolve(result.value).then((value) => ({ value, done }));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The sync iterator's return(), its result's value awaited (no `return` method: nothing to await). */
function fromSyncReturn(sync: AsyncIterationRecord): unknown {
  const ret = (sync.iterator as { return?: unknown }).return;
  if (ret === undefined || ret === null) return NO_RETURN;
  try {
    if (typeof ret !== 'function') throw new TypeError(`${describe(ret)} is not a function`);
    const result = asyncResult(apply(ret as () => unknown, sync.iterator, []));
    const done = !!result.done;
    return Promise.resolve(result.value).then((value) => ({ value, done }));
  } catch (e) {
    return Promise.reject(e);
  }
}

function show(v: unknown): string {
  if (typeof v === 'symbol') return v.toString();
  if (typeof v === 'object' && v !== null) return '#<Object>';
  return String(v);
}

/** A non-callable value the way the engine's "... is not a function" names it without a call site. */
function describe(v: unknown): string {
  switch (typeof v) {
    case 'undefined': return 'undefined';
    case 'string': return `string "${v}"`;
    case 'number': case 'boolean': return `${typeof v} ${String(v)}`;
    case 'object': return v === null ? 'object null' : 'object';
    default: return typeof v; // symbol, bigint
  }
}
