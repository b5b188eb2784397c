// A function's versions made from its own text, without TypeScript: the same rewrite (lazy.ts for the fast
// and re-entry copies, generator-body.ts for a generator version) run on mini-ts nodes parsed by acorn and
// printed by mini-ts. The runtime calls it (runtime/lazy-text.ts) for the functions the transform registered
// instead of printing their versions (option copiesAtRunTime), with the facts about their file it wrote
// (text-facts.ts); test/harness/lazy-from-text.mjs checks it against the transform itself.

import type * as TS from 'typescript';
import { FunctionLike } from './analyze';
import { buildGeneratorBody, GeneratorBodyContext, HotName, namedByKey } from './generator-body';
import { buildLazy } from './lazy';
import { createPrinter, miniTs, Node, parseFunction } from './mini-ts';
import { boxedText, sourceOffset } from './mini-ts/box';
import { MARK_END, MARK_START, takeMarks } from './mini-ts/print';
import { isWordCode, MappingsWriter } from './source-map';
import { keptRuns } from '../runtime/inserted';
import { FileFacts } from './text-facts';

export { decodeFacts, encodeFacts } from './text-facts';
export type { FileFacts } from './text-facts';

/**
 * The function parsed from `text` and the rewrite's context for it, built from `facts` (the transform's is
 * from its file). `selfFast`: a fixed function's calls to itself go to its fast copy by a name of the maker's.
 */
function contextFor(text: string, facts: FileFacts, selfFast = false): { sourceFile: Node; fn: Node; g: GeneratorBodyContext; fixed: Map<string, TS.Identifier>; textOffset: (pos: number) => number } {
  const where = { method: facts.method, module: facts.module };
  // (The bindings handed over as accessors are read through them: `x` -> `$pe_box.x`.)
  const boxed = facts.boxed?.length ? boxedText(text, facts.boxed, where) : { text, edits: [] };
  const { sourceFile, fn, offset } = parseFunction(boxed.text, where);
  /** A position in the parsed text as an offset in `text`. */
  const textOffset = (pos: number): number => sourceOffset(pos - offset, boxed.edits);
  // (Inside a declaration, as in a named function expression (which the wrapper makes of its text), its
  // name is itself: a fixed one is never assigned.)
  const ownName: string | undefined = fn.kind === miniTs.SyntaxKind.FunctionExpression || fn.kind === miniTs.SyntaxKind.FunctionDeclaration ? fn.name?.text : undefined;
  const factory = miniTs.factory;
  const unique = (base: string): TS.Identifier => factory.createUniqueName(base, miniTs.GeneratedIdentifierFlags.Optimistic);
  const hot = new Map<HotName, TS.Identifier>();
  const fixed = new Map<string, TS.Identifier>();
  const asTs = (n: Node): TS.Node => n as unknown as TS.Node;
  const g: GeneratorBodyContext = {
    ts: miniTs,
    ctx: { factory } as unknown as TS.TransformationContext,
    pe: unique('$pe'),
    runtimeNodes: new WeakSet((sourceFile.runtimeNodes as TS.Node[] | undefined) ?? []),
    policy: {
      declared: new Map(facts.declared.map((n) => [n, 1])),
      plain: new Map(facts.plain.map((n) => [n, asTs(sourceFile)])),
      plainClasses: new Set(facts.plainClasses),
    },
    tempNames: new Map(),
    hot: (h) => {
      let id = hot.get(h);
      if (!id) hot.set(h, (id = unique(`$pe_${h}`)));
      return id;
    },
    visitedOf: new WeakMap(),
    strictFile: facts.strict,
    fixedFast: (n) => {
      if (!facts.fixed.includes(n)) return undefined;
      // A call to itself goes to the fast copy being made (lazyPart 'fast' or both), not to what the
      // runtime's fastOf() would give while its versions are being made: the function itself.
      if (selfFast && n === ownName && g.lazyPart !== 'reentry') return (g.selfFast ??= unique(`$pe_fast_${n}`));
      let id = fixed.get(n);
      if (!id) fixed.set(n, (id = unique(`$pe_fast_${n}`)));
      return id;
    },
    privateFast: () => undefined,
  };
  return { sourceFile, fn, g, fixed, textOffset };
}

/**
 * The body of the function's generator version (generator-body.ts), printed: what the transform writes
 * inside `function* (<parameters>) { ... }` for a function outside the lazy subset.
 */
export function generatorBodyFromText(text: string, facts: FileFacts): string {
  const { sourceFile, fn, g } = contextFor(text, facts);
  const body = buildGeneratorBody(g, (fn as unknown as FunctionLike).body!) as unknown as Node;
  return createPrinter(sourceFile).statement(body);
}

/**
 * The function's generator version, `({ "name": function* (<parameters>) { ... } })["name"]` (as the transform
 * writes it for a function outside the lazy subset, named like the original in stack traces).
 */
export function generatorVersionFromText(text: string, facts: FileFacts, name?: string): string {
  return generatorPrinted(text, facts, name, false).printed;
}

