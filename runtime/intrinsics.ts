// Builtins taken when the runtime loads. The runtime calls user functions through these, never through a
// property of the function (`fn.call(...)` reads `fn.call`, which a function may have as its own property and
// a Proxy sees), and a program replacing the globals later does not change how the runtime works.

/** Reflect.apply: `apply(fn, thisArg, [args])`. */
export const apply: typeof Reflect.apply = Reflect.apply;

const hasOwnProperty = Object.prototype.hasOwnProperty;

/** Object.prototype.hasOwnProperty, called without reading it from `o`. */
export function hasOwn(o: object, key: PropertyKey): boolean {
  return apply(hasOwnProperty, o, [key]) as boolean;
}
