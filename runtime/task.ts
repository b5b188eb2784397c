// The handle launch() returns. Its state is private; launch.ts drives it through taskState().

import { PreemptibleArgumentError, PreemptibleStateError } from './errors';

export type TaskStatus = 'running' | 'paused' | 'completed' | 'cancelled' | 'failed';

/** Why a paused task stopped: its own budget ran out, it called pause(), or an enclosing task's deadline came first. */
export type PauseCause = 'budget' | 'pause' | 'outer';

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
}

let stateOf: (task: Task) => TaskState;
let isTask: (value: object) => boolean;

export class Task<T = unknown> {
  #s: TaskState;

  /** @internal Created by launch(); not meant to be constructed by users. */
  constructor(state: TaskState) {
    this.#s = state;
  }

  /** 'running' | 'paused' | 'completed' | 'cancelled' | 'failed' */
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

  /** Why the task last paused ('budget', 'pause' or 'outer'); undefined unless paused. */
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
