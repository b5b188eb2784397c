// Lazy capture: inside a task, functions the transformer could make "fast" run as plain code (a fast copy
// with counters and a site number, no generator per call). Only when a checkpoint in a fast copy decides
// to pause does the stack get captured: the checkpoint throws CAPTURE, and every fast frame on the way out
// records its site and locals in a Frame. The nearest generator-mode caller (a boundary made by fastToGen)
// catches it and yields PAUSE to the task driver. Resuming *re-enters* the frames: the outermost fast copy
// is called again with the frame in `rt.re`, restores its locals, runs in resume mode to the recorded site
// and re-enters the frame it was calling there, down to the innermost one; from then on all of them run
// as fast as before the pause.
//
// Every instrumented function has both entries, so the two modes call each other freely:
//   f[GEN]  (generator mode)  = fastToGen(f's fast copy)  or the transformer's generator version;
//   f[FAST] (fast mode)       = the fast copy              or genToFast(f[GEN]).
// A frame of generator-mode code inside a captured stack is its suspended generator (always innermost:
// what it calls is behind a boundary of its own).

import { rt } from './shared';
import { GEN, OWNER, PAUSE, type GenFn } from './symbols';
import { PreemptibleStateError } from './errors';

const holder = globalThis as unknown as Record<symbol, object | undefined>;

/** Property under which a function's fast copy is stored (its [OWNER] is the function). */
export const FAST: unique symbol = Symbol.for('preemptible.fast') as never;

/** Thrown by a pausing checkpoint of a fast copy; never reaches user code (boundaries catch it). */
export const CAPTURE: object = (holder[Symbol.for('preemptible.capture.v1')] ??= Object.freeze({ preemptibleCapture: true }));

type FastFn = (this: unknown, ...args: unknown[]) => unknown;

/** Marks a generator-mode frame: [GENERATOR_FRAME, undefined, 0, null, suspended generator]. */
const GENERATOR_FRAME = (): never => {
  throw new PreemptibleStateError('internal error: a generator frame was called');
};

/**
 * A captured frame: [its fast copy, this, site, the frame it was calling (inner) or null, ...locals], or a
 * generator-mode frame (see GENERATOR_FRAME).
 */
export type Frame = [FastFn, unknown, number, Frame | null, ...unknown[]];

/** `throw $pe.cap()` in a fast copy's pausing checkpoint: starts a capture at the innermost frame. */
export function cap(): object {
  rt.cap = null;
  return CAPTURE;
}

/**
 * Continues a captured frame: re-enters its fast copy (which reads `rt.re` first thing) or advances its
 * generator. Returns what the frame's function returns; if it pauses again, throws CAPTURE once more.
 */
export function reenter(frame: Frame): unknown {
  if (frame[0] === GENERATOR_FRAME) {
    const it = frame[4] as Generator<unknown, unknown, unknown>;
    const r = it.next();
    if (r.done) return r.value;
    if (r.value !== PAUSE) throw notPause(it);
    rt.cap = frame;
    throw CAPTURE;
  }
  rt.re = frame;
  return frame[0].call(frame[1]);
}

function notPause(it: Generator<unknown, unknown, unknown>): PreemptibleStateError {
  it.return(undefined);
  return new PreemptibleStateError('internal error: a generator version called from fast code yielded a value that is not PAUSE');
}

/** Unwinds a captured stack that will never be resumed (its task was cancelled while paused). */
function abandon(frame: Frame): void {
  let f: Frame = frame;
  while (f[3] !== null) f = f[3];
  // Fast frames have no finally blocks (such functions are not made fast); a generator frame may.
  if (f[0] === GENERATOR_FRAME) {
    const it = f[4] as Generator<unknown, unknown, unknown>;
    let r = it.return(undefined);
    while (!r.done) r = it.next();
  }
}

/** Takes the frames a capture recorded. */
function captured(e: unknown): Frame {
  if (e !== CAPTURE) throw e;
  const frame = rt.cap!;
  rt.cap = null;
  return frame;
}

/** The generator-mode entry of a fast copy: runs it plainly and turns each capture into a pause. */
export function fastToGen(fast: FastFn): GenFn {
  return function* boundary(this: unknown, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    let frame: Frame;
    try {
      return fast.apply(this, args);
    } catch (e) {
      frame = captured(e);
    }
    for (;;) {
      let resumed = false;
      try {
        yield PAUSE;
        resumed = true;
      } finally {
        if (!resumed) abandon(frame);
      }
      try {
        return reenter(frame);
      } catch (e) {
        frame = captured(e);
      }
    }
  };
}

/** The fast-mode entry of a generator version: runs it, and if it pauses, captures it as a frame. */
export function genToFast(gen: GenFn): FastFn {
  return function (this: unknown): unknown {
    // eslint-disable-next-line prefer-rest-params
    const it = gen.apply(this, arguments as unknown as unknown[]);
    const r = it.next();
    if (r.done) return r.value;
    if (r.value !== PAUSE) throw notPause(it);
    rt.cap = [GENERATOR_FRAME, undefined, 0, null, it];
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
