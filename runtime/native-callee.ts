// `preemptible/native`: C functions as callees a task can pause inside.
//
// nativeFunction(library, symbol) loads `void symbol(void *arg)` from a shared library and returns a JS
// function taking one ArrayBuffer (or a view of one) whose bytes the C function reads and writes. Called
// outside a task, or in a task with no deadline (TO_COMPLETION), it is a plain call on this thread's stack.
// Called inside a task with a deadline (by `launch(fn, budget, arg)` itself, or by instrumented code, which
// reaches it through its fast entry like any instrumented callee), it runs on a fiber: a stack of its own on
// this same thread, which the addon's timer signal switches away from at the deadline (native/src/fiber.cc).
// The call then pauses as a frame of the task's paused stack, like a paused JS frame: resume switches back
// into the C code, cancel drops its stack and runs the library's cancel hook, if one was named.

import { isAnyArrayBuffer } from 'node:util/types';
import { builtinFast } from './constructors';
import { PreemptibleArgumentError, PreemptibleEnvironmentError } from './errors';
import { nativeRehearsalAt, now, rehearseNow } from './clock';
import { onSliceEnd } from './launch';
import { CAPTURE, onAbandon, type Frame } from './lazy';
import { capabilities, native, type NativeBinding } from './native';
import { rt } from './shared';

export interface NativeFunctionOptions {
  /** A `void hook(void *arg)` in the same library, run with the same argument when a paused call is cancelled. */
  onCancel?: string;
  /** Stack size of the fiber a call runs on inside a task (default 1 MiB; a guard page below it). */
  stackBytes?: number;
}

/** What a native callee takes: the C function gets a pointer to these bytes. */
export type NativeArgument = ArrayBuffer | SharedArrayBuffer | ArrayBufferView;

export interface NativeFunction {
  (arg: NativeArgument): undefined;
  readonly library: string;
  readonly symbol: string;
}

export interface NativeStats {
  /** Runs of a fiber (a call's first slice and each resume) on this thread. */
  runs: number;
  /** Switches away from C code at a deadline. */
  preemptions: number;
  /** Of the preemptions, those inside one of libc's string functions (memcpy, memset, ...) called from the callee's code. */
  libcPreemptions: number;
  /** Timer signals that found the C code inside libc, the loader, libstdc++ or node, and retried later. */
  deferrals: number;
  /** The longest time from the first such deferral to the switch (ms). */
  longestDeferralMs: number;
  /** Fibers started and not yet finished or cancelled. */
  live: number;
}

const MIN_STACK_BYTES = 16 * 1024;

function fibers(what: string): NativeBinding {
  const caps = capabilities();
  if (native === undefined || !caps.nativeCallees) {
    throw new PreemptibleEnvironmentError(
      `${what}: native callees need the native addon and a Linux x86-64 or arm64 thread timer` +
        (caps.reason !== undefined ? ` (${caps.reason})` : native !== undefined ? ` (${native.binding.calleeSupport?.() ?? 'the addon predates them'})` : ''),
    );
  }
  return native.binding;
}

/** Loads `void symbol(void *arg)` (and the cancel hook) from `library`: see the module comment. */
export function nativeFunction(library: string, symbol: string, options: NativeFunctionOptions = {}): NativeFunction {
  if (typeof library !== 'string' || library === '') throw new PreemptibleArgumentError('nativeFunction(library, symbol): library must be a path');
  if (typeof symbol !== 'string' || symbol === '') throw new PreemptibleArgumentError('nativeFunction(library, symbol): symbol must be a non-empty string');
  if (options === null || typeof options !== 'object') throw new PreemptibleArgumentError('nativeFunction: options must be an object');
  const { onCancel, stackBytes = 0 } = options;
  if (onCancel !== undefined && (typeof onCancel !== 'string' || onCancel === '')) {
    throw new PreemptibleArgumentError('nativeFunction: options.onCancel must be the name of a function in the library');
  }
  if (stackBytes !== 0 && !(Number.isSafeInteger(stackBytes) && stackBytes >= MIN_STACK_BYTES)) {
    throw new PreemptibleArgumentError(`nativeFunction: options.stackBytes must be an integer >= ${MIN_STACK_BYTES}, got ${String(stackBytes)}`);
  }
  const binding = fibers('nativeFunction');
  let handle: object;
  try {
    handle = binding.calleeOpen(library, symbol, onCancel);
  } catch (e) {
    throw new PreemptibleArgumentError(`nativeFunction: ${(e as Error).message}`);
  }
  const callee = {
    [symbol](arg: NativeArgument): undefined {
      binding.calleeCall(handle, checked(arg, symbol));
      return undefined;
    },
  }[symbol] as NativeFunction;
  builtinFast(callee, function (this: unknown, arg: unknown): undefined {
    const bytes = checked(arg, symbol);
    if (rt.deadline === Infinity) {
      binding.calleeCall(handle, bytes);
      return undefined;
    }
    return run([nativeAgain, undefined, 1, null, binding.fiberNew(handle, bytes, stackBytes)], true);
  });
  Object.defineProperties(callee, {
    library: { value: library, enumerable: true },
    symbol: { value: symbol, enumerable: true },
  });
  return callee;
}

