// Versions made at run time from a function's own text (transform option `copiesAtRunTime`): fast and
// re-entry copies, or a generator version for a function outside the lazy subset.
//
// Instead of printing a function's versions into its file, the transform writes
//   $pe.later(f, ($f) => $pe.lazyText($f, [$pe_open, "<facts>"]))      (or $pe.defText for a generator version)
// and once per file an opener, `function ($pe_hot, $pe_text) { "use strict"; const { $pe, $pe_rt, ... } =
// $pe_hot; return eval($pe_text); }`, declared where f is, so that code it evaluates sees f's scope. The
// first time a task asks f for its fast entry, lazyText() takes f's text as the engine has it, makes the
// copies with the transform's own rewrite run without TypeScript (transformer/lazy-from-text.ts, which
// loads acorn: only then), and compiles them through the opener. Compiled that way the copies run as fast
// as printed ones (bench/README.md, "Copies compiled at run time").

import { PreemptibleCopiesError } from './errors';
import { apply } from './intrinsics';
import { enter, FAST, SUSPENDED } from './lazy';
import { rt } from './shared';
import { engineText } from './source-text';
import { GEN, OWNER } from './symbols';
import { SPLIT } from './constructors';

type AnyFunction = (...args: never[]) => unknown;
type Opener = (hot: Record<string, unknown>, text: string) => AnyFunction;

let maker: typeof import('../transformer/lazy-from-text') | undefined;
let hot: Record<string, unknown> | undefined;

/** The runtime values the opener binds under the names the copies use (its `$pe` is this runtime's exports). */
function hotValues(runtime: unknown, callable: unknown): Record<string, unknown> {
  return (hot ??= { $pe: runtime, $pe_rt: rt, $pe_FAST: FAST, $pe_OWNER: OWNER, $pe_GEN: GEN, $pe_apply: apply, $pe_callable: callable, $pe_enter: enter, $pe_SUSPENDED: SUSPENDED, $pe_SPLIT: SPLIT });
}

/** Loads the rewrite that makes versions from text (acorn and the transformer's core: ~100 ms or more). */
function loadMaker(): typeof import('../transformer/lazy-from-text') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (maker ??= require('../transformer/lazy-from-text') as typeof import('../transformer/lazy-from-text'));
}

/**
 * Called when a file with such functions loads: loads the rewrite then, outside any task. Loaded at a
 * function's first call in a task instead, it would stall that slice for its whole load time, long enough
 * for the overrun guard to cancel the task.
 */
export function preloadVersionMaker(): void {
  loadMaker();
}

/**
 * `fn`'s fast copy (`kind` 'lazy') or generator version ('generator') made from its text and compiled by
 * `spec[0]`, its file's opener; the caller attaches it.
 */
export function versionFromText(kind: 'lazy' | 'generator', runtime: unknown, callable: unknown, fn: AnyFunction, spec: [Opener, string]): AnyFunction {
  const make = loadMaker();
  const [open, factsText] = spec;
  const { facts, name } = make.decodeFacts(factsText);
  const text = engineText(fn);
  // (The loaded text is the transform's printing of the function, which may be longer than its source.)
  const version = kind === 'lazy' ? make.lazyVersionsFromText(text, facts, name, { sizeChecked: true }) : make.generatorVersionFromText(text, facts, name);
  if (version === undefined) {
    throw new PreemptibleCopiesError(`preemptible: the copies of ${name ?? 'a function'} could not be made from its text (the transform found it in the lazy subset): ${text.slice(0, 200)}`);
  }
  return open(hotValues(runtime, callable), version);
}
