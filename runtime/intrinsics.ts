// Builtins taken when the runtime loads. The runtime calls user functions through these, never through a
// property of the function (`fn.call(...)` reads `fn.call`, which a function may have as its own property and
// a Proxy sees), and a program replacing the globals later does not change how the runtime works.

/** Reflect.apply: `apply(fn, thisArg, [args])`. */
export const apply: typeof Reflect.apply = Reflect.apply;

/** Object.hasOwn: reads nothing from `o`. */
export const hasOwn: (o: object, key: PropertyKey) => boolean = Object.hasOwn;

/**
 * A non-enumerable own property, as on the user's functions (Object.assign and spread must not copy a
 * version onto another function). ~0.5 us per call: the runtime's own functions (fast copies, boundaries,
 * generator versions) get plain assignments instead.
 */
export function hidden(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
