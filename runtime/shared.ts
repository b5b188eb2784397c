// Process-wide runtime state. Kept on globalThis under a registered symbol so that two copies of this
// package (an ESM and a CJS load, or two versions in node_modules) still share one timer and one task
// stack: generated code from either copy must see the same countdown and the same running task.

import type { Task } from './task';
import type { Frame } from './lazy';

export interface SharedState {
  /** Checkpoint countdown. Generated code does `--rt.c < 0` and calls `tick()` only when it runs out. */
  c: number;
  /** Value `c` was last set to, so `tick()` knows how many checkpoints ran since. */
  lastCount: number;
  /** `performance.now()` when `c` was last set. */
  lastTime: number;
  /** Estimated checkpoints per millisecond, recalibrated at every tick. */
  rate: number;
  /** Effective deadline (performance.now() ms) of the innermost running task: the earliest on the stack. */
  deadline: number;
  /** graceMs of the running slice (the overrun guard's allowance past `deadline`). */
  grace: number;
  /** Set by a plain-context `pause()`; the next checkpoint pauses. */
  pauseRequested: boolean;
  /**
   * Why the last suspension happened: a checkpoint saw the deadline, `pause()` asked for it, or a scavenge
   * was about to run past the deadline (gc-forecast.ts).
   */
  lastPauseReason: 'deadline' | 'pause' | 'scavenge';
  /** Tasks currently running, outermost first (nested launches push). */
  stack: Task[];
  /**
   * While a fast copy's pause unwinds: the frame recorded last (the outermost so far), whose `inner` slot
   * links to the frame it was calling, and so on inwards; taken by the boundary that catches the capture.
   * See lazy.ts.
   */
  cap: Frame | null;
  /** The frame a fast copy is being re-entered to continue (read and cleared by its first statement). */
  re: Frame | null;
  /**
   * Runs the continuation of an instrumented async call (after its await settled) as a task of its own,
   * in slices of `budget` on the event loop; `onError` gets what the driver itself throws (an overrun).
   * Provided by launch.ts.
   */
  /**
   * While runtime step() runs the next() of a generator object made by an instrumented user generator
   * (user-generators.ts): that object's holder. Only then may the generator's body yield PAUSE.
   */
  stepping: object | null;
  /** While a cancelled task's suspended generators are unwound (their finally blocks run): see async.ts closeGenerator. */
  unwinding: number;
  /** How many times tick() has warmed the pause path (clock.ts, rehearsal.ts): for tests and benchmarks. */
  rehearsals: number;
  /** How many slices tick() ended early, before a scavenge that would have run past the deadline (gc-forecast.ts). */
  scavengePauses: number;
  detach: ((start: () => Generator<unknown, unknown, unknown>, budget: SliceBudget | undefined, onError: (error: unknown) => void) => void) | undefined;
  /**
   * Runs `start()`'s generator as a task of its own for one slice of `budget` (its PAUSEs pause it), now;
   * `again()` runs it for one more. Exceptions from it propagate. Provided by launch.ts (for
   * async-generators.ts).
   */
  sliced: ((start: () => Generator<unknown, unknown, unknown>, budget: SliceBudget | undefined) => SlicedRun) | undefined;
}

export interface SlicedRun {
  /** 'paused' (call again()) or 'completed' (its value is the generator's return value). */
  readonly status: string;
  readonly value: unknown;
  again(): void;
}

export interface SliceBudget {
  budgetMs: number;
  graceMs: number;
}

const KEY = Symbol.for('preemptible.runtime.shared.v1');

function create(): SharedState {
  return {
    c: 0,
    lastCount: 0,
    lastTime: 0,
    rate: 10_000,
    deadline: Infinity,
    grace: Infinity,
    pauseRequested: false,
    lastPauseReason: 'deadline',
    stack: [],
    cap: null,
    re: null,
    stepping: null,
    unwinding: 0,
    rehearsals: 0,
    scavengePauses: 0,
    detach: undefined,
    sliced: undefined,
  };
}

const holder = globalThis as unknown as Record<symbol, SharedState | undefined>;

/** The one shared state object. Generated code reads `rt.c` directly; keep its shape stable. */
export const rt: SharedState = (holder[KEY] ??= create());
