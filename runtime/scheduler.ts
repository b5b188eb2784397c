// The async layer: run() time-slices one function across event-loop turns; Scheduler runs many, short
// ones first (or round-robin). Both are thin drivers over launch/resume/cancel: between two slices control goes back to
// the event loop (setImmediate), so timers, I/O and promise callbacks are served while long work runs.

import { parseBudget } from './budget';
import { PreemptibleArgumentError } from './errors';
import { cancel, launch, resume } from './launch';
import { Task, taskState } from './task';

export interface RunOptions {
  /** Milliseconds per slice (default 1). */
  sliceMs?: number;
  /** Overrun guard allowance per slice (see launch); default 100. */
  graceMs?: number;
  /** Aborting cancels the task (its finally blocks run) and rejects with `signal.reason`. */
  signal?: AbortSignal;
}

const DEFAULT_SLICE_MS = 1;

function sliceBudget(options: { sliceMs?: number; graceMs?: number }, caller: string): { budgetMs: number; graceMs: number } {
  const parsed = parseBudget({ budgetMs: options.sliceMs ?? DEFAULT_SLICE_MS, ...(options.graceMs === undefined ? {} : { graceMs: options.graceMs }) }, caller);
  if (parsed.budgetMs === Infinity) throw new PreemptibleArgumentError(`${caller}: sliceMs must be finite (use launch() to run to completion)`);
  return parsed;
}

function checkOptions(options: object, known: readonly string[], caller: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new PreemptibleArgumentError(`${caller}: unknown option '${key}'; known options are ${known.join(', ')}`);
  }
}

/**
 * Runs `fn(...args)` in slices of `sliceMs`, yielding to the event loop between slices; settles with its
 * result or its exception. The first slice runs now, synchronously.
 */
export function run<A extends unknown[], R>(fn: (...args: A) => R, options: RunOptions = {}, ...args: A): Promise<R> {
  if (typeof fn !== 'function') throw new PreemptibleArgumentError(`run: the first argument must be a function, got ${fn === null ? 'null' : typeof fn}`);
  checkOptions(options, ['sliceMs', 'graceMs', 'signal'], 'run');
  const budget = sliceBudget(options, 'run');
  const { signal } = options;
  return new Promise<R>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let task: Task<R> | undefined;
    let settled = false;
    const settle = (f: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = (): void => {
      if (settled) return;
      try {
        if (task) cancel(task);
      } catch (e) {
        return settle(() => reject(e));
      }
      settle(() => reject(signal!.reason));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const step = (): void => {
      if (settled) return;
      if (!task || task.status === 'paused') {
        try {
          task = task ? resume(task, budget) : launch(fn, budget, ...args);
        } catch (e) {
          return settle(() => reject(e));
        }
      }
      switch (task.status) {
        case 'paused':
          // A task paused after its await settled continues now; one whose slice ran out lets the loop turn.
          if (task.pausedBy === 'await') step();
          else setImmediate(step);
          return;
        case 'waiting':
          taskState(task, 'run').onReady = step; // resumes in the microtask a plain await would resume in
          return;
        case 'completed':
          return settle(() => resolve(task!.value));
        default:
          return settle(() => reject(task!.error));
      }
    };
    step();
  });
}

export type SchedulerPolicy = 'least-attained' | 'round-robin';

export interface SchedulerOptions {
  /** Milliseconds per slice (default 1). */
  sliceMs?: number;
  graceMs?: number;
  /**
   * Which queued task gets the next slice (default 'least-attained'):
   * - 'least-attained': tasks that have run for less time go first, by bands growing 4x (under 4 slices,
   *   under 16, under 64, ...), and within a band the one spawned first. A new or short task goes ahead of a
   *   long one that has already had many slices, so short work finishes at about its own speed, in arrival
   *   order, while long work continues in the gaps.
   * - 'round-robin': strictly in turn, one slice each per round, new tasks at the back.
   */
  policy?: SchedulerPolicy;
}

export interface SchedulerCounts {
  /** Tasks waiting for their next slice (including ones not started yet). */
  queued: number;
  /** 1 while a slice runs (only observable from inside a task), else 0. */
  running: number;
  /** Of those queued, the ones that have run at least one slice and are paused. */
  paused: number;
  /** Tasks (not queued) whose async function awaits a promise; they rejoin the queue when it settles. */
  waiting: number;
  completed: number;
  failed: number;
  cancelled: number;
}

