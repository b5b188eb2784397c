// A generator version of JSON.parse, attached as [GEN] like the array methods (array-methods.ts), so that a
// task can pause inside an instrumented reviver. The builtin parses (the text converted once, its errors);
// then InternalizeJSONProperty is written out as the specification gives it — a reviver may change what it
// has not visited yet, so every step reads what is there at that moment: Get, IsArray, the length, the
// enumerable own keys, [[Delete]] for an undefined result, CreateDataProperty for any other — with the
// reviver called, bottom-up, through its versions.

import { apply, lengthOf } from './intrinsics';
import { enter, suspended, SUSPENDED } from './lazy';
import { attachGen, genOf, type GenFn } from './symbols';

const parse = JSON.parse as (this: unknown, ...args: unknown[]) => unknown;
const { isArray } = Array;
const { keys } = Object;
const { defineProperty, deleteProperty } = Reflect;

function* parseGen(this: unknown, text: unknown, reviver: unknown): Generator<unknown, unknown, unknown> {
  const g = genOf(reviver);
  // eslint-disable-next-line prefer-rest-params
  if (g === undefined) return apply(parse, this, arguments as unknown as unknown[]);
  const root = { '': apply(parse, undefined, [text]) };
  return yield* internalize(root, '', g);
}

function* internalize(holder: object, name: string, g: GenFn): Generator<unknown, unknown, unknown> {
  const val = (holder as Record<string, unknown>)[name];
  if (typeof val === 'object' && val !== null) {
    if (isArray(val)) {
      const len = lengthOf(val);
      for (let i = 0; i < len; i++) yield* revive(val, String(i), g);
    } else {
      const names = keys(val);
      for (let i = 0; i < names.length; i++) yield* revive(val, names[i]!, g);
    }
  }
  let result = enter(g, holder, [name, val]);
  if (result === SUSPENDED) result = yield* suspended();
  return result;
}

/** One property of `val`: revived, then deleted (undefined) or defined with what the reviver gave. */
function* revive(val: object, prop: string, g: GenFn): Generator<unknown, void, unknown> {
  const element = yield* internalize(val, prop, g);
  if (element === undefined) deleteProperty(val, prop);
  else defineProperty(val, prop, { value: element, writable: true, enumerable: true, configurable: true });
}

export function installJsonMethods(): void {
  if (genOf(parse) === undefined) attachGen(parse, parseGen as never);
}
