// Calls that forward to another function: `f.call(t, ...)`, `f.apply(t, args)`, `Reflect.apply(f, t, args)`
// and bound functions (`f.bind(t, ...)`). Inside a task they reach an instrumented `f`'s fast entry, so `f`
// pauses there as it does when called directly. (They used to call `f` itself, its original code: it ran to
// completion, and a long one was cut off by the overrun guard.)
//
// call, apply and Reflect.apply get versions of their own, found by the ordinary dispatch (an own fast entry
// and generator-mode entry, as any instrumented function has): the fast entry calls the target's fast entry
// with the same `this` and arguments, or the target itself when it has none, as the builtin would. It passes
// a capture through untouched and returns the target's result unchanged,
// so it is no frame of a paused stack: a resume re-enters the target's frame and hands its result to the
// frame that made the call.
//
// A bound function's target cannot be read back from it, so Function.prototype.bind is replaced by a function
// that calls the engine's and stamps what it returns (deferred.ts): the first time a caller asks the bound
// function for a version, it gets versions forwarding to its target's, when the target has some. A bound
// function is constructed by the engine (`new` of it runs the target's original code, as before).
// Functions bound before the runtime loaded, or in another realm, are not stamped: calls to them run whole.

import { attachAsyncBody } from './async';
import { builtinFast, noNew } from './constructors';
import { isVersioned } from './brand';
import { isStamped, stamp } from './deferred';
import { apply, definer } from './intrinsics';
import { attachLazy, fastOf } from './lazy';
import { nativeText } from './source-text';
import { ASYNC_BODY, genOf, type GenFn } from './symbols';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const holder = globalThis as unknown as Record<symbol, true | undefined>;
const INSTALLED = Symbol.for('preemptible.forwarding.v1');

// Taken at load: a program replacing them later changes neither what the builtins do nor what this does.
const nativeCall = Function.prototype.call;
const nativeApply = Function.prototype.apply;
const nativeBind = Function.prototype.bind;
const reflectApply = Reflect.apply;
const slice = Array.prototype.slice;

/** What to call for `fn`: its own fast entry (never one inherited through its prototype), else `fn` itself. */
function entryOf(fn: unknown): Fn {
  return (typeof fn === 'function' ? fastOf(fn) : fn) as Fn;
}

// The fast entries. A target without versions is called directly, as the builtin would call it (it is
// callable: checked first, as the builtin does). Fixed parameters and literal argument lists for the usual
// counts: V8 then makes `o.hasOwnProperty.call(x, k)` in a fast copy a direct call again (with `arguments`
// passed on it was ~3x slower than before this forwarding). No rest parameters or spreads: those run the
// array iterator, which a program may have replaced.

/**
 * The engine's TypeError for calling `fn`, not a function, through call or apply. (The builtins' own message
 * names the expression at the call site, which only the engine's printer knows: this is the wording
 * Reflect.apply and apply use for it, `Function.prototype.apply was called on 1, which is a number ...`.)
 */
function notCallable(fn: unknown): never {
  return apply(fn as Fn, undefined, []) as never;
}

/** Function.prototype.call's: `this` is the function being called. */
function callFast(this: unknown, thisArg: unknown, a: unknown, b: unknown, c: unknown): unknown {
  if (typeof this !== 'function') return notCallable(this);
  const fn = entryOf(this);
  switch (arguments.length) {
    case 0:
    case 1:
      return apply(fn, thisArg, []);
    case 2:
      return apply(fn, thisArg, [a]);
    case 3:
      return apply(fn, thisArg, [a, b]);
    case 4:
      return apply(fn, thisArg, [a, b, c]);
    default:
      // eslint-disable-next-line prefer-rest-params
      return apply(fn, thisArg, apply(slice, arguments, [1]) as unknown[]);
  }
}

/** Function.prototype.apply's. A null or undefined argument list is no arguments, as for the builtin. */
function applyFast(this: unknown, thisArg: unknown, list: unknown): unknown {
  if (typeof this !== 'function') return notCallable(this);
  return apply(entryOf(this), thisArg, (list ?? []) as unknown[]);
}

