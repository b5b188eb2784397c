// Public API of `preemptible`.

import { PreemptibleArgumentError } from './errors';

export { launch, resume, cancel, pause } from './launch';
export { run, Scheduler } from './scheduler';
export { preemptibleHandler } from './http';
export type { HandlerOptions } from './http';
export type { RunOptions, SchedulerOptions, SchedulerCounts, SchedulerPolicy } from './scheduler';
export { TO_COMPLETION } from './budget';
export type { Budget, BudgetOptions } from './budget';
export { Task } from './task';
export type { TaskStatus, PauseCause } from './task';
export {
  PreemptibleError,
  PreemptibleStateError,
  PreemptibleBudgetError,
  PreemptibleArgumentError,
  PreemptibleEnvironmentError,
  PreemptibleSyntaxError,
  PreemptibleCopiesError,
  PreemptionOverrunError,
} from './errors';
export { capabilities } from './native';
export type { Capabilities } from './native';

/**
 * Marks code for instrumentation when the transform runs with `instrument: 'annotated'`. At run time it
 * changes nothing; it accepts every form it is used in:
 *   const f = preemptible(function () { ... })      wrapper: returns the function
 *   @preemptible method() { ... }                   standard decorator (value, context): returns the method
 *   @preemptible class C { ... }                    class decorator: returns the class
 *   @preemptible (experimentalDecorators)           legacy (target, key, descriptor): returns the descriptor
 */
export function preemptible<F extends (...args: never[]) => unknown>(fn: F): F;
export function preemptible<F>(value: F, context: { kind: string }): F;
export function preemptible(target: object, key: string | symbol, descriptor?: PropertyDescriptor): PropertyDescriptor | undefined;
export function preemptible(...args: unknown[]): unknown {
  const [first, second, third] = args;
  if (args.length === 3 && typeof second !== 'object') {
    return third as PropertyDescriptor | undefined; // legacy method decorator
  }
  if (typeof first !== 'function') {
    throw new PreemptibleArgumentError(
      `preemptible(fn): expected a function (or to be used as a decorator), got ${first === null ? 'null' : typeof first}`,
    );
  }
  return first;
}
