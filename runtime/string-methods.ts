// Generator versions of String.prototype.replace and replaceAll, attached as [GEN] like the array methods
// (array-methods.ts), so that a task can pause inside an instrumented replacer function.
//
// The builtin itself runs first, with a stand-in replacer that only records the arguments of each call: every
// read, match, conversion and error of the builtin happens as it would, in its order (the builtin too finds
// all the matches before it calls the replacer the first time). Then the program's replacer is called for each
// record in turn, each result converted to a string right after its call, and the result is assembled as the
// builtin assembles it: the text between the matches, and each replacement (a match that starts before the
// previous one ended adds nothing, as in RegExp.prototype[Symbol.replace]).
// Only where nothing of the program runs inside the builtin's matching: a string pattern, or a RegExp with the
// builtin Symbol.replace and exec (a subclass or an own `exec` would see the results read later than the
// builtin reads them). Anything else, and a replacer without versions, is the builtin.

import { types } from 'node:util';
import { apply, definer, hasOwn } from './intrinsics';
import { enter, suspended, SUSPENDED } from './lazy';
import { attachGen, genOf, type GenFn } from './symbols';

type Builtin = (this: unknown, ...args: unknown[]) => unknown;

const replace = String.prototype.replace as Builtin;
const replaceAll = String.prototype.replaceAll as Builtin;
const regExpReplace = RegExp.prototype[Symbol.replace];
const regExpExec = RegExp.prototype.exec;
const slice = Array.prototype.slice;
const stringSlice = String.prototype.slice;
const { getOwnPropertyDescriptor, getPrototypeOf } = Object;

/** Does the builtin's matching run no code of the program for this pattern (see above)? */
function plainPattern(searchValue: unknown): boolean {
  if (typeof searchValue === 'string') return true;
  if (!types.isRegExp(searchValue) || getPrototypeOf(searchValue) !== RegExp.prototype) return false;
  if (hasOwn(searchValue, Symbol.replace) || hasOwn(searchValue, 'exec')) return false;
  // Read as descriptors: a getter put on RegExp.prototype must not run an extra time.
  return (
    getOwnPropertyDescriptor(RegExp.prototype, Symbol.replace)?.value === regExpReplace &&
    getOwnPropertyDescriptor(RegExp.prototype, 'exec')?.value === regExpExec
  );
}

function versionFor(builtin: Builtin): GenFn {
  return function* (this: unknown, searchValue: unknown, replaceValue: unknown): Generator<unknown, unknown, unknown> {
    const g = genOf(replaceValue);
    if (g === undefined || !plainPattern(searchValue)) return apply(builtin, this, [searchValue, replaceValue]);
    const calls: IArguments[] = [];
    const record = definer(calls);
    const whole = apply(builtin, this, [
      searchValue,
      function (): string {
        // eslint-disable-next-line prefer-rest-params
        record(calls.length, arguments);
        return '';
      },
    ]) as string;
    if (calls.length === 0) return whole; // no match: the string itself
    let result = '';
    let next = 0;
    let text = '';
    for (let i = 0; i < calls.length; i++) {
      const args = apply(slice, calls[i]!, []) as unknown[];
      // (matched, ...captures, position, string[, groups]): groups is an object, string a string.
      const at = typeof args[args.length - 1] === 'string' ? args.length - 2 : args.length - 3;
      const position = args[at] as number;
      text = args[at + 1] as string;
      let value = enter(g, undefined, args);
      if (value === SUSPENDED) value = yield* suspended();
      const replacement = `${value as string}`; // ToString, right after the call (a Symbol throws)
      if (position >= next) {
        result += (apply(stringSlice, text, [next, position]) as string) + replacement;
        next = position + (args[0] as string).length;
      }
    }
    return result + (apply(stringSlice, text, [next]) as string);
  };
}

export function installStringMethods(): void {
  for (const method of [replace, replaceAll]) {
    if (genOf(method) !== undefined) continue;
    attachGen(method, versionFor(method) as never);
  }
}
