// The handle launch() returns. Its state is private; launch.ts drives it through taskState().

import type { Resumption } from './async';
import { PreemptibleArgumentError, PreemptibleStateError } from './errors';

export type TaskStatus = 'running' | 'paused' | 'waiting' | 'completed' | 'cancelled' | 'failed';

/**
 * Why a paused task stopped: its own budget ran out, it called pause(), an enclosing task's deadline came
 * first, or it awaited a promise that has since settled.
 */
export type PauseCause = 'budget' | 'pause' | 'outer' | 'await';

export interface TaskState {
  status: TaskStatus;
  value: unknown;
  error: unknown;
  /** The suspended generator of the launched function; null once finished or for opaque (uninstrumented) tasks. */
  it: Generator<unknown, unknown, unknown> | null;
  /** Own deadline (performance.now() ms) of the current run. */
  ownDeadline: number;
  pausedBy: PauseCause | undefined;
  name: string;
  /** The task runs an async function: awaits make it 'waiting', its value is the promise's outcome. */
  isAsync: boolean;
  /** What the next resume passes into the suspended generator (the outcome of an await). */
  input: Resumption | undefined;
  /** While 'waiting': settles when the task can be resumed (or has finished). */
  ready: Promise<void> | undefined;
  /** Internal drivers (run, Scheduler) resume in the same microtask the await would have: no extra tick. */
  onReady: (() => void) | undefined;
  /** Rejections of async calls made in the current synchronous stretch, delivered when it ends (async.ts). */
  deferred: (() => void)[] | undefined;
  /** Budget and grace of the current (or last) slice: an async call's continuation gets the same. */
  sliceMs: number;
  sliceGraceMs: number;
}

let stateOf: (task: Task) => TaskState;
let isTask: (value: object) => boolean;

export class Task<T = unknown> {
  #s: TaskState;

  /** @internal Created by launch(); not meant to be constructed by users. */
  constructor(state: TaskState) {
    this.#s = state;
  }

  /**
   * 'running' | 'paused' | 'waiting' | 'completed' | 'cancelled' | 'failed'. 'waiting': an async function
   * awaits a promise that has not settled; `ready` settles when it has, and the task is then 'paused'.
   */
  get status(): TaskStatus {
    return this.#s.status;
  }

  /** True once the function has returned. */
  get isComplete(): boolean {
    return this.#s.status === 'completed';
  }

  /** The function's result. Reading it before the task completed is a mistake and throws. */
  get value(): T {
    if (this.#s.status !== 'completed') {
      throw new PreemptibleStateError(
        `task.value read while the task is ${this.#s.status}; check task.isComplete first (resume() it until then)`,
      );
    }
    return this.#s.value as T;
  }

  /** What the function threw, when status is 'failed'; otherwise undefined. */
  get error(): unknown {
    return this.#s.error;
  }

  /**
   * A promise that fulfils (never rejects) once the task no longer waits on an await: resume it then. For a
   * task that is not 'waiting' it is already fulfilled. Resuming one microtask after the await settled, as
   * `await task.ready` does, is one tick later than a plain await; run() and Scheduler resume with no delay.
   */
  get ready(): Promise<void> {
    return this.#s.status === 'waiting' && this.#s.ready ? this.#s.ready : Promise.resolve();
  }

  /** Why the task last paused ('budget', 'pause', 'outer' or 'await'); undefined unless paused. */
  get pausedBy(): PauseCause | undefined {
    return this.#s.status === 'paused' ? this.#s.pausedBy : undefined;
  }

  get [Symbol.toStringTag](): string {
    return `Task ${this.#s.name} (${this.#s.status})`;
  }

  static {
    stateOf = (task) => task.#s;
    isTask = (value) => #s in value;
  }
}

/** The private state of a task, or a typed error when `task` is not one. */
export function taskState(task: unknown, caller: string): TaskState {
  if (typeof task === 'object' && task !== null && isTask(task)) return stateOf(task as Task);
  throw new PreemptibleArgumentError(`${caller}: expected a task returned by launch(), got ${describe(task)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return typeof value;
}
