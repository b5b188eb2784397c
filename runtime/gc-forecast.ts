// Ending a slice just before a scavenge that would run past its deadline.
//
// No checkpoint runs while the engine collects garbage, so a deadline that falls inside a scavenge is missed
// by what is left of it. Code that allocates fast has a scavenge running at 5-10% of its deadlines, and those
// made the p99 of its pause latency (a scavenge takes 0.05-0.4 ms on a small VM; bench/README.md). But the
// young generation fills at a steady rate while such code runs, so near the deadline tick() asks the engine
// how many bytes are left before the next scavenge (the addon's newSpaceFree(), ~40 ns) and, from the rate
// they went down at, when it will start. When it would start before the deadline and could still be running
// at it, the slice ends at the last clock read before it starts: a little early (the time it gives back is
// time the scavenge would have taken), and the scavenge runs in the next slice, inside its budget.
// Needs the addon (pure-JS mode has no cheap way to read the young generation).

import { capabilities, native, SLOT } from './native';

/** The addon, when it can tell the young generation's free bytes (capabilities().gcForecast). */
const source = capabilities().gcForecast ? native : undefined;

/** How long a scavenge is taken to last (ms) before the addon has timed one. */
const DEFAULT_SCAVENGE_MS = 0.1;
/** Allocation comes in bursts: the measured rate is taken as this much higher. */
const RATE_MARGIN = 1.25;
/** Start looking this long (ms) before the scavenge time ahead of the deadline: time for a rate sample. */
const SAMPLE_MS = 0.05;

/** The shortest sample (ms) a rate is taken from. */
const MIN_SAMPLE_MS = 0.01;

// The rate sample of this slice: since `t0` (ms), the free bytes went from `free0` to `lastFree` (at `lastT`).
let t0 = -1;
let free0 = 0;
let lastT = 0;
let lastFree = 0;

/**
 * How long a scavenge takes lately (ms): the addon's slowly decaying maximum, since the slices to protect
 * are those that meet a slow one.
 */
function scavengeMs(): number {
  const ns = source!.f64[SLOT.scavengeNs]!;
  return ns > 0 ? ns / 1e6 : DEFAULT_SCAVENGE_MS;
}

/** When (performance.now() ms) tick() starts forecasting for a slice ending at `deadline`; Infinity: never. */
export function forecastFrom(deadline: number): number {
  t0 = -1;
  return source === undefined || deadline === Infinity ? Infinity : deadline - scavengeMs() - SAMPLE_MS;
}

/**
 * Called by tick() at a clock read `t` before `deadline`: true when the next scavenge will start before the
 * next clock read or soon after it (within twice the time since the last one) and could run past the deadline.
 */
export function scavengeBeforeDeadline(t: number, deadline: number): boolean {
  const free = source!.binding.newSpaceFree();
  if (free < 0) return false;
  const sinceLast = t - lastT;
  if (t0 < 0 || free > lastFree) {
    // The first reading of the slice, or a scavenge ran since the last: start a new sample.
    t0 = lastT = t;
    free0 = lastFree = free;
    return false;
  }
  lastT = t;
  lastFree = free;
  const used = free0 - free;
  // A rate measured over a few microseconds is one allocation's size, not a rate.
  if (used <= 0 || t - t0 < MIN_SAMPLE_MS) return false;
  const fillsAt = t + free / ((RATE_MARGIN * used) / (t - t0));
  return fillsAt < deadline && fillsAt <= t + 2 * sinceLast && fillsAt + scavengeMs() > deadline;
}
