// What instrumented code imports (`preemptible/runtime`). The transformer emits, for each instrumented
// function `f`, the untouched original plus a generator version attached as `f[GEN]`. Inside a task,
// instrumented code calls `callee[GEN]` when present (`yield*` into it) and the callee itself otherwise,
// so an uninstrumented callee simply runs to completion. Checkpoints look like
//   if (--rt.c < 0 && tick()) yield PAUSE;
// Keep these exports small and stable: they are an ABI between emitted code and the runtime.

import { asyncCall, attachAsyncBody } from './async';
import { rt } from './shared';
import { apply } from './intrinsics';
import { tick } from './clock';
import { attachGen, aw, GEN, isAsyncFunction, OWNER, PAUSE } from './symbols';
import { attachFast, attachLazy, cap, CAPTURE, enter, FAST, fastOf, genToFast, reenter, suspended, suspendedFor, SUSPENDED } from './lazy';
import { gensMadeOnDemand, stamp } from './deferred';
import { close, closeAfterThrow, destructureNow, DONE, iter, spreadNow, start, step } from './iteration';
import { delegating, forOfIn, genEntry, genEntryMade, PAUSED_STEP } from './user-generators';
import { installForwarding } from './forwarding';
import { versionFromText } from './lazy-text';
export { fileOf, preloadVersionMaker } from './lazy-text';
import * as runtime from './checkpoint';

// Before the instrumented module that imports this runs: functions it binds can pause inside a task.
installForwarding();

/**
 * Emitted code calls a callee's generator version `callee[GEN]` only if `callee[GEN][OWNER] === callee`
 * (and, in fast copies, `callee[FAST]` likewise). Fast copies throw `cap()` at a pausing checkpoint, record
 * their frame when CAPTURE passes, and when re-entered continue the frame they were calling with reenter().
 */
export { rt, tick, GEN, OWNER, PAUSE, aw, FAST, CAPTURE, cap, reenter, enter, fastOf, suspended, suspendedFor, SUSPENDED, iter, spreadNow, destructureNow, start, step, close, closeAfterThrow, DONE };

/** The fast entry of an instrumented user generator function (user-generators.ts). */
export { genEntry, genEntryMade, forOfIn, delegating, PAUSED_STEP };

/** `for await` written out in async functions' generator versions (async-iteration.ts). */
export { asyncClosed, asyncIter, asyncNextStepped, asyncResult, asyncReturn, NO_RETURN, once, unwinding } from './async-iteration';

/** Function.prototype.toString gives instrumented functions' original text (source-text.ts). */
export { sources } from './source-text';

/** `await using` lowered in async functions' generator versions (disposal.ts). */
export { addDisposable, disposeResources } from './disposal';

/** Instrumented async generator functions (async-generators.ts). */
export { asyncGenEntry, yd, yr } from './async-generators';

/** `new` in instrumented code, and split constructors (constructors.ts). */
export { construct, ctor, ctorBody, newNow, newSite, noNew, NEW, PRE, SPLIT, takeCount } from './constructors';

/** Member calls in emitted code go through `call`, other calls with a receiver through `apply`, both taken when the runtime loaded (intrinsics.ts). */
export { apply, call } from './intrinsics';

type AnyFunction = (...args: never[]) => unknown;
type GeneratorFn = (...args: never[]) => Generator<unknown, unknown, unknown>;

/**
 * Stores the generator version non-enumerable, so that `Object.assign(wrapper, fn)` and `{ ...fn }` do not
 * copy it onto another function.
 */
function setGen(fn: unknown, gen: unknown): void {
  if (isAsyncFunction(fn)) {
    // `gen` is the body's version (it yields at awaits); callers inside a task get the promise-returning entry.
    attachAsyncBody(fn as object, gen as never);
  } else {
    attachGen(fn as object, gen as never);
  }
}

function setName(fn: AnyFunction, name: string | undefined): void {
  // Wrapping a function literal in def() defeats the engine's name inference (`const f = () => {}`).
  if (name !== undefined && fn.name !== name) {
    Object.defineProperty(fn, 'name', { value: name, configurable: true });
  }
}

