// `new` inside tasks. The engine runs a constructor's [[Construct]] itself (allocation, fields, super()), and a
// pause cannot unwind out of it and come back in. So the transformer splits an instrumented constructor:
//
//   class C extends B {
//     constructor(a, b) { super(a); <body> }
//   ->  constructor(a, b, $t = undefined) {          (a rest parameter `...r`: NEW is r's last element)
//         super(a);
//         if ($t === $pe.NEW) return $pe.ctorBody(new.target, this, [a, b]);
//         <body>
//       }
//       static { $pe.ctor(this, 2, true, <fast copy of function (a, b) { <body> }>) }
//
// Called by anyone else the constructor runs as written (the default keeps `C.length`; an extra argument
// lands in `$t` and is ignored). A `new X(..)` site in instrumented code, when X has a split constructor
// (`X?.[SPLIT]`, else it is an ordinary `new`), calls newSite(), which passes NEW after X's parameters: the engine does everything up to the split (a
// superclass's constructor, called by super() without NEW, runs whole), and the body runs as a fast copy with
// `this` the new object, so a pause inside it unwinds like any call (ctorBody records a frame of its own, as
// step() does for next()); resuming re-enters the body and then finishes the `new` with the body's result
// (an object it returns wins, as in the engine). NEW rides in the argument list, so a `new X()` that runs
// before the split (in a default parameter, say) is not mistaken for the one that was asked.
//
// A derived constructor that can pause before its super(...) (parameters that are names, see transformer
// constructors.ts splitBeforeSuper) is split there too: a copy of that part, a function of the parameters
// returning super()'s arguments and the parameters' and declarations' values, runs first as a call that can
// pause; then newSite() constructs with those values, PRE and the state (`$t`, `$s`), and the constructor,
// given PRE, takes each declaration's value from the state, skips the statements before super() and calls
// super() with the arguments the copy evaluated (then asks for its body as with NEW); a default value checks
// `arguments[N] === PRE` (N: where PRE comes) and is not evaluated again.
//
// An ordinary function used as a constructor (`function P() { this.x = ... }`) has no split: a site that
// finds its fast entry does [[Construct]] itself (newOrdinary), so that the body runs as that entry.

import { apply, hidden } from './intrinsics';
import { attachLazy, CAPTURE, FAST, fastOf, genToFast, reenterInner, suspendFrom, type Frame } from './lazy';
import { OWNER } from './symbols';
import { rt } from './shared';

const holder = globalThis as unknown as Record<symbol, unknown>;

/** The argument a `new` site adds after a split constructor's parameters: "run your body through ctorBody()". */
export const NEW: object = (holder[Symbol.for('preemptible.new.v1')] ??= Object.freeze({ preemptibleNew: true })) as object;

/** The argument newSite() adds, followed by the state, after the part before super() ran as a copy (below). */
export const PRE: object = (holder[Symbol.for('preemptible.pre.v1')] ??= Object.freeze({ preemptiblePre: true })) as object;

/**
 * On a class whose constructor is split: its Split. Sites test `C?.[SPLIT] === undefined` inline and make
 * an ordinary `new` then (a class that merely inherits one, or had it copied onto it, fails newSite()'s
 * owner test and is constructed plainly too).
 */
export const SPLIT: unique symbol = Symbol.for('preemptible.split') as never;

type Body = (this: unknown, ...args: unknown[]) => unknown;

interface Split {
  /** The class it belongs to. */
  cls: object;
  /** The fast entry of the constructor's body (after super()), when it can pause there. */
  body: Body | undefined;
  /**
   * The fast entry of the part before super() (derived classes), when that can pause: a function of the
   * parameters (and new.target) returning `[<super()'s arguments>, <the parameters' and declarations' values>]`.
   */
  pre: Body | undefined;
  /** How many parameters the constructor declares (NEW goes after them). */
  params: number;
  /** A derived class: a body returning a non-object other than undefined is a TypeError. */
  derived: boolean;
  /** The constructor has a rest parameter after its `params`: NEW goes after every argument. */
  rest: boolean;
  /** The constructor reads `arguments`: every argument goes, then a token with their count (takeCount()). */
  counted: boolean;
  /** A builtin's own `new` (builtinNew()): newSite() calls it with the arguments instead of the rest. */
  construct?: (args: unknown[]) => object;
}

