// Loads the native addon (native/build/Release/preemptible.node) when it was built and not disabled, and
// owns this environment's slot: the SharedArrayBuffer through which the runtime arms deadlines and the
// watchdog thread reports them (layout: native/src/slot.h).

import { join } from 'node:path';

export interface NativeBinding {
  register(slot: SharedArrayBuffer): void;
  wake(): void;
  nowNs(): number;
  guard<T, O>(fn: () => T, overrun: O): T | O;
  /** Bytes the young generation can still allocate before the next scavenge; -1 when unknown. */
  newSpaceFree(): number;
  /** Native callees on fibers (native/src/callee.cc); absent from an addon built before them. */
  calleeSupport?(): string | null;
  calleeOpen(path: string, symbol: string, cancel: string | undefined): object;
  calleeCall(handle: object, arg: object): void;
  fiberNew(handle: object, arg: object, stackBytes: number): number;
  fiberRun(id: number, deadlineNs: number): 0 | 1;
  fiberCancel(id: number): void;
  fiberStats(reset: boolean): { runs: number; preemptions: number; libcPreemptions: number; deferrals: number; longestDeferralNs: number; live: number };
  slotBytes: number;
}

export interface Capabilities {
  /** Deadlines are raised by the addon's timer thread (checkpoints read a shared flag). */
  nativeTimer: boolean;
  /** Code the transform cannot see is cancelled with PreemptionOverrunError past deadline + graceMs. */
  overrunGuard: boolean;
  /** A slice ends just before a scavenge that would run past its deadline (runtime/gc-forecast.ts). */
  gcForecast: boolean;
  /** C functions from `preemptible/native` can be paused at a deadline (a timer signal on their own stack). */
  nativeCallees: boolean;
  /** Why the addon is not in use, when it is not. */
  reason: string | undefined;
}

/** Cell indices; keep in sync with native/src/slot.h. */
export const SLOT = {
  // Int32Array
  gen: 0,
  fired: 1,
  guardState: 2,
  threadIdle: 3,
  gcDepth: 4,
  // Float64Array
  deadlineNs: 3,
  graceNs: 4,
  targetNs: 5,
  gcNs: 6,
  gcAtArmNs: 7,
  scavengeNs: 8,
} as const;

export interface NativeState {
  binding: NativeBinding;
  i32: Int32Array;
  f64: Float64Array;
  /** native monotonic ns = performance.now() ms * 1e6 + offsetNs */
  offsetNs: number;
}

const KEY = Symbol.for('preemptible.native.v1');
type Loaded = { native: NativeState | undefined; capabilities: Capabilities };
const holder = globalThis as unknown as Record<symbol, Loaded | undefined>;

function load(): Loaded {
  const off = (reason: string): Loaded => ({ native: undefined, capabilities: { nativeTimer: false, overrunGuard: false, gcForecast: false, nativeCallees: false, reason } });
  if (process.env.PREEMPTIBLE_NATIVE === '0') return off('disabled by PREEMPTIBLE_NATIVE=0');
  let binding: NativeBinding;
  try {
    binding = require(join(__dirname, '..', '..', 'native', 'build', 'Release', 'preemptible.node')) as NativeBinding;
  } catch (e) {
    return off(`the native addon is not available (${(e as Error).message.split('\n')[0]}); reinstall with a C++ compiler to build it`);
  }
  const sab = new SharedArrayBuffer(binding.slotBytes);
  const i32 = new Int32Array(sab);
  const f64 = new Float64Array(sab);
  f64[SLOT.deadlineNs] = Infinity;
  f64[SLOT.graceNs] = Infinity;
  f64[SLOT.targetNs] = Infinity;
  binding.register(sab);
  // Translate between performance.now() and the watchdog's CLOCK_MONOTONIC (both monotonic, no drift).
  let best = Infinity;
  let offsetNs = 0;
  for (let i = 0; i < 5; i++) {
    const a = performance.now();
    const n = binding.nowNs();
    const b = performance.now();
    if (b - a < best) {
      best = b - a;
      offsetNs = n - ((a + b) / 2) * 1e6;
    }
  }
  // (A copy of the package whose addon predates newSpaceFree may have loaded it first: see KEY.)
  const gcForecast = typeof binding.newSpaceFree === 'function';
  const nativeCallees = typeof binding.calleeSupport === 'function' && binding.calleeSupport() === null;
  return { native: { binding, i32, f64, offsetNs }, capabilities: { nativeTimer: true, overrunGuard: true, gcForecast, nativeCallees, reason: undefined } };
}

const loaded: Loaded = (holder[KEY] ??= load());

/** The addon and this environment's slot, or undefined in pure-JS mode. */
export const native: NativeState | undefined = loaded.native;

/** What this process can do: `{ nativeTimer, overrunGuard, gcForecast, nativeCallees, reason }`. */
export function capabilities(): Capabilities {
  return { ...loaded.capabilities };
}

let warned = false;

/** One warning, at the first launch, when running without the addon (silence: PREEMPTIBLE_QUIET=1). */
export function warnIfDegraded(): void {
  if (warned || native) return;
  warned = true;
  if (process.env.PREEMPTIBLE_QUIET === '1') return;
  process.emitWarning(
    `preemptible is running without its native addon: ${loaded.capabilities.reason}. Instrumented code still ` +
      'pauses on time, but code the transform cannot see (builtins, regular expressions, uninstrumented ' +
      'functions, WebAssembly) cannot be stopped. Set PREEMPTIBLE_QUIET=1 to silence this warning.',
    { code: 'PREEMPTIBLE_NO_NATIVE' },
  );
}
