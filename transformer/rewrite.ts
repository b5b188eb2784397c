// The one core rewrite. Every front-end (programmatic transform(), tsc, later esbuild/Babel/loader)
// runs this TransformerFactory; none has a rewrite of its own.
//
// For each instrumented function the original stays exactly as written (so calls outside any task run
// at full speed) and a generator version is attached to it:
//   function f(a) { ... }                 ->  function f(a) { ... }   + hoisted  $pe.def(f, function* f$pe(a) { ... })
//   const g = (x) => ...                  ->  const g = $pe.def((x) => ..., function* (x) { ... }, "g")
//   class C { m() {} }                    ->  class C { static { $pe.link(this, ["m"], []) } m() {} *["\0preemptible:m"]() {} }
//   ({ m() {} })                          ->  $pe.obj({ m() {} }, { *m() {} })
// Functions that cannot reach a checkpoint (no loop, no call that could be instrumented) stay plain.
//
// Phases per file: collect file facts -> visit (children first, so nested functions are done before their
// parent is copied) -> add the runtime import if anything was instrumented.

import type * as TS from 'typescript';
import {
  arrowLexicalUses,
  bodyFacts,
  type BodyFacts,
  CallPolicy,
  collectDeclaredNames,
  ComputedKeys,
  type KeyFact,
  literalKey,
  SYMBOL,
  fixedTopLevelFunctions,
  isFunctionBoundary,
  isPlainWrapper,
  isInside,
  mentions,
  FunctionLike,
  hasDirective,
  inferredName,
  prologueLength,
  skipOuter,
  superOnlyAccessed,
  usesSuper,
} from './analyze';
import { buildGeneratorBody, fileTemp, GeneratorBodyContext, HotName, namedByKey, replaceLexical } from './generator-body';
import { buildLazy, inLazySubset, isStrict, literalHome, mayBeInLazySubset } from './lazy';
import { encodeFacts, factsAbout, type FileFacts } from './text-facts';
import { capturesOf, newCaptureMemo } from './captures';
import { newableNames, plainClassNames, usesNewTarget } from './constructors';
import { rewriteConstructor, type ConstructorRewrite } from './constructor-rewrite';
import type { CoreOptions, Diagnostic, ModuleFormat } from './options';
import { parsedAsTypeScript } from './blank-types';
import { sourceMarks, sourceStart } from './source-text';
import { withPlainExports } from './plain-exports';

// Must match METHOD_KEY_PREFIX in runtime/checkpoint.ts.
const METHOD_KEY_PREFIX = '\u0000preemptible:';
const DIRECTIVE = 'use preemptible';
const WRAPPER = 'preemptible';

export interface CoreHooks {
  /** How the emitted file imports the runtime. */
  moduleFormat(sf: TS.SourceFile): ModuleFormat;
  report(diagnostic: Diagnostic): void;
  /**
   * The output is printed with the source's text for every node the rewrite kept (splice-print.ts): a
   * function kept whole is its original text to the engine, and needs no span mark (source-text.ts).
   */
  keptNodesPrintVerbatim?: boolean;
  /** Where a position of the file's text is in its source, when the two differ (code inserted: blank-types.ts). */
  sourcePosition?: (pos: number) => TS.LineAndCharacter;
}

interface MethodGen {
  /** The method's name (for a symbol key: a text that only tells keys apart, never used as a key). */
  name: string;
  /** A symbol key, evaluated again in the static block to link the fast copy (ComputedKeys.isStableSymbol). */
  key?: TS.Expression;
  isStatic: boolean;
  /** The generator version, emitted as a sibling member (link() moves it onto the method)... */
  gen?: TS.MethodDeclaration;
  /** ...or, for a method in lazy.ts's subset, its fast copy (which knows its re-entry copy)... */
  fast?: TS.Expression;
  /** ...or, for an async method with a symbol key, its generator version as a function (no `super` in it). */
  keyedGen?: TS.Expression;
  /** An object literal's method whose versions read `super` through the literal (obj() passes it in). */
  home?: boolean;
}

/** Where a function's versions made at run time are compiled, and what it hands them (rewrite textSite). */
interface TextSite {
  scope: TS.SourceFile | TS.Block;
  captured: string[];
  /** Handed over as accessors (captures.ts), `written` with a setter too. */
  boxed: string[];
  written: string[];
  lexicalThis: boolean;
}

export function createCoreTransformer(
  ts: typeof TS,
  options: CoreOptions,
  hooks: CoreHooks,
): TS.TransformerFactory<TS.SourceFile> {
  const plain = withPlainExports(ts);
  return (ctx) => (sf) => rewriteFile(plain, options, hooks, ctx, sf);
}