/**
 * From the class's static block: registers the body of its split constructor, as a fast copy or (outside
 * the fast subset) a generator version.
 */
export function ctor(cls: object, params: number, derived: boolean, fast: Body | undefined, gen?: GenBody, rest = false, preFast?: Body, preGen?: GenBody, counted = false): void {
  hidden(cls, SPLIT, { cls, body: entry(fast, gen), pre: entry(preFast, preGen), params, derived, rest, counted });
}

/**
 * Gives a builtin constructor (Promise) a `new` of the runtime's, for sites of instrumented code: `construct`
 * does what the engine's would, calling the program's callback (an executor) through its fast entry.
 */
export function builtinNew(cls: object, construct: (args: unknown[]) => object): void {
  hidden(cls, SPLIT, { cls, body: undefined, pre: undefined, params: 0, derived: false, rest: false, counted: false, construct });
}

type GenBody = (...args: never[]) => Generator;
const entry = (fast: Body | undefined, gen: GenBody | undefined): Body | undefined => fast ?? (gen && (genToFast(gen as never) as Body));

function splitOf(fn: unknown): Split | undefined {
  const split = fn === null || fn === undefined ? undefined : ((fn as Record<symbol, unknown>)[SPLIT] as Split | undefined);
  return split !== undefined && split.cls === fn ? split : undefined;
}

/**
 * `new fn(...args)` at a site of instrumented code (`text` is the constructor expression as written, for
 * the engine's TypeError): a class with a split constructor gets NEW after its parameters (see above).
 */
export function newSite(fn: unknown, text: string, args: unknown[]): object {
  const split = splitOf(fn);
  if (split === undefined) {
    const fast = ownFast(fn);
    return fast !== undefined && checkedConstructor(fn, text) && !noNewTarget.has(fn as object) ? newOrdinary(fn as Newable, fast, args) : construct(fn, text, args);
  }
  if (split.construct !== undefined) return split.construct(args);
  if (split.pre !== undefined) return preThenNew(fn as Newable, split, args);
  if (split.counted) return Reflect.construct(fn as Newable, withCount(args, split.params));
  return Reflect.construct(fn as new (...a: unknown[]) => object, split.rest ? withNewLast(args, split.params) : withNew(args, split.params));
}

type Newable = new (...a: unknown[]) => object;
type State = [unknown[], unknown[]];

/**
 * A constructor split before super() too: its copy of that part runs first (new.target after the parameters),
 * as a call that can pause (a frame of its own, as ctorBody's); then the engine constructs with PRE and the
 * state the copy ended with, and the constructor skips what the copy ran.
 */
function preThenNew(fn: Newable, split: Split, args: unknown[]): object {
  let state: State;
  try {
    state = apply(split.pre!, undefined, withLast(args, split.params, fn)) as State;
  } catch (e) {
    if (e === CAPTURE) rt.cap = [preAgain, undefined, 1, rt.cap, fn, split] as Frame;
    throw e;
  }
  return newGiven(fn, split, state);
}

/** preThenNew() re-entered after a pause in the copy. */
function preAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const state = reenterInner(frame) as State;
  return newGiven(frame[4] as Newable, frame[5] as Split, state);
}

/** The parameters' values at super() (the constructor evaluates no default again, given PRE), then PRE and the state. */
function newGiven(fn: Newable, split: Split, state: State): object {
  const args = withLast(state[1], split.params, PRE);
  Reflect.defineProperty(args, split.params + 1, { value: state, writable: true, enumerable: true, configurable: true });
  return Reflect.construct(fn, args);
}

