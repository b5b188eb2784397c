// Versions made at run time from a function's own text (transform option `copiesAtRunTime`): fast and
// re-entry copies, or a generator version for a function outside the lazy subset.
//
// Instead of printing a function's versions into its file, the transform writes
//   $pe.later(f, ($f) => $pe.lazyText($f, [$pe_open, "<facts>"]))      (or $pe.defText for a generator version)
// and once per file an opener, `function ($pe_hot, $pe_text) { "use strict"; return eval($pe_text); }`,
// declared where f is, so that code it evaluates sees f's scope (the text binds the runtime's values, the
// names `$pe`, `$pe_rt`, ... the copies use, as parameters of an arrow around the versions). The
// first time a task asks f for its fast entry, lazyText() takes f's text as the engine has it, makes the
// copies with the transform's own rewrite run without TypeScript (transformer/lazy-from-text.ts, which
// loads acorn: only then), and compiles them through the opener. Compiled that way the copies run as fast
// as printed ones (bench/README.md, "Copies compiled at run time").

import { uncharged } from './clock';
import { PreemptibleCopiesError } from './errors';
import { apply, call } from './intrinsics';
import { enter, FAST, SUSPENDED } from './lazy';
import { rt } from './shared';
import { engineText } from './source-text';
import { loadInOwnRealm } from './own-realm';
import { GEN, OWNER } from './symbols';
import { SPLIT } from './constructors';
import { versionCacheOf } from './version-cache';

type AnyFunction = (...args: never[]) => unknown;
type Opener = (hot: Record<string, unknown>, text: string) => AnyFunction;

let maker: typeof import('../transformer/lazy-from-text') | undefined;
let hot: Record<string, unknown> | undefined;

/** The runtime values the opener binds under the names the copies use (its `$pe` is this runtime's exports). */
function hotValues(runtime: unknown, callable: unknown): Record<string, unknown> {
  if (hot) return hot;
  // `$pe` as the ES module namespace instrumented files import gives it: the values, taken once. (The
  // CommonJS exports object reads its re-exports through getters: a call per `$pe.tick` in a loop.)
  const values = Object.freeze(Object.fromEntries(Object.keys(runtime as object).map((k) => [k, (runtime as Record<string, unknown>)[k]])));
  return (hot = { $pe: values, $pe_rt: rt, $pe_FAST: FAST, $pe_OWNER: OWNER, $pe_GEN: GEN, $pe_apply: apply, $pe_call: call, $pe_callable: callable, $pe_enter: enter, $pe_SUSPENDED: SUSPENDED, $pe_SPLIT: SPLIT });
}

