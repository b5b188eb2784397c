// Versions of Node's EventEmitter.prototype.emit (a fast entry, and the generator-mode entry lazy.ts makes from
// it, as for an instrumented function), so that a task can pause inside an instrumented listener (one added
// with `on`; a `once` listener sits inside Node's own wrapper, which calls it whole).
//
// It is Node's emit written out for every event but 'error' (that one, with its error monitor and the
// unhandled-error throw, is Node's own): `_events` and the event's entry read once, an array of listeners
// copied before the first call, each listener called as `listener.apply(this, args)` (its own `apply`, if it
// has one, is called as Node calls it), and a result that is a promise handled as Node's captureRejections
// handles it. That needs the emitter's capture flag, a symbol Node keeps to itself: found on a new emitter by
// its description; if this Node has none, emit keeps running listeners whole.

import { EventEmitter } from 'node:events';
import { apply } from './intrinsics';
import { attachLazy, CAPTURE, fastOf, reenterInner, type Frame } from './lazy';
import { rt } from './shared';
import { genOf } from './symbols';

type Listener = (...args: unknown[]) => unknown;
type Emitter = Record<PropertyKey, unknown>;

const emit = EventEmitter.prototype.emit as (this: unknown, ...args: unknown[]) => boolean;
const nativeApply = Function.prototype.apply;
const slice = Array.prototype.slice;
const kRejection = EventEmitter.captureRejectionSymbol;
const kCapture = Object.getOwnPropertySymbols(new EventEmitter()).find((s) => s.description === 'kCapture');

/** An emit paused inside a listener: the listeners (copied when the emit began), the one being called. */
interface Emitting {
  emitter: Emitter;
  type: unknown;
  args: unknown[];
  listeners: readonly Listener[];
  i: number;
}

/**
 * emit's fast entry (its generator-mode entry is made from it): a plain function, so an emit whose listeners
 * have no versions costs little more than Node's; a pause inside a listener records the emit as a frame.
 */
function emitFast(this: Emitter, type: unknown): unknown {
  // eslint-disable-next-line prefer-rest-params
  if (type === 'error') return apply(emit, this, arguments);
  const events = this._events as Emitter | undefined;
  if (events === undefined) return false;
  const handler = events[type as PropertyKey];
  if (handler === undefined) return false;
  // eslint-disable-next-line prefer-rest-params
  const args = apply(slice, arguments, [1]) as unknown[];
  if (typeof handler === 'function') callListener(this, type, args, handler as Listener, undefined, 0);
  else emitFrom(this, type, args, apply(slice, handler, []) as Listener[], 0);
  return true;
}

/** Calls `listeners` from index `i` on. */
function emitFrom(emitter: Emitter, type: unknown, args: unknown[], listeners: readonly Listener[], i: number): true {
  for (; i < listeners.length; i++) callListener(emitter, type, args, listeners[i]!, listeners, i);
  return true;
}

/** `listener.apply(emitter, args)` (listeners[i]), through its fast entry when it has one. */
function callListener(emitter: Emitter, type: unknown, args: unknown[], listener: Listener, listeners: readonly Listener[] | undefined, i: number): void {
  const applyFn = listener.apply;
  let result: unknown;
  if (applyFn !== nativeApply) {
    result = apply(applyFn, listener, [emitter, args]); // its own `apply`, called as Node calls it
  } else {
    try {
      result = apply(fastOf(listener) as Listener, emitter, args);
    } catch (e) {
      if (e === CAPTURE) {
        const s: Emitting = { emitter, type, args, listeners: listeners ?? [listener], i };
        rt.cap = [emitAgain, undefined, 1, rt.cap, s] as Frame;
      }
      throw e;
    }
  }
  if (result !== undefined && result !== null) addCatch(emitter, result, type, args);
}

/** The emit re-entered after a pause inside a listener: slot 3 holds how that call ended. */
function emitAgain(): unknown {
  const frame = rt.re!;
  rt.re = null;
  const s = frame[4] as Emitting;
  const result = reenterInner(frame);
  if (result !== undefined && result !== null) addCatch(s.emitter, result, s.type, s.args);
  return emitFrom(s.emitter, s.type, s.args, s.listeners, s.i + 1);
}

/** Node's addCatch: with captureRejections on, a rejected promise from a listener becomes an 'error'. */
function addCatch(emitter: Emitter, promise: unknown, type: unknown, args: unknown[]): void {
  if (!emitter[kCapture!]) return;
  try {
    const then = (promise as { then?: unknown }).then;
    if (typeof then === 'function') {
      // `then.call(promise, undefined, function (err) {...})`, as Node writes it.
      (then as { call: Listener }).call(promise, undefined, function (err: unknown) {
        process.nextTick(rejected, emitter, err, type, args);
      });
    }
  } catch (err) {
    (emitter as { emit: Listener }).emit('error', err);
  }
}

/** Node's emitUnhandledRejectionOrErr. */
function rejected(emitter: Emitter, err: unknown, type: unknown, args: unknown[]): void {
  if (typeof emitter[kRejection] === 'function') {
    (emitter as unknown as Record<symbol, Listener>)[kRejection]!(err, type, ...args);
  } else {
    const prev = emitter[kCapture!];
    try {
      emitter[kCapture!] = false;
      (emitter as { emit: Listener }).emit('error', err);
    } finally {
      emitter[kCapture!] = prev;
    }
  }
}

export function installEventMethods(): void {
  if (kCapture !== undefined && genOf(emit) === undefined) attachLazy(emit, emitFast as never);
}