/**
 * The first `n` arguments (undefined where missing), then NEW; the rest are dropped: a split constructor
 * never reads `arguments`. Built from literals and data properties only (a program may have put indexed
 * setters or getters on Array.prototype: filling holes or assigning past the end would run them).
 */
const withNew = (a: unknown[], n: number): unknown[] => withLast(a, n, NEW);

/** The first `n` arguments (undefined where missing), then `last`. */
function withLast(a: unknown[], n: number, last: unknown): unknown[] {
  const at = (i: number): unknown => (i < a.length ? a[i] : undefined);
  switch (n) {
    case 0: return [last];
    case 1: return [at(0), last];
    case 2: return [at(0), at(1), last];
    case 3: return [at(0), at(1), at(2), last];
    case 4: return [at(0), at(1), at(2), at(3), last];
    case 5: return [at(0), at(1), at(2), at(3), at(4), last];
    default: {
      const list: unknown[] = [];
      for (let i = 0; i <= n; i++) Reflect.defineProperty(list, i, { value: i < n ? at(i) : last, writable: true, enumerable: true, configurable: true });
      return list;
    }
  }
}

/** For a rest parameter: the arguments (undefined up to `n` where missing), every one of them, then NEW. */
function withNewLast(a: unknown[], n: number, last: unknown = NEW): unknown[] {
  const list: unknown[] = [];
  const count = Math.max(n, a.length);
  for (let i = 0; i <= count; i++) {
    Reflect.defineProperty(list, i, { value: i === count ? last : i < a.length ? a[i] : undefined, writable: true, enumerable: true, configurable: true });
  }
  return list;
}

/** The count tokens, by count (one each, made once), and the count of each. */
const countTokens: object[] = [];
const countOf = new Map<unknown, number>();

/** For a constructor reading `arguments`: every argument (undefined up to `n`), then the token of their count. */
function withCount(a: unknown[], n: number): unknown[] {
  const count = a.length;
  let token = countTokens[count];
  if (token === undefined) {
    token = countTokens[count] = Object.freeze({ preemptibleNew: count });
    countOf.set(token, count);
  }
  return withNewLast(a, n, token);
}

/**
 * First thing in a split constructor reading `arguments`: when a site passed a count token last, it and the
 * padding before it are taken off (strict code: the object's elements and length are plain properties), so
 * the body reads the arguments as written; true then.
 */
export function takeCount(args: IArguments): boolean {
  const count = countOf.get(args[args.length - 1]);
  if (count === undefined) return false;
  for (let i = args.length - 1; i >= count; i--) delete args[i];
  args.length = count;
  return true;
}

/**
 * newSite() for a generator version: the object, or SUSPENDED when the body paused (the generator then
 * does `yield* $pe.suspended()`, which resumes it).
 */
export function newNow(fn: unknown, text: string, args: unknown[]): unknown {
  try {
    return newSite(fn, text, args);
  } catch (e) {
    return suspendFrom(e);
  }
}

/** Called by a split constructor given NEW: runs its body on `self`; what the constructor returns. */
export function ctorBody(cls: object, self: object, params: unknown[]): unknown {
  const split = (cls as Record<symbol, Split>)[SPLIT]; // own: only newSite() passes NEW, to the class itself
  return runBody(split.body!, self, params, split.derived);
}

/**
 * `body` run on `self` as a constructor's body: a pause inside it unwinds like any call, ctorBody's or
 * newOrdinary's frame recording `self`; what `new` gives for its completion value.
 */
function runBody(body: Body, self: object, params: unknown[], derived: boolean): unknown {
  let result: unknown;
  try {
    result = apply(body, self, params);
  } catch (e) {
    if (e === CAPTURE) rt.cap = [bodyAgain, undefined, 1, rt.cap, self, derived] as Frame;
    throw e;
  }
  return constructed(self, result, derived);
}