function generatorPrinted(text: string, facts: FileFacts, name: string | undefined, marks: boolean): Printed {
  const { sourceFile, fn, g, textOffset } = contextFor(text, facts);
  const factory = miniTs.factory;
  const f = fn as unknown as FunctionLike;
  const gen = factory.createFunctionExpression(undefined, factory.createToken(miniTs.SyntaxKind.AsteriskToken), undefined, undefined, f.parameters, undefined, buildGeneratorBody(g, f.body!));
  // (Parenthesized: an unnamed `function* () {}` evaluated alone would be a declaration without a name.)
  return { printed: `(${createPrinter(sourceFile, marks).expression((name === undefined ? gen : namedByKey(factory, gen, name)) as unknown as Node)})`, textOffset };
}

/**
 * The copies' maker expression, `(() => { const $self = ...; return function (...) {...}; })()`, for the
 * function written `text`, or undefined when the function is outside the lazy subset. `asPrinted`: apply the
 * size limit printed copies have (to compare with the transform's printed copies), which copies made at run
 * time do not.
 * `fixedOutside`: the constants holding fixed functions' fast entries exist where the copies are compiled
 * (as in the transform's output), so the maker does not take them itself. `part`: one of the two copies
 * (GeneratorBodyContext.lazyPart; 'fast' reads `$pe_reentry`, which the runtime binds), else both.
 */
export function lazyVersionsFromText(text: string, facts: FileFacts, name?: string, options: LazyOptions = {}): string | undefined {
  return lazyPrinted(text, facts, name, options, false)?.printed;
}

interface LazyOptions {
  asPrinted?: boolean;
  fixedOutside?: boolean;
  part?: 'fast' | 'reentry';
  /**
   * The stand-ins for fixed functions' fast entries as a statement apart (Printed.shared), which the
   * runtime runs once where it compiles the versions, instead of inside the maker, once per closure made.
   */
  sharedApart?: boolean;
}

/** lazyVersionsFromText's text, with marks when asked (mini-ts/print.ts), and how to read their positions. */
function lazyPrinted(text: string, facts: FileFacts, name: string | undefined, options: LazyOptions, marks: boolean): Printed | undefined {
  const { sourceFile, fn, g, fixed, textOffset } = contextFor(text, facts, !options.fixedOutside);
  const factory = miniTs.factory;
  g.atRunTime = !options.asPrinted;
  g.lazyPart = options.part;
  g.positions = marks;
  const made = buildLazy(g, fn as unknown as FunctionLike, name) as unknown as Node | undefined;
  if (!made) return undefined;
  // Calls to fixed functions go to their fast entries, which the transform keeps in module-level constants
  // taken at load; here each is taken at the copy's first call of it, by a stand-in the binding holds until
  // then: `(() => { let $pe_fast_f = function () { return $pe_apply(($pe_fast_f = $pe.fastOf(f)), this,
  // arguments); }; return <maker>; })()`. (Taken when the copy is made, it would have f's versions made
  // then, and those of the fixed functions f calls, and so on: every function a call could reach, in the
  // slice that first called this one. And f's own versions may be being made: f calling this function.)
  const apply = g.hot('apply');
  const fixedBindings = [...fixed].map(([n, id]) => {
    const fastOf = factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'fastOf'), undefined, [factory.createIdentifier(n)]);
    const standIn = factory.createFunctionExpression(undefined, undefined, undefined, undefined, [], undefined, factory.createBlock([
      factory.createReturnStatement(factory.createCallExpression(apply, undefined, [
        factory.createParenthesizedExpression(factory.createAssignment(id, fastOf)),
        factory.createThis(),
        factory.createIdentifier('arguments'),
      ])),
    ]));
    return factory.createVariableDeclaration(id, undefined, undefined, standIn);
  });
  const printer = createPrinter(sourceFile, marks);
  if (fixedBindings.length > 0 && !options.fixedOutside && options.sharedApart) {
    // (One printer for both: the generated names in the maker are those the statement declares.)
    const printed = printer.expression(made);
    return { printed, textOffset, shared: printer.statement(factory.createVariableStatement(undefined, factory.createVariableDeclarationList(fixedBindings, miniTs.NodeFlags.Let)) as unknown as Node) };
  }
  const maker = fixedBindings.length === 0 || options.fixedOutside
    ? made
    : factory.createCallExpression(
        factory.createParenthesizedExpression(
          factory.createArrowFunction(undefined, undefined, [], undefined, undefined, factory.createBlock([
            factory.createVariableStatement(undefined, factory.createVariableDeclarationList(fixedBindings, miniTs.NodeFlags.Let)),
            factory.createReturnStatement(made as unknown as TS.Expression),
          ])),
        ),
        undefined,
        [],
      ) as unknown as Node;
  return { printed: printer.expression(maker), textOffset };
}

/** Printed code (with marks, when asked) and how to take a mark's position back to the function's text. */
interface Printed {
  printed: string;
  textOffset: (pos: number) => number;
  /** A statement to run once before the code where it is compiled (LazyOptions.sharedApart). */
  shared?: string;
}

