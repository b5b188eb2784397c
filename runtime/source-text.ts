// Function.prototype.toString answers with the original source text of instrumented functions and classes
// (transformer/source-text.ts marks them). An instrumented file registers its original text once. When the
// runtime loads it replaces Function.prototype.toString with one that asks the engine's toString, and when
// that text carries span marks (`/*$pe:KEY:start:end*/`) returns the widest span's slice of KEY's text: the
// function's own (the other marks in it belong to functions nested inside it). Any other function's text
// is the engine's, unchanged. (At load, not at the first registration: a program may freeze the intrinsics
// after loading the runtime, SES lockdown, and load instrumented files after that.)
//
// One registry per realm, shared by every copy of this package (found under a Symbol.for key), so the
// function is replaced once and every copy's files are found.

import { PreemptibleEnvironmentError } from './errors';
import { apply } from './intrinsics';
import { INSERTED_START, keptRuns } from './inserted';

interface SourceRegistry {
  texts: Map<string, string>;
  /**
   * Files that register only the spans their marks name (those printed verbatim need none): the spans'
   * texts one after the other, and each span's start and end in the file, in order. (Apart from `texts`:
   * a copy of this package that knows only those finds no text here, rather than a wrong one.)
   */
  spans?: Map<string, { text: string; at: readonly number[] }>;
  /** Builtins the runtime replaced (toString, bind): the engine's text of the original for each. */
  natives?: WeakMap<object, object>;
}

const holder = globalThis as unknown as Record<symbol, SourceRegistry | undefined>;
const REGISTRY = Symbol.for('preemptible.sourceText');

const MARK = '/*$pe:';

const markPattern = /\/\*\$pe:([0-9a-f]{16}):(\d+):(\d+)\*\//g;
// Taken at load: a program changing these later does not change what toString does.
const exec = RegExp.prototype.exec;
const includes = String.prototype.includes;
const slice = String.prototype.slice;

/** `text` without what is written between INSERTED_START and INSERTED_END (nested too); as it is if unbalanced. */
function withoutInserted(text: string): string {
  const runs = keptRuns(text);
  if (runs === undefined) return text;
  let out = '';
  for (let i = 0; i < runs.length; i += 2) out += apply(slice, text, [runs[i], runs[i + 1]]) as string;
  return out;
}

function install(): SourceRegistry {
  const registry: SourceRegistry = { texts: new Map(), natives: new WeakMap() };
  if (!Object.isExtensible(Function.prototype)) {
    throw new PreemptibleEnvironmentError('preemptible: Function.prototype is frozen or not extensible (e.g. by SES lockdown); the runtime replaces its toString (to give instrumented functions their original text) and cannot load. Load preemptible before freezing the intrinsics.');
  }
  const nativeToString = Function.prototype.toString;
  // A method: like the engine's, it has no `prototype` and cannot be constructed; its name is 'toString'.
  const replacement = {
    toString(this: unknown): string {
      const original = registry.natives?.get(this as object);
      if (original !== undefined) return apply(nativeToString, original, []) as string;
      const engine = apply(nativeToString, this, []) as string; // a TypeError for a non-function, as the engine's
      // What the transform added inside the function's text taken out (the marks of any function still
      // not its source's text then decide, in what is left).
      const text = apply(includes, engine, [INSERTED_START]) ? withoutInserted(engine) : engine;
      if (!apply(includes, text, [MARK])) return text;
      let best: { key: string; start: number; end: number } | undefined;
      markPattern.lastIndex = 0;
      for (let m = apply(exec, markPattern, [text]) as RegExpExecArray | null; m !== null; m = apply(exec, markPattern, [text]) as RegExpExecArray | null) {
        const start = +m[2]!;
        const end = +m[3]!;
        if (!best || end - start > best.end - best.start) best = { key: m[1]!, start, end };
      }
      if (!best) return text;
      const source = registry.texts.get(best.key);
      if (source !== undefined) return apply(slice, source, [best.start, best.end]) as string;
      const spans = registry.spans?.get(best.key);
      if (spans === undefined) return text;
      for (let i = 0, offset = 0; i < spans.at.length; offset += spans.at[i + 1]! - spans.at[i]!, i += 2) {
        if (spans.at[i]! <= best.start && best.end <= spans.at[i + 1]!) return apply(slice, spans.text, [offset + best.start - spans.at[i]!, offset + best.end - spans.at[i]!]) as string;
      }
      return text;
    },
  }.toString;
  registry.natives!.set(replacement, nativeToString);
  Object.defineProperty(Function.prototype, 'toString', { value: replacement, writable: true, enumerable: false, configurable: true });
  return registry;
}

const registry = (holder[REGISTRY] ??= install());

/**
 * Emitted at the top of an instrumented file: `$pe.sources(KEY, "<the file's original text>")`, or with
 * `at`, the start and end of each span the text holds (one after the other): `$pe.sources(KEY, "<spans>",
 * [start, end, ...])`.
 */
export function sources(key: string, text: string, at?: readonly number[]): void {
  if (at === undefined) registry.texts.set(key, text);
  else (registry.spans ??= new Map()).set(key, { text, at });
}

/** A function's text as the engine has it (what it compiled), whichever toString is installed. */
export function engineText(fn: object): string {
  const current = Function.prototype.toString;
  return apply((registry.natives?.get(current) ?? current) as () => string, fn, []) as string;
}

/**
 * `standIn` replaces the builtin `original` (Function.prototype.bind): its text is the original's, as the
 * engine prints a builtin (`function bind() { [native code] }`).
 */
export function nativeText(standIn: object, original: object): void {
  (registry.natives ??= new WeakMap()).set(standIn, original);
}