/** Attaches `gen` as the resumable version of `fn` and returns `fn`. */
export function def<F extends AnyFunction>(fn: F, gen: GeneratorFn, name?: string): F {
  setGen(fn, gen);
  setName(fn, name);
  return fn;
}

/**
 * Attaches a fast copy to `fn`: `fn[FAST]` is the copy, `fn[GEN]` runs it and turns a capture into a
 * pause. Returns `fn`.
 */
export function lazy<F extends AnyFunction>(fn: F, fast: AnyFunction, name?: string): F {
  attachLazy(fn, fast as never);
  setName(fn, name);
  return fn;
}

/**
 * An instrumented closure: `make(fn)` attaches its versions (with def, defArrow or lazy) the first time a
 * caller asks for one, so creating the closure outside a task costs next to nothing (deferred.ts).
 */
export function later<F extends AnyFunction>(fn: F, make: (fn: F) => void, name?: string): F {
  stamp(fn, make as never);
  setName(fn, name);
  return fn;
}

/** Same as def() for an arrow function that uses `this`: the generator version gets the arrow's lexical `this`. */
export function defArrow<F extends AnyFunction>(fn: F, gen: GeneratorFn, self: unknown, name?: string): F {
  setGen(fn, gen.bind(self));
  setName(fn, name);
  return fn;
}

/** Prefix of the temporary class members that carry generator versions of methods (removed by link()). */
export const METHOD_KEY_PREFIX = '\u0000preemptible:';

/**
 * Run from a static block emitted first in an instrumented class: moves each generator method
 * (emitted as a sibling member so that `super` works in it) onto the original method as `[GEN]`.
 * `names` lists instance methods, `staticNames` static ones. `keyed` / `staticKeyed` hold the generator
 * versions of async methods with symbol keys, by key.
 */
export function link(
  ctor: AnyFunction,
  names: readonly string[],
  staticNames: readonly string[],
  fast: Record<string, AnyFunction | TextSpec> = {},
  staticFast: Record<string, AnyFunction | TextSpec> = {},
  keyed: Record<symbol, GeneratorFn> = {},
  staticKeyed: Record<symbol, GeneratorFn> = {},
): void {
  const proto = (ctor as unknown as { prototype: Record<string | symbol, unknown> }).prototype;
  attach(proto, names);
  attach(ctor as unknown as Record<string | symbol, unknown>, staticNames);
  attachFastCopies(proto, fast);
  attachFastCopies(ctor as unknown as Record<string | symbol, unknown>, staticFast);
  attachGens(proto, keyed);
  attachGens(ctor as unknown as Record<string | symbol, unknown>, staticKeyed);
}

/** `gens[key]` is the generator version of `home[key]`. */
function attachGens(home: Record<string | symbol, unknown>, gens: Record<string | symbol, GeneratorFn>): void {
  for (const key of Reflect.ownKeys(gens)) {
    const method = Object.getOwnPropertyDescriptor(home, key)?.value as unknown;
    if (typeof method === 'function') setGen(method, gens[key as string]!);
  }
}

/**
 * Methods in the lazy subset: `fast[name]` is the fast copy of `home[name]`, or (transform option
 * copiesAtRunTime) `[opener, "<facts>"]`, from which the copies are made at the method's first use in a task
 * (`[opener, "<facts>", "gen"]`: its generator version, for a method outside the subset; then what a
 * literal's method in a function is handed).
 */
function attachFastCopies(home: Record<string | symbol, unknown>, fast: Record<string | symbol, AnyFunction | TextSpec>): void {
  for (const name of Reflect.ownKeys(fast)) {
    const method = Object.getOwnPropertyDescriptor(home, name)?.value as unknown;
    if (typeof method !== 'function') continue;
    const version = fast[name]!;
    if (!Array.isArray(version)) {
      attachLazy(method, version as never);
      continue;
    }
    const [open, facts, kind, captured, self, box] = version;
    if (kind === 'gen') later(method as AnyFunction, (f) => defText(f, [open, facts], captured, self, box));
    else later(method as AnyFunction, (f) => lazyText(f, [open, facts], captured, self, box));
  }
}

/**
 * What a method's versions are made from at run time: its file's (class's) opener and facts; "gen" for a
 * generator version; for an object literal's method in a function, what it is handed (see lazyText).
 */