function checked(arg: unknown, symbol: string): object {
  if (isAnyArrayBuffer(arg) || ArrayBuffer.isView(arg)) return arg as object;
  throw new PreemptibleArgumentError(`${symbol}(arg): expected an ArrayBuffer, a SharedArrayBuffer or a view of one, got ${arg === null ? 'null' : typeof arg}`);
}

const abandoned = new FinalizationRegistry<number>((id) => native?.binding.fiberCancel(id));

/**
 * The C call of the current slice, if it made one: the overrun guard can only stop a call that stays past
 * deadline + grace (deferring inside libc, say) once it has switched back to JavaScript, and the task is
 * then unwound before its frame is recorded. The call is cancelled with it, its hook run.
 */
let inFlight: Frame | null = null;
onSliceEnd((overrun) => {
  const frame = inFlight;
  inFlight = null;
  if (!overrun || frame === null) return;
  abandoned.unregister(frame);
  native!.binding.fiberCancel(frame[4] as number); // (nothing if it had finished)
});

/**
 * Runs the frame's fiber until the C function returns (undefined) or the deadline (a pause: CAPTURE). A
 * task dropped while paused in it (never resumed nor cancelled) gives the fiber back when collected. (It
 * is registered before the first run: a call the overrun guard cut off, which onSliceEnd cancels at once,
 * could otherwise be lost if the guard struck after inFlight was replaced.)
 */
function run(frame: Frame, first: boolean): undefined {
  const { binding, offsetNs } = native!;
  const id = frame[4] as number;
  if (first) abandoned.register(frame, id, frame);
  inFlight = frame;
  // In a long slice, switch back once shortly before the deadline to warm the way back (the kernel's signal
  // path, the switch, and the runtime's pause path: rehearsal.ts), which a long run of C code leaves cold.
  const rehearseAt = nativeRehearsalAt(now());
  if (rehearseAt !== Infinity) {
    if (binding.fiberRun(id, rehearseAt * 1e6 + offsetNs) === 0) return finished(frame);
    rehearseNow();
  }
  if (binding.fiberRun(id, rt.deadline * 1e6 + offsetNs) === 0) return finished(frame);
  frame[3] = null; // the innermost frame of the capture
  rt.cap = frame;
  throw CAPTURE;
}

function finished(frame: Frame): undefined {
  abandoned.unregister(frame);
  return undefined;
}

/** A paused native call, re-entered by resume: switches back into the C code. */
function nativeAgain(): undefined {
  const frame = rt.re!;
  rt.re = null;
  return run(frame, false);
}

onAbandon(nativeAgain, (frame) => {
  abandoned.unregister(frame);
  native!.binding.fiberCancel(frame[4] as number);
});

/**
 * Counters of this thread's native callees (see NativeStats): since the thread started, or since the last
 * call with `reset` true (which starts them again from zero; `live` is not a counter).
 */
export function nativeStats(reset = false): NativeStats {
  const s = fibers('nativeStats').fiberStats(reset === true);
  return {
    runs: s.runs,
    preemptions: s.preemptions,
    libcPreemptions: s.libcPreemptions,
    deferrals: s.deferrals,
    longestDeferralMs: s.longestDeferralNs / 1e6,
    live: s.live,
  };
}
