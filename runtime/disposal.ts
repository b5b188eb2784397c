// `using` / `await using` in async functions' generator versions. Node 20 has no such declarations: the
// plain function is lowered by TypeScript, whose helpers keep a scope record `{ stack, error, hasError }`
// per block, push each resource on declaration and dispose them in reverse when the block ends. A generator
// version cannot contain TypeScript's lowering of `await using` (it writes an `await` into a non-async
// generator), so the transformer lowers those blocks itself into the same shape, with these two helpers
// behaving as TypeScript's do (same checks, same TypeError texts, same promise chain for the disposers, so
// the same microtask order) and the one `await` becoming an AwaitRequest:
//   const env = { stack: [], error: void 0, hasError: false };
//   try { ...; const x = $pe.addDisposable(env, <init>, true); ... }
//   catch (e) { env.error = e; env.hasError = true; }
//   finally { const r = $pe.disposeResources(env); if (r) yield $pe.aw(r); }

import { apply } from './intrinsics';

interface Resource {
  value?: unknown;
  dispose?: (this: unknown) => unknown;
  async: boolean;
}

export interface DisposalScope {
  stack: Resource[];
  error: unknown;
  hasError: boolean;
}

const PromiseCtor = Promise;

/** `using x = value` (async false) / `await using x = value` (async true): registers value, returns it. */
export function addDisposable(scope: DisposalScope, value: unknown, async: boolean): unknown {
  if (value === null || value === undefined) {
    // A null resource of an `await using` still makes the disposal await once.
    if (async) scope.stack.push({ async: true });
    return value;
  }
  if (typeof value !== 'object' && typeof value !== 'function') throw new TypeError('Object expected.');
  const holder = value as Record<symbol, unknown>;
  let dispose: unknown;
  let syncFallback = false;
  if (async) dispose = holder[Symbol.asyncDispose];
  if (dispose === undefined) {
    dispose = holder[Symbol.dispose];
    syncFallback = async;
  }
  if (typeof dispose !== 'function') throw new TypeError('Object not disposable.');
  let method = dispose as (this: unknown) => unknown;
  if (syncFallback) {
    // An `await using` of a sync disposable: its throw becomes a rejection, its result is not awaited.
    const inner = method;
    method = function (this: unknown) {
      try {
        apply(inner, this, []);
      } catch (e) {
        return PromiseCtor.reject(e);
      }
      return undefined;
    };
  }
  scope.stack.push({ value, dispose: method, async });
  return value;
}

/** The Error TypeScript's helper builds where there is no SuppressedError (Node 20). */
function suppressed(error: unknown, suppressedError: unknown, message: string): Error {
  const Native = (globalThis as { SuppressedError?: new (e: unknown, s: unknown, m: string) => Error }).SuppressedError;
  if (typeof Native === 'function') return new Native(error, suppressedError, message);
  const e = new Error(message) as Error & { error: unknown; suppressed: unknown };
  e.name = 'SuppressedError';
  e.error = error;
  e.suppressed = suppressedError;
  return e;
}

/**
 * Disposes the scope's resources, last first. Returns a promise when something must be awaited (an async
 * disposer ran, or a null `await using` resource was met), else undefined; throws (or rejects) with the
 * block's error, each disposal error wrapping the one before it as its `suppressed`.
 */
export function disposeResources(scope: DisposalScope): Promise<void> | undefined {
  const fail = (e: unknown): void => {
    scope.error = scope.hasError ? suppressed(e, scope.error, 'An error was suppressed during disposal.') : e;
    scope.hasError = true;
  };
  // Bit 1: a null async resource is owed an await; bit 2: an async disposer has been awaited.
  let state = 0;
  const next = (): Promise<void> | undefined => {
    let r: Resource | undefined;
    while ((r = scope.stack.pop())) {
      try {
        if (!r.async && state === 1) {
          // The owed await comes before the next sync disposer runs.
          state = 0;
          scope.stack.push(r);
          return PromiseCtor.resolve().then(next);
        }
        if (r.dispose) {
          const result = apply(r.dispose, r.value, []);
          if (r.async) {
            state |= 2;
            return PromiseCtor.resolve(result).then(next, (e: unknown) => {
              fail(e);
              return next();
            });
          }
        } else state |= 1;
      } catch (e) {
        fail(e);
      }
    }
    if (state === 1) return scope.hasError ? PromiseCtor.reject(scope.error) : PromiseCtor.resolve();
    if (scope.hasError) throw scope.error;
    return undefined;
  };
  return next();
}