interface Entry {
  task: Task | undefined;
  /** Milliseconds of slices this task has had. */
  attained: number;
  /** Band of `attained` for 'least-attained' (0: under 4 slices, 1: under 16, ...), updated after each slice. */
  band: number;
  /** Spawn order: first come, first served among tasks that have run about as long. */
  born: number;
  start: () => Task;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Runs many tasks in one process, one slice of `sliceMs` at a time; the event loop turns (setImmediate)
 * after every slice, so I/O and timers wait at most one slice. Which task runs next is the `policy`:
 * least attained service by default (short tasks are not stuck behind long ones), or round-robin.
 */
export class Scheduler {
  readonly #budget: { budgetMs: number; graceMs: number };
  readonly #policy: SchedulerPolicy;
  #born = 0;
  readonly #queue: Entry[] = [];
  #pumping = false;
  #running = 0;
  readonly #waiting = new Set<Entry>();
  #completed = 0;
  #failed = 0;
  #cancelled = 0;

  constructor(options: SchedulerOptions = {}) {
    checkOptions(options, ['sliceMs', 'graceMs', 'policy'], 'Scheduler');
    this.#budget = sliceBudget(options, 'Scheduler');
    const policy = options.policy ?? 'least-attained';
    if (policy !== 'least-attained' && policy !== 'round-robin') {
      throw new PreemptibleArgumentError(`Scheduler: policy must be 'least-attained' or 'round-robin', got ${String(policy)}`);
    }
    this.#policy = policy;
  }

  /** Queues `fn(...args)`; the promise settles with its result or exception. */
  spawn<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<R> {
    if (typeof fn !== 'function') throw new PreemptibleArgumentError(`Scheduler.spawn: expected a function, got ${fn === null ? 'null' : typeof fn}`);
    return new Promise<R>((resolve, reject) => {
      this.#enqueue({ task: undefined, attained: 0, band: 0, born: this.#born++, start: () => launch(fn, this.#budget, ...args), resolve: resolve as (v: unknown) => void, reject });
    });
  }

  get counts(): SchedulerCounts {
    return {
      queued: this.#queue.length,
      running: this.#running,
      paused: this.#queue.filter((e) => e.task !== undefined).length,
      waiting: this.#waiting.size,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
    };
  }

  /** Cancels every queued or waiting task (their finally blocks run); their promises reject with `reason`. */
  cancelAll(reason: unknown = new Error('Scheduler.cancelAll()')): void {
    const entries = [...this.#queue.splice(0), ...this.#waiting];
    this.#waiting.clear();
    for (const e of entries) {
      try {
        if (e.task) cancel(e.task);
        this.#cancelled++;
        e.reject(reason);
      } catch (error) {
        this.#failed++;
        e.reject(error);
      }
    }
  }

  /** Files a task after its slice: back of the queue, waiting on its await, or settled. */
  #after(e: Entry): void {
    const task = e.task!;
    if (task.status === 'paused') this.#enqueue(e);
    else if (task.status === 'waiting') {
      this.#waiting.add(e);
      taskState(task, 'Scheduler').onReady = () => {
        this.#waiting.delete(e);
        if (task.status === 'paused') this.#enqueue(e); // rejoins the queue like any paused task
        else this.#after(e);
      };
    } else if (task.status === 'completed') {
      this.#completed++;
      e.resolve(task.value);
    } else {
      this.#failed++;
      e.reject(task.error);
    }
  }

  #enqueue(e: Entry): void {
    this.#queue.push(e);
    this.#schedule();
  }

  /**
   * Takes the next entry off the queue, by policy. 'least-attained' groups tasks by the time they have run,
   * in bands growing by 4x (under 4 slices, under 16, under 64, ...): the lowest band goes first and within a
   * band the task spawned first, so short tasks finish in arrival order and long ones run in the gaps.
   */
  #next(): Entry | undefined {
    if (this.#policy === 'round-robin' || this.#queue.length < 2) return this.#queue.shift();
    let best = 0;
    for (let i = 1; i < this.#queue.length; i++) {
      const e = this.#queue[i]!;
      const b = this.#queue[best]!;
      if (e.band < b.band || (e.band === b.band && e.born < b.born)) best = i;
    }
    return this.#queue.splice(best, 1)[0];
  }

  #schedule(): void {
    if (this.#pumping || this.#queue.length === 0) return;
    this.#pumping = true;
    setImmediate(() => this.#slice());
  }

  #slice(): void {
    this.#pumping = false;
    const e = this.#next();
    if (!e) return;
    this.#running = 1;
    const started = performance.now();
    try {
      e.task = e.task ? resume(e.task, this.#budget) : e.start();
      e.attained += performance.now() - started;
      const slices = e.attained / this.#budget.budgetMs;
      e.band = slices < 4 ? 0 : Math.floor(Math.log2(slices) / 2);
      this.#after(e);
    } catch (error) {
      if (e.task?.status === 'cancelled' || (error as { task?: Task }).task?.status === 'cancelled') this.#cancelled++;
      else this.#failed++;
      e.reject(error);
    } finally {
      this.#running = 0;
    }
    this.#schedule();
  }
}
