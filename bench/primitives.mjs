// Functions used by the primitive-operation benchmarks (transformed by bench/run.mjs, never run plain).
import { pause } from 'preemptible';

// Smallest function the transformer instruments: a loop that does not iterate when n = 0, so a call
// runs only the entry checkpoint. (Functions without loops or calls are left plain by the transform.)
export function trivial(n) {
  let s = 1;
  for (let i = 0; i < n; i++) s += i;
  return s;
}

// A function the transformer would leave plain: launching it takes the opaque path.
export function opaque(x) {
  return x + 1;
}

// Long loop: with budget 0 a launch pauses at the entry checkpoint; each resume(task, 0) runs one back-edge.
export function spin(n) {
  let s = 0;
  for (let i = 0; i < n; i++) s = (s + i) | 0;
  return s;
}

// Three instrumented frames, each with a finally block, paused (via pause()) in the innermost one.
export const finallyRuns = { count: 0 };

export function outer(n) {
  try {
    return middle(n) + 1;
  } finally {
    finallyRuns.count++;
  }
}

function middle(n) {
  try {
    return inner(n) + 1;
  } finally {
    finallyRuns.count++;
  }
}

function inner(n) {
  try {
    pause();
    let s = 0;
    for (let i = 0; i < n; i++) s += i;
    return s;
  } finally {
    finallyRuns.count++;
  }
}
