// Public API of `preemptible`.

import { PreemptibleArgumentError } from './errors';

export { launch, resume, cancel, pause } from './launch';
export { TO_COMPLETION } from './budget';
export type { Budget, BudgetOptions } from './budget';
export { Task } from './task';
export type { TaskStatus, PauseCause } from './task';
export {
  PreemptibleError,
  PreemptibleStateError,
  PreemptibleBudgetError,
  PreemptibleArgumentError,
  PreemptibleSyntaxError,
  PreemptionOverrunError,
} from './errors';
export { capabilities } from './native';
export type { Capabilities } from './native';

/**
 * Marks a function for instrumentation when the transform runs with `instrument: 'annotated'`
 * (`const f = preemptible(function () { ... })`). At run time it returns `fn` unchanged.
 */
export function preemptible<F extends (...args: never[]) => unknown>(fn: F): F {
  if (typeof fn !== 'function') {
    throw new PreemptibleArgumentError(`preemptible(fn): expected a function, got ${fn === null ? 'null' : typeof fn}`);
  }
  return fn;
}
