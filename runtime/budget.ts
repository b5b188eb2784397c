// Validation of the budget argument of launch()/resume(): a number of milliseconds or an options object.

import { PreemptibleBudgetError } from './errors';

/** Run without a time limit (only `pause()` suspends). */
export const TO_COMPLETION = Infinity;

export interface BudgetOptions {
  /** Milliseconds the task may run in this call; fractional allowed; `TO_COMPLETION` for no limit. */
  budgetMs: number;
  /**
   * How long past the deadline code the transform cannot see may run before the overrun guard cancels
   * the task. Reserved for the native overrun guard; validated but not enforced by the pure-JS runtime.
   */
  graceMs?: number;
}

export type Budget = number | BudgetOptions;

export interface ParsedBudget {
  budgetMs: number;
  graceMs: number;
}

const DEFAULT_GRACE_MS = 100;
const KNOWN_KEYS = new Set(['budgetMs', 'graceMs']);

function checkMs(value: unknown, what: string, caller: string): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    const shown = typeof value === 'number' ? String(value) : typeof value;
    throw new PreemptibleBudgetError(
      `${caller}: ${what} must be a number of milliseconds >= 0 (fractions allowed, TO_COMPLETION for no limit); got ${shown}`,
    );
  }
  return value;
}

export function parseBudget(budget: unknown, caller: string): ParsedBudget {
  if (typeof budget === 'number' || budget === undefined || budget === null) {
    return { budgetMs: checkMs(budget, 'the budget', caller), graceMs: DEFAULT_GRACE_MS };
  }
  if (typeof budget !== 'object') {
    return { budgetMs: checkMs(budget, 'the budget', caller), graceMs: DEFAULT_GRACE_MS };
  }
  for (const key of Object.keys(budget)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new PreemptibleBudgetError(
        `${caller}: unknown budget option '${key}'; known options are ${[...KNOWN_KEYS].join(', ')}`,
      );
    }
  }
  const opts = budget as Partial<BudgetOptions>;
  const budgetMs = checkMs(opts.budgetMs, 'budgetMs', caller);
  const graceMs = opts.graceMs === undefined ? DEFAULT_GRACE_MS : checkMs(opts.graceMs, 'graceMs', caller);
  return { budgetMs, graceMs };
}
