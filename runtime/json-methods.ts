// JSON.parse inside a task, so that it can pause inside an instrumented reviver: a fast entry (a plain
// function, as the array methods' in array-methods.ts), attached as [FAST] with a generator-mode entry made
// from it. The builtin parses (the text converted once, its errors); then InternalizeJSONProperty is written
// out as the specification gives it — a reviver may change what it has not visited yet, so every step reads
// what is there at that moment: Get, IsArray, the length, the enumerable own keys, [[Delete]] for an
// undefined result, CreateDataProperty for any other — with the reviver called, bottom-up, through its fast
// entry. The recursion is a loop over an explicit stack of the objects being walked, so that a pause inside
// the reviver records one frame (the stack in it), re-entered with the reviver's result. (It was a generator
// per value walked: 20,000 records with a small reviver, 72.8 ms under TO_COMPLETION, now 56.6; plain 51.)
// A reviver without versions goes to the builtin, for its speed.

import { apply, lengthOf } from './intrinsics';
import { attachLazy, CAPTURE, fastEntryOf, reenterInner, type Frame } from './lazy';
import { rt } from './shared';
import { genOf } from './symbols';

type Reviver = (this: unknown, key: string, value: unknown) => unknown;

const parse = JSON.parse as (this: unknown, ...args: unknown[]) => unknown;
const { isArray } = Array;
const { keys } = Object;
const { defineProperty, deleteProperty } = Reflect;

/** An object whose properties are being revived: where it came from, and how far its walk has got. */
interface Level {
  holder: object;
  name: string;
  val: object;
  /** Its enumerable own keys, read once; undefined for an array (walked by index up to `len`). */
  keys: string[] | undefined;
  len: number;
  /** The property being revived (or, once `len` is reached, the reviver's call on `val` itself). */
  i: number;
}

interface Revival {
  reviver: Reviver;
  levels: Level[];
}

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

/** Steps 2.a-c of InternalizeJSONProperty for `val` (read from holder[name]): IsArray, then its length or keys. */
function open(holder: object, name: string, val: object): Level {
  if (isArray(val)) return { holder, name, val, keys: undefined, len: lengthOf(val), i: 0 };
  const names = keys(val);
  return { holder, name, val, keys: names, len: names.length, i: 0 };
}

function nameAt(level: Level): string {
  return level.keys === undefined ? String(level.i) : level.keys[level.i]!;
}

/** The reviver's result for `val[prop]`: deleted when undefined, else defined (failures ignored, as specified). */
function put(val: object, prop: string, element: unknown): void {
  if (element === undefined) deleteProperty(val, prop);
  else defineProperty(val, prop, { value: element, writable: true, enumerable: true, configurable: true });
}

/** reviver.call(holder, name, val); a pause inside it records the walk as a frame. */
function revive(s: Revival, holder: object, name: string, val: unknown): unknown {
  try {
    return apply(s.reviver, holder, [name, val]);
  } catch (e) {
    if (e === CAPTURE) rt.cap = [reviveAgain, undefined, 1, rt.cap, s] as Frame;
    throw e;
  }
}

/**
 * Walks until the outermost object's reviver call has returned (its result is JSON.parse's). `pending`:
 * resumed with `result`, the reviver's result for the call the top level was at (its property `i`, or,
 * with `i` at `len`, the level's own value).
 */
function walk(s: Revival, pending: boolean, result: unknown): unknown {
  const { levels } = s;
  for (;;) {
    let top = levels[levels.length - 1]!;
    if (!pending) {
      if (top.i < top.len) {
        const prop = nameAt(top);
        const v = (top.val as Record<string, unknown>)[prop];
        if (isObject(v)) {
          levels.push(open(top.val, prop, v));
          continue;
        }
        result = revive(s, top.val, prop, v);
      } else {
        result = revive(s, top.holder, top.name, top.val);
      }
    }
    pending = false;
    if (top.i === top.len) {
      levels.pop();
      if (levels.length === 0) return result;
      top = levels[levels.length - 1]!;
    }
    put(top.val, nameAt(top), result);
    top.i++;
  }
}

/** The walk re-entered (rt.re) after a pause inside the reviver: that call's end, then the rest. */
function reviveAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const result = reenterInner(frame);
  return walk(frame[4] as Revival, true, result);
}

function parseFast(this: unknown, text: unknown, reviver: unknown): unknown {
  const fast = genOf(reviver) === undefined ? undefined : (fastEntryOf(reviver as object) as Reviver | undefined);
  // eslint-disable-next-line prefer-rest-params
  if (fast === undefined) return apply(parse, this, arguments as unknown as unknown[]);
  const unfiltered = apply(parse, undefined, [text]);
  const root = { '': unfiltered };
  // A value that is not an object: one call, whose result (or pause) is this call's.
  if (!isObject(unfiltered)) return apply(fast, root, ['', unfiltered]);
  return walk({ reviver: fast, levels: [open(root, '', unfiltered)] }, false, undefined);
}

export function installJsonMethods(): void {
  if (genOf(parse) === undefined) attachLazy(parse, parseFast as never);
}
