// Warming the pause path before a deadline.
//
// On a machine whose cores are shared (a cloud VM), the caches forget a task's pause path while a long slice
// runs: the runtime's unwinding, the generator machinery, the addon's guard frame and V8's throw code are
// evicted by whoever else runs there. Pausing after a 10 ms slice took 3-5x as long as after a 1 ms one, and
// plain JS shows the same decay (bench/README.md, "Pause latency"). So once per long slice, shortly before
// the deadline, tick() pauses and resumes a dummy task through that same path (launch.ts's resume, two
// throws through fast-shaped frames): the real pause that follows finds it warm.

import { CAPTURE, cap, attachLazy, type Frame } from './lazy';
import { rt } from './shared';

/** A checkpoint that always pauses. */
function leaf(): never {
  throw cap();
}

/**
 * Shaped like a fast copy re-entered at a call site: it calls a function that pauses, records its own frame
 * on the way out, and is what the paused stack re-enters next time.
 */
function rehearsalFrame(this: unknown): unknown {
  rt.re = null; // nothing to restore: the frame holds no variables
  try {
    return leaf();
  } catch (e) {
    if (e === CAPTURE) rt.cap = [rehearsalFrame, this, 1, rt.cap] as Frame;
    throw e;
  }
}

/** The function launched as the dummy task (its versions are rehearsalFrame's). */
export function rehearsal(): void {}
attachLazy(rehearsal, rehearsalFrame);
