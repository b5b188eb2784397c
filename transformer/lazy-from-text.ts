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
import { boxReferences } from './mini-ts/box';
import { FileFacts } from './text-facts';

export { decodeFacts, encodeFacts } from './text-facts';
export type { FileFacts } from './text-facts';

/** The function parsed from `text` and the rewrite's context for it, built from `facts` (the transform's is from its file). */
function contextFor(text: string, facts: FileFacts): { sourceFile: Node; fn: Node; g: GeneratorBodyContext; fixed: Map<string, TS.Identifier> } {
  const where = { method: facts.method, module: facts.module };
  // (The bindings handed over as accessors are read through them: `x` -> `$pe_box.x`.)
  const { sourceFile, fn } = parseFunction(facts.boxed?.length ? boxReferences(text, facts.boxed, where) : text, where);
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
      let id = fixed.get(n);
      if (!id) fixed.set(n, (id = unique(`$pe_fast_${n}`)));
      return id;
    },
    privateFast: () => undefined,
  };
  return { sourceFile, fn, g, fixed };
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
  const { sourceFile, fn, g } = contextFor(text, facts);
  const factory = miniTs.factory;
  const f = fn as unknown as FunctionLike;
  const gen = factory.createFunctionExpression(undefined, factory.createToken(miniTs.SyntaxKind.AsteriskToken), undefined, undefined, f.parameters, undefined, buildGeneratorBody(g, f.body!));
  // (Parenthesized: an unnamed `function* () {}` evaluated alone would be a declaration without a name.)
  return `(${createPrinter(sourceFile).expression((name === undefined ? gen : namedByKey(factory, gen, name)) as unknown as Node)})`;
}

/**
 * The copies' maker expression, `(() => { const $self = ...; return function (...) {...}; })()`, for the
 * function written `text`, or undefined when the function is outside the lazy subset. `sizeChecked`: its
 * size was found within the subset's limit on its source text (the text here may be laid out longer).
 * `fixedOutside`: the constants holding fixed functions' fast entries exist where the copies are compiled
 * (as in the transform's output), so the maker does not take them itself. `part`: one of the two copies
 * (GeneratorBodyContext.lazyPart; 'fast' reads `$pe_reentry`, which the runtime binds), else both.
 */
export function lazyVersionsFromText(text: string, facts: FileFacts, name?: string, options: { sizeChecked?: boolean; fixedOutside?: boolean; part?: 'fast' | 'reentry' } = {}): string | undefined {
  const { sourceFile, fn, g, fixed } = contextFor(text, facts);
  const factory = miniTs.factory;
  g.sizeChecked = options.sizeChecked;
  g.lazyPart = options.part;
  const made = buildLazy(g, fn as unknown as FunctionLike, name) as unknown as Node | undefined;
  if (!made) return undefined;
  // Calls to fixed functions go to their fast entries, which the transform keeps in module-level constants;
  // here they are taken when the copies are made: `(() => { const $pe_fast_f = $pe.fastOf(f); return <maker>; })()`.
  const fixedConsts = [...fixed].map(([n, id]) =>
    factory.createVariableDeclaration(id, undefined, undefined, factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'fastOf'), undefined, [factory.createIdentifier(n)])),
  );
  const maker = fixedConsts.length === 0 || options.fixedOutside
    ? made
    : factory.createCallExpression(
        factory.createParenthesizedExpression(
          factory.createArrowFunction(undefined, undefined, [], undefined, undefined, factory.createBlock([
            factory.createVariableStatement(undefined, factory.createVariableDeclarationList(fixedConsts, miniTs.NodeFlags.Const)),
            factory.createReturnStatement(made as unknown as TS.Expression),
          ])),
        ),
        undefined,
        [],
      ) as unknown as Node;
  return createPrinter(sourceFile).expression(maker);
}
