// Lazy capture: inside a task, functions the transformer could make "fast" run as plain code (a fast copy
// with counters and a site number, no generator per call). Only when a checkpoint in a fast copy decides
// to pause does the stack get captured: the checkpoint throws CAPTURE, and every fast frame on the way out
// records its resume point and locals in a Frame. The nearest generator-mode caller (a boundary made by
// fastToGen) catches it, yields PAUSE to the task driver, and when resumed runs the frames' resume
// versions: generators that enter the function at the recorded site and run it to its end.
//
// Every instrumented function has both entries, so the two modes call each other freely:
//   f[GEN]  (generator mode)  = fastToGen(f's fast copy)  or the transformer's generator version;
//   f[FAST] (fast mode)       = the fast copy              or genToFast(f[GEN]).
// A frame of generator-mode code inside a captured stack is simply its suspended generator.

import { rt } from './shared';
import { GEN, OWNER, PAUSE, type GenFn } from './symbols';
import { PreemptibleStateError } from './errors';

const holder = globalThis as unknown as Record<symbol, object | undefined>;

/** Property under which a function's fast copy is stored (its [OWNER] is the function). */
export const FAST: unique symbol = Symbol.for('preemptible.fast') as never;

/** Thrown by a pausing checkpoint of a fast copy; never reaches user code (boundaries catch it). */
export const CAPTURE: object = (holder[Symbol.for('preemptible.capture.v1')] ??= Object.freeze({ preemptibleCapture: true }));

/**
 * A captured frame: [resume version, this, site, the frame it was calling (inner) or null, ...locals].
 * The resume version is called as `frame[0].call(frame[1], frame)`.
 */
export type Frame = [GenFn, unknown, number, Frame | null, ...unknown[]];

type FastFn = (this: unknown, ...args: unknown[]) => unknown;

/** `throw $pe.cap()` in a fast copy's pausing checkpoint: starts a capture at the innermost frame. */
export function cap(): object {
  rt.cap = null;
  return CAPTURE;
}

/** The generator that continues `frame` (a resume version entered at its site, or a suspended generator). */
export function resumeFrame(frame: Frame): Generator<unknown, unknown, unknown> {
  return frame[0].call(frame[1], frame);
}

/** Resume version of a generator-mode frame: the suspended generator itself, continued. */
function* resumeGenerator(frame: Frame): Generator<unknown, unknown, unknown> {
  return yield* frame[4] as Generator<unknown, unknown, unknown>;
}

/** Unwinds a captured stack that will never be resumed (its task was cancelled while paused). */
function abandon(frame: Frame): void {
  let f: Frame = frame;
  while (f[3] !== null) f = f[3];
  // Fast frames have no finally blocks (such functions are not made fast); a generator frame may.
  if (f[0] === (resumeGenerator as GenFn)) {
    const it = f[4] as Generator<unknown, unknown, unknown>;
    let r = it.return(undefined);
    while (!r.done) r = it.next();
  }
}

/** The generator-mode entry of a fast copy: runs it plainly and turns a capture into a pause. */
export function fastToGen(fast: FastFn): GenFn {
  return function* boundary(this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    let frame: Frame;
    try {
      return fast.apply(this, args);
    } catch (e) {
      if (e !== CAPTURE) throw e;
      frame = rt.cap!;
      rt.cap = null;
    }
    let resumed = false;
    try {
      yield PAUSE;
      resumed = true;
    } finally {
      if (!resumed) abandon(frame);
    }
    return yield* resumeFrame(frame);
  };
}

/** The fast-mode entry of a generator version: runs it, and if it pauses, captures it as a frame. */
export function genToFast(gen: GenFn): FastFn {
  return function (this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const it = gen.apply(this, arguments as unknown as unknown[]);
    const r = it.next();
    if (r.done) return r.value;
    if (r.value !== PAUSE) {
      it.return(undefined);
      throw new PreemptibleStateError('internal error: a generator version called from fast code yielded a value that is not PAUSE');
    }
    rt.cap = [resumeGenerator as GenFn, undefined, 0, null, it];
    throw CAPTURE;
  };
}

function hidden(target: object, key: symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Attaches `fast` as `fn`'s fast-mode entry. */
export function attachFast(fn: object, fast: FastFn): void {
  hidden(fast, OWNER, fn);
  hidden(fn, FAST, fast);
}

/** For a function with a fast copy: the fast copy, and a generator-mode entry built on it. */
export function attachLazy(fn: object, fast: FastFn): void {
  attachFast(fn, fast);
  const gen = fastToGen(fast);
  hidden(gen, OWNER, fn);
  hidden(fn, GEN, gen);
}
