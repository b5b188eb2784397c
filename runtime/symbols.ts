// The values emitted code and the runtime agree on. Registered symbols and globally shared objects, so
// that two copies of the package (ESM + CJS, or two versions) recognise each other's functions.

import { attachFast, genToFast } from './lazy';
import { hidden } from './intrinsics';

const holder = globalThis as unknown as Record<symbol, object | undefined>;

/** Property under which a function's resumable (generator) version is stored. */
export const GEN: unique symbol = Symbol.for('preemptible.gen') as never;

/**
 * On an instrumented async function: the generator version of its body, which yields AwaitRequests at its
 * `await`s. A task launched on the function drives it directly (and reports 'waiting' at an await).
 */
export const ASYNC_BODY: unique symbol = Symbol.for('preemptible.async-body') as never;

/**
 * On every generator version: the function it belongs to. A function whose [[Prototype]] is an instrumented
 * function inherits its `[GEN]`; the owner check keeps such a function from running the other one's code.
 */
export const OWNER: unique symbol = Symbol.for('preemptible.owner') as never;

/** A generator version, as stored on its function. */
export type GenFn = (this: unknown, ...args: unknown[]) => Generator<unknown, unknown, unknown>;


/**
 * Attaches `gen` as the generator version of `fn` (under `key`, GEN by default), non-enumerable. Under GEN
 * it also becomes the function's fast-mode entry (genToFast), so fast copies can call it (lazy.ts).
 */
export function attachGen(fn: object, gen: GenFn, key: symbol = GEN): void {
  (gen as unknown as Record<symbol, unknown>)[OWNER] = fn; // the runtime's own function: a plain store
  hidden(fn, key, gen);
  if (key === GEN) attachFast(fn, genToFast(gen));
}

/** `fn`'s own generator version (under `key`), or undefined: never one inherited from its prototype. */
export function genOf(fn: unknown, key: symbol = GEN): GenFn | undefined {
  if (fn === null || fn === undefined) return undefined;
  const g = (fn as Record<symbol, GenFn | undefined>)[key];
  return g !== undefined && (g as unknown as Record<symbol, unknown>)[OWNER] === fn ? g : undefined;
}

/** The value a suspended generator yields to the driver. Shared across package copies. */
export const PAUSE: object = (holder[Symbol.for('preemptible.pause.v1')] ??= Object.freeze({ preemptiblePause: true }));

/** What the generator version of an async function yields at an `await`: the awaited operand. */
export interface AwaitRequest {
  readonly value: unknown;
}

const AWAIT_BRAND: unique symbol = Symbol.for('preemptible.await.v1') as never;

/** `await e` in an async function's generator version is `yield $pe.aw(e)`. */
export function aw(value: unknown): AwaitRequest {
  return { [AWAIT_BRAND]: true, value } as AwaitRequest;
}

export function isAwaitRequest(x: unknown): x is AwaitRequest {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[AWAIT_BRAND] === true;
}

const AsyncFunctionPrototype = Object.getPrototypeOf(async function () {}) as object;

/** Native async functions (not async generators): their calls return a promise. */
export function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === 'function' && Object.getPrototypeOf(fn) === AsyncFunctionPrototype;
}