/** Where a function's text starts in its file (lines and columns from 0), for a source map of its versions. */
export interface TextPlace {
  line: number;
  column: number;
}

/**
 * A version of the function written `text` as the runtime compiles it (runtime/lazy-text.ts): 'fast' or
 * 'reentry', one of its lazy copies (undefined when it is outside the lazy subset), or 'generator', its
 * generator version. With `map`, also the mappings of a source map from the code, written after
 * `map.prefixLength` characters on the first line of what is compiled, to the function's text at
 * `map.place` in its file: every piece printed from the text (kept nodes, names, updated nodes) maps to
 * where it is there, what was added to nothing. `shared`: a statement to run once before the code, where it
 * is compiled (the stand-ins for fixed functions' fast entries, which every closure made there can share).
 */
export function versionFromText(kind: 'fast' | 'reentry' | 'generator', text: string, facts: FileFacts, name: string | undefined, map?: { place: TextPlace; prefixLength: number }): { code: string; mappings?: string; shared?: string } | undefined {
  // (No marks in a text that holds their characters: it gets no map.)
  const marks = map !== undefined && !text.includes(MARK_START) && !text.includes(MARK_END);
  const made = kind === 'generator' ? generatorPrinted(text, facts, name, marks) : lazyPrinted(text, facts, name, { part: kind, sharedApart: true }, marks);
  if (!made) return undefined;
  const shared = made.shared === undefined ? {} : { shared: made.shared };
  if (!marks) return { code: made.printed, ...shared };
  const { text: code, marks: found } = takeMarks(made.printed);
  return { code, mappings: mappingsOf(code, found, text, made.textOffset, map!), ...shared };
}

/**
 * The mappings of `code` (see versionFromText): each mark's piece maps to its place in the source, and so
 * does every token after it that is the same as the text's there (a kept node is its text), up to the next
 * mark. `text` is the engine's text of the function: the source's, with the additions the transform put
 * into it (its closures' registrations) between delimiters, which map to nothing.
 */
function mappingsOf(code: string, marks: number[][], text: string, textOffset: (pos: number) => number, map: { place: TextPlace; prefixLength: number }): string {
  const { source, toSource } = withoutAdditions(text);
  const sourceLines = lineStarts(source);
  const writer = new MappingsWriter();
  let line = 0;
  let lineStart = -map.prefixLength; // (the prefix is on the first line)
  let scanned = 0; // code offsets before this are counted into line / lineStart
  const add = (at: number, t: number): void => {
    const s = toSource(t);
    if (s < 0) return;
    for (; scanned < at; scanned++) {
      if (code.charCodeAt(scanned) === 10) {
        line++;
        lineStart = scanned + 1;
      }
    }
    const l = lineOf(sourceLines, s);
    writer.add(line, at - lineStart, map.place.line + l, (l === 0 ? map.place.column : 0) + s - sourceLines[l]!);
  };
  for (let m = 0; m < marks.length; m++) {
    const [at, pos] = marks[m]! as [number, number];
    const until = m + 1 < marks.length ? marks[m + 1]![0]! : code.length;
    const t = textOffset(pos);
    add(at, t);
    // The same characters as the text's from there: a token starting after a space, a line break or a
    // change between word and other characters maps to its place too.
    for (let i = 1; at + i < until && t + i < text.length && code.charCodeAt(at + i) === text.charCodeAt(t + i); i++) {
      const c = code.charCodeAt(at + i);
      const before = code.charCodeAt(at + i - 1);
      if (c !== 32 && c !== 10 && c !== 9 && c !== 13 && (before === 32 || before === 10 || before === 9 || isWordCode(c) !== isWordCode(before))) add(at + i, t + i);
    }
  }
  return writer.toString();
}

/**
 * `text` without what the transform added to it (between its delimiters, which nest: runtime/inserted.ts),
 * and each offset of `text` in that (-1 inside an addition). Unbalanced, `text` as it is (as toString does).
 */
function withoutAdditions(text: string): { source: string; toSource: (t: number) => number } {
  const runs = keptRuns(text);
  if (runs === undefined || runs.length === 2) return { source: text, toSource: (t) => t };
  const starts: number[] = []; // each run's start in the source
  let source = '';
  for (let i = 0; i < runs.length; i += 2) {
    starts.push(source.length);
    source += text.slice(runs[i], runs[i + 1]);
  }
  const toSource = (t: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (t < runs[2 * mid]!) hi = mid - 1;
      else if (t >= runs[2 * mid + 1]!) lo = mid + 1;
      else return starts[mid]! + t - runs[2 * mid]!;
    }
    return -1;
  };
  return { source, toSource };
}

function lineStarts(s: string): number[] {
  const starts = [0];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10) || c === 0x2028 || c === 0x2029) starts.push(i + 1);
  }
  return starts;
}

/** The line (index into `starts`) offset `t` is on. */
function lineOf(starts: number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
