// A mark on every function given versions (an instrumented function, a builtin the runtime steps; a closure
// that makes its versions on demand carries deferred.ts's stamp instead), readable without running any code of
// the program: a private-field brand check reads no property (so no getter, no Proxy trap). bind() asks it for
// every function it binds (forwarding.ts).
// One per realm, shared by every copy of the package.

import { Adopt } from './intrinsics';

interface Brand {
  mark(fn: object): void;
  has(fn: object): boolean;
}

function createBrand(): Brand {
  class Marked extends Adopt {
    #marked = true;
    static has(fn: object): boolean {
      return #marked in fn;
    }
  }
  return {
    // A function that cannot be extended gets no mark (later engines refuse the field; it has no versions
    // either: attaching them defines properties).
    mark: (fn) => void (Marked.has(fn) || !Object.isExtensible(fn) || new Marked(fn)),
    has: (fn) => Marked.has(fn),
  };
}

const holder = globalThis as unknown as Record<symbol, Brand | undefined>;
const brand: Brand = (holder[Symbol.for('preemptible.versioned.v1')] ??= createBrand());

/** Marks `fn` as having versions. */
export function markVersioned(fn: object): void {
  brand.mark(fn);
}

/** Was `fn` given versions? Runs no code of the program. */
export function isVersioned(fn: object): boolean {
  return brand.has(fn);
}
