// Timing. A checkpoint is a counter decrement; only when the counter runs out does tick() look further:
//  - with the native addon, at a shared flag the watchdog thread raises at the deadline (a memory read),
//    reading the clock only every few ticks to keep the checkpoint-rate estimate current;
//  - in pure-JS mode, at the clock.
// The countdown is recalibrated from the measured checkpoint rate so that tick() runs about once per
// quantum, which bounds how late a pause can be.

import { forecastFrom, scavengeBeforeDeadline } from './gc-forecast';
import { native, SLOT } from './native';
import { rt } from './shared';

/** How often (ms of running code) tick() runs while a finite deadline is armed. */
export const QUANTUM_MS = native ? 0.005 : 0.025;
/** With the addon, tick() reads the clock (for calibration and as a backstop) once per this many ticks. */
const CLOCK_EVERY = native ? 4 : 1;
/** Countdown used when no deadline is armed (TO_COMPLETION): only `pause()` can stop the task. */
const UNARMED_COUNT = 2 ** 30 - 1;
const MAX_RATE = 1e8;
/** The shortest interval (ms) between clock reads that can lower the checkpoint-rate estimate. */
const MIN_INTERVAL_MS = 0.001;
/**
 * A slice of at least this many ms warms the pause path (rehearsal.ts) once, when the clock shows less than
 * REHEARSE_LEAD_MS left. Shorter slices find it warm anyway. The lead is long enough for a cold rehearsal
 * (~20 us) to end well before the deadline, short enough that the cache is still warm at the deadline.
 */
const REHEARSE_MIN_SLICE_MS = 0.25;
const REHEARSE_LEAD_MS = 0.1;

export const now: () => number = performance.now.bind(performance);

let currentGen = -1;
/**
 * The first interval of a slice (from arm() to its first clock read) also holds the cost of starting or
 * resuming the task, which can dwarf a few checkpoints: it must not set the rate (when it did, the rate fell
 * to ~1 checkpoint per microsecond at every resume and the countdown ran out at nearly every checkpoint).
 */
let firstInterval = true;
let ticksSinceClock = 0;
/** When (performance.now() ms) tick() warms the pause path in this slice; Infinity: not in this slice. */
let rehearseAt = Infinity;
let rehearse: (() => void) | undefined;
/** From when (performance.now() ms) tick() forecasts the next scavenge (gc-forecast.ts); Infinity: not in this slice. */
let forecastAt = Infinity;

/** launch.ts provides the rehearsal: a pause and resume of a dummy task through the real path. */
export function setRehearsal(fn: () => void): void {
  rehearse = fn;
}
/** Checkpoints run since the clock was last read (the countdowns already used up). */
let ranSinceClock = 0;

function countFor(deadline: number, t: number): number {
  if (deadline === Infinity) return UNARMED_COUNT;
  const left = deadline - t;
  if (left <= 0) return 0;
  return Math.floor(rt.rate * Math.min(left, QUANTUM_MS));
}

/** Publishes the deadline to the watchdog (seqlock: odd generation while rewriting). */
function armNative(deadline: number, graceMs: number, gcAtArmNs: number): void {
  const { i32, f64, offsetNs, binding } = native!;
  const g = i32[SLOT.gen]!;
  Atomics.store(i32, SLOT.gen, g + 1);
  const deadlineNs = deadline === Infinity ? Infinity : deadline * 1e6 + offsetNs;
  f64[SLOT.deadlineNs] = deadlineNs;
  f64[SLOT.graceNs] = graceMs * 1e6;
  f64[SLOT.gcAtArmNs] = gcAtArmNs;
  currentGen = (g + 2) | 0;
  Atomics.store(i32, SLOT.gen, currentGen);
  // While deadlines come and go the watchdog polls (every 0.2 ms at most), so arming is just these writes;
  // only a blocked (idle) watchdog needs a wake-up. Pausing on time near the deadline does not depend on
  // the watchdog (tick() reads the clock there); the overrun guard may act up to one poll late.
  if (deadlineNs !== Infinity && Atomics.load(i32, SLOT.threadIdle) === 1) binding.wake();
}

/**
 * Sets the effective deadline and primes the countdown. A deadline at or before now pauses at the first
 * checkpoint. `graceMs` is how long past it the overrun guard waits (native mode only); `t` is now, if the
 * caller has just read the clock.
 */
export function arm(deadline: number, graceMs: number, t: number = deadline === Infinity ? rt.lastTime : now()): void {
  // (Disarming needs no clock read: with no deadline the countdown is fixed, and the first interval after
  // any arm() never sets the rate.)
  rt.deadline = deadline;
  rt.grace = graceMs;
  rt.lastTime = t;
  ticksSinceClock = 0;
  ranSinceClock = 0;
  firstInterval = true;
  rehearseAt = deadline - t >= REHEARSE_MIN_SLICE_MS && deadline !== Infinity ? deadline - REHEARSE_LEAD_MS : Infinity;
  forecastAt = forecastFrom(deadline);
  if (native) armNative(deadline, graceMs, native.f64[SLOT.gcNs]!);
  // Start every slice with a tiny countdown and let tick() ramp it up (x4 per clock read, bounded by the
  // measured rate): the rate learnt from earlier code may be far too high for this code, and a too-high
  // first count would overrun the first deadline by as much.
  rt.c = rt.lastCount = deadline === Infinity ? UNARMED_COUNT : Math.min(1, countFor(deadline, t));
}