/**
 * `new f(...args)` of an instrumented ordinary function (`function F() { this.x = ... }`): [[Construct]] done
 * here, so that its body is its fast entry and can pause. The object is made from `f.prototype` (or
 * Object.prototype when that is not an object), as OrdinaryCreateFromConstructor does, before the body runs
 * (its parameters' defaults included); an object the body returns wins. A function reading `new.target` is
 * constructed plainly (its versions were made for calls, where it is undefined): see noNewTarget.
 */
function newOrdinary(fn: Newable, fast: Body, args: unknown[]): object {
  const proto = (fn as unknown as { prototype: unknown }).prototype;
  const self = Object.create(proto !== null && (typeof proto === 'object' || typeof proto === 'function') ? proto : Object.prototype) as object;
  return runBody(fast, self, args, false) as object;
}

/** `fn`'s own fast entry (an instrumented function's, not one its [[Prototype]] has), else undefined. */
function ownFast(fn: unknown): Body | undefined {
  if (typeof fn !== 'function') return undefined;
  const fast = (fn as unknown as Record<symbol, Body | undefined>)[FAST];
  return fast !== undefined && (fast as unknown as Record<symbol, unknown>)[OWNER] === fn ? fast : undefined;
}

/**
 * Instrumented functions whose body reads `new.target` (registered by noNew when their versions are made).
 * One per realm, shared by every copy of the package: a copy that missed one would construct it through its
 * fast entry, where new.target is undefined.
 */
const noNewTarget = (holder[Symbol.for('preemptible.no-new-target.v1')] ??= new WeakSet<object>()) as WeakSet<object>;

/** Marks `fn` as reading `new.target`: newSite constructs it plainly. Returns `fn`. */
export function noNew<F extends object>(fn: F): F {
  noNewTarget.add(fn);
  return fn;
}

/**
 * Gives a builtin (or Node function) the runtime's fast entry `fast`, unless another copy of the package did
 * already, and leaves `new` of it to the engine (newSite would otherwise construct the fast entry).
 */
export function builtinFast(builtin: object, fast: (this: unknown, ...args: never[]) => unknown): void {
  if (fastOf(builtin) === builtin) attachLazy(builtin, fast as never);
  noNew(builtin);
}

/** ctorBody() re-entered after a pause in the body: slot 3 holds how the body ended. */
function bodyAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const result = reenterInner(frame);
  return constructed(frame[4] as object, result, frame[5] as boolean);
}

/** What `new` gives for a constructor body's completion value (the rule of [[Construct]]). */
function constructed(self: object, result: unknown, derived: boolean): unknown {
  if (result !== null && (typeof result === 'object' || typeof result === 'function')) return result;
  if (derived && result !== undefined) throw new TypeError('Derived constructors may only return object or undefined');
  return self;
}

/** The constructor construct() last found to be one: a site that constructs one class asks once. */
let lastConstructor: unknown;

/**
 * `new fn(...args)` for fast copies that had to spill the constructor and its arguments (a site among the
 * arguments): `text` is the constructor expression as written, for the engine's own TypeError.
 */
export function construct(fn: unknown, text: string, args: unknown[]): object {
  checkedConstructor(fn, text);
  return Reflect.construct(fn as new (...a: unknown[]) => object, args);
}

/** true, or the engine's TypeError when `fn` is not a constructor. */
function checkedConstructor(fn: unknown, text: string): true {
  if (fn !== lastConstructor) {
    if (!isConstructor(fn)) throw new TypeError(`${text} is not a constructor`);
    lastConstructor = fn;
  }
  return true;
}

/**
 * IsConstructor without touching `fn`: a Proxy has [[Construct]] exactly when its target does, and its
 * construct trap runs instead of the target (reading `fn.prototype` could run a Proxy trap or getter).
 */
function isConstructor(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  try {
    new (new Proxy(fn, PROBE) as new () => object)();
    return true;
  } catch {
    return false;
  }
}
const PROBE: ProxyHandler<object> = { construct: () => PROBE };