function rewriteFile(
  ts: typeof TS,
  options: CoreOptions,
  hooks: CoreHooks,
  ctx: TS.TransformationContext,
  sf: TS.SourceFile,
): TS.SourceFile {
  const { factory } = ctx;
  const pe = factory.createUniqueName('$pe', ts.GeneratedIdentifierFlags.Optimistic);
  const runtimeNodes = new WeakSet<TS.Node>();
  // (Printed verbatim, the subtrees with something the visitor rewrites are found in the same walk: see visit.)
  const names = collectDeclaredNames(ts, sf, hooks.keptNodesPrintVerbatim ? rewritableKinds(ts) : undefined);
  const policy: CallPolicy = { declared: names.declared, plain: new Map(), plainClasses: plainClassNames(ts, names) };
  const computedKeys = new ComputedKeys(ts, names);
  const hotNames = new Map<string, TS.Identifier>();
  const hot = (name: HotName): TS.Identifier => {
    let id = hotNames.get(name);
    if (!id) {
      id = factory.createUniqueName(`$pe_${name}`, ts.GeneratedIdentifierFlags.Optimistic);
      hotNames.set(name, id);
    }
    return id;
  };
  const strictFile = hooks.moduleFormat(sf) === 'esm' || hasDirective(ts, sf.statements, 'use strict');
  // Calls from fast copies to the file's fixed top-level functions go straight to their fast entries.
  const fixed = fixedTopLevelFunctions(ts, sf, names);
  const fixedRefs = new Map<TS.Node, Map<string, TS.Identifier>>(); // by container
  /** Is `name` at `site` one of the fixed top-level functions whose fast entries calls go to? */
  const isFixedAt = (name: string, site: TS.Node): boolean => {
    const f = fixed.get(name);
    // (The site may be a node a visit made, as renamed block-scoped names give: its original has the parents.)
    return !!f && !f.variable && !policy.plain.has(name) && isInside(ts.getOriginalNode(site), f.container);
  };
  const fixedFast = (name: string, site: TS.Node): TS.Identifier | undefined => {
    if (!isFixedAt(name, site)) return undefined;
    const f = fixed.get(name)!;
    let refs = fixedRefs.get(f.container);
    if (!refs) fixedRefs.set(f.container, (refs = new Map()));
    let id = refs.get(name);
    if (!id) {
      id = factory.createUniqueName(`$pe_fast_${name}`, ts.GeneratedIdentifierFlags.Optimistic);
      refs.set(name, id);
    }
    return id;
  };
  // `#private` methods: the function object of one is not reachable when its class is defined, so its fast
  // copy is a constant of the class's static block, where the fast copies of the class's methods are made
  // too; their calls to it hand it over on first use (runtime attachPrivate). Calls from elsewhere in the
  // class (closures' copies, generator versions) read it from a static private field the block sets,
  // `C.#$pe_priv_m`, through the class's own name. By original class node:
  const privateFastIds = new Map<TS.Node, Map<string, TS.Identifier>>(); // constants the call sites use
  const privateFields = new Map<TS.Node, Set<string>>(); // the constants also kept in static private fields
  const privateFasts = new Map<TS.Node, Map<string, { method: TS.MethodDeclaration; fast: TS.Expression }>>(); // the fast copies made
  const privateFieldName = (name: string): string => `#$pe_priv_${name.slice(1)}`;
  const privateFast = (name: string, site: TS.Node, inClassCopy: boolean): TS.Expression | undefined => {
    const original = ts.getOriginalNode(site);
    let cls: TS.Node | undefined = original.parent;
    while (cls && !(ts.isClassLike(cls) && cls.members.some((m) => ts.isMethodDeclaration(m) && ts.isPrivateIdentifier(m.name) && m.name.text === name))) cls = cls.parent;
    if (!cls || !ts.isClassLike(cls)) return undefined;
    let fn: TS.Node | undefined = original.parent;
    while (fn && !isFunctionBoundary(ts, fn)) fn = fn.parent;
    // The fast copy of a method or a split constructor's body is made in the static block: the constant.
    const inBlock = inClassCopy && !!fn && (ts.isMethodDeclaration(fn) || ts.isConstructorDeclaration(fn)) && fn.parent === cls;
    // Elsewhere, the field, through the class's name (declared once in the file: nothing shadows it).
    const className = privateClassName(cls);
    if (!inBlock && className === undefined) return undefined;
    let ids = privateFastIds.get(cls);
    if (!ids) privateFastIds.set(cls, (ids = new Map()));
    let id = ids.get(name);
    if (!id) ids.set(name, (id = factory.createUniqueName(`$pe_priv_${name.slice(1)}`)));
    if (inBlock) return id;
    let fields = privateFields.get(cls);
    if (!fields) privateFields.set(cls, (fields = new Set()));
    fields.add(name);
    const field = factory.createPropertyAccessExpression(factory.createIdentifier(className!.name), factory.createPrivateIdentifier(privateFieldName(name)));
    if (className!.own) return field;
    // Through the variable a bundler binds the class to (`var C = class {}`): it holds the class only once the
    // class is defined, so `(() => { try { return C.#f; } catch {} })()` (undefined then: a plain call).
    const read = factory.createTryStatement(factory.createBlock([factory.createReturnStatement(field)]), factory.createCatchClause(undefined, factory.createBlock([])), undefined);
    return factory.createCallExpression(factory.createParenthesizedExpression(factory.createArrowFunction(undefined, undefined, [], undefined, undefined, factory.createBlock([read]))), undefined, []);
  };
  /**
   * The name by which a class's code reaches the class: its own name, else the variable it initialises
   * (`var C = class {}`, as bundlers write classes); declared once in the file (nothing shadows it), the
   * variable never written.
   */
  const privateClassName = (cls: TS.ClassLikeDeclaration): { name: string; own: boolean } | undefined => {
    const own = cls.name?.text;
    if (own !== undefined) return names.declared.get(own) === 1 ? { name: own, own: true } : undefined;
    const outer = newableNames(ts, cls)[0];
    return outer !== undefined && names.declared.get(outer) === 1 && !names.written.has(outer) ? { name: outer, own: false } : undefined;
  };
  const gctx: GeneratorBodyContext = { ts, ctx, pe, hot, runtimeNodes, policy, tempNames: new Map(), visitedOf: new WeakMap(), strictFile, fixedFast, privateFast };
  const methodGens = new WeakMap<TS.Node, MethodGen>();
  const hoistStack: TS.Statement[][] = [];
  let annotatedDepth = options.instrument === 'all' || hasDirective(ts, sf.statements, DIRECTIVE) ? 1 : 0;
  let instrumented = 0;
  // Functions and classes with their emitted nodes, marked with their original spans once the file is known
  // to be instrumented (an untouched file is printed as it is, unmarked): see source-text.ts.
  // Only those whose emitted text differs from the original in content (their code or a nested function's
  // was rewritten) or that get versions: the text of an untouched leaf stays as printed, since the engine's
  // own messages quote a function's text too (`() => 1 could not be cloned`) and a mark would show there.
  const marks = options.originalText === false ? undefined : sourceMarks(ts, sf, ctx.getCompilerOptions());
  const toMark: [TS.Node, TS.Node][] = [];
  const versioned = new WeakSet<TS.Node>();

  const sourcePosition = hooks.sourcePosition ?? ((pos: number) => sf.getLineAndCharacterOfPosition(pos));
  const report = (node: TS.Node, code: string, message: string): void => {
    const pos = sourcePosition(node.getStart(sf));
    hooks.report({ file: sf.fileName, line: pos.line + 1, column: pos.character + 1, code, message });
  };

  const runtimeCall = (helper: string, args: TS.Expression[]): TS.CallExpression => {
    const call = factory.createCallExpression(factory.createPropertyAccessExpression(pe, helper), undefined, args);
    runtimeNodes.add(call);
    return call;
  };

  const isTargeted = (node: FunctionLike): boolean =>
    annotatedDepth > 0 ||
    (!!node.body && ts.isBlock(node.body) && hasDirective(ts, node.body.statements, DIRECTIVE)) ||
    hasMarkerDecorator(ts, node);

  /**
   * True while visiting code that only ever runs as plain code: the module's top level, and the bodies of
   * functions invoked right there (`(() => { ... })()`, `(function (ns) { ... })(ns || (ns = {}))`). Top-level
   * code is never inside a generator, so such an IIFE is always called plainly and its generator version
   * would be dead code; bundles (typescript.js) and namespace patterns wrap everything in one, which would
   * double the whole output. The same for the factory a UMD wrapper calls (analyze.ts isUmdFactory).
   */
  let plainContext = true;

  /**
   * Visits a node's children, inside the annotated region if `targeted`, with `plainContext` set to
   * `plainOnly` (true only for the body of a plain-only IIFE).
   */
  const visitChildren = <T extends TS.Node>(node: T, targeted: boolean, plainOnly: boolean): T => {
    if (targeted) annotatedDepth++;
    const outerPlain = plainContext;
    plainContext = plainOnly;
    try {
      return ts.visitEachChild(node, visit, ctx);
    } finally {
      plainContext = outerPlain;
      if (targeted) annotatedDepth--;
    }
  };

  const visitFunctionChildren = <T extends FunctionLike>(node: T, targeted: boolean, plainOnly = false): T => {
    const visited = visitChildren(node, targeted, plainOnly);
    if (marks) toMark.push([node, visited]);
    return visited;
  };

  /** Children of a class, constructor, accessor or static block: never plain-only. */
  const visitNotPlain = <T extends TS.Node>(node: T): T => visitChildren(node, false, false);

  /**
   * bodyFacts of a function, made again only when the policy's plain functions have changed since (what its
   * calls' dispatchability depends on; they are only ever added to).
   */
  const factsMemo = new WeakMap<TS.Node, { plain: number; facts: BodyFacts }>();
  const factsOf = (fn: FunctionLike): BodyFacts => {
    const known = factsMemo.get(fn);
    if (known && known.plain === policy.plain.size) return known.facts;
    const facts = bodyFacts(ts, fn, policy);
    factsMemo.set(fn, { plain: policy.plain.size, facts });
    return facts;
  };

  /**
   * Should `node` get versions? No for a function with no loop and no call that could pause, and for
   * constructs that keep it plain: those come with the diagnostic to report.
   */
  const decide = (node: FunctionLike): { instrument: boolean; why?: [TS.Node, string, string] } => {
    const isAsync = ts.getCombinedModifierFlags(node as TS.Declaration) & ts.ModifierFlags.Async;
    const kind = ts.isArrowFunction(node) ? 'arrow function' : 'function';
    if (node.asteriskToken) {
      // The copy is a function expression made in the class's static block, where `super` is not allowed:
      // reads of `super.x` are rebuilt from the home object there; anything else keeps the method plain.
      if (ts.isMethodDeclaration(node) && usesSuper(ts, node) && !superOnlyAccessed(ts, node)) {
        return { instrument: false, why: [node, 'generator-function', 'generator method using super other than to read, call or assign a property in its own body is left uninstrumented: each next() runs to completion'] };
      }
    }
    const facts = factsOf(node);
    if (facts.directEval) {
      return { instrument: false, why: [facts.directEval, 'direct-eval', `${kind} using direct eval is left uninstrumented (runs to completion)`] };
    }
    if (facts.blocker) {
      return { instrument: false, why: [facts.blocker[0], 'generator-incompatible', `${kind} using ${facts.blocker[1]} is left uninstrumented (runs to completion)`] };
    }
    if (facts.withStatement) {
      return { instrument: false, why: [facts.withStatement, 'with-statement', `${kind} using a with statement is left uninstrumented (runs to completion)`] };
    }
    // An async function's awaits are suspension points of the task even when nothing else could pause it
    // (an async generator's are its driver's own).
    return { instrument: facts.hasLoop || facts.hasDispatchableCall || (!!isAsync && !node.asteriskToken && facts.hasAwait) };
  };

  /** Should `node` get a generator version? Reports constructs that keep it plain. */
  const needsGenerator = (node: FunctionLike): boolean => {
    const d = decide(node);
    if (d.why) report(...d.why);
    if (d.instrument) versioned.add(node);
    return d.instrument;
  };

  // Top-level functions with nothing to pause in (no loop, calls only to such functions and builtins):
  // calls to them are plain calls, not sites; found from the leaves up, so recursion never counts.
  // Only where every function is instrumented ('all'): elsewhere being plain depends on annotations.
  if (options.instrument === 'all') {
    let changed = true;
    while (changed) {
      changed = false;
      for (const [name, f] of fixed) {
        const d = decide(f.decl);
        // Not those kept plain by a construct (eval, arguments.callee, ...): they may run long.
        if (!policy.plain.has(name) && !d.instrument && !d.why) {
          policy.plain.set(name, f.container);
          changed = true;
        }
      }
    }
  }

  /**
   * Accessors and static blocks keep one version: the engine calls them itself (a property read, a class
   * definition), never through a dispatch that could take a generator. They run to completion.
   */
  const noteRunsToCompletion = (node: TS.AccessorDeclaration | TS.ClassStaticBlockDeclaration): void => {
    if (annotatedDepth === 0 || !node.body) return;
    const facts = factsOf(node as unknown as FunctionLike);
    if (!facts.hasLoop && !facts.hasDispatchableCall) return;
    const [code, what] = ts.isClassStaticBlockDeclaration(node)
      ? ['static-block', 'static block']
      : ['accessor', ts.isGetAccessorDeclaration(node) ? 'getter' : 'setter'];
    report(node, code, `${what} runs to completion inside a task (it cannot pause)`);
  };

  // ---- versions made at run time (option copiesAtRunTime; runtime/lazy-text.ts) -------------------------
  // A function whose versions the runtime makes from its text (its copies in the lazy subset, else its
  // generator version) gets `[$pe_open, "<facts>"]` instead of them: the facts are what its text does not say
  // (text-facts.ts); the opener, declared once per scope, compiles the versions there. So only functions
  // written where an opener can be qualify: in module scope or directly in a run-once wrapper (openerScope),
  // or as methods of classes and object literals written there; strict (the opener is), not generators, with
  // nothing inside that gets versions of its own (closures, classes) or that the opener's names would shadow.
  // (Not JSX, which the runtime's parser does not read; TypeScript parsed as such: functions whose emitted
  // text is theirs with the types taken out, see erasedOnly. A TypeScript file written with its types
  // blanked, blank-types.ts, is JavaScript here.)
  const textFile = /\.[cm]?[jt]s$/.test(sf.fileName);
  const tsFile = parsedAsTypeScript(ts, sf);
  /** The opener of each scope: the file, a run-once wrapper's body, a class (its static block). By original node. */
  const openers = new Map<TS.Node, TS.Identifier>();
  const openerFor = (scope: TS.Node): TS.Identifier => {
    const original = ts.getOriginalNode(scope);
    let id = openers.get(original);
    if (!id) openers.set(original, (id = factory.createUniqueName('$pe_open', ts.GeneratedIdentifierFlags.Optimistic)));
    return id;
  };
  /**
   * Where an opener for code at `node` is declared: the file, or the body of the run-once wrapper (an IIFE, a
   * UMD factory: analyze.ts isPlainWrapper) that `node` is written in directly, when every function around
   * that one is a run-once wrapper too (an opener's eval makes the locals of every scope around it live in
   * contexts: free for code that runs once). Undefined anywhere else (a block, a loop, another function).
   */
  const openerScope = (node: TS.Node): TS.SourceFile | TS.Block | undefined => {
    let scope: TS.SourceFile | TS.Block | undefined;
    for (let p: TS.Node | undefined = node.parent; p; p = p.parent) {
      if (ts.isSourceFile(p)) return scope ?? p;
      const wrapperBody = ts.isBlock(p) && isPlainWrapper(ts, p.parent);
      if (wrapperBody) {
        scope ??= p as TS.Block;
        p = p.parent; // the wrapper itself
        continue;
      }
      if (ts.isFunctionLike(p) || ts.isClassLike(p) || ts.isBlock(p) || ts.isCaseBlock(p) || ts.isCatchClause(p) || ts.isIterationStatement(p, false) || ts.isClassStaticBlockDeclaration(p)) return undefined;
    }
    return undefined;
  };
  /** What every function or method made from its text needs, wherever it is written. */
  const fileMentionsPe = sf.text.includes('$pe');
  /** A name like the opener's own (`$pe`, `$pe_rt`, ...), which would shadow the file's binding (in strings or comments it is harmless). */
  const namesLikeOpener = (n: TS.Node): boolean => (ts.isIdentifier(n) ? n.text.startsWith('$pe') : !!ts.forEachChild(n, (c) => namesLikeOpener(c) || undefined));
  const madeFromText = (fn: FunctionLike): boolean =>
    !!options.copiesAtRunTime && textFile && isStrict(ts, gctx, fn) && (!tsFile || erasedOnly(ts, fn)) && !(fileMentionsPe && fn.getText(sf).includes('$pe') && namesLikeOpener(fn)) && !ts.forEachChild(fn, (c) => (c !== fn.name && rewrittenInside(c, !ts.isClassLike(fn.parent))) || undefined);
  /**
   * Something inside that the visitor rewrites in ways the rewrite at run time does not read back: classes
   * and their members, function declarations not in a statement list, tagged templates (template-site
   * calls), `#private` names, meta-properties, an inner arrow's `super`, functions under computed keys
   * (named through $pe.key()). Closures, nested declarations and object literals' methods are not: the text
   * the engine has holds their registrations (`$pe.later(<closure>, ...)`, `(($fn) => { const f = $fn;
   * return $pe.later(f, ...); })(function f() {})`, `$pe.later(inner, ...);`, `$pe.obj(<literal>, ...)`),
   * which the rewrite at run time reads back as the closures themselves or as runtime nodes
   * (mini-ts/from-estree.ts), as the transform's own rewrite gets them (visitedOf, runtimeNodes).
   */
  // (Kept for functions: each function asks about the whole of what is inside it, nested functions included.)
  const rewrittenMemo = [new WeakMap<TS.Node, boolean>(), new WeakMap<TS.Node, boolean>()] as const;
  const rewrittenInside = (n: TS.Node, inClosure = false): boolean => {
    // (Printed verbatim, the subtrees with none of what is looked for here are known: see rewritableKinds.)
    if (names.holding && !names.holding.has(n) && n.pos >= 0 && (n.flags & ts.NodeFlags.Synthesized) === 0) return false;
    if (!isFunctionBoundary(ts, n)) return rewrittenInsideOf(n, inClosure);
    const memo = rewrittenMemo[inClosure ? 1 : 0];
    let found = memo.get(n);
    if (found === undefined) memo.set(n, (found = rewrittenInsideOf(n, inClosure)));
    return found;
  };
  const rewrittenInsideOf = (n: TS.Node, inClosure: boolean): boolean => {
    if (inClosure && n.kind === ts.SyntaxKind.SuperKeyword) return true;
    // A function declared in a statement list: its registration is a statement of its own (a runtime node).
    if (ts.isFunctionDeclaration(n) && n.name && isStatementListParent(ts, n.parent)) return !!ts.forEachChild(n, (c) => rewrittenInside(c, true) || undefined);
    // `[k]: () => {}`: its key goes through $pe.key() (visitPropertyAssignment).
    if (ts.isPropertyAssignment(n) && ts.isComputedPropertyName(n.name) && ts.isFunctionLike(skipOuter(ts, n.initializer))) return true;
    if (ts.isArrowFunction(n) || ts.isFunctionExpression(n)) return !!ts.forEachChild(n, (c) => c !== n.name && rewrittenInside(c, true) || undefined);
    // An object literal's methods and accessors: the literal's registration, `$pe.obj(<literal>, ...)`, is
    // a runtime node (their own `super` is theirs).
    if ((ts.isMethodDeclaration(n) || ts.isAccessor(n)) && ts.isObjectLiteralExpression(n.parent)) return !!ts.forEachChild(n, (c) => rewrittenInside(c) || undefined);
    if (ts.isPrivateIdentifier(n)) return inClosure || namesPrivateMethod(n);
    return ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isMetaProperty(n) || ts.isTaggedTemplateExpression(n) || !!ts.forEachChild(n, (c) => rewrittenInside(c, inClosure) || undefined);
  };
  /**
   * Whether `#x` names a private method or accessor (calls to methods go to their fast entries, privateFast:
   * not read back at run time). A private field is read and written as it is: a class method's versions,
   * compiled in its class's static block, reach it there; those of any other function (a closure, an object
   * literal's method), compiled outside the class, would not: for them `#x` counts as rewritten (inClosure).
   */
  const namesPrivateMethod = (id: TS.PrivateIdentifier): boolean => {
    for (let p: TS.Node | undefined = id.parent; p; p = p.parent) {
      if (!ts.isClassLike(p)) continue;
      const member = p.members.find((m) => m.name !== undefined && ts.isPrivateIdentifier(m.name) && m.name.text === id.text);
      if (member) return !ts.isPropertyDeclaration(member);
    }
    return true;
  };
  /**
   * Where the versions of a named function declaration, a function expression or an arrow are compiled at
   * run time, and what they take from where the function is written: the locals of the functions around
   * it that it mentions (captures.ts: as values those that never change once it can run, the others as
   * accessors), an arrow's `this`. Undefined when they cannot be made so. By original node.
   */
  const textSites = new Map<TS.Node, TextSite | undefined>();
  const textSite = (fn: FunctionLike): TextSite | undefined => {
    if (textSites.has(fn)) return textSites.get(fn);
    let site: TextSite | undefined;
    if (((ts.isFunctionDeclaration(fn) && fn.name) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn)) && madeFromText(fn)) {
      const uses = ts.isArrowFunction(fn) ? arrowLexicalUses(ts, fn) : undefined;
      if (!uses?.usesArguments && !uses?.usesNewTarget && !uses?.usesSuper) {
        const direct = openerScope(fn);
        site = siteBelow(fn, direct && (!ts.isFunctionDeclaration(fn) || fn.parent === direct) ? direct : undefined, !!uses?.usesThis);
      }
    }
    textSites.set(fn, site);
    return site;
  };
  /**
   * The site of a function compiled by the opener of `direct`, the scope it is written in directly, or
   * else of the module or wrapper around it; with what it takes from the functions between (around one
   * written directly there, nothing but a named function expression's own name).
   */
  const siteBelow = (fn: TS.FunctionLikeDeclaration, direct: TS.SourceFile | TS.Block | undefined, lexicalThis: boolean): TextSite | undefined => {
    const top = direct ?? (names.dynamicScope ? undefined : enclosingOpenerScope(fn));
    const c = top && capturesOf(ts, fn, top, captureMemo, (f) => isStrict(ts, gctx, f as FunctionLike));
    return c && !('refused' in c) ? { scope: top!, captured: c.names, boxed: c.boxed, written: c.written, lexicalThis } : undefined;
  };
  const captureMemo = newCaptureMemo(names.written);
  /** The nearest scope above `node` that has an opener: a run-once wrapper's body (see openerScope), or the file. */
  const enclosingOpenerScope = (node: TS.Node): TS.SourceFile | TS.Block => {
    for (let p: TS.Node = node.parent; ; p = p.parent) {
      if (ts.isSourceFile(p)) return p;
      if (ts.isBlock(p) && isPlainWrapper(ts, p.parent) && wrapperOpens(p.parent)) return p;
    }
  };
  /** A run-once wrapper written where an opener can be (so its body can have one). */
  const wrapperOpensMemo = new Map<TS.Node, boolean>();
  const wrapperOpens = (w: TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration): boolean => {
    let open = wrapperOpensMemo.get(w);
    if (open === undefined) wrapperOpensMemo.set(w, (open = isPlainWrapper(ts, w) && !!openerScope(w)));
    return open;
  };
  const opensAtRunTime = (fn: FunctionLike): boolean => textSite(fn) !== undefined;
  /**
   * A method of a class written where an opener could be: compiled by an opener in the class's static block
   * (an arrow: `this` there is the class, which the copies of a method reading `super` take their home object
   * from; and `#names` are in scope). An object literal's method that does not read `super` (else its home
   * comes from obj()): by the opener of the literal's scope.
   */
  const methodOpensAtRunTime = (m: TS.MethodDeclaration): boolean =>
    ts.isClassLike(m.parent) ? classOpens(m.parent) && madeFromText(m) : ts.isObjectLiteralExpression(m.parent) && !usesSuper(ts, m) && !!literalMethodSite(m);
  /**
   * A class whose static block can hold an opener: written where an opener could be, or made inside
   * functions none of which has a loop of its own (a mixin, a factory). The opener's eval makes the locals of
   * every function around it live in contexts, which would slow such a loop (2x measured for a counting loop).
   */
  const classOpensMemo = new Map<TS.Node, boolean>();
  const classOpens = (cls: TS.ClassLikeDeclaration): boolean => {
    let open = classOpensMemo.get(cls);
    if (open === undefined) {
      open = true;
      if (!openerScope(cls)) {
        for (let p: TS.Node | undefined = cls.parent; p && open; p = p.parent) {
          if (ts.isFunctionLike(p) && factsOf(p as FunctionLike).hasLoop) open = false;
        }
      }
      classOpensMemo.set(cls, open);
    }
    return open;
  };
  /**
   * An object literal's method: compiled by the opener of the scope the literal is in, or, in a function,
   * of the module or wrapper around, handed the locals around it like a closure (their values and
   * accessors are taken when the literal is made: obj()'s table).
   */
  const literalMethodSites = new Map<TS.Node, TextSite | undefined>();
  const literalMethodSite = (m: TS.MethodDeclaration): TextSite | undefined => {
    if (!literalMethodSites.has(m)) literalMethodSites.set(m, madeFromText(m) ? siteBelow(m, openerScope(m.parent), false) : undefined);
    return literalMethodSites.get(m);
  };
  /**
   * `[$pe_open, "<facts>"]`, what the runtime makes the versions of `fn` from; for a function (not a method)
   * also what it is handed where the function is: `[<captured locals>]`, for an arrow reading `this`, `this`,
   * and accessors for the locals that may change.
   */
  const textCopies = (fn: FunctionLike, name: string | undefined, method?: 'class' | 'static' | 'object'): { spec: TS.Expression; handed: TS.Expression[] } => {
    const site = method === 'object' ? literalMethodSite(fn as TS.MethodDeclaration)! : method ? undefined : textSite(fn)!;
    const id = openerFor(method === 'class' || method === 'static' ? fn.parent : site!.scope);
    const facts: FileFacts = {
      ...factsAbout(ts, fn, policy, isFixedAt, { module: hooks.moduleFormat(sf) === 'esm', method }),
      captured: site?.captured ?? [],
      boxed: site?.boxed ?? [],
      lexicalThis: !!site?.lexicalThis,
      site: fn.pos,
      // (Where the function's text starts in the source, which is its text at run time: see fileOf.)
      ...(hooks.keptNodesPrintVerbatim ? { at: sourcePosition(sourceStart(ts, fn)) } : {}),
    };
    const spec = factory.createArrayLiteralExpression([id, factory.createStringLiteral(encodeFacts(facts, name))]);
    if (!site || (site.captured.length === 0 && site.boxed.length === 0 && !site.lexicalThis)) return { spec, handed: [] };
    const values = factory.createArrayLiteralExpression(site.captured.map((n) => factory.createIdentifier(n)));
    if (site.boxed.length === 0) return { spec, handed: [values, ...(site.lexicalThis ? [factory.createThis()] : [])] };
    // `{ get x() { return x; }, set x($pe_v) { x = $pe_v; } }`: made when the versions are, not with fn.
    const v = factory.createIdentifier('$pe_v');
    const box = factory.createObjectLiteralExpression(site.boxed.flatMap((n) => [
      factory.createGetAccessorDeclaration(undefined, n, [], undefined, factory.createBlock([factory.createReturnStatement(factory.createIdentifier(n))])),
      ...(site.written.includes(n)
        ? [factory.createSetAccessorDeclaration(undefined, n, [factory.createParameterDeclaration(undefined, undefined, v)], factory.createBlock([factory.createExpressionStatement(factory.createAssignment(factory.createIdentifier(n), v))]))]
        : []),
    ]));
    return { spec, handed: [values, site.lexicalThis ? factory.createThis() : factory.createVoidZero(), box] };
  };
  /**
   * `const $pe_open = function ($pe_hot, $pe_text) { "use strict"; return eval($pe_text); };`: compiles copies
   * in module scope. (The text it is given binds the runtime's values, `$pe_hot`, itself: lazy-text.ts.)
   */
  const openerDeclaration = (id: TS.Identifier, arrow = false): TS.Statement[] => {
    const hotParam = factory.createIdentifier('$pe_hot');
    const textParam = factory.createIdentifier('$pe_text');
    const body = factory.createBlock([
      factory.createExpressionStatement(factory.createStringLiteral('use strict')),
      factory.createReturnStatement(factory.createCallExpression(factory.createIdentifier('eval'), undefined, [textParam])),
    ], true);
    const params = [hotParam, textParam].map((p) => factory.createParameterDeclaration(undefined, undefined, p));
    // (In a class's static block an arrow, whose `this` is the class; there the code is strict already.)
    const fn = arrow
      ? factory.createArrowFunction(undefined, undefined, params, undefined, undefined, factory.createBlock(body.statements.slice(1), true))
      : factory.createFunctionExpression(undefined, undefined, undefined, undefined, params, undefined, body);
    const declaration = factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(id, undefined, undefined, fn)], ts.NodeFlags.Const));
    // Written as its own text (the splice path), the file's functions' text is the source's: the runtime
    // maps the versions it makes to the file by name (`$pe.fileOf($pe_open, "<file name>")`) and the place
    // each function's facts give.
    if (!hooks.keptNodesPrintVerbatim) return [declaration];
    return [declaration, factory.createExpressionStatement(runtimeCall('fileOf', [id, factory.createStringLiteral(sf.fileName)]))];
  };

  /**
   * The versions attached to an instrumented function literal: `lazy` with a fast copy (and its re-entry
   * copy) when the function is in lazy.ts's subset (built from the original node; nested closures come
   * from the visited one through visitedOf), else `def` with a generator version.
   */
  /** What an arrow's generator version takes from where it is made (see versions). */
  type Lexical = { args?: TS.Identifier; newTarget?: TS.Identifier; superVia?: TS.Identifier };

  /**
   * A function's versions: its fast copy, else its generator version. `lexical`: an arrow's use of the
   * enclosing function's `arguments` / `new.target`, which the generator version (a function of its own) reads
   * through parameters of an arrow made where the versions are: `((args, nt) => function* () {...})(arguments,
   * new.target)` (a fast copy of an arrow is an arrow made there: it sees them itself).
   */
  const versions = (original: FunctionLike, visited: FunctionLike, name: string | undefined, lexical?: Lexical): { helper: 'lazy' | 'def' | 'lazyText' | 'defText'; arg: TS.Expression; handed?: TS.Expression[] } => {
    if (original.asteriskToken) {
      instrumented++;
      return { helper: 'lazy', arg: generatorEntry(original, visited, name) };
    }
    const fromText = opensAtRunTime(original);
    if (options.lazy !== false) {
      // (Made at run time: only the cheap checks here; one failing the rest there gets its generator version.)
      if (fromText && mayBeInLazySubset(gctx, original)) {
        instrumented++;
        const t = textCopies(original, name);
        return { helper: 'lazyText', arg: t.spec, handed: t.handed };
      }
      const fast = fromText ? undefined : buildLazy(gctx, original, name);
      if (fast) {
        instrumented++;
        return { helper: 'lazy', arg: fast };
      }
    }
    if (!lexical) {
      if (fromText) {
        instrumented++;
        const t = textCopies(original, name);
        return { helper: 'defText', arg: t.spec, handed: t.handed };
      }
      return { helper: 'def', arg: genFunction(visited, name) };
    }
    const gen = genFunction(replaceLexical(gctx, visited, lexical) as FunctionLike, name, lexical.superVia ? { ...gctx, superVia: lexical.superVia } : gctx);
    const params = [lexical.args, lexical.newTarget, lexical.superVia].filter((p): p is TS.Identifier => p !== undefined);
    const key = factory.createIdentifier('k');
    const accessor = (method: 'get' | 'set', body: TS.Expression, extra: TS.ParameterDeclaration[] = []): TS.PropertyAssignment =>
      factory.createPropertyAssignment(method, factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, key), ...extra], undefined, undefined, body));
    const values = [
      ...(lexical.args ? [factory.createIdentifier('arguments')] : []),
      ...(lexical.newTarget ? [factory.createMetaProperty(ts.SyntaxKind.NewKeyword, factory.createIdentifier('target'))] : []),
      // `{ get: (k) => super[k], set: (k, v) => (super[k] = v) }`: arrows where this one is, so `super` and
      // `this` are the method's (and a failed assignment throws exactly where the original's would).
      ...(lexical.superVia
        ? [factory.createObjectLiteralExpression([
            accessor('get', factory.createElementAccessExpression(factory.createSuper(), key)),
            accessor('set', factory.createParenthesizedExpression(factory.createAssignment(factory.createElementAccessExpression(factory.createSuper(), key), factory.createIdentifier('v'))), [factory.createParameterDeclaration(undefined, undefined, 'v')]),
          ])]
        : []),
    ];
    const bind = factory.createArrowFunction(undefined, undefined, params.map((p) => factory.createParameterDeclaration(undefined, undefined, p)), undefined, undefined, gen);
    return { helper: 'def', arg: factory.createCallExpression(factory.createParenthesizedExpression(bind), undefined, values) };
  };

  /**
   * A user generator function's fast entry: `$pe.genEntry(function* ($h, <params>) { <body> })`, whose body
   * is built like a generator version but pauses only while `$pe_rt.stepping === $h` (runtime
   * user-generators.ts: the object's next() is being run by a for-of's step()); its own yields stay. An async
   * generator's: `$pe.asyncGenEntry(function* (<params>) { <body> })`, its body's awaits and own yields made
   * requests its driver carries out (runtime async-generators.ts).
   */
  const generatorEntry = (original: FunctionLike, visited: FunctionLike, name: string | undefined): TS.Expression => {
    const isAsync = (ts.getCombinedModifierFlags(original as TS.Declaration) & ts.ModifierFlags.Async) !== 0;
    const holder = isAsync ? undefined : fileTemp(gctx, 'generator-holder', 'h');
    // A copy taking the holder as its first parameter would show it in `arguments`: one that reads
    // `arguments` is made per call instead, closing over its holder (runtime genEntryMade).
    const perCall = !isAsync && !!original.body && mentions(ts, original.body, 'arguments');
    // A method's `super.x`: `$pe.superGet($home, "x", this)`, the home object given by the class's static block
    // (or, in an object literal, by obj()).
    const literal = ts.isMethodDeclaration(original) && ts.isObjectLiteralExpression(original.parent);
    const home = ts.isMethodDeclaration(original) && usesSuper(ts, original) ? (literal ? literalHome(gctx) : fileTemp(gctx, 'generator-home', 'home')) : undefined;
    const context: GeneratorBodyContext = { ...gctx, ...(holder ? { pauseHolder: holder } : { asyncGenerator: true }), ...(home ? { superHome: home, superStrict: !literal || isStrict(ts, gctx, original) } : {}) };
    const body = factory.createFunctionExpression(
      undefined,
      factory.createToken(ts.SyntaxKind.AsteriskToken),
      undefined,
      undefined,
      holder && !perCall ? [factory.createParameterDeclaration(undefined, undefined, holder), ...visited.parameters] : visited.parameters,
      undefined,
      buildGeneratorBody(context, visited.body!),
    );
    const named = name ? namedByKey(factory, body, name) : body;
    const entry = perCall
      ? runtimeCall('genEntryMade', [factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, holder!)], undefined, undefined, named)])
      : runtimeCall(isAsync ? 'asyncGenEntry' : 'genEntry', [named]);
    if (!home || literal) return entry;
    const isStatic = (ts.getCombinedModifierFlags(original as TS.Declaration) & ts.ModifierFlags.Static) !== 0;
    const homeObject = isStatic ? factory.createThis() : factory.createPropertyAccessExpression(factory.createThis(), 'prototype');
    const bind = factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, home)], undefined, undefined, entry);
    return factory.createCallExpression(factory.createParenthesizedExpression(bind), undefined, [homeObject]);
  };

  const genFunction = (visited: FunctionLike, name: string | undefined, context: GeneratorBodyContext = gctx): TS.Expression => {
    instrumented++;
    const gen = factory.createFunctionExpression(
      undefined,
      factory.createToken(ts.SyntaxKind.AsteriskToken),
      undefined,
      undefined,
      visited.parameters,
      undefined,
      buildGeneratorBody(context, visited.body!),
    );
    if (!name) return gen;
    return namedByKey(factory, gen, name); // named like the original in stack traces
  };

  const visitFunctionDeclaration = (node: TS.FunctionDeclaration): TS.Node => {
    const targeted = isTargeted(node);
    const visited = visitFunctionChildren(node, targeted);
    if (!targeted || !visited.body || !needsGenerator(node)) return visited;
    if (!isStatementListParent(ts, node.parent)) {
      report(node, 'function-in-statement-position', 'function declared as the body of a statement is left uninstrumented');
      return visited;
    }
    let decl = visited;
    let name = node.name;
    let displayName: string | undefined;
    if (!name) {
      // `export default function () {}`: give it a binding we can refer to, keep its name 'default'.
      name = factory.createUniqueName('default');
      displayName = 'default';
      decl = factory.updateFunctionDeclaration(visited, visited.modifiers, visited.asteriskToken, name, visited.typeParameters, visited.parameters, visited.type, visited.body);
    }
    const v = versions(node, visited, displayName ?? name.text);
    const args: TS.Expression[] = [name, v.arg];
    if (displayName) args.push(factory.createStringLiteral(displayName));
    // A module's own functions get their versions once, at load; a function declared inside another is
    // declared again at each call of it, so it gets them on first use (like closures, deferred.ts).
    const nested = !ts.isSourceFile(node.parent);
    // (Copies made at run time are made when a task first asks: deferred too.)
    const def = factory.createExpressionStatement(nested || v.helper === 'lazyText' || v.helper === 'defText' ? deferred(name, v.helper, v.arg, readsNewTarget(node), v.handed) : noNewIf(readsNewTarget(node), runtimeCall(v.helper, args)));
    runtimeNodes.add(def);
    hoistStack[hoistStack.length - 1]!.push(def);
    return decl;
  };

  const visitFunctionExpression = (node: TS.FunctionExpression | TS.ArrowFunction): TS.Node => {
    const targeted = isTargeted(node);
    const plainOnly = plainContext && isPlainWrapper(ts, node);
    const visited = visitFunctionChildren(node, targeted, plainOnly);
    if (plainOnly || !targeted || !needsGenerator(node)) return visited;
    let usesThis = false;
    let superArrow = false;
    // The enclosing function's `arguments` / `new.target`: names the versions take from where they are made.
    let lexical: Lexical | undefined;
    if (ts.isArrowFunction(node)) {
      const uses = arrowLexicalUses(ts, node);
      const blocker = uses.usesArguments && uses.declaresArguments ? 'arguments and declaring a binding of that name'
        : uses.usesSuper && !superOnlyAccessed(ts, node) ? 'super other than to read, call or assign a property (or in a parameter)'
        : undefined;
      if (blocker) {
        report(node, 'arrow-lexical', `arrow function using ${blocker} is left uninstrumented (runs to completion)`);
        return visited;
      }
      if (uses.usesArguments || uses.usesNewTarget) {
        lexical = {
          ...(uses.usesArguments ? { args: fileTemp(gctx, 'arrow-arguments', 'args') } : {}),
          ...(uses.usesNewTarget ? { newTarget: fileTemp(gctx, 'arrow-new-target', 'nt') } : {}),
        };
      }
      superArrow = uses.usesSuper;
      usesThis = uses.usesThis || uses.usesSuper; // (`super.m()` is called with `this`)
      if (usesThis && inDerivedConstructor(ts, node)) return visited; // `this` may not exist yet when created
    }
    const ownName = ts.isFunctionExpression(node) ? node.name : undefined;
    const display = ownName ? undefined : inferredName(ts, node);
    if (!ownName && display === undefined && isComputedFieldInitializer(ts, node)) {
      // The engine names it after the key, evaluated when the class was defined; wrapped in later() it
      // would have no name, and the key cannot be had again when the initializer runs.
      report(node, 'computed-field-function', 'function initialising a class field with a computed key is left uninstrumented, to keep its name (runs to completion)');
      return visited;
    }
    // `super` in an arrow: its fast copy is an arrow made where this one is, where `super` means the same; its
    // generator version reads and writes it through accessors made there (superVia).
    if (superArrow) lexical = { ...lexical, superVia: fileTemp(gctx, 'arrow-super', 'sa') };
    const v = versions(node, visited, ownName?.text ?? display, lexical);
    // A closure gets its versions only when a task first needs them (runtime/deferred.ts): creating it
    // outside a task must stay as cheap as in the original. `(f) => $pe.def(f, function* () {...})`; the
    // arrow keeps the lexical `this` that defArrow binds and the fast copy (an arrow too) sees.
    const helper = v.helper === 'def' && usesThis ? 'defArrow' : v.helper;
    if (ownName) {
      // The versions must see the function's own (immutable) name binding:
      //   (($fn) => { const h = $fn; return $pe.later(h, ($f) => $pe.def($f, function* () {...})); })(function h() {...})
      const outer = fileTemp(gctx, 'named-fn', 'fn'); // one name per file (see fileTemp)
      const param = factory.createParameterDeclaration(undefined, undefined, outer);
      const binding = factory.createVariableStatement(
        undefined,
        factory.createVariableDeclarationList([factory.createVariableDeclaration(ownName, undefined, undefined, outer)], ts.NodeFlags.Const),
      );
      const body = factory.createBlock([binding, factory.createReturnStatement(deferred(ownName, helper, v.arg, readsNewTarget(node), v.handed))]);
      const bind = factory.createArrowFunction(undefined, undefined, [param], undefined, undefined, body);
      const iife = factory.createCallExpression(factory.createParenthesizedExpression(bind), undefined, [visited]);
      runtimeNodes.add(iife);
      return iife;
    }
    // The name the engine would have inferred, given the same way (no defineProperty per closure):
    //   ({ "f": () => {...} })["f"]
    const named = display === undefined ? visited : namedByKey(factory, visited, display);
    return deferred(named, helper, v.arg, readsNewTarget(node), v.handed);
  };

  /**
   * An ordinary function reading `new.target` (its own, in its parameters or body's arrows): its versions
   * were made for calls, where it is undefined, so a `new` site constructs it plainly (runtime noNew).
   */
  const readsNewTarget = (node: FunctionLike): boolean =>
    !ts.isArrowFunction(node) && !node.asteriskToken && [...node.parameters, ...(node.body ? [node.body] : [])].some((n) => usesNewTarget(ts, n, true));
  const noNewIf = (reads: boolean, attach: TS.Expression): TS.Expression => (reads ? runtimeCall('noNew', [attach]) : attach);

  /**
   * `$pe.later(fn, ($f) => $pe.<helper>($f, <versions>))`: the arrow keeps the lexical `this` defArrow binds
   * (and reads the values `handed` to versions made at run time when they are made, not when fn is).
   */
  const deferred = (fn: TS.Expression, helper: 'lazy' | 'def' | 'defArrow' | 'lazyText' | 'defText', versionsArg: TS.Expression, noNew = false, handed: TS.Expression[] = []): TS.CallExpression => {
    const f = fileTemp(gctx, 'maker-fn', 'f'); // one name per file: a name per closure made printing quadratic
    const attach = noNewIf(noNew, runtimeCall(helper, helper === 'defArrow' ? [f, versionsArg, factory.createThis()] : [f, versionsArg, ...handed]));
    const make = factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, f)], undefined, undefined, attach);
    return runtimeCall('later', [fn, make]);
  };


  const visitMethod = (node: TS.MethodDeclaration): TS.Node => {
    const targeted = isTargeted(node);
    // (A bundled module's code written as a literal's method, as esbuild does: a run-once wrapper.)
    const plainOnly = plainContext && isPlainWrapper(ts, node);
    const visited = visitFunctionChildren(node, targeted, plainOnly);
    if (plainOnly || !targeted || !visited.body) return visited;
    const name = staticName(ts, node.name);
    if (name === undefined && ts.isComputedPropertyName(node.name) && computedKeys.isStableSymbol(node.name.expression)) {
      return visitSymbolKeyedMethod(node, visited, node.name.expression);
    }
    if (name === undefined) {
      // The generator version is found by the method's name at run time (link()); these have none it can
      // use. A #private method can still get a fast copy, handed over at its first call (privateFast).
      const facts = factsOf(node);
      if (facts.hasLoop || facts.hasDispatchableCall) {
        if (ts.isPrivateIdentifier(node.name) && privateMethodFast(node, visited, node.name)) return visited;
        const kind = ts.isPrivateIdentifier(node.name) ? '#private' : 'computed';
        report(node, 'method-name', `method with a ${kind} name is left uninstrumented (runs to completion)`);
      }
      return visited;
    }
    const place = methodToInstrument(node);
    if (!place) return visited;
    const { inClass, isStatic } = place;
    instrumented++;
    const fromText = !node.asteriskToken && options.lazy !== false && methodOpensAtRunTime(node);
    // (Only the cheap checks of the subset, as for functions, unless it reads `super`: then its generator
    // version could not be made at run time, should the rest of the checks fail there.)
    const readsSuper = fromText && usesSuper(ts, node);
    const inSubset = fromText && (readsSuper ? inLazySubset(gctx, node) : mayBeInLazySubset(gctx, node));
    if (fromText && (inSubset || !readsSuper)) {
      // (Outside the lazy subset its generator version, `[$pe_open, "<facts>", "gen"]`: not one reading
      // `super`, which a generator function made outside the class could not.)
      // (`[$pe_open, "<facts>", "gen" | "lazy", <values>, void 0, <accessors>]` for a literal's method in a function.)
      const { spec, handed } = textCopies(node, name, inClass ? (isStatic ? 'static' : 'class') : 'object');
      const kind = !inSubset ? ['gen'] : handed.length > 0 ? ['lazy'] : [];
      const entry = factory.updateArrayLiteralExpression(spec as TS.ArrayLiteralExpression, [...(spec as TS.ArrayLiteralExpression).elements, ...kind.map((k) => factory.createStringLiteral(k)), ...handed]);
      methodGens.set(visited, { name, isStatic, fast: entry, home: false });
      return visited;
    }
    // An object literal's method reading `super`: its versions take the literal from obj() (literalHome).
    const home = !inClass && usesSuper(ts, node);
    const fast = node.asteriskToken ? generatorEntry(node, visited, name) : options.lazy !== false && !fromText ? buildLazy(gctx, node, name) : undefined;
    if (fast) {
      methodGens.set(visited, { name, isStatic, fast, home });
      return visited;
    }
    const gen = factory.createMethodDeclaration(
      isStatic ? [factory.createModifier(ts.SyntaxKind.StaticKeyword)] : undefined,
      factory.createToken(ts.SyntaxKind.AsteriskToken),
      inClass ? factory.createStringLiteral(METHOD_KEY_PREFIX + name) : factory.createStringLiteral(name),
      undefined,
      undefined,
      visited.parameters,
      undefined,
      // (A member of a literal of its own: `super` there would read that literal's prototype.)
      buildGeneratorBody(home ? { ...gctx, superHome: literalHome(gctx), superStrict: isStrict(ts, gctx, node) } : gctx, visited.body),
    );
    methodGens.set(visited, { name, isStatic, gen, home });
    return visited;
  };

  /**
   * The checks every named or symbol-keyed method passes before it gets versions (each failure reported):
   * no other decorator, something to pause at, no `super` in an object literal's method.
   */
  const methodToInstrument = (node: TS.MethodDeclaration): { inClass: boolean; isStatic: boolean } | undefined => {
    if (ts.getDecorators(node)?.some((d) => !isMarkerDecorator(ts, d))) {
      // Another decorator may replace the method; the generator version would then bypass the replacement.
      report(node, 'decorated-method', 'method with decorators other than @preemptible is left uninstrumented (runs to completion)');
      return undefined;
    }
    if (!needsGenerator(node)) return undefined;
    const inClass = ts.isClassLike(node.parent);
    if (!inClass && usesSuper(ts, node) && !superOnlyAccessed(ts, node)) {
      report(node, 'object-method-super', 'object-literal method using super other than to read, call or assign a property in its own body is left uninstrumented (runs to completion)');
      return undefined;
    }
    return { inClass, isStatic: inClass && !!(ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Static) };
  };

  /**
   * `[Symbol.iterator]() {}`, `*[kTag]() {}`: only a fast copy (or a generator's entry) can be linked, under
   * the key evaluated again in the static block; a method outside the lazy subset runs to completion.
   */
  const visitSymbolKeyedMethod = (node: TS.MethodDeclaration, visited: TS.MethodDeclaration, key: TS.Expression): TS.Node => {
    const place = methodToInstrument(node);
    if (!place) return visited;
    // Counted (collectGens) under its own text. `Symbol.dispose` / `Symbol.asyncDispose` are undefined on an
    // engine without them (the methods are keyed 'undefined' there, both): linked under `key ?? <no key>`,
    // such an engine finds nothing to link.
    const name = `\0symbol:${computedKeys.symbolIdentity(key)}`;
    const linkKey = typeof computedKeys.fact(key) === 'string' ? factory.createBinaryExpression(key, ts.SyntaxKind.QuestionQuestionToken, factory.createStringLiteral(`${METHOD_KEY_PREFIX}none`)) : key;
    const isAsync = (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Async) !== 0;
    if (isAsync && !node.asteriskToken && !usesSuper(ts, node)) {
      // `async [Symbol.asyncDispose]() {}`: its generator version, a function expression linked by the key
      // (a sibling member can only be found by a name).
      methodGens.set(visited, { name, key: linkKey, isStatic: place.isStatic, keyedGen: genFunction(visited, undefined) });
      return visited;
    }
    const fast = node.asteriskToken ? generatorEntry(node, visited, undefined) : options.lazy !== false ? buildLazy(gctx, node, undefined) : undefined;
    if (!fast) {
      report(node, 'method-name', 'method with a computed name is left uninstrumented (runs to completion)');
      return visited;
    }
    instrumented++;
    methodGens.set(visited, { name, key: linkKey, isStatic: place.isStatic, fast });
    return visited;
  };

  /**
   * Makes the fast entry of a `#private` method (not decorated): its fast copy, or outside the lazy subset
   * (a `try`, an async method) its generator version run as one (runtime privateGen); false if it cannot
   * have either (a generator method, `super` outside the fast subset: the version is a function made in the
   * class's static block, not a member).
   */
  const privateMethodFast = (node: TS.MethodDeclaration, visited: TS.MethodDeclaration, name: TS.PrivateIdentifier): boolean => {
    if (!ts.isClassLike(node.parent) || node.asteriskToken) return false;
    if (ts.getDecorators(node)?.some((d) => !isMarkerDecorator(ts, d))) return false;
    let fast = options.lazy !== false ? buildLazy(gctx, node, name.text) : undefined;
    if (fast) instrumented++;
    else {
      if (usesSuper(ts, node) || decide(node).why) return false;
      const isAsync = (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Async) !== 0;
      fast = runtimeCall('privateGen', [genFunction(visited, name.text), ...(isAsync ? [factory.createTrue()] : [])]);
    }
    let fasts = privateFasts.get(node.parent);
    if (!fasts) privateFasts.set(node.parent, (fasts = new Map()));
    fasts.set(name.text, { method: node, fast });
    return true;
  };

  /** A private method with a fast copy that no fast copy of its class's methods calls never gets it. */
  const reportUnlinkedPrivate = (cls: TS.Node, linked: boolean): void => {
    const ids = privateFastIds.get(cls);
    for (const [name, { method }] of privateFasts.get(cls) ?? []) {
      // (Called from the static block's copies, which exist when the class links any; or through the field.)
      if ((linked || privateFields.get(cls)?.has(name)) && ids?.has(name)) continue;
      const unnamed = privateClassName(cls as TS.ClassLikeDeclaration) === undefined;
      report(method, 'method-name', `method with a #private name is left uninstrumented: no method of its class that could pause calls it${unnamed ? ', and its closures and generator versions reach it only in a class with a name (its own, or a variable it initialises, declared once in the file)' : ''} (runs to completion)`);
    }
  };

  /**
   * `const $pe_priv_m = <fast copy of #m>;` for each private method the class's code calls, and `this.#$pe_priv_m
   * = $pe_priv_m;` for those called from outside the static block's copies (privateFast).
   */
  const privateFastDeclarations = (cls: TS.Node): TS.Statement[] => [
    ...[...(privateFastIds.get(cls) ?? [])].map(([name, id]) =>
      factory.createVariableStatement(
        undefined,
        factory.createVariableDeclarationList([factory.createVariableDeclaration(id, undefined, undefined, privateFasts.get(cls)?.get(name)?.fast ?? factory.createVoidZero())], ts.NodeFlags.Const),
      ),
    ),
    ...[...(privateFields.get(cls) ?? [])].map((name) =>
      factory.createExpressionStatement(factory.createAssignment(
        factory.createPropertyAccessExpression(factory.createThis(), factory.createPrivateIdentifier(privateFieldName(name))),
        privateFastIds.get(cls)!.get(name)!,
      )),
    ),
  ];

  /** `static #$pe_priv_m;` for each private method called from outside the static block's copies. */
  const privateFieldDeclarations = (cls: TS.Node): TS.ClassElement[] =>
    [...(privateFields.get(cls) ?? [])].map((name) =>
      factory.createPropertyDeclaration([factory.createModifier(ts.SyntaxKind.StaticKeyword)], factory.createPrivateIdentifier(privateFieldName(name)), undefined, undefined, undefined));

  /** `$pe.ctor(this, ...)` for each class whose constructor was split, for its static block (by original class). */
  const ctorRegistrations = new Map<TS.Node, TS.Statement>();

  const ctorRewrite: ConstructorRewrite = {
    gctx, sf, lazy: options.lazy !== false,
    report: (node, message) => report(node, 'constructor', message),
    runtimeCall, decide, genFunction,
    counted: () => void instrumented++,
    register: (cls, statement) => void ctorRegistrations.set(cls, statement),
  };
  const visitConstructor = (node: TS.ConstructorDeclaration): TS.Node => {
    const visited = visitNotPlain(node);
    const targeted = annotatedDepth > 0 || (!!node.body && hasDirective(ts, node.body.statements, DIRECTIVE));
    if (!targeted || !node.body || !visited.body) return visited;
    const facts = factsOf(node as unknown as FunctionLike);
    if (!facts.hasLoop && !facts.hasDispatchableCall) return visited;
    return rewriteConstructor(ctorRewrite, node, visited);
  };

  const visitClass = (node: TS.ClassDeclaration | TS.ClassExpression): TS.Node => {
    const visited = visitClassVersions(node);
    if (marks) toMark.push([node, visited]);
    return visited;
  };

  const visitClassVersions = (node: TS.ClassDeclaration | TS.ClassExpression): TS.ClassDeclaration | TS.ClassExpression => {
    // `@preemptible class C {}` targets every method of the class.
    const marked = hasMarkerDecorator(ts, node);
    if (marked) annotatedDepth++;
    let visited: TS.ClassDeclaration | TS.ClassExpression;
    try {
      visited = visitNotPlain(node);
    } finally {
      if (marked) annotatedDepth--;
    }
    const gens = collectGens(visited.members, true);
    reportUnlinkedPrivate(ts.getOriginalNode(node), gens.length > 0);
    const ctor = ctorRegistrations.get(ts.getOriginalNode(node));
    const fields = privateFieldDeclarations(ts.getOriginalNode(node));
    if (gens.length === 0 && !ctor && fields.length === 0) return visited;
    const names = (isStatic: boolean): TS.Expression =>
      factory.createArrayLiteralExpression(gens.filter((g) => g.gen && g.isStatic === isStatic).map((g) => factory.createStringLiteral(g.name)));
    // Fast copies are created in the static block: same scope as the methods (the class body).
    const fasts = (isStatic: boolean): TS.Expression => fastLiteral(gens.filter((g) => g.isStatic === isStatic));
    const keyed = gens.some((g) => g.keyedGen) ? [false, true].map((isStatic) => keyedLiteral(gens.filter((g) => g.isStatic === isStatic))) : [];
    const classOpenerId = openers.get(ts.getOriginalNode(node));
    const link = factory.createClassStaticBlockDeclaration(
      factory.createBlock([
        ...(classOpenerId ? openerDeclaration(classOpenerId, true) : []),
        ...privateFastDeclarations(ts.getOriginalNode(node)),
        ...(gens.length > 0 ? [factory.createExpressionStatement(runtimeCall('link', [factory.createThis(), names(false), names(true), fasts(false), fasts(true), ...keyed]))] : []),
        ...(ctor ? [ctor] : []),
      ]),
    );
    // (The fields first: initialised before the block sets them.)
    const members = [...fields, link, ...visited.members, ...gens.flatMap((g) => (g.gen ? [g.gen] : []))];
    return ts.isClassDeclaration(visited)
      ? factory.updateClassDeclaration(visited, visited.modifiers, visited.name, visited.typeParameters, visited.heritageClauses, members)
      : factory.updateClassExpression(visited, visited.modifiers, visited.name, visited.typeParameters, visited.heritageClauses, members);
  };

  const visitObjectLiteral = (node: TS.ObjectLiteralExpression): TS.Node => {
    const visited = ts.visitEachChild(node, visit, ctx);
    const gens = collectGens(visited.properties, false);
    if (gens.length === 0) return visited;
    // A later spread could replace a method with an unrelated function: keep such literals plain.
    const lastMethod = Math.max(...gens.map((g) => visited.properties.findIndex((p) => methodGens.get(p) === g)));
    if (visited.properties.some((p, i) => ts.isSpreadAssignment(p) && i > lastMethod)) return visited;
    const genLiteral = factory.createObjectLiteralExpression([...gens.flatMap((g) => (g.gen ? [g.gen] : [])), ...keyedLiteral(gens).properties], true);
    if (!gens.some((g) => g.home)) return runtimeCall('obj', [visited, genLiteral, fastLiteral(gens)]);
    // Versions reading `super` through the literal: made by a function obj() calls with it, `($home) => ...`.
    const ofHome = (e: TS.Expression): TS.Expression =>
      factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, literalHome(gctx))], undefined, undefined, factory.createParenthesizedExpression(e));
    return runtimeCall('obj', [visited, ofHome(genLiteral), ofHome(fastLiteral(gens))]);
  };

  /** `{ [key]: <generator version> }` for the async methods with symbol keys among `gens`. */
  const keyedLiteral = (gens: MethodGen[]): TS.ObjectLiteralExpression =>
    factory.createObjectLiteralExpression(
      gens.flatMap((g) => (g.keyedGen ? [factory.createPropertyAssignment(factory.createComputedPropertyName(g.key!), g.keyedGen)] : [])),
      true,
    );

  /** `{ "m": <fast copy of m>, ... }` for the lazy ones among `gens`. */
  const fastLiteral = (gens: MethodGen[]): TS.Expression =>
    factory.createObjectLiteralExpression(
      gens.flatMap((g) =>
        g.fast ? [factory.createPropertyAssignment(g.key ? factory.createComputedPropertyName(g.key) : factory.createStringLiteral(g.name), g.fast)] : [],
      ),
      true,
    );

  /**
   * `[k]: () => {}` in an object literal: a function wrapped in def() would lose the name the engine gives
   * it from the key, so the key goes through $pe.key() and def() gets $pe.keyName() as the name.
   */
  const visitPropertyAssignment = (node: TS.PropertyAssignment): TS.Node => {
    const visited = ts.visitEachChild(node, visit, ctx);
    if (!ts.isComputedPropertyName(node.name)) return visited;
    const value = skipOuter(ts, visited.initializer);
    const original = skipOuter(ts, node.initializer);
    if (!(ts.isArrowFunction(original) || (ts.isFunctionExpression(original) && !original.name))) return visited;
    if (!ts.isCallExpression(value) || !runtimeNodes.has(value)) return visited; // left plain: named natively
    const helper = ts.isPropertyAccessExpression(value.expression) ? value.expression.name.text : '';
    const fixedArgs = helper === 'later' ? 2 : -1;
    if (fixedArgs < 0 || value.arguments.length !== fixedArgs) return visited;
    const named = factory.updateCallExpression(value, value.expression, value.typeArguments, [...value.arguments, runtimeCall('keyName', [])]);
    runtimeNodes.add(named);
    const name = factory.updateComputedPropertyName(visited.name as TS.ComputedPropertyName, runtimeCall('key', [(visited.name as TS.ComputedPropertyName).expression]));
    return factory.updatePropertyAssignment(visited, name, named);
  };

  /** Generator methods for members whose name is not declared twice (the last declaration would win). */
  const collectGens = (members: readonly TS.Node[], inClass: boolean): MethodGen[] => {
    const seen = new Map<string, number>();
    for (const m of members) {
      const original = ts.getOriginalNode(m);
      const n = (original as { name?: TS.PropertyName }).name;
      if (!n || ts.isPrivateIdentifier(n)) continue;
      let key: KeyFact = ts.isComputedPropertyName(n) ? computedKeys.fact(n.expression) : staticName(ts, n);
      // Symbol keys (`Symbol.dispose` & co. too, 'undefined' only on an engine without them, where nothing is
      // linked) are counted by which symbol they are, linked or not: a later member with the same one wins.
      const symbol = ts.isComputedPropertyName(n) && (key === SYMBOL || (key === 'undefined' && !literalKey(ts, n.expression)));
      if (symbol) {
        const identity = computedKeys.symbolIdentity(n.expression);
        key = identity === undefined ? undefined : `\0symbol:${identity}`;
      }
      if (ts.isComputedPropertyName(n) && inClass && ts.isPropertyDeclaration(original)) {
        // A field is defined on each instance, or (static) in order with the static blocks, after link() has
        // attached the versions: it cannot change which function link() finds.
        continue;
      }
      if (key === undefined) {
        // A computed key could name the same property as a method; the later member wins, so we cannot tell
        // which function ends up there: keep the whole class/literal plain then.
        for (const g of members) {
          if (methodGens.has(g)) report(g, 'computed-member', 'method is left uninstrumented: a computed key in the same class or literal could replace it (runs to completion)');
        }
        return [];
      }
      const counted = `${isStaticMember(ts, m)}:${key as string}`;
      seen.set(counted, (seen.get(counted) ?? 0) + 1);
    }
    const gens: MethodGen[] = [];
    for (const m of members) {
      const g = methodGens.get(m);
      if (g && seen.get(`${g.isStatic}:${g.name}`) === 1) gens.push(g);
    }
    return gens;
  };

  const visitCall = (node: TS.CallExpression): TS.Node => {
    const callee = skipOuter(ts, node.expression);
    const isWrapper =
      (ts.isIdentifier(callee) && callee.text === WRAPPER) ||
      (ts.isPropertyAccessExpression(callee) && callee.name.text === WRAPPER);
    if (!isWrapper) return ts.visitEachChild(node, visit, ctx);
    annotatedDepth++;
    try {
      return ts.visitEachChild(node, visit, ctx);
    } finally {
      annotatedDepth--;
    }
  };

  /**
   * A tagged template is one site: every evaluation passes the same strings array to the tag (template
   * caches key on it). A function body is printed twice (original and generator version), which would make
   * two sites; so inside functions `tag\`a${x}b\`` becomes `(tag($site(), x))`, with one module-level
   * `function $site() { return $site.t ??= ((s) => s)\`a${0}b\`; }` holding the one site. Same order of
   * evaluation (tag, then substitutions), same `this` for a member tag.
   */
  const templateSites: TS.Statement[] = [];
  const visitTaggedTemplate = (node: TS.TaggedTemplateExpression): TS.Node => {
    const visited = ts.visitEachChild(node, visit, ctx);
    if (plainContext || annotatedDepth === 0) return visited;
    const site = factory.createUniqueName(`$site${templateSites.length}`); // distinct bases: no name search
    const template = visited.template;
    const literal = ts.isNoSubstitutionTemplateLiteral(template)
      ? template
      : factory.createTemplateExpression(
          template.head,
          template.templateSpans.map((span) => factory.createTemplateSpan(factory.createNumericLiteral(0), span.literal)),
        );
    const identity = factory.createArrowFunction(undefined, undefined, [factory.createParameterDeclaration(undefined, undefined, 's')], undefined, undefined, factory.createIdentifier('s'));
    const cached = factory.createPropertyAccessExpression(site, 't');
    const body = factory.createBlock([
      factory.createReturnStatement(
        factory.createBinaryExpression(
          cached,
          ts.SyntaxKind.QuestionQuestionEqualsToken,
          factory.createTaggedTemplateExpression(factory.createParenthesizedExpression(identity), undefined, literal),
        ),
      ),
    ]);
    const declaration = factory.createFunctionDeclaration(undefined, undefined, site, undefined, [], undefined, body);
    runtimeNodes.add(declaration);
    templateSites.push(declaration);
    const substitutions = ts.isNoSubstitutionTemplateLiteral(template) ? [] : template.templateSpans.map((span) => span.expression);
    const getSite = factory.createCallExpression(site, undefined, []);
    runtimeNodes.add(getSite);
    const call = factory.createCallExpression(visited.tag, visited.typeArguments, [getSite, ...substitutions]);
    return factory.createParenthesizedExpression(call);
  };

  const visitStatementList = (statements: TS.NodeArray<TS.Statement>, afterDefs?: () => TS.Statement[]): readonly TS.Statement[] => {
    hoistStack.push([]);
    const out = ts.visitNodes(statements, visit, ts.isStatement);
    const defs = hoistStack.pop()!;
    if (afterDefs) defs.push(...afterDefs());
    // (The list itself when nothing changed, when kept nodes print verbatim: the block around it is kept,
    // and so its function, as written. Reprinted, a function's text is not the source's even so: a new
    // block makes its function count as changed, and marked, see toMark.)
    if (defs.length === 0) return hooks.keptNodesPrintVerbatim ? out : [...out];
    const n = prologueLength(ts, out);
    return [...out.slice(0, n), ...defs, ...out.slice(n)];
  };

  // The nodes of the file with something the visitor rewrites at or under them (a function, class, object
  // literal or tagged template; or a `#name`, meta-property or `super`: see rewritableKinds): when kept nodes
  // print verbatim, every other subtree is left as it is without being walked. (Reprinted, a statement list
  // is always printed anew, and so is every function around it, which is marked for it: toMark. Skipped,
  // the functions would keep the nodes their copies share, and the marks would be put on those.)
  const rewritable = names.holding;

  function visit(node: TS.Node): TS.VisitResult<TS.Node> {
    if (rewritable && !rewritable.has(node) && node.pos >= 0 && (node.flags & ts.NodeFlags.Synthesized) === 0) return node;
    switch (node.kind) {
      case ts.SyntaxKind.Block: {
        const b = node as TS.Block;
        // (A run-once wrapper's body: the opener of its functions' versions made at run time, if any.)
        return factory.updateBlock(b, visitStatementList(b.statements, () => {
          const id = openers.get(ts.getOriginalNode(b));
          return [...(id ? openerDeclaration(id) : []), ...fixedDeclarations(b)];
        }));
      }
      case ts.SyntaxKind.ModuleBlock: {
        const b = node as TS.ModuleBlock;
        return factory.updateModuleBlock(b, visitStatementList(b.statements));
      }
      case ts.SyntaxKind.CaseClause: {
        const c = node as TS.CaseClause;
        return factory.updateCaseClause(c, ts.visitNode(c.expression, visit, ts.isExpression)!, visitStatementList(c.statements));
      }
      case ts.SyntaxKind.DefaultClause: {
        const c = node as TS.DefaultClause;
        return factory.updateDefaultClause(c, visitStatementList(c.statements));
      }
      case ts.SyntaxKind.FunctionDeclaration:
        return visitFunctionDeclaration(node as TS.FunctionDeclaration);
      case ts.SyntaxKind.FunctionExpression:
      case ts.SyntaxKind.ArrowFunction: {
        const visited = visitFunctionExpression(node as TS.FunctionExpression | TS.ArrowFunction);
        gctx.visitedOf.set(node, visited as TS.Expression);
        return visited;
      }
      case ts.SyntaxKind.MethodDeclaration:
        return visitMethod(node as TS.MethodDeclaration);
      case ts.SyntaxKind.Constructor:
        return visitConstructor(node as TS.ConstructorDeclaration);
      case ts.SyntaxKind.GetAccessor:
      case ts.SyntaxKind.SetAccessor:
      case ts.SyntaxKind.ClassStaticBlockDeclaration:
      {
        noteRunsToCompletion(node as TS.AccessorDeclaration | TS.ClassStaticBlockDeclaration);
        const visited = visitNotPlain(node);
        if (marks && !ts.isClassStaticBlockDeclaration(node)) toMark.push([node, visited]);
        return visited;
      }
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression:
        return visitClass(node as TS.ClassDeclaration | TS.ClassExpression);
      case ts.SyntaxKind.ObjectLiteralExpression:
        return visitObjectLiteral(node as TS.ObjectLiteralExpression);
      case ts.SyntaxKind.PropertyAssignment:
        return visitPropertyAssignment(node as TS.PropertyAssignment);
      case ts.SyntaxKind.CallExpression:
        return visitCall(node as TS.CallExpression);
      case ts.SyntaxKind.TaggedTemplateExpression:
        return visitTaggedTemplate(node as TS.TaggedTemplateExpression);
      default:
        return ts.visitEachChild(node, visit, ctx);
    }
  }

  /**
   * `const $pe_fast_f = $pe.fastOf(f), ...` for the fixed functions of `container` its code calls: after
   * every def/lazy/later of its statement list, before any of its own code runs.
   */
  const fixedDeclarations = (container: TS.Node): TS.Statement[] => {
    const refs = fixedRefs.get(container);
    if (!refs) return [];
    const decls = [...refs].map(([name, id]) =>
      factory.createVariableDeclaration(id, undefined, undefined, runtimeCall('fastOf', [factory.createIdentifier(name)])),
    );
    const statement = factory.createVariableStatement(undefined, factory.createVariableDeclarationList(decls, ts.NodeFlags.Const));
    runtimeNodes.add(statement);
    return [statement];
  };

  const body = [...visitStatementList(sf.statements, () => fixedDeclarations(sf)), ...templateSites];
  if (instrumented === 0) return sf;
  const n = prologueLength(ts, body);
  const spec = factory.createStringLiteral(options.runtime);
  const importRuntime =
    hooks.moduleFormat(sf) === 'esm'
      ? factory.createImportDeclaration(undefined, factory.createImportClause(false, undefined, factory.createNamespaceImport(pe)), spec)
      : factory.createVariableStatement(
          undefined,
          factory.createVariableDeclarationList(
            [factory.createVariableDeclaration(pe, undefined, undefined, factory.createCallExpression(factory.createIdentifier('require'), undefined, [spec]))],
            ts.NodeFlags.Const,
          ),
        );
  const hotDecls = [...hotNames].map(([name, id]) => factory.createVariableDeclaration(id, undefined, undefined, factory.createPropertyAccessExpression(pe, name)));
  const hotConsts = hotDecls.length > 0 ? [factory.createVariableStatement(undefined, factory.createVariableDeclarationList(hotDecls, ts.NodeFlags.Const))] : [];
  // (A function kept but reprinted is not its original text either; kept verbatim, it is. Printed verbatim,
  // where only the marked spans are registered, a run-once wrapper is not marked: it holds whole modules, a
  // bundle's or a UMD file's, whose text no code can ask for but the wrapper's own, and it would be
  // registered again whenever a function inside it is changed; its text is then what was printed.)
  const markable = (n: TS.Node): boolean => !(hooks.keptNodesPrintVerbatim && isPlainWrapper(ts, n));
  for (const [original, visited] of toMark) if ((visited !== original || (versioned.has(original) && !hooks.keptNodesPrintVerbatim)) && markable(original)) marks!.mark(original, visited);
  // `$pe.sources(KEY, "<original text>")`: before any code of the file can ask a function for its text.
  // (Kept nodes printed verbatim, the printer writes it again with the spans of the marks it leaves only.)
  const sources = marks?.used ? [factory.createExpressionStatement(runtimeCall('sources', [factory.createStringLiteral(marks.key), factory.createStringLiteral(marks.text)]))] : [];
  // `$pe.preloadVersionMaker()`: the rewrite that makes those versions is loaded with the file, not in a task.
  const fileOpener = openers.get(sf);
  const openerStatements = [
    ...(fileOpener ? openerDeclaration(fileOpener) : []),
    ...(openers.size > 0 ? [factory.createExpressionStatement(runtimeCall('preloadVersionMaker', []))] : []),
  ];
  return factory.updateSourceFile(sf, [...body.slice(0, n), importRuntime, ...hotConsts, ...openerStatements, ...sources, ...body.slice(n)]);
}

