// Versions attached on demand, for instrumented closures (function expressions and arrows).
//
// Attaching a closure's versions eagerly costs several Object.defineProperty calls (~0.5 us each on this
// machine), so code that creates closures in a loop ran hundreds of times slower *outside* any task
// (1.3 us per closure instead of a few ns). Creating one now only stamps it with a `make` function: a
// class private field added through the constructor-return trick, as cheap as a property assignment and
// invisible to reflection (Object.getOwnPropertySymbols, Reflect.ownKeys, spread and Object.assign see
// nothing). Getters for the version keys on Function.prototype run `make` the first time anyone asks a
// stamped function for a version (inside a task: the dispatch `f?.[GEN]` / `f?.[FAST]`, genOf): `make`
// attaches the versions as own properties, which shadow the getters from then on. For every other
// function the getter answers undefined; V8 inlines it, so a miss costs what it did before.
//
// One registry per realm, shared by every copy of this package (keys are Symbol.for), so a function
// stamped by one copy is found by the getters another copy installed.

import { ASYNC_BODY, GEN } from './symbols';
import { FAST, genFromOwnFast } from './lazy';
import { PreemptibleEnvironmentError } from './errors';
import { Adopt, hasOwn } from './intrinsics';

type Make = (fn: object) => void;

interface Registry {
  stamp(fn: object, make: Make): void;
  take(fn: object): Make | undefined;
  /** Was `fn` stamped (its versions made already or not)? A private brand check: reads nothing from `fn`. */
  stamped?(fn: object): boolean;
  /** How many times `fn` was asked for a version it does not have (counted in a private field). */
  missed?(fn: object): number;
  /** The getters make a function's [GEN] from its own [FAST] when asked (so `make` may attach [FAST] alone). */
  gensFromFast?: true;
}

/**
 * A function without versions asked this many times gets an own property saying so (a data load from then
 * on, where a call site seeing many callees would call the getter every time). Defining it costs ~0.5 us,
 * more than a closure made and called once or twice costs to run (TypeScript's compiler makes many).
 */
const MISSES_BEFORE_CACHING = 8;

const holder = globalThis as unknown as Record<symbol, Registry | undefined>;

function createRegistry(): Registry {
  class Stamped extends Adopt {
    #make: Make | undefined;
    constructor(target: object, make: Make) {
      super(target);
      this.#make = make;
    }
    static has(fn: object): boolean {
      return #make in fn;
    }
    static take(fn: object): Make | undefined {
      if (!(#make in fn)) return undefined;
      const make = (fn as Stamped).#make;
      (fn as Stamped).#make = undefined; // made once; a `make` that throws is not retried
      return make;
    }
  }
  class Counted extends Adopt {
    #misses = 0;
    static missed(fn: object): number {
      if (!(#misses in fn)) {
        if (!Object.isExtensible(fn)) return 0; // no field added (later engines refuse), no property either
        new Counted(fn);
      }
      return ++(fn as Counted).#misses;
    }
  }
  const registry: Registry = {
    stamp: (fn, make) => void new Stamped(fn, make),
    take: (fn) => Stamped.take(fn),
    stamped: (fn) => Stamped.has(fn),
    missed: (fn) => Counted.missed(fn),
    gensFromFast: true,
  };
  if (!Object.isExtensible(Function.prototype)) {
    throw new PreemptibleEnvironmentError(
      'preemptible: Function.prototype is frozen or not extensible (e.g. by SES lockdown); the runtime adds getters to it that find instrumented functions\' versions, and cannot run without them. Load preemptible before freezing the intrinsics.',
    );
  }
  for (const key of [GEN, FAST, ASYNC_BODY]) {
    Object.defineProperty(Function.prototype, key, {
      configurable: true,
      enumerable: false,
      get(this: unknown): unknown {
        if (typeof this !== 'function') return undefined;
        const make = registry.take(this);
        if (make === undefined) {
          // Made already with a fast copy only (see gensFromFast): its generator-mode entry, made now. (Only
          // for a stamped function: the brand check runs no trap of a Proxy, which hasOwn would.)
          if (key === GEN && Stamped.has(this)) {
            const gen = genFromOwnFast(this);
            if (gen !== undefined) return gen;
          }
          // Not stamped: once asked often, remember that on the function itself, so the next lookup is a
          // plain data load. A call site that sees many callees could not inline this getter, and
          // instrumented code asks every callee (builtins, uninstrumented functions) at every call.
          if ((registry.missed?.(this) ?? Infinity) > MISSES_BEFORE_CACHING && Object.isExtensible(this)) {
            Object.defineProperty(this, key, { value: undefined, writable: true, configurable: true, enumerable: false });
          }
          return undefined;
        }
        make(this);
        // make() defined own properties (those it has): read them, not this getter again.
        if (hasOwn(this, key)) return (this as unknown as Record<symbol, unknown>)[key];
        return key === GEN ? genFromOwnFast(this) : undefined;
      },
    });
  }
  return registry;
}

const registry: Registry = (holder[Symbol.for('preemptible.deferred.v1')] ??= createRegistry());

/**
 * Do the getters make a function's generator-mode entry from its own fast copy when first asked (so that a
 * closure's versions made at run time may be its fast copy alone)? Not those of an older copy of the package.
 */
export const gensMadeOnDemand: boolean = registry.gensFromFast === true;

/** Stamps `fn` with the function that attaches its versions when first asked for one. */
export function stamp(fn: object, make: Make): void {
  registry.stamp(fn, make);
}

/**
 * Was `fn` stamped (its versions made or not)? Runs no code of the program. A registry made by an older copy
 * of the package cannot tell: then it may have been.
 */
export function isStamped(fn: object): boolean {
  return registry.stamped?.(fn) ?? true;
}
