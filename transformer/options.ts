// Options shared by the programmatic API and every front-end.

export type InstrumentMode = 'all' | 'annotated';
export type ModuleFormat = 'esm' | 'cjs';

export interface CoreOptions {
  /** 'all': every function in the file; 'annotated': `'use preemptible'` and `preemptible(fn)` only. */
  instrument: InstrumentMode;
  /** Module specifier the emitted code imports its helpers from. */
  runtime: string;
  /**
   * Lazy capture (default true): functions in the supported subset run as fast copies inside tasks and are
   * captured only when they pause (transformer/lazy.ts). false keeps generator versions only (for comparison).
   */
  lazy?: boolean;
  /** Marks and the registered text for `Function.prototype.toString` (source-text.ts); default true. */
  originalText?: boolean;
  /**
   * Strict functions of a JavaScript or TypeScript file (not JSX) get their versions made at run time from
   * their own text (runtime/lazy-text.ts) instead of printed here. Off unless set: transform() sets it by
   * default for a file it writes as its own text (see its option); the esbuild, Babel and tsc front-ends
   * never (see COPIES_NOT_HERE).
   */
  copiesAtRunTime?: boolean;
}

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Stable identifier of the kind of problem, e.g. 'direct-eval'. */
  code: string;
  message: string;
}

export const DEFAULT_RUNTIME = 'preemptible/runtime';
export const INSTRUMENT_MODES: readonly InstrumentMode[] = ['all', 'annotated'];

/**
 * Codes for common constructs that simply run to completion inside a task (correct, not preemptible). The
 * front-ends list them only when asked (tsc `warnings: 'diagnostics'`, the `diagnostics` array of
 * transform()); printing one per constructor or getter would drown the warnings that matter.
 */
export const NOTE_CODES: ReadonlySet<string> = new Set(['generator-function', 'for-await', 'constructor', 'accessor', 'static-block']);

export const isNote = (d: Diagnostic): boolean => NOTE_CODES.has(d.code);

/**
 * Why a front-end whose output other tools process further does not take copiesAtRunTime: the facts a file
 * registers name its bindings, which those tools may rename (a bundler's colliding top-level names, a later
 * Babel plugin), and esbuild keeps no comments.
 */
export const COPIES_NOT_HERE = (frontEnd: string): string =>
  `${frontEnd}: copiesAtRunTime is not supported by this front-end (the names the output registers may be renamed by what processes it next); use the Node loader (preemptible/register) or transform()`;