type TextSpec = [Opener, string] | [Opener, string, 'gen' | 'lazy', unknown[]?, unknown?, object?];

function attach(home: Record<string | symbol, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const key = METHOD_KEY_PREFIX + name;
    const gen = home[key];
    const method = Object.getOwnPropertyDescriptor(home, name)?.value as unknown;
    delete home[key];
    if (typeof method === 'function' && typeof gen === 'function') {
      setGen(method, gen);
    }
  }
}

/**
 * A `#private` method's function object cannot be reached when its class is defined (only through an
 * instance), so it gets its versions the first time a fast copy in its class calls it: `fast` is the fast
 * copy the class's static block made (one per class evaluation, as is the method's function object).
 * Returns the fast copy, or undefined (then the call is a plain one).
 */
export function attachPrivate(method: unknown, fast: AnyFunction | undefined): AnyFunction | undefined {
  if (typeof method !== 'function' || fast === undefined) return undefined;
  if ((fast as unknown as Record<symbol, unknown>)[OWNER] === undefined) attachLazy(method, fast as never);
  return fast;
}

/** attachPrivate() for a generator version's call: the method's generator version, or undefined. */
export function attachPrivateGen(method: unknown, fast: AnyFunction | undefined): GeneratorFn | undefined {
  return attachPrivate(method, fast) && (method as Record<symbol, GeneratorFn>)[GEN];
}

/**
 * The fast entry of a `#private` method outside the lazy subset, from its generator version (for an async
 * method, of its body: the entry returns the promise, as setGen's async entry does). attachPrivate hands it over.
 */
export function privateGen(gen: GeneratorFn, isAsync = false): AnyFunction {
  return genToFast((isAsync ? asyncCall(gen as never) : gen) as never) as AnyFunction;
}

/** Object-literal methods: `obj({ m() {} }, { *m() {} }, { n: <fast copy> })` attaches each version to its method. */
export function obj<O extends object>(
  target: O,
  gens: VersionsOf<O, Record<string | symbol, GeneratorFn>>,
  fast: VersionsOf<O, Record<string, AnyFunction>> = {},
): O {
  const home = target as Record<string | symbol, unknown>;
  // Versions that read `super` are made by a function of the literal, their home object.
  attachGens(home, typeof gens === 'function' ? gens(target) : gens);
  attachFastCopies(home, typeof fast === 'function' ? fast(target) : fast);
  return target;
}

type VersionsOf<O, R> = R | ((home: O) => R);

/**
 * For a call whose callee is not callable: returns a function that throws the engine's TypeError, so that
 * instrumented code evaluates the arguments first and reports `o.m is not a function` like the original.
 */
export function notFunction(text: string): () => never {
  return () => {
    throw new TypeError(`${text} is not a function`);
  };
}

/**
 * `fn` when it is callable, else notFunction(text): the callee of a plain call a copy makes through
 * apply(). One small call instead of the test written out at every such site (~10% of a copy's text),
 * inlined by the engine.
 */
export function callable(fn: unknown, text: string): unknown {
  return typeof fn === 'function' ? fn : notFunction(text);
}

type Opener = (hot: Record<string, unknown>, text: string) => AnyFunction;

/**
 * `$pe.later(f, ($f) => $pe.lazyText($f, [$pe_open, "<facts>"]))`: f's fast copy made from its own text when
 * a task first needs it, compiled by its file's opener (lazy-text.ts; transform option copiesAtRunTime).
 * A closure hands over the values of the locals around it that it reads (`captured`), accessors for those
 * that may change (`box`) and, an arrow, its `this` (`self`).
 */
export function lazyText<F extends AnyFunction>(fn: F, spec: [Opener, string], captured?: unknown[], self?: unknown, box?: object): F {
  // (Its generator version when the lazy subset's checks, only begun by the transform, turn it down.)
  const made = versionFromText('lazy', runtime, callable, fn as never, spec as never, captured, self, box);
  if (made.kind === 'generator') return def(fn, made.version as unknown as GeneratorFn);
  // The fast copy alone: most closures are only called from fast copies; the getters make the
  // generator-mode entry the first time anything asks for it (deferred.ts). Known by its stamp, unbranded.
  if (gensMadeOnDemand) attachFast(fn, made.version as never, false);
  else attachLazy(fn, made.version as never);
  return fn;
}