/** `@preemptible`, `@preemptible()`, `@lib.preemptible` (standard or legacy decorators). */
function isMarkerDecorator(ts: typeof TS, d: TS.Decorator): boolean {
  let e = d.expression;
  if (ts.isCallExpression(e)) e = e.expression;
  return (ts.isIdentifier(e) && e.text === WRAPPER) || (ts.isPropertyAccessExpression(e) && e.name.text === WRAPPER);
}

function hasMarkerDecorator(ts: typeof TS, node: TS.Node): boolean {
  return ts.canHaveDecorators(node) && !!ts.getDecorators(node)?.some((d) => isMarkerDecorator(ts, d));
}

function isStatementListParent(ts: typeof TS, parent: TS.Node): boolean {
  return ts.isSourceFile(parent) || ts.isBlock(parent) || ts.isModuleBlock(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent);
}

/** The property key a member name stands for, when it is written out: `m`, `'m'`, `1`, `['m']`, `[1e3]`. */
function staticName(ts: typeof TS, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return ts.isComputedPropertyName(name) ? literalKey(ts, name.expression) : undefined;
}

/** `[k] = () => {}` / `static [k] = function () {}` in a class (parentheses aside). */
function isComputedFieldInitializer(ts: typeof TS, fn: TS.Expression): boolean {
  let child: TS.Node = fn;
  while (child.parent && ts.isParenthesizedExpression(child.parent)) child = child.parent;
  const p = child.parent;
  return !!p && ts.isPropertyDeclaration(p) && p.initializer === child && ts.isComputedPropertyName(p.name);
}

