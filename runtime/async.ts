// Instrumented async functions. The generator version of an async function's body yields an AwaitRequest
// at each `await` (and PAUSE at checkpoints). Two drivers consume it:
//   - a task launched on the async function itself drives the body directly and reports 'waiting' at an
//     await (launch.ts);
//   - a call from instrumented code inside a task goes through asyncCall() below: the body's synchronous
//     stretch runs as part of the calling task (pausing with it), and at its first await the caller gets
//     the promise back, as with a plain async function. The rest of the body continues when the awaited
//     value settles, in the same microtask a plain `await` would resume in, as a task of its own run in
//     slices on the event loop (rt.detach, provided by launch.ts) with the budget of the task that called it.

import { PreemptibleStateError } from './errors';
import { rt } from './shared';
import { taskState, type TaskState } from './task';
import { attachGen, ASYNC_BODY, isAwaitRequest, PAUSE } from './symbols';

type BodyGenerator = Generator<unknown, unknown, unknown>;
type BodyFn = (this: unknown, ...args: unknown[]) => BodyGenerator;

/** How to continue a suspended body: with a value (`next`) or an exception (`throw`). */
export interface Resumption {
  threw: boolean;
  value: unknown;
}

interface Settle {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The generator version used when instrumented code calls an instrumented async function. */
/**
 * Gives `fn` the versions of an async function from its body's generator version `body`: the body itself
 * (a task launched on `fn` drives it, 'waiting' at its awaits) and, for callers inside a task, an entry that
 * returns the promise.
 */
export function attachAsyncBody(fn: object, body: BodyFn): void {
  attachGen(fn, body as never, ASYNC_BODY);
  attachGen(fn, asyncCall(body) as never);
}

export function asyncCall(body: BodyFn): (this: unknown, ...args: unknown[]) => Generator<unknown, Promise<unknown>, unknown> {
  return function* (this: unknown, ...args: unknown[]) {
    let settle!: Settle;
    const creator = rt.stack.length > 0 ? taskState(rt.stack[rt.stack.length - 1], 'async call') : undefined;
    const promise = new Promise<unknown>(
      (resolve, reject) => (settle = { resolve, reject: (error) => afterStretch(creator, () => reject(error)) }),
    );
    let it: BodyGenerator;
    try {
      it = body.apply(this, args); // parameter defaults run here; their errors reject, as in an async function
    } catch (error) {
      settle.reject(error);
      return promise;
    }
    yield* step(it, settle, { threw: false, value: undefined });
    return promise;
  };
}

/**
 * Advances the body until it finishes (settling the promise) or awaits (scheduling its continuation).
 * PAUSE is passed up to whatever task runs this.
 */
function* step(it: BodyGenerator, settle: Settle, first: Resumption): Generator<unknown, void, unknown> {
  let input = first;
  let finished = false;
  try {
    for (;;) {
      let r: IteratorResult<unknown, unknown>;
      try {
        r = input.threw ? it.throw(input.value) : it.next(input.value);
      } catch (error) {
        finished = true;
        settle.reject(error);
        return;
      }
      if (r.done) {
        finished = true;
        settle.resolve(r.value);
        return;
      }
      if (r.value === PAUSE) {
        yield PAUSE;
        input = { threw: false, value: undefined };
        continue;
      }
      finished = true;
      if (isAwaitRequest(r.value)) {
        awaitThen(r.value.value, it, settle);
      } else {
        settle.reject(new PreemptibleStateError('internal error: an async generator version yielded an unknown value'));
      }
      return;
    }
  } finally {
    // The task running this stretch was cancelled while the body was suspended at a checkpoint: run the
    // body's finally blocks too (pauses inside them are ignored, as in cancel()).
    if (!finished) closeGenerator(it);
  }
}

/** `await value` for a detached body: continue when it settles, exactly where a plain await would. */
function awaitThen(value: unknown, it: BodyGenerator, settle: Settle): void {
  const running = rt.stack.length > 0 ? taskState(rt.stack[rt.stack.length - 1], 'await') : undefined;
  const budget = running ? { budgetMs: running.sliceMs, graceMs: running.sliceGraceMs } : undefined;
  let awaited: Promise<unknown>;
  try {
    awaited = Promise.resolve(value);
  } catch (error) {
    // PromiseResolve can throw (a promise whose `constructor` getter throws): await throws it back in.
    awaited = Promise.reject(error);
  }
  const go = (input: Resumption): void => {
    if (!rt.detach) {
      settle.reject(new PreemptibleStateError('internal error: no driver for async continuations (preemptible not loaded)'));
      return;
    }
    rt.detach(() => step(it, settle, input), budget, settle.reject);
  };
  awaited.then(
    (v) => go({ threw: false, value: v }),
    (e) => go({ threw: true, value: e }),
  );
}

/**
 * A rejection of a promise made by an async call is delivered once the synchronous stretch that made the
 * call has ended (the calling task awaited, finished or was cancelled). In a plain program that stretch
 * cannot be interrupted, so it always attaches its handlers before the engine looks for unhandled
 * rejections; here a pause in the stretch turns the event loop, and an early rejection would be reported
 * as unhandled (and, by Node's default, crash the process) although the program handles it a moment later.
 * No one can observe the difference: a promise's state is only seen through callbacks, which run later.
 */
export function afterStretch(creator: TaskState | undefined, deliver: () => void): void {
  const inStretch = creator && (creator.status === 'running' || (creator.status === 'paused' && creator.pausedBy !== 'await'));
  if (inStretch) (creator.deferred ??= []).push(deliver);
  else deliver();
}

/** Delivers what afterStretch() held back for `s`, unless `s` is still in the middle of a stretch. */
export function endOfStretch(s: TaskState): void {
  if (!s.deferred || (s.status === 'paused' && s.pausedBy !== 'await')) return;
  const deferred = s.deferred;
  s.deferred = undefined;
  for (const deliver of deferred) deliver();
}

/** Unwinds a suspended generator: its finally blocks run to completion. */
export function closeGenerator(it: Generator<unknown, unknown, unknown>): void {
  rt.unwinding++;
  try {
    let r = it.return(undefined);
    while (!r.done) r = it.next();
  } finally {
    rt.unwinding--;
  }
}