/** Reflect.apply's (Reflect.apply itself checks the target and the list, with the builtin's errors). */
function reflectApplyFast(this: unknown, target: unknown, thisArg: unknown, list: unknown): unknown {
  return apply(entryOf(target), thisArg, list as unknown[]);
}

/** The bound arguments (the bind call's after its first), then the call's: a new array, no setter runs. */
function withBound(bindArgs: ArrayLike<unknown>, args: ArrayLike<unknown>): unknown[] {
  const all = apply(slice, bindArgs, [1]) as unknown[];
  const put = definer(all);
  const n = all.length;
  for (let i = 0; i < args.length; i++) put(n + i, args[i]);
  return all;
}

/** The fast entry of a function bound by `bindArgs` ([this, ...arguments]) to a target with fast entry `fast`. */
function boundFast(fast: Fn, bindArgs: ArrayLike<unknown>): Fn {
  const self: unknown = bindArgs[0];
  if (bindArgs.length <= 1) {
    return function (this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      return apply(fast, self, arguments);
    };
  }
  return function (this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    return apply(fast, self, withBound(bindArgs, arguments));
  };
}

/** The same for an async target's body (its generator version): a launch drives it like the target's. */
function boundBody(body: GenFn, bindArgs: ArrayLike<unknown>): GenFn {
  const self: unknown = bindArgs[0];
  return function* (this: unknown): Generator<unknown, unknown, unknown> {
    // eslint-disable-next-line prefer-rest-params
    return yield* apply(body, self, bindArgs.length <= 1 ? arguments : withBound(bindArgs, arguments));
  };
}

/** Attaches to `bound` versions forwarding to `target`'s, if it has any (run when first asked, deferred.ts). */
function attachBound(bound: object, target: unknown, bindArgs: ArrayLike<unknown>): void {
  // Asking the target may attach its own versions first (a closure's are made on demand too).
  const body = genOf(target, ASYNC_BODY);
  if (body !== undefined) {
    attachAsyncBody(bound, boundBody(body, bindArgs) as never);
  } else {
    const fast = entryOf(target);
    if (fast === target) return;
    attachLazy(bound, boundFast(fast, bindArgs));
  }
  noNew(bound); // `new` of a bound function: the engine's (the target's prototype, new.target), running whole
}

/** Stamps `bound` (the engine's bind of `target` with `bindArgs`): versions forwarding to the target's, when asked. */
function stampBound(bound: object, target: unknown, bindArgs: ArrayLike<unknown>): void {
  stamp(bound, () => attachBound(bound, target, bindArgs));
}

function install(): true {
  builtinFast(nativeCall, callFast);
  builtinFast(nativeApply, applyFast);
  builtinFast(reflectApply, reflectApplyFast);
  // A method, like the engine's: name 'bind', length 1 (the defaults keep it so), no `prototype`, not a
  // constructor. Fixed parameters and literal lists for the usual counts, and no closure in it: with
  // `arguments` kept for a closure every bind allocated an arguments object and a context.
  const bind = {
    bind(this: unknown, thisArg: unknown, a: unknown = undefined, b: unknown = undefined): unknown {
      const n = arguments.length;
      // The engine's bind (its TypeError for a non-function).
      const bound = (
        n <= 1 ? apply(nativeBind, this, [thisArg])
        : n === 2 ? apply(nativeBind, this, [thisArg, a])
        : n === 3 ? apply(nativeBind, this, [thisArg, a, b])
        // eslint-disable-next-line prefer-rest-params
        : apply(nativeBind, this, arguments)
      ) as object;
      // Only a function that has (or makes) versions needs a stamp: binding any other costs what it did.
      if (isVersioned(this as object) || isStamped(this as object)) {
        // eslint-disable-next-line prefer-rest-params
        stampBound(bound, this, n <= 1 ? [thisArg] : n === 2 ? [thisArg, a] : n === 3 ? [thisArg, a, b] : (apply(slice, arguments, []) as unknown[]));
      }
      return bound;
    },
  }.bind;
  nativeText(bind, nativeBind);
  Object.defineProperty(Function.prototype, 'bind', { value: bind, writable: true, enumerable: false, configurable: true });
  return true;
}

/** Installs the forwarding once per realm (every copy of the package shares it). */
export function installForwarding(): void {
  holder[INSTALLED] ??= install();
}