function isStaticMember(ts: typeof TS, member: TS.Node): boolean {
  return ts.canHaveModifiers(member) && !!ts.getModifiers(member)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

function inDerivedConstructor(ts: typeof TS, node: TS.Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isConstructorDeclaration(p)) return !!p.parent.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
    if (!ts.isArrowFunction(p) && (ts.isFunctionLike(p) || ts.isClassLike(p))) return false;
  }
  return false;
}

/**
 * The kinds of node the visitor rewrites (see `rewritable` in rewriteFile): functions, classes, object
 * literals, tagged templates; and the others rewrittenInside looks for: `#names`, meta-properties, `super`.
 */
function rewritableKinds(ts: typeof TS): ReadonlySet<TS.SyntaxKind> {
  const K = ts.SyntaxKind;
  return new Set<TS.SyntaxKind>([
    K.FunctionDeclaration, K.FunctionExpression, K.ArrowFunction, K.MethodDeclaration, K.Constructor, K.GetAccessor, K.SetAccessor,
    K.ClassStaticBlockDeclaration, K.ClassDeclaration, K.ClassExpression, K.ObjectLiteralExpression, K.TaggedTemplateExpression,
    K.PrivateIdentifier, K.MetaProperty, K.SuperKeyword,
  ]);
}

/**
 * Whether TypeScript emits `fn` as its own text with the types taken out: nothing in it that TypeScript
 * turns into other code (an enum or namespace, a decorator, a parameter property, `using`, `accessor`,
 * `import x = require(...)`), and not inside a namespace or an enum (whose members it reads as `N.x` once
 * emitted), so the engine's text of it is what the rewrite saw, but for types.
 */
function erasedOnly(ts: typeof TS, fn: TS.Node): boolean {
  const K = ts.SyntaxKind;
  for (let p = fn.parent; p; p = p.parent) if (p.kind === K.ModuleDeclaration || p.kind === K.EnumDeclaration) return false;
  const visit = (n: TS.Node): boolean => {
    switch (n.kind) {
      case K.EnumDeclaration:
      case K.ModuleDeclaration:
      case K.Decorator:
      case K.ImportEqualsDeclaration:
      case K.AccessorKeyword:
        return true;
      case K.Parameter:
        if (ts.getModifiers(n as TS.ParameterDeclaration)?.length) return true;
        break;
      case K.VariableDeclarationList:
        if ((n as TS.VariableDeclarationList).flags & ts.NodeFlags.Using) return true;
        break;
    }
    return ts.forEachChild(n, visit) ?? false;
  };
  return !visit(fn);
}