/**
 * For a C call on a fiber (native-callee.ts), which has no checkpoints: when, in this slice, it should
 * switch back once to rehearse (performance.now() ms), or Infinity. A switch costs ~25 us on a VM, so only
 * slices with at least NATIVE_REHEARSE_MIN_MS left do it.
 */
export function nativeRehearsalAt(t: number): number {
  return rehearseAt !== Infinity && rt.deadline - t >= NATIVE_REHEARSE_MIN_MS ? rt.deadline - NATIVE_REHEARSE_LEAD_MS : Infinity;
}
const NATIVE_REHEARSE_MIN_MS = 2;
/** Earlier than a checkpoint's: two switches and the rehearsal itself come before the rest of the run. */
const NATIVE_REHEARSE_LEAD_MS = 0.3;

/**
 * Runs the rehearsal (rehearsal.ts; once per slice): a nested slice of budget 0, which re-arms the current
 * deadline when it ends (and so starts the countdown afresh). The overrun guard's allowance for GC time
 * since arming is kept.
 */
export function rehearseNow(): void {
  rehearseAt = Infinity;
  rt.rehearsals++;
  const gcAtArm = native ? native.f64[SLOT.gcAtArmNs]! : 0;
  rehearse?.();
  if (native) armNative(rt.deadline, rt.grace, gcAtArm);
}

/**
 * Runs `work`, the runtime's own work that cannot pause (making a function's versions from its text: up to
 * hundreds of ms for a large library's outer function), without charging its time against the overrun
 * guard's grace, as garbage collection is not charged: the guard is for the task's code. While it runs the
 * grace is infinite; after, the slice's grace is re-armed, extended by the time `work` took (less the GC in
 * it, which is allowed for already). The deadline stays: the slice pauses at its next checkpoint.
 */
export function uncharged<T>(work: () => T): T {
  if (!native || rt.deadline === Infinity || rt.grace === Infinity) return work();
  const { f64 } = native;
  const { deadline, grace } = rt;
  const gcAtArm = f64[SLOT.gcAtArmNs]!;
  const gcBefore = f64[SLOT.gcNs]!;
  const start = now();
  armNative(deadline, Infinity, gcAtArm);
  try {
    return work();
  } finally {
    const tookNs = (now() - start) * 1e6 - (f64[SLOT.gcNs]! - gcBefore);
    // (Unless a nested slice inside `work` re-armed for itself: it does not, but then its arming stands.)
    if (rt.deadline === deadline) armNative(deadline, grace, gcAtArm - Math.max(0, tookNs));
  }
}

function suspend(reason: typeof rt.lastPauseReason): true {
  rt.lastPauseReason = reason;
  rt.c = 0;
  return true;
}

/**
 * Called by a checkpoint whose countdown ran out. Returns true when the task must suspend now.
 * Otherwise it recalibrates the countdown and returns false.
 */
export function tick(): boolean {
  if (rt.pauseRequested) {
    rt.pauseRequested = false;
    return suspend('pause');
  }
  // A deadline already past at the last clock read (budget 0) needs no new one.
  if (rt.deadline <= rt.lastTime) return suspend('deadline');
  ranSinceClock += rt.lastCount - rt.c;
  if (native) {
    if (Atomics.load(native.i32, SLOT.fired) === currentGen) return suspend('deadline');
    // Far from the deadline the flag is enough; close to it (or with a zero countdown) read the clock too,
    // since the watchdog thread itself wakes a few microseconds late.
    const far = rt.deadline - rt.lastTime > 2 * CLOCK_EVERY * QUANTUM_MS;
    if (far && rt.lastCount > 0 && ++ticksSinceClock < CLOCK_EVERY) {
      rt.c = rt.lastCount;
      return false;
    }
    ticksSinceClock = 0;
  }
  const t = now();
  // Recalibrate even when the deadline has passed: a late tick is exactly the evidence that the rate
  // estimate was too high (and the estimate is shared by every later slice and task).
  const elapsed = t - rt.lastTime;
  if (!firstInterval) {
    // An interval under a microsecond says more about clock granularity than about speed: it may only
    // raise the estimate, to what it shows at least. (It used to keep the estimate as it was, which could
    // trap one made far too low by a garbage collection inside an interval: its tiny countdowns made every
    // later interval that short, and allocating code read the clock every microsecond, slice after slice.)
    if (elapsed > MIN_INTERVAL_MS) rt.rate = Math.min(MAX_RATE, Math.max(1, ranSinceClock / elapsed));
    else rt.rate = Math.min(MAX_RATE, Math.max(rt.rate, ranSinceClock / MIN_INTERVAL_MS));
  }
  firstInterval = false;
  rt.lastTime = t;
  ranSinceClock = 0;
  if (t >= rt.deadline) return suspend('deadline');
  if (t >= forecastAt && scavengeBeforeDeadline(t, rt.deadline)) {
    rt.scavengePauses++;
    return suspend('scavenge');
  }
  if (t >= rehearseAt) rehearseNow();
  rt.c = rt.lastCount = Math.min(countFor(rt.deadline, t), rt.lastCount * 4 + 1);
  return false;
}
