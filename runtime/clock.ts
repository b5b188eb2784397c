// Pure-JS timing: a checkpoint is a counter decrement; only when the counter runs out do we read the
// clock. The counter is recalibrated at every tick from the measured checkpoint rate so that the clock is
// read about once per QUANTUM_MS, which bounds how late a pause can be without making checkpoints cost
// a clock read each. The native timer (issue 3) will replace the clock read behind this same interface.

import { rt } from './shared';

/** How often (ms of running code) a checkpoint looks at the clock while a finite deadline is armed. */
export const QUANTUM_MS = 0.025;
/** Countdown used when no deadline is armed (TO_COMPLETION): only `pause()` can stop the task. */
const UNARMED_COUNT = 2 ** 30;
const MAX_RATE = 1e8;

export const now: () => number = performance.now.bind(performance);

function countFor(deadline: number, t: number): number {
  if (deadline === Infinity) return UNARMED_COUNT;
  const left = deadline - t;
  if (left <= 0) return 0;
  return Math.floor(rt.rate * Math.min(left, QUANTUM_MS));
}

/** Sets the effective deadline and primes the countdown. A deadline at or before now pauses at the first checkpoint. */
export function arm(deadline: number): void {
  const t = now();
  rt.deadline = deadline;
  rt.lastTime = t;
  // Start every slice with a tiny countdown and let tick() ramp it up (x4 per tick, bounded by the measured
  // rate): the rate learnt from earlier code may be far too high for this code, and a too-high first count
  // would overrun the first deadline by as much.
  rt.c = rt.lastCount = deadline === Infinity ? countFor(deadline, t) : Math.min(1, countFor(deadline, t));
}

/**
 * Called by a checkpoint whose countdown ran out. Returns true when the task must suspend now.
 * Otherwise it recalibrates the countdown and returns false.
 */
export function tick(): boolean {
  if (rt.pauseRequested) {
    rt.pauseRequested = false;
    rt.lastPauseReason = 'pause';
    rt.c = 0;
    return true;
  }
  const t = now();
  // Recalibrate even when the deadline has passed: a late tick is exactly the evidence that the rate
  // estimate was too high (and the estimate is shared by every later slice and task).
  const ran = rt.lastCount - rt.c;
  const elapsed = t - rt.lastTime;
  // An interval under a microsecond says more about clock granularity than about speed: keep the estimate.
  if (elapsed > 0.001) rt.rate = Math.min(MAX_RATE, Math.max(1, ran / elapsed));
  rt.lastTime = t;
  if (t >= rt.deadline) {
    rt.lastPauseReason = 'deadline';
    rt.c = 0;
    return true;
  }
  rt.c = rt.lastCount = Math.min(countFor(rt.deadline, t), rt.lastCount * 4 + 1);
  return false;
}
