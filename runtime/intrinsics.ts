// Builtins taken when the runtime loads. The runtime calls user functions through these, never through a
// property of the function (`fn.call(...)` reads `fn.call`, which a function may have as its own property and
// a Proxy sees), and a program replacing the globals later does not change how the runtime works.

/** Reflect.apply: `apply(fn, thisArg, [args])`. */
export const apply: typeof Reflect.apply = Reflect.apply;

/**
 * `call(fn, thisArg, ...args)`: Function.prototype.call with `fn` as its receiver, bound to itself, so that
 * nothing is read from `fn` (as with apply) and no array holds the arguments: in code V8 has not optimized
 * (most of a large program's) each `apply(fn, t, [a])` allocated one. TurboFan reduces both to a plain call.
 */
export const call: (fn: unknown, thisArg: unknown, ...args: unknown[]) => unknown = Function.prototype.call.bind(Function.prototype.call) as never;

/** Object.hasOwn: reads nothing from `o`. */
export const hasOwn: (o: object, key: PropertyKey) => boolean = Object.hasOwn;

/**
 * A non-enumerable own property, as on the user's functions (Object.assign and spread must not copy a
 * version onto another function). ~0.5 us per call: the runtime's own functions (fast copies, boundaries,
 * generator versions) get plain assignments instead.
 */
export function hidden(target: object, key: symbol, value: unknown): void {
  // (One descriptor for every call, its value cleared after: closures given versions in a task are many.)
  hiddenDescriptor.value = value;
  try {
    Object.defineProperty(target, key, hiddenDescriptor);
  } finally {
    hiddenDescriptor.value = undefined;
  }
}
const hiddenDescriptor: PropertyDescriptor = { value: undefined, writable: true, configurable: true, enumerable: false };

/**
 * CreateDataPropertyOrThrow, as a function of the target. On a plain array (the usual species) assignment
 * does the same, much faster, for a key that neither Array.prototype nor Object.prototype has as an own
 * property (assignment would call a setter there). Checked per key: listing the prototypes' own names once
 * per builtin call cost ~2 us, more than a short map() itself.
 */
export function definer(target: Record<number, unknown>): (key: number, value: unknown) => void {
  const define = (key: number, value: unknown): void => {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  };
  if (Object.getPrototypeOf(target) !== Array.prototype || Object.getPrototypeOf(Array.prototype) !== Object.prototype) return define;
  return (key, value) => {
    // `in` on Array.prototype covers Object.prototype too (its only prototype, checked above), and V8
    // answers it from its no-elements protector while neither has an indexed property.
    if (key in Array.prototype) define(key, value);
    else target[key] = value;
  };
}

/** LengthOfArrayLike: ToLength(o.length) (a getter runs once). */
export function lengthOf(o: object): number {
  const n = Number((o as { length?: unknown }).length);
  if (!(n > 0)) return 0; // also NaN
  return Math.min(Math.floor(n), Number.MAX_SAFE_INTEGER);
}

/**
 * A class whose constructor returns its argument: a subclass's private fields then go onto that object (a
 * function, a bound function), as cheap as a property assignment and invisible to reflection.
 */
export class Adopt {
  constructor(target: object) {
    return target; // `this` in the subclass constructor is `target`
  }
}
