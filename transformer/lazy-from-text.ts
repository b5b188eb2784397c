// A function's fast and re-entry copies made from its own text, without TypeScript: the same rewrite
// (lazy.ts) run on mini-ts nodes (parsed by acorn) and printed by mini-ts. This is the first piece of
// making versions at run time (bench/README.md, "Copies compiled at run time"): the transform would then
// only register each function with the facts about its file below, and the runtime would make the copies
// from `Function.prototype.toString` on first use and compile them in the function's scope.

import type * as TS from 'typescript';
import { FunctionLike } from './analyze';
import { GeneratorBodyContext, HotName } from './generator-body';
import { buildLazy } from './lazy';
import { createPrinter, miniTs, Node, parseFunction } from './mini-ts';

/** What the rewrite knows about the file around a function that the function's text does not say. */
export interface FileFacts {
  /** The function is strict code (an ES module, a class body, a 'use strict' around it). */
  strict: boolean;
  /** Names it mentions that the file declares. */
  declared: readonly string[];
  /** Names it mentions that are the file's fixed top-level functions with nothing to pause in. */
  plain: readonly string[];
  /** Names it mentions that always mean a class of the file whose constructor is not split. */
  plainClasses: readonly string[];
  /** Names it mentions that are fixed top-level functions its calls reach through their fast entries. */
  fixed: readonly string[];
  /** It is a method: of a class, or of an object literal (its text alone does not say which). */
  method?: 'class' | 'object';
  /** The file is an ES module (its functions may read `import.meta`). */
  module?: boolean;
}

/**
 * The copies' maker expression, `(() => { const $self = ...; return function (...) {...}; })()`, for the
 * function written `text`, or undefined when the function is outside the lazy subset.
 */
export function lazyVersionsFromText(text: string, facts: FileFacts, name?: string): string | undefined {
  const { sourceFile, fn } = parseFunction(text, { method: facts.method, module: facts.module });
  const factory = miniTs.factory;
  const unique = (base: string): TS.Identifier => factory.createUniqueName(base, miniTs.GeneratedIdentifierFlags.Optimistic);
  const hot = new Map<HotName, TS.Identifier>();
  const fixed = new Map<string, TS.Identifier>();
  const asTs = (n: Node): TS.Node => n as unknown as TS.Node;
  const g: GeneratorBodyContext = {
    ts: miniTs,
    ctx: { factory } as unknown as TS.TransformationContext,
    pe: unique('$pe'),
    runtimeNodes: new WeakSet(),
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
  const made = buildLazy(g, fn as unknown as FunctionLike, name);
  return made && createPrinter(sourceFile.text).expression(made as unknown as Node);
}