/** Loads the rewrite that makes versions from text (acorn and the transformer's core: ~100 ms or more). */
function loadMaker(): typeof import('../transformer/lazy-from-text') {
  // (In a realm of its own: it runs inside tasks, whose code may have changed this realm's builtins.)
  return (maker ??= loadInOwnRealm(require.resolve('../transformer/lazy-from-text')) as unknown as typeof import('../transformer/lazy-from-text'));
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
 * What each opener compiled, by kind and facts (which name the function's place in its file): the function's
 * versions behind `(<captured>) => (<versions>)`, made once for all the functions made at that place (every
 * closure a function creates there), each then handing over its own values.
 */
const compiled = new WeakMap<Opener, Map<string, Compiled>>();

/**
 * 'lazy': the fast copy (lazy.ts); its frames record a stand-in that has the re-entry copy made at their
 * first resume ('reentry', made for the same values). Most functions' frames are never resumed (none are
 * under TO_COMPLETION): made apart, the re-entry copy is not made for them at all. 'generator': the
 * generator version of a function outside the lazy subset.
 */
type Kind = 'lazy' | 'reentry' | 'generator';

/**
 * `fn`'s fast copy (`kind` 'lazy'), re-entry copy ('reentry') or generator version ('generator') made from
 * its text and compiled by `spec[0]`, its file's opener, given the values `fn` reads from the functions
 * around it (`captured`, in the order of the facts' names), accessors for those that may change (`box`)
 * and an arrow's `this`; the caller attaches it. Asked for a fast copy of a function the lazy subset's checks turn down here (the transform
 * made only the cheap ones), its generator version: the kind made is returned with it.
 */
export function versionFromText(kind: Kind, runtime: unknown, callable: unknown, fn: AnyFunction, spec: [Opener, string], captured: unknown[] = [], self?: unknown, box?: object): { kind: Kind; version: AnyFunction } {
  const [open, factsText] = spec;
  let byFacts = compiled.get(open);
  if (!byFacts) compiled.set(open, (byFacts = new Map()));
  const key = kind === 'reentry' ? `reentry\0${factsText}` : factsText;
  const entry = byFacts.get(key);
  if (entry) return instantiate(entry, runtime, callable, fn, spec, captured, self, box);
  return firstOfPlace(byFacts, key, kind, runtime, callable, fn, spec, captured, self, box);
}

/**
 * versionFromText for the first function of its place: the versions made, compiled and first instantiated
 * (V8 compiles the copies with the maker then: lazy.ts `copy`) without charging the overrun guard's grace
 * (the TypeScript compiler's outer function takes ~0.7 s). Apart, so that the common path makes no closure.
 */
function firstOfPlace(byFacts: Map<string, Compiled>, key: string, kind: Kind, runtime: unknown, callable: unknown, fn: AnyFunction, spec: [Opener, string], captured: unknown[], self?: unknown, box?: object): { kind: Kind; version: AnyFunction } {
  return uncharged(() => {
    const made = compile(kind, runtime, callable, fn, spec[0], spec[1]);
    byFacts.set(key, made);
    return instantiate(made, runtime, callable, fn, spec, captured, self, box);
  });
}

/** The version `entry` makes, for this function's values (see versionFromText). */
function instantiate(entry: Compiled, runtime: unknown, callable: unknown, fn: AnyFunction, spec: [Opener, string], captured: unknown[], self?: unknown, box?: object): { kind: Kind; version: AnyFunction } {
  const values = box ? [box, ...captured] : captured;
  // The fast copy's stand-in for its re-entry copy has it made for these same values (see Kind).
  const version = apply(entry.make, self, entry.kind === 'lazy' ? [(): AnyFunction => versionFromText('reentry', runtime, callable, fn, spec, captured, self, box).version, ...values] : values) as AnyFunction;
  // (A generator version of an arrow runs with the arrow's `this`; a fast copy of one is an arrow itself.)
  return { kind: entry.kind, version: entry.kind === 'generator' && entry.lexicalThis ? version.bind(self) : version };
}

/** What compile() gives: the maker of a place's versions, and how to call it. */
interface Compiled {
  make: AnyFunction;
  lexicalThis: boolean;
  kind: Kind;
}

/** Makes and compiles `fn`'s version of `kind` (see versionFromText) for its place, `factsText`. */
function compile(kind: Kind, runtime: unknown, callable: unknown, fn: AnyFunction, open: Opener, factsText: string): Compiled {
  const maker = loadMaker();
  let decoded: ReturnType<typeof maker.decodeFacts>;
  try {
    decoded = maker.decodeFacts(factsText);
  } catch {
    throw new PreemptibleCopiesError(`preemptible: the facts ${JSON.stringify(factsText)} the transform wrote for a function made at run time could not be read (was the file transformed by another version of preemptible?)`);
  }
  const { facts, name } = decoded;
  const text = engineText(fn);
  // What is compiled: `(<params>) => (<version>)`, or for an arrow reading `this` a function that returns it.
  // An arrow keeps the opener's `this` (in a class's static block the class, which copies of methods reading
  // `super` take their home from); a function takes an arrow's own `this`.
  const params = (k: Kind): string => [...(k === 'lazy' ? ['$pe_reentry'] : []), ...(facts.boxed?.length ? ['$pe_box'] : []), ...(facts.captured ?? [])].join(', ');
  // The runtime's values come in as parameters of an arrow around it, not as the opener's `const`s: read from
  // a closure, a `const` costs a hole check at every use (a check and 2 bytes of bytecode each, which pushed
  // small methods' fast copies over V8's inlining limit); a parameter never assigned needs none.
  const hot = hotValues(runtime, callable);
  // The maker is bound in a block where its shared statement (fixed functions' stand-ins, if any) runs once.
  const before = (k: Kind): string => `((${Object.keys(hot).join(', ')}) => { const $pe_maker = ` + (facts.lexicalThis ? `(function (${params(k)}) { return ` : `((${params(k)}) => (`);
  // A file written as its own text (see fileOf) gets a source map of the versions to the function's place.
  const file = files.get(open);
  const at = file !== undefined ? facts.at : undefined;
  const make = (k: Kind): ReturnType<typeof maker.versionFromText> => {
    const map = at && { place: { line: at.line, column: at.character }, prefixLength: before(k).length };
    // (Kept on disk where the loader's cache is on: version-cache.ts. '' for a fast copy turned down.)
    const cache = file === undefined ? undefined : versionCacheOf(file);
    const parts = [k, factsText, text, map?.prefixLength ?? ''];
    const cached = cache?.find(parts);
    if (cached) return cached.code === '' ? undefined : cached;
    const v = maker.versionFromText(k === 'lazy' ? 'fast' : k, text, facts, name, map);
    cache?.keep(parts, v ?? { code: '' });
    return v;
  };
  // (The loaded text is the transform's printing of the function, which may be longer than its source.)
  let version: ReturnType<typeof maker.versionFromText>;
  let made: Kind = kind;
  try {
    if (kind !== 'generator') version = make(kind);
    if (version === undefined) {
      // (Never for 'reentry': its fast copy was made from the same text and facts.)
      if (kind === 'reentry') throw new Error('the lazy subset turned down the function whose fast copy it made');
      made = 'generator';
      version = make('generator')!;
    }
  } catch (e) {
    // (Thrown in the rewrite's own realm: not an instance of this realm's Error.)
    const why = String((e as { message?: unknown } | undefined)?.message ?? e);
    throw new PreemptibleCopiesError(`preemptible: the versions of ${name ?? 'a function'} could not be made from its text (${why}): ${text.slice(0, 200)}`);
  }
  const after = `${facts.lexicalThis ? '; });' : '));'} ${version.shared ?? ''} return $pe_maker; })`;
  const source = `${before(made)}${version.code}${after}${version.mappings === undefined ? '' : sourceMapComments(file!, name, version.mappings)}`;
  const compiled = { make: apply(open(hot, source), undefined, Object.values(hot)) as AnyFunction, lexicalThis: !!facts.lexicalThis, kind: made };
  // Making versions takes milliseconds, many checkpoints' worth: the next checkpoint reads the clock (else a
  // slice that made one could go on to make several before its countdown ran out).
  rt.c = 0;
  return compiled;
}

/** The file each opener's functions are in, for files written as their own text (see fileOf). */
const files = new WeakMap<Opener, string>();

/**
 * `$pe.fileOf($pe_open, "<file name>")`, written after an opener in a file the transform wrote as its own
 * text with additions: there a function's text at run time is the source's, so the versions made from it
 * get a source map to the function's place (its facts' `at`), and stack traces through them (with
 * `--enable-source-maps`) name the source's lines as for printed versions.
 */
export function fileOf(open: Opener, file: string): void {
  files.set(open, file);
  // (Where versions are kept on disk, the file's are read now, as the file loads, not in a task's slice.)
  versionCacheOf(file);
}

let compiledCount = 0;

/** `//# sourceURL` (each compile its own: Node keeps a map per URL) and an inline source map to `file`. */
function sourceMapComments(file: string, name: string | undefined, mappings: string): string {
  if (typeof Buffer !== 'function') return '';
  const map = JSON.stringify({ version: 3, sources: [file], names: [], mappings });
  return `\n//# sourceURL=preemptible-versions:${++compiledCount}/${encodeURIComponent(name ?? 'anonymous')}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}`;
}