/** The same for a function outside the lazy subset: its generator version made from its text (def()). */
export function defText<F extends AnyFunction>(fn: F, spec: [Opener, string], captured?: unknown[], self?: unknown, box?: object): F {
  return def(fn, versionFromText('generator', runtime, callable, fn as never, spec as never, captured, self, box).version as unknown as GeneratorFn);
}

/**
 * `super[key]` read with `receiver` as this, for a class method's fast copy (which is not a method itself):
 * the home object's prototype at the time of the read, as the engine does.
 */
export function superGet(home: object, key: unknown, receiver: unknown): unknown {
  const base = Object.getPrototypeOf(home) as object | null;
  if (base === null) throw new TypeError(`Cannot read properties of null (reading '${String(key)}')`);
  return Reflect.get(base, key as PropertyKey, receiver);
}

/**
 * `super[key] = value` with `receiver` as `this`, for a method's copy made outside its class or literal
 * (`home`: the method's home object). Strict code assigns through a method of the runtime's own whose home
 * object is given `home`'s prototype, so a failed assignment throws the engine's own TypeError; sloppy code
 * ignores the failure, as the engine does (a null prototype still throws).
 */
export function superSet(home: object, key: PropertyKey, value: unknown, receiver: unknown, strict: boolean): unknown {
  const base = Object.getPrototypeOf(home) as object | null;
  if (!strict && base !== null) {
    Reflect.set(base, key, value, receiver);
    return value;
  }
  Object.setPrototypeOf(assigner, base);
  try {
    apply(assigner.assign, receiver, [key, value]);
  } finally {
    Object.setPrototypeOf(assigner, null);
  }
  return value;
}
const assigner = {
  assign(key: PropertyKey, value: unknown): void {
    super[key as string] = value;
  },
};

/** `super[key]++` and the like through the home object (see superUpdateVia). */
export function superUpdate(home: object, key: PropertyKey, receiver: unknown, increment: boolean, prefix: boolean, strict: boolean): unknown {
  const via = { get: (k: PropertyKey): unknown => superGet(home, k, receiver), set: (k: PropertyKey, v: unknown): unknown => superSet(home, k, v, receiver, strict) };
  return superUpdateVia(via, key, increment, prefix);
}

/**
 * `super[key]++` and the like: the old value made numeric as the engine does (`value++` on it), then set.
 * `via` reads and assigns `super[k]` (in an arrow's generator version, arrows made where the arrow is:
 * `get: (k) => super[k]`, `set: (k, v) => (super[k] = v)`, so the engine's own strictness applies).
 */
export function superUpdateVia(via: { get(key: PropertyKey): unknown; set(key: PropertyKey, value: unknown): unknown }, key: PropertyKey, increment: boolean, prefix: boolean): unknown {
  let value = via.get(key) as number;
  const old = increment ? value++ : value--;
  via.set(key, value);
  return prefix ? value : old;
}

/** ToPropertyKey, for `super[k]` (made a key when evaluated, before the value of an assignment is). */
export function toKey(value: unknown): PropertyKey {
  return typeof value === 'string' || typeof value === 'symbol' ? value : Reflect.ownKeys({ [value as PropertyKey]: 0 })[0]!;
}

let lastKey: string | symbol = '';

/**
 * `{ [expr]: () => {} }` with the function wrapped in def(): the key is evaluated through key() (ToPropertyKey,
 * exactly once, by the engine itself) and the wrapped function gets keyName() as its name, as the engine's
 * own naming would have given it. Nothing runs between the two: the key, then the value.
 */
export function key(value: unknown): string | symbol {
  lastKey = Reflect.ownKeys({ [value as PropertyKey]: 0 })[0]!;
  return lastKey;
}

/** The name SetFunctionName gives a function under the key last passed to key(). */
export function keyName(): string {
  if (typeof lastKey === 'symbol') return lastKey.description === undefined ? '' : `[${lastKey.description}]`;
  return lastKey;
}
