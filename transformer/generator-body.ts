// Builds the body of a function's generator version from its (already visited) plain body:
//   - a checkpoint at entry and at the top of every loop body;
//   - in async functions, every `await e` becomes `yield $pe.aw(e)` (see runtime/async.ts);
//   - every dispatchable call becomes "call the callee's generator version with yield* if it has one,
//     else call the callee itself", reading the callee exactly once and its arguments exactly once.
// Nested functions and classes are not entered: they get their own versions where they are defined.

import type * as TS from 'typescript';
import { printOnOneLine } from './compact';
import { boundNames, CallPolicy, forAwaitHead, isDispatchable, isNewSite, isFunctionBoundary, isLoop, makesFunction, mentions, prologueLength, skipOuter, usingKind } from './analyze';

export interface GeneratorBodyContext {
  ts: typeof TS;
  ctx: TS.TransformationContext;
  /** The identifier the file imports the runtime as. */
  pe: TS.Identifier;
  /** Nodes the transformer added that are not user code: never dispatched or checkpointed, children still visited. */
  runtimeNodes: WeakSet<TS.Node>;
  policy: CallPolicy;
  /**
   * Temporaries by name, shared by every generator body in the file: each body declares its own `var`s,
   * and one unique name per temp kind keeps the printer from searching name_1..name_N for every function.
   */
  tempNames: Map<string, TS.Identifier>;
  /**
   * Module-level constants for the runtime values read on every call (`rt`, `GEN`, `FAST`, `OWNER`):
   * `$pe_rt` instead of `$pe.rt` saves a load per use (~15% on call-heavy code). Declared right after the
   * runtime import, before any def()/lazy() runs, so no instrumented version can see them uninitialized.
   */
  hot(name: HotName): TS.Identifier;
  /**
   * Function expressions and arrows as the visitor left them (instrumented): bodies built from a function's
   * original node (lazy.ts) put these in place of the nested originals.
   */
  visitedOf: WeakMap<TS.Node, TS.Expression>;
  /** The whole file is strict code (an ES module, or a top-level 'use strict'). */
  strictFile: boolean;
  /**
   * For a top-level function whose binding never changes (analyze.ts fixedTopLevelFunctions): the
   * module-level constant holding its fast entry, `$pe.fastOf(f)`; undefined for any other name.
   */
  fixedFast(name: string, site: TS.Node): TS.Identifier | undefined;
  /**
   * For a call `o.#m(...)` in a class method's fast copy, where that class declares the method `#m`: the
   * constant of the class's static block holding #m's fast copy (runtime attachPrivate); else undefined.
   */
  privateFast(name: string, site: TS.Node, inClassCopy: boolean): TS.Expression | undefined;
  /**
   * In the instrumented body of a user generator function, its holder parameter: its checkpoints and calls
   * may yield PAUSE only while `$pe_rt.stepping === holder` (runtime step() is running this generator's
   * next() and will see PAUSE). Any other consumer (spread, Array.from, an explicit next()) gets plain steps.
   */
  pauseHolder?: TS.Identifier;
  /**
   * Building an async generator's body for its driver (runtime async-generators.ts): its own `yield v` and
   * `yield* e` become requests, `yield $pe.yr(v)` / `yield $pe.yd(e)`, whose result is the value sent back.
   */
  asyncGenerator?: boolean;
  /** The copies are made at run time from the loaded text (runtime/lazy-text.ts): lazy.ts's size limit, for printed copies, does not apply. */
  atRunTime?: boolean;
  /**
   * Which of lazy.ts's copies to make (default both, in one maker). Made at run time, the re-entry copy is
   * only needed once a frame of the function is resumed, and most never are (runtime/lazy-text.ts): 'fast'
   * makes the fast copy alone, its frames recording a stand-in that makes the re-entry copy when first
   * called (the maker's parameter `$pe_reentry`); 'reentry' the re-entry copy alone.
   */
  lazyPart?: 'fast' | 'reentry';
  /** (Made at run time with a source map) a call site's rewritten form keeps the call's place (lazy.ts). */
  positions?: boolean;
  /** (Made at run time, set by fixedFast) the name calls of the function to itself use: its fast copy, bound in the maker. */
  selfFast?: TS.Identifier;
  /** In the copy of a split constructor's body: the parameter standing for `new.target`. */
  newTarget?: TS.Identifier;
  /** In a generator method's copy made in its class's static block: the home object `super.x` reads from. */
  superHome?: TS.Identifier;
  /** The method is strict code: an assignment through `super` that fails throws (superSet). */
  superStrict?: boolean;
  /**
   * In an arrow's generator version: an object `{ get: (k) => super[k], set: (k, v) => (super[k] = v) }` made
   * where the arrow is (its arrows see the method's `super`), which `super.x` goes through.
   */
  superVia?: TS.Identifier;
}

/**
 * In a copy of code that runs as a function of its own (a split constructor's body, a method's copy made
 * outside its class or literal), a closure of that code (kept as written, or an instrumented arrow's
 * `later()` wrapper, whose versions are arrows made there too) with what it takes from the function around
 * replaced by what the copy has for it: `new.target` by the copy's parameter standing for it, `super` by the
 * home object or the arrow's accessors (superGetOf & co.). The copy's own `new.target` or `super` would
 * otherwise be undefined or a syntax error there.
 */
export function withCopyLexical(g: GeneratorBodyContext, closure: TS.Node): TS.Node {
  const { ts } = g;
  if ((!g.newTarget && !copiesSuper(g)) || (ts.isFunctionLike(closure) && !ts.isArrowFunction(closure)) || ts.isClassLike(closure)) return closure;
  return replaceLexical(g, closure, { newTarget: g.newTarget, super: copiesSuper(g) });
}

/**
 * `node` with the `new.target` and `arguments` of the function around it (inside arrows, not other functions)
 * replaced by names standing for them, and with `super` (`super: true`) read, called and assigned as the copy
 * does (superWrite, superGetOf): for a copy of code that runs as a function of its own.
 */
export function replaceLexical(g: GeneratorBodyContext, node: TS.Node, names: { newTarget?: TS.Identifier; args?: TS.Identifier; super?: boolean }): TS.Node {
  const { ts } = g;
  const { factory } = g.ctx;
  const replaceIn = (parent: TS.Node) => (n: TS.Node): TS.Node => {
    if (names.newTarget && ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.NewKeyword) return names.newTarget;
    if (names.args && ts.isIdentifier(n) && n.text === 'arguments' && isReference(ts, n, parent)) return names.args;
    if (names.args && ts.isShorthandPropertyAssignment(n) && n.name.text === 'arguments') return factory.createPropertyAssignment('arguments', names.args);
    if ((ts.isFunctionLike(n) && !ts.isArrowFunction(n)) || ts.isClassLike(n)) return n;
    if (names.super) {
      const sub = (e: TS.Expression): TS.Expression => replaceIn(n)(e) as TS.Expression;
      // (No temp for `super[k] op= v` here: the transformer keeps such arrows plain, superOnlyAccessed.)
      const written = superWrite(g, n as TS.Expression, sub, undefined);
      if (written) return written;
      const get = (access: TS.PropertyAccessExpression | TS.ElementAccessExpression): TS.Expression =>
        superGetOf(g, ts.isPropertyAccessExpression(access) ? factory.createStringLiteral(access.name.text) : sub(access.argumentExpression));
      if (ts.isCallExpression(n)) {
        const callee = skipParens(ts, n.expression);
        if (isSuperAccess(ts, callee)) return invokeAs(g, get(callee), factory.createThis(), n.arguments.map(sub));
      }
      if (isSuperAccess(ts, n as TS.Expression)) return get(n as TS.PropertyAccessExpression | TS.ElementAccessExpression);
    }
    return ts.visitEachChild(n, replaceIn(n), g.ctx);
  };
  return ts.visitEachChild(node, replaceIn(node), g.ctx);
}

/** An identifier where it names a binding's value (not a property, a label or a declaration). */
export function isReference(ts: typeof TS, id: TS.Identifier, parent: TS.Node): boolean {
  if ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === id) return false;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.name === id) return false;
  if (ts.isBindingElement(parent) && parent.propertyName === id) return false;
  return !ts.isLabeledStatement(parent) && !ts.isBreakOrContinueStatement(parent);
}

/** `$pe_rt.stepping === holder`, for a user generator's body (see pauseHolder). */
function pauseGuard(g: GeneratorBodyContext): TS.Expression | undefined {
  const { factory } = g.ctx;
  return g.pauseHolder && factory.createStrictEquality(factory.createPropertyAccessExpression(g.hot('rt'), 'stepping'), g.pauseHolder);
}

type TempKind = 'o' | 'f' | 'g' | 'h' | 'r' | 'v' | 'ai' | 'ad' | 'ar' | 'av' | 'ac' | 'sk' | 'nc';

/**
 * `({ "f": fn })["f"]`: `fn` named `f` the way the engine names it (as for `const f = () => {}`), without a
 * binding that would shadow anything inside, and without a defineProperty at run time.
 */
export function namedByKey(factory: TS.NodeFactory, fn: TS.Expression, name: string): TS.Expression {
  const key = factory.createStringLiteral(name);
  return factory.createElementAccessExpression(
    factory.createParenthesizedExpression(factory.createObjectLiteralExpression([factory.createPropertyAssignment(key, fn)])),
    key,
  );
}

/** `--$pe_rt.c < 0`: the countdown of every checkpoint ran out (then tick() decides, or a loop of a fast copy is left first). */
export function counterExpired(g: GeneratorBodyContext): TS.Expression {
  const { factory } = g.ctx;
  const counter = factory.createPropertyAccessExpression(g.hot('rt'), 'c');
  return factory.createLessThan(factory.createPrefixDecrement(counter), factory.createNumericLiteral(0));
}

/** The test of every checkpoint (generator versions and fast copies): `--$pe_rt.c < 0 && $pe.tick()`. */
export function counterRanOut(g: GeneratorBodyContext): TS.Expression {
  const { factory } = g.ctx;
  const tick = factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'tick'), undefined, []);
  return factory.createLogicalAnd(counterExpired(g), tick);
}

/** The checkpoint statement: `if (--$pe_rt.c < 0 && $pe.tick()) yield $pe.PAUSE;` */
export function checkpoint(g: GeneratorBodyContext): TS.Statement {
  const { factory } = g.ctx;
  const suspend = factory.createExpressionStatement(
    factory.createYieldExpression(undefined, factory.createPropertyAccessExpression(g.pe, 'PAUSE')),
  );
  const guard = pauseGuard(g);
  const test = guard ? factory.createLogicalAnd(guard, counterRanOut(g)) : counterRanOut(g);
  const stmt = factory.createIfStatement(test, suspend);
  g.runtimeNodes.add(stmt);
  return stmt;
}

/**
 * One identifier per name for the whole file (`$o0`, `$k`, ...): every function that uses it declares its
 * own. A unique name per function would make the printer search name_1..name_N each time (quadratic).
 */
export function fileTemp(g: GeneratorBodyContext, key: string, base = key): TS.Identifier {
  let id = g.tempNames.get(key);
  if (!id) {
    id = g.ctx.factory.createUniqueName(`$${base}`, g.ts.GeneratedIdentifierFlags.Optimistic);
    g.tempNames.set(key, id);
  }
  return id;
}

/**
 * `$pe_callable(fn, "o.m")`: `fn` when it is callable, else a function that throws the TypeError the engine
 * would have thrown for the original call (after the arguments are evaluated, as in a plain call): `o.m is
 * not a function`.
 */
export function callableOr(g: GeneratorBodyContext, fn: TS.Expression, written: TS.Expression): TS.Expression {
  return g.ctx.factory.createCallExpression(g.hot('callable'), undefined, [fn, g.ctx.factory.createStringLiteral(calleeText(g.ts, written))]);
}

/**
 * `typeof fn === "function" && ($g = fn[KEY]) && $g[OWNER] === fn`: the callee's own version (`key`: its fast
 * copy or its generator version), never one it inherits through its prototype; `attach` (a private method's
 * first use) supplies it when the lookup finds none. Not `fn?.[KEY]`: with an optional chain V8 folds less
 * of the lookup (the OOP kernel's fast copies ran ~10% slower), and a callee that is not a function takes the
 * plain call, which throws the engine's own TypeError. `guarded` false: without the typeof test, for a site
 * that has tested the callee's kind before (the fast copies' sites: lazy.ts). An inline check: a runtime call
 * costs ~10% on call-heavy code.
 */
export function ownVersion(g: GeneratorBodyContext, fn: TS.Expression, $g: TS.Identifier, key: 'FAST' | 'GEN', attach?: TS.Expression, guarded = true): TS.Expression {
  const { factory } = g.ctx;
  const lookup = factory.createElementAccessExpression(fn, g.hot(key));
  const found = factory.createLogicalAnd(
    factory.createAssignment($g, attach ? factory.createBinaryExpression(lookup, g.ts.SyntaxKind.QuestionQuestionToken, attach) : lookup),
    factory.createStrictEquality(factory.createElementAccessExpression($g, g.hot('OWNER')), fn),
  );
  if (!guarded) return found;
  return factory.createLogicalAnd(factory.createStrictEquality(factory.createTypeOfExpression(fn), factory.createStringLiteral('function')), found);
}

/** Runtime exports that emitted code reads from module-level constants (`$pe_rt`, ...). */
export type HotName = 'rt' | 'GEN' | 'FAST' | 'OWNER' | 'apply' | 'call' | 'callable' | 'enter' | 'SUSPENDED' | 'SPLIT' | 'reentry';

/**
 * `call(fn, thisArg, ...args)` (the runtime's Function.prototype.call bound to itself, taken at load) for a
 * method's function read into a temp, else `fn(...args)`. Not `fn.call(...)`: a plain call never reads the
 * callee's `call` (a function may have its own, a Proxy sees the read). Not `apply(fn, thisArg, [...args])`:
 * outside optimized code (most of a large program's) that allocates an array per call.
 */
export function invokeAs(g: GeneratorBodyContext, fn: TS.Expression, thisArg: TS.Expression | undefined, args: readonly TS.Expression[]): TS.Expression {
  const { factory } = g.ctx;
  return thisArg
    ? factory.createCallExpression(g.hot('call'), undefined, [fn, thisArg, ...args])
    : factory.createCallExpression(fn, undefined, args);
}

const skipParens = (ts: typeof TS, e: TS.Expression): TS.Expression => (ts.isParenthesizedExpression(e) ? skipParens(ts, e.expression) : e);

function isSuperAccess(ts: typeof TS, e: TS.Expression): e is TS.PropertyAccessExpression | TS.ElementAccessExpression {
  return (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) && e.expression.kind === ts.SyntaxKind.SuperKeyword;
}

/**
 * In a method's copy made outside its class or literal (`g.superHome`): an assignment or update through
 * `super`, else undefined. `super.x = v` → `$pe.superSet($home, "x", v, this, strict)`; `super[k] op= v` →
 * `$pe.superSet($home, $k = toKey(k), $pe.superGet($home, $k, this) op v, this, strict)` (the key once, made
 * a key first, read before v is evaluated; `keyTemp` gives $k); `&&=`, `||=`, `??=` set only when the read
 * does not decide; `++`/`--` through superUpdate. `visit` rewrites the operands.
 */
export function superWrite(g: GeneratorBodyContext, node: TS.Expression, visit: (e: TS.Expression) => TS.Expression, keyTemp: (() => TS.Identifier) | undefined): TS.Expression | undefined {
  const { ts } = g;
  const { factory } = g.ctx;
  const S = ts.SyntaxKind;
  const keyOf = (access: TS.PropertyAccessExpression | TS.ElementAccessExpression): TS.Expression =>
    ts.isPropertyAccessExpression(access) ? factory.createStringLiteral(access.name.text) : superCall(g, 'toKey', [visit(access.argumentExpression)]);
  if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === S.PlusPlusToken || node.operator === S.MinusMinusToken)) {
    const access = skipParens(ts, node.operand);
    if (!isSuperAccess(ts, access)) return undefined;
    return superUpdateOf(g, keyOf(access), node.operator === S.PlusPlusToken, ts.isPrefixUnaryExpression(node));
  }
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind < S.FirstAssignment || node.operatorToken.kind > S.LastAssignment) return undefined;
  const access = skipParens(ts, node.left);
  if (!isSuperAccess(ts, access)) return undefined;
  const op = node.operatorToken.kind;
  if (op === S.EqualsToken) return superSetOf(g, keyOf(access), visit(node.right));
  // (The transformer keeps plain a compound assignment to `super[k]` where no temp can hold k: superOnlyAccessed.)
  const $k = ts.isPropertyAccessExpression(access) ? undefined : keyTemp!();
  const keyFirst = $k ? factory.createAssignment($k, keyOf(access)) : keyOf(access);
  const keyAgain = (): TS.Expression => $k ?? factory.createStringLiteral((access as TS.PropertyAccessExpression).name.text);
  const right = visit(node.right);
  const logical = op === S.AmpersandAmpersandEqualsToken ? S.AmpersandAmpersandToken : op === S.BarBarEqualsToken ? S.BarBarToken : op === S.QuestionQuestionEqualsToken ? S.QuestionQuestionToken : undefined;
  if (logical !== undefined) return factory.createParenthesizedExpression(factory.createBinaryExpression(superGetOf(g, keyFirst), logical, superSetOf(g, keyAgain(), right)));
  return superSetOf(g, keyFirst, factory.createBinaryExpression(superGetOf(g, keyAgain()), COMPOUND(ts)[op]!, right));
}

const superCall = (g: GeneratorBodyContext, name: string, args: TS.Expression[]): TS.Expression =>
  g.ctx.factory.createCallExpression(g.ctx.factory.createPropertyAccessExpression(g.pe, name), undefined, args);
const strictFlag = (g: GeneratorBodyContext): TS.Expression => (g.superStrict ? g.ctx.factory.createTrue() : g.ctx.factory.createFalse());
const viaCall = (g: GeneratorBodyContext, method: 'get' | 'set', args: TS.Expression[]): TS.Expression =>
  g.ctx.factory.createCallExpression(g.ctx.factory.createPropertyAccessExpression(g.superVia!, method), undefined, args);

/** `super[key]` in a copy: `$pe.superGet($home, key, this)`, or `$sa.get(key)` in an arrow's generator version. */
export function superGetOf(g: GeneratorBodyContext, key: TS.Expression): TS.Expression {
  return g.superVia ? viaCall(g, 'get', [key]) : superCall(g, 'superGet', [g.superHome!, key, g.ctx.factory.createThis()]);
}

/** `super[key] = value` in a copy: superSet through the home object, or `$sa.set(key, value)`. */
function superSetOf(g: GeneratorBodyContext, key: TS.Expression, value: TS.Expression): TS.Expression {
  return g.superVia ? viaCall(g, 'set', [key, value]) : superCall(g, 'superSet', [g.superHome!, key, value, g.ctx.factory.createThis(), strictFlag(g)]);
}

/** `super[key]++` & co. in a copy (runtime superUpdate / superUpdateVia). */
function superUpdateOf(g: GeneratorBodyContext, key: TS.Expression, increment: boolean, prefix: boolean): TS.Expression {
  const { factory } = g.ctx;
  const flag = (b: boolean): TS.Expression => (b ? factory.createTrue() : factory.createFalse());
  return g.superVia
    ? superCall(g, 'superUpdateVia', [g.superVia, key, flag(increment), flag(prefix)])
    : superCall(g, 'superUpdate', [g.superHome!, key, factory.createThis(), flag(increment), flag(prefix), strictFlag(g)]);
}

/** A copy whose `super` goes through the home object or an arrow's accessors. */
export const copiesSuper = (g: GeneratorBodyContext): boolean => g.superHome !== undefined || g.superVia !== undefined;

/** `+=` → `+`, `**=` → `**`, ... */
const COMPOUND = (ts: typeof TS): Partial<Record<number, TS.BinaryOperator>> => {
  const S = ts.SyntaxKind;
  return {
    [S.PlusEqualsToken]: S.PlusToken, [S.MinusEqualsToken]: S.MinusToken, [S.AsteriskEqualsToken]: S.AsteriskToken,
    [S.AsteriskAsteriskEqualsToken]: S.AsteriskAsteriskToken, [S.SlashEqualsToken]: S.SlashToken, [S.PercentEqualsToken]: S.PercentToken,
    [S.LessThanLessThanEqualsToken]: S.LessThanLessThanToken, [S.GreaterThanGreaterThanEqualsToken]: S.GreaterThanGreaterThanToken,
    [S.GreaterThanGreaterThanGreaterThanEqualsToken]: S.GreaterThanGreaterThanGreaterThanToken, [S.AmpersandEqualsToken]: S.AmpersandToken,
    [S.BarEqualsToken]: S.BarToken, [S.CaretEqualsToken]: S.CaretToken,
  };
};


/** Rewrites `body` (a block or an arrow's expression body) into the statements of the generator version. */
export function buildGeneratorBody(g: GeneratorBodyContext, body: TS.ConciseBody): TS.Block {
  const { ts } = g;
  const { factory } = g.ctx;
  const temps = new Map<string, TS.Identifier>();
  let depth = 0;
  let yieldsEmitted = 0;

  const temp = (kind: TempKind, d: number): TS.Identifier => {
    const key = `${kind}${d}`;
    let id = temps.get(key);
    if (!id) {
      id = fileTemp(g, key);
      temps.set(key, id);
    }
    return id;
  };

  const deeper = <T>(f: () => T): T => {
    depth++;
    try {
      return f();
    } finally {
      depth--;
    }
  };

  const visit = (node: TS.Node): TS.Node => {
    if (isFunctionBoundary(ts, node)) return withCopyLexical(g, node);
    if (g.runtimeNodes.has(node)) return ts.visitEachChild(node, visit, g.ctx);
    if (ts.isForOfStatement(node) && usingHead(node)) return visit(usingInBody(node));
    if (ts.isForStatement(node) && awaitUsingHead(node)) return visit(usingAround(node, []));
    if (ts.isBlock(node) && hasAwaitUsing(node.statements)) return factory.updateBlock(node, lowerDisposals(node.statements));
    if (ts.isSwitchStatement(node) && node.caseBlock.clauses.some((c) => hasAwaitUsing(c.statements))) return lowerSwitch(node);
    if (ts.isForOfStatement(node) && node.awaitModifier) return forAwait(node, []);
    const label = retarget.get(node);
    if (label) return factory.createBreakStatement(label);
    if (ts.isLabeledStatement(node)) {
      // Labels of a written-out `for await` go on its inner `for (;;)` (continue needs a loop).
      const labels: TS.Identifier[] = [];
      let s: TS.Statement = node;
      while (ts.isLabeledStatement(s)) {
        labels.push(s.label);
        s = s.statement;
      }
      if (ts.isForOfStatement(s) && s.awaitModifier) return forAwait(usingHead(s) ? usingInBody(s) : s, labels);
      if (ts.isForStatement(s) && awaitUsingHead(s)) return visit(usingAround(s, labels));
    }
    if (isLoop(ts, node)) return addLoopCheckpoint(ts.visitEachChild(node, visit, g.ctx) as TS.IterationStatement);
    if (ts.isCallExpression(node) && isDispatchable(ts, node, g.policy)) return dispatch(node);
    // Not in a user generator's body: its pauses may go out only while step() runs it (see dispatch's guard).
    if (ts.isNewExpression(node) && !g.pauseHolder && isNewSite(ts, node, g.policy)) return newDispatch(node);
    if (ts.isSpreadElement(node) && !g.pauseHolder) {
      const spread = spreadDispatch(node);
      if (spread) return spread;
    }
    if (ts.isVariableDeclaration(node) && ts.isArrayBindingPattern(node.name) && node.initializer && !g.pauseHolder) {
      const destructured = destructureDispatch(node);
      if (destructured) return destructured;
    }
    if (ts.isAwaitExpression(node)) return awaitPoint(node);
    if (g.newTarget && ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword) return g.newTarget;
    const written = copiesSuper(g) && superWriteHere(node as TS.Expression);
    if (written) return written;
    if (copiesSuper(g) && (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
      return superGetOf(g, ts.isPropertyAccessExpression(node) ? factory.createStringLiteral(node.name.text) : visitExpr(node.argumentExpression));
    }
    if (copiesSuper(g) && ts.isCallExpression(node) && !isDispatchable(ts, node, g.policy)) {
      const callee = skipOuter(ts, node.expression);
      if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
        // `super.m(a)` with `this`, as the method call it was.
        return invokeAs(g, visitExpr(callee), factory.createThis(), node.arguments.map(visitExpr));
      }
    }
    if (g.asyncGenerator && ts.isYieldExpression(node)) return yieldRequest(node);
    if (g.pauseHolder && ts.isYieldExpression(node) && node.asteriskToken && node.expression) {
      // A delegation to an instrumented generator can pause inside it (runtime delegating()).
      const target = factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'delegating'), undefined, [visitExpr(node.expression), g.pauseHolder]);
      return factory.updateYieldExpression(node, node.asteriskToken, target);
    }
    return ts.visitEachChild(node, visit, g.ctx);
  };

  /**
   * `...f()` (an array literal's element or an argument, the operand a call or `new`: `[...walk(t)]`,
   * `g(...gen())`): `...(($v = $pe.spreadNow(f(), "text", inCall)) === SUSPENDED ? yield* $pe.suspended() : $v)`,
   * so that a user generator spread there can pause inside its steps (runtime spreadNow); other operands are
   * spread by the engine.
   */
  const spreadDispatch = (node: TS.SpreadElement): TS.Expression | undefined => {
    const original = ts.getOriginalNode(node);
    if (!ts.isSpreadElement(original) || !original.parent) return undefined;
    const operand = skipOuter(ts, original.expression);
    if (!ts.isCallExpression(operand) && !ts.isNewExpression(operand)) return undefined;
    const inCall = ts.isCallExpression(original.parent) || ts.isNewExpression(original.parent);
    // (A destructuring target's rest, `[a, ...rest] = x`, is never a call.)
    if (!inCall && !ts.isArrayLiteralExpression(original.parent)) return undefined;
    const text = inCall ? calleeText(ts, original.expression) : iterableText(ts, original.expression);
    const d = depth;
    const value = deeper(() => visitExpr(node.expression));
    yieldsEmitted++;
    const $v = temp('v', d);
    return factory.updateSpreadElement(node, orResumed(runtimeCall('spreadNow', [value, factory.createStringLiteral(text), inCall ? factory.createTrue() : factory.createFalse()]), $v));
  };

  /**
   * `const [a, , b] = f()` (names and holes only; the initializer a call or `new`): the initializer becomes
   * `(($v = $pe.destructureNow(f(), 3, "text", form)) === SUSPENDED ? yield* $pe.suspended() : $v)`, so that a user
   * generator destructured there can pause inside its steps (runtime destructureNow). A rest element, a
   * default or a nested pattern is left to the engine (their order among the steps, and V8's wording, differ).
   */
  const destructureDispatch = (node: TS.VariableDeclaration): TS.VariableDeclaration | undefined => {
    const original = ts.getOriginalNode(node);
    if (!ts.isVariableDeclaration(original) || !original.initializer || !ts.isArrayBindingPattern(original.name)) return undefined;
    const operand = skipOuter(ts, original.initializer);
    if (!ts.isCallExpression(operand) && !ts.isNewExpression(operand)) return undefined;
    // How V8 words a value that is not iterable here (runtime destructuring()): a call of a name or a `new` as
    // for-of does, a chain of calls ending in a name (`f()()`) by that name, any other call by the value's type.
    let innermost = skipOuter(ts, operand.expression);
    while (ts.isCallExpression(innermost)) innermost = skipOuter(ts, innermost.expression);
    const form = ts.isNewExpression(operand) || ts.isIdentifier(skipOuter(ts, operand.expression)) ? 'text' : ts.isIdentifier(innermost) ? 'chain' : 'value';
    const text = form === 'text' ? iterableText(ts, original.initializer) : form === 'chain' ? calleeText(ts, innermost) : '';
    const plainNames = original.name.elements.every((e) => ts.isOmittedExpression(e) || (!e.dotDotDotToken && !e.initializer && !e.propertyName && ts.isIdentifier(e.name)));
    if (!plainNames || original.name.elements.length === 0) return undefined;
    const d = depth;
    const value = deeper(() => visitExpr(node.initializer!));
    yieldsEmitted++;
    const $v = temp('v', d);
    const init = orResumed(runtimeCall('destructureNow', [
      value,
      factory.createNumericLiteral(original.name.elements.length),
      factory.createStringLiteral(text),
      factory.createStringLiteral(form),
    ]), $v);
    return factory.updateVariableDeclaration(node, node.name, node.exclamationToken, node.type, init);
  };

  /**
   * `(($v = <now>) === SUSPENDED ? yield* $pe.suspended() : $v)`: a runtime helper's value, or (when it
   * paused: newNow, spreadNow, destructureNow) the value its frames end with once resumed.
   */
  const orResumed = (now: TS.Expression, $v: TS.Identifier): TS.Expression => {
    const made = factory.createParenthesizedExpression(factory.createAssignment($v, now));
    const resume = factory.createYieldExpression(factory.createToken(ts.SyntaxKind.AsteriskToken), runtimeCall('suspended', []));
    return factory.createParenthesizedExpression(factory.createConditionalExpression(factory.createStrictEquality(made, g.hot('SUSPENDED')), undefined, resume, undefined, $v));
  };

  /** `$pe.<name>(<args>)` */
  const runtimeCall = (name: string, args: TS.Expression[]): TS.Expression => factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, name), undefined, args);

  /** `super.x = v`, `super[k] op= v`, `super.x++`: through the home object (superWrite). */
  const superWriteHere = (node: TS.Expression): TS.Expression | undefined =>
    superWrite(g, node, (e) => deeper(() => visitExpr(e)), () => temp('sk', depth));

  /** `(yield $pe.aw(e))`: the driver waits for e and sends its outcome back in. */
  const awaitRequest = (e: TS.Expression): TS.Expression => {
    yieldsEmitted++;
    return factory.createParenthesizedExpression(factory.createYieldExpression(undefined, runtimeCall('aw', [e])));
  };

  /** `await e` -> `(yield $pe.aw(e))`. */
  const awaitPoint = (node: TS.AwaitExpression): TS.Expression => awaitRequest(visitExpr(node.expression));

  /** An async generator's own `yield v` -> `(yield $pe.yr(v))`, `yield* e` -> `(yield $pe.yd(e))`. */
  const yieldRequest = (node: TS.YieldExpression): TS.Expression => {
    const operand = node.expression ? visitExpr(node.expression) : factory.createVoidZero();
    yieldsEmitted++;
    const request = factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, node.asteriskToken ? 'yd' : 'yr'), undefined, [operand]);
    return factory.createParenthesizedExpression(factory.createYieldExpression(undefined, request));
  };

  const visitExpr = (e: TS.Expression): TS.Expression => visit(e) as TS.Expression;

  // `using` / `await using` (runtime/disposal.ts has the shape). A block, function body or switch with an
  // `await using` is lowered here as TypeScript lowers it in the plain function, its `using`s with it; blocks
  // with only `using` are left to TypeScript (its lowering has no await).
  const hasAwaitUsing = (stmts: readonly TS.Statement[]): boolean => stmts.some((s) => ts.isVariableStatement(s) && usingKind(ts, s.declarationList) === 'await');
  const usingHead = (loop: TS.ForOfStatement): boolean => ts.isVariableDeclarationList(loop.initializer) && usingKind(ts, loop.initializer) !== undefined;

  /**
   * `for (<using> x of E) S` -> `for (const x_1 of E) { <using> x = x_1; S }`, as TypeScript writes it (S's
   * statements inline, unless S declares x again): the body's block then disposes x at the end of each turn.
   */
  const usingInBody = (loop: TS.ForOfStatement): TS.ForOfStatement => {
    const list = loop.initializer as TS.VariableDeclarationList;
    const name = list.declarations[0]!.name as TS.Identifier;
    const $u = factory.createUniqueName(name.text);
    const own = factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(name, undefined, undefined, $u)], list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using)));
    const body = loop.statement;
    const redeclares = ts.isBlock(body) && body.statements.some((s) => declaredHere(s).includes(name.text));
    const statements = ts.isBlock(body) && !redeclares ? [own, ...body.statements] : [own, body];
    const head = factory.createVariableDeclarationList([factory.createVariableDeclaration($u)], ts.NodeFlags.Const);
    return factory.updateForOfStatement(loop, loop.awaitModifier, head, loop.expression, factory.createBlock(statements, true));
  };
  const awaitUsingHead = (loop: TS.ForStatement): boolean => !!loop.initializer && ts.isVariableDeclarationList(loop.initializer) && usingKind(ts, loop.initializer) === 'await';

  /**
   * `for (await using x = e; c; u) S` -> `{ await using x = e; for (; c; u) S }`, as TypeScript writes it (the
   * resources are disposed when the loop ends); `labels` go on the inner loop.
   */
  const usingAround = (loop: TS.ForStatement, labels: readonly TS.Identifier[]): TS.Block => {
    let inner: TS.Statement = factory.updateForStatement(loop, undefined, loop.condition, loop.incrementor, loop.statement);
    for (const l of [...labels].reverse()) inner = factory.createLabeledStatement(l, inner);
    return factory.createBlock([factory.createVariableStatement(undefined, loop.initializer as TS.VariableDeclarationList), inner], true);
  };

  const declaredHere = (s: TS.Statement): string[] => {
    if (ts.isVariableStatement(s)) return s.declarationList.declarations.flatMap((d) => boundNames(ts, d.name).map((b) => b.text));
    if ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s)) && s.name) return [s.name.text];
    return [];
  };

  /** A `using` / `await using` statement of the scope `env` lowers: `const x = $pe.addDisposable(env, <init>, async)`. */
  const disposalDeclaration = (s: TS.Statement, env: TS.Identifier): TS.Statement | undefined => {
    const kind = ts.isVariableStatement(s) ? usingKind(ts, s.declarationList) : undefined;
    if (!kind) return undefined;
    const declarations = (s as TS.VariableStatement).declarationList.declarations.map((d) => {
      const init = d.initializer ? visitExpr(d.initializer) : factory.createVoidZero();
      const added = runtimeCall('addDisposable', [env, init, kind === 'await' ? factory.createTrue() : factory.createFalse()]);
      return factory.createVariableDeclaration(d.name, undefined, undefined, added);
    });
    return factory.createVariableStatement(undefined, factory.createVariableDeclarationList(declarations, ts.NodeFlags.Const));
  };

  /** `const env = {...}; try { <inner> } catch (e) { <record e> } finally { <dispose, awaiting the result> }` */
  const disposalScope = (env: TS.Identifier, inner: TS.Statement[]): TS.Statement[] => {
    const field = (name: string): TS.Expression => factory.createPropertyAccessExpression(env, name);
    const record = factory.createVariableStatement(undefined, factory.createVariableDeclarationList([
      factory.createVariableDeclaration(env, undefined, undefined, factory.createObjectLiteralExpression([
        factory.createPropertyAssignment('stack', factory.createArrayLiteralExpression([])),
        factory.createPropertyAssignment('error', factory.createVoidZero()),
        factory.createPropertyAssignment('hasError', factory.createFalse()),
      ])),
    ], ts.NodeFlags.Const));
    const $e = factory.createUniqueName('e');
    const caught = factory.createCatchClause($e, factory.createBlock([
      factory.createExpressionStatement(factory.createAssignment(field('error'), $e)),
      factory.createExpressionStatement(factory.createAssignment(field('hasError'), factory.createTrue())),
    ], true));
    const $result = factory.createUniqueName('result');
    const disposed = factory.createBlock([
      factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration($result, undefined, undefined, runtimeCall('disposeResources', [env]))], ts.NodeFlags.Const)),
      factory.createIfStatement($result, factory.createExpressionStatement(awaitRequest($result))),
    ], true);
    return [record, factory.createTryStatement(factory.createBlock(inner, true), caught, disposed)];
  };

  const lowerDisposals = (stmts: readonly TS.Statement[]): TS.Statement[] => {
    const env = factory.createUniqueName('env');
    return disposalScope(env, stmts.map((s) => disposalDeclaration(s, env) ?? (visit(s) as TS.Statement)));
  };

  /** A switch whose cases declare an `await using`: one scope around the whole switch (TypeScript's shape). */
  const lowerSwitch = (node: TS.SwitchStatement): TS.Statement => {
    const env = factory.createUniqueName('env');
    const discriminant = visitExpr(node.expression);
    const clauses = node.caseBlock.clauses.map((c) => {
      const test = ts.isCaseClause(c) ? visitExpr(c.expression) : undefined;
      const statements = c.statements.map((s) => disposalDeclaration(s, env) ?? (visit(s) as TS.Statement));
      return ts.isCaseClause(c) ? factory.updateCaseClause(c, test!, statements) : factory.updateDefaultClause(c, statements);
    });
    const sw = factory.updateSwitchStatement(node, discriminant, factory.updateCaseBlock(node.caseBlock, clauses));
    return factory.createBlock(disposalScope(env, [sw]), true);
  };

  const addLoopCheckpoint = (loop: TS.IterationStatement): TS.Statement => {
    const body = loop.statement;
    const stmts = ts.isBlock(body) ? body.statements : [body];
    if (ts.isForOfStatement(loop) && !loop.awaitModifier) {
      const stepped = steppedForOf(loop, stmts);
      if (stepped) return stepped;
    }
    const block = factory.createBlock([checkpoint(g), ...stmts], true);
    if (ts.isForStatement(loop)) return factory.updateForStatement(loop, loop.initializer, loop.condition, loop.incrementor, block);
    if (ts.isForInStatement(loop)) return factory.updateForInStatement(loop, loop.initializer, loop.expression, block);
    if (ts.isForOfStatement(loop)) return factory.updateForOfStatement(loop, loop.awaitModifier, loop.initializer, loop.expression, block);
    if (ts.isWhileStatement(loop)) return factory.updateWhileStatement(loop, loop.expression, block);
    return factory.updateDoStatement(loop as TS.DoStatement, block, (loop as TS.DoStatement).expression);
  };

  /**
   * `for (const $v of $pe.forOfIn(E)) { <checkpoint>; if ($v === PAUSED_STEP) { yield PAUSE; continue; }
   * { const x = $v; { <body> } } }`: the engine's loop over a wrapper that lets an instrumented generator
   * pause inside its next() (runtime forOfIn). For a head that is a name, when E does not read it (TDZ).
   */
  const steppedForOf = (loop: TS.ForOfStatement, stmts: readonly TS.Statement[]): TS.Statement | undefined => {
    // Not in a user generator's own body: a pause there may go out only while it is being stepped itself.
    if (g.pauseHolder) return undefined;
    const head = loop.initializer;
    // A name only: a pattern moved into the body would name the temp in its TypeError ("of '.for'" in V8).
    const name = ts.isVariableDeclarationList(head) ? head.declarations[0]!.name : head;
    if (!ts.isIdentifier(name)) return undefined;
    if (ts.isVariableDeclarationList(head) && mentions(ts, loop.expression, name.text)) return undefined;
    const $v = fileTemp(g, 'step-value', 'v');
    const bind = ts.isVariableDeclarationList(head)
      ? factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(head.declarations[0]!.name, undefined, undefined, $v)], head.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)))
      : factory.createExpressionStatement(factory.createParenthesizedExpression(factory.createAssignment(head as TS.Expression, $v)));
    const paused = factory.createIfStatement(
      factory.createStrictEquality($v, factory.createPropertyAccessExpression(g.pe, 'PAUSED_STEP')),
      factory.createBlock([factory.createExpressionStatement(factory.createYieldExpression(undefined, factory.createPropertyAccessExpression(g.pe, 'PAUSE'))), factory.createContinueStatement()], true),
    );
    yieldsEmitted++;
    const block = factory.createBlock([checkpoint(g), paused, factory.createBlock([bind, factory.createBlock([...stmts], true)], true)], true);
    const iterable = factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'forOfIn'), undefined, [loop.expression]);
    const decl = factory.createVariableDeclarationList([factory.createVariableDeclaration($v)], ts.NodeFlags.Const);
    return factory.updateForOfStatement(loop, undefined, decl, iterable, block);
  };

  const assign = (id: TS.Identifier, value: TS.Expression): TS.Expression => factory.createAssignment(id, value);

  let forAwaitDepth = 0;
  /** Unlabeled `break`s out of a for await whose body is wrapped in a for-of (a pattern head): their new label. */
  const retarget = new Map<TS.Node, TS.Identifier>();
  /**
   * `for await (x of E) body` in an async function's generator version, written out with an AwaitRequest at
   * each await (runtime async-iteration.ts has the whole shape). Only name heads get here (analyze.ts
   * forAwaitHead); `labels` go on the inner `for (;;)`.
   */
  const forAwait = (loop: TS.ForOfStatement, labels: readonly TS.Identifier[]): TS.Statement => {
    const d = forAwaitDepth++;
    try {
      const name = forAwaitHead(ts, loop);
      const [$ai, $ad, $ar, $av, $ac] = (['ai', 'ad', 'ar', 'av', 'ac'] as const).map((k) => temp(k, d));
      const $ae = fileTemp(g, 'async-loop-error', 'ae');
      const stmt = (e: TS.Expression): TS.Statement => factory.createExpressionStatement(e);
      const flag = (v: boolean): TS.Statement => stmt(assign($ad, v ? factory.createTrue() : factory.createFalse()));
      const head = loop.initializer;
      const start: TS.Statement[] = [stmt(assign($ai, runtimeCall('asyncIter', [visitExpr(loop.expression), factory.createStringLiteral(calleeText(ts, loop.expression))]))), flag(false)];
      let outer: TS.Statement[] = start;
      const lexical = ts.isVariableDeclarationList(head) && (head.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== 0;
      const bound = ts.isVariableDeclarationList(head) ? boundNames(ts, head.declarations[0]!.name) : [];
      if (lexical && bound.some((b) => mentions(ts, loop.expression, b.text))) {
        // E runs where the loop's own bindings are in their TDZ, as in the engine: `{ <start>; let x; }`.
        const tdz = factory.createVariableDeclarationList(bound.map((b) => factory.createVariableDeclaration(b.text)), ts.NodeFlags.Let);
        outer = [factory.createBlock([...start, factory.createVariableStatement(undefined, tdz)], true)];
      }
      // A pattern is bound by the engine's own for-of over the one value (its errors name the value '.for',
      // as the engine's for await does); a `break` out of the for await then names the outer loop.
      const loopLabel = name ? undefined : fileTemp(g, `async-loop-${d}`, 'L');
      if (loopLabel) for (const b of breaksOf(ts, loop.statement)) retarget.set(b, loopLabel);
      const body = loop.statement;
      const visitedBody = visit(body) as TS.Statement;
      const bodyStatements = ts.isBlock(visitedBody) ? visitedBody.statements : [visitedBody];
      let bound_: TS.Statement;
      if (!name) {
        const pattern = ts.isVariableDeclarationList(head) ? (visit(head) as TS.VariableDeclarationList) : visitExpr(head as TS.Expression);
        bound_ = factory.createForOfStatement(undefined, pattern, runtimeCall('once', [$av]), factory.createBlock([...bodyStatements], true));
      } else if (ts.isVariableDeclarationList(head)) {
        const bind = factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(name, undefined, undefined, $av)], head.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)));
        bound_ = factory.createBlock([bind, ...bodyStatements], true);
      } else {
        bound_ = factory.createBlock([stmt(assign(visitExpr(name) as TS.Identifier, $av)), ...bodyStatements], true);
      }
      const iteration = factory.createBlock([
        checkpoint(g),
        flag(true),
        stmt(assign($ar, runtimeCall('asyncResult', [awaitRequest(factory.createYieldExpression(factory.createToken(ts.SyntaxKind.AsteriskToken), runtimeCall('asyncNextStepped', [$ai])))]))),
        factory.createIfStatement(factory.createPropertyAccessExpression($ar, 'done'), factory.createBreakStatement()),
        stmt(assign($av, factory.createPropertyAccessExpression($ar, 'value'))),
        flag(false),
        bound_,
      ], true);
      let looped: TS.Statement = factory.createForStatement(undefined, undefined, undefined, iteration);
      for (const l of [...labels, ...(loopLabel ? [loopLabel] : [])].reverse()) looped = factory.createLabeledStatement(l, looped);
      const noReturn = (e: TS.Expression): TS.Expression => factory.createStrictInequality(e, factory.createPropertyAccessExpression(g.pe, 'NO_RETURN'));
      // An exception from the body closes the iterator, dropping whatever the closing does.
      const closeQuietly = factory.createTryStatement(
        factory.createBlock([
          stmt(assign($ac, runtimeCall('asyncReturn', [$ai]))),
          factory.createIfStatement(noReturn($ac), stmt(awaitRequest($ac))),
        ], true),
        factory.createCatchClause(undefined, factory.createBlock([])),
        undefined,
      );
      const handler = factory.createBlock([
        factory.createIfStatement(factory.createLogicalNot($ad), factory.createBlock([flag(true), closeQuietly], true)),
        factory.createThrowStatement($ae),
      ], true);
      // break / return / continue to an outer loop: close, and its errors win.
      const close = factory.createIfStatement(
        factory.createLogicalAnd(factory.createLogicalNot($ad), factory.createLogicalNot(runtimeCall('unwinding', []))),
        factory.createBlock([
          stmt(assign($ac, runtimeCall('asyncReturn', [$ai]))),
          factory.createIfStatement(noReturn($ac), stmt(runtimeCall('asyncClosed', [awaitRequest($ac)]))),
        ], true),
      );
      const attempt = factory.createTryStatement(factory.createBlock([looped], true), factory.createCatchClause($ae, handler), factory.createBlock([close], true));
      return factory.createBlock([...outer, attempt], true);
    } finally {
      forAwaitDepth--;
    }
  };

  /**
   * `((C?.[SPLIT] ?? C?.[FAST]) === undefined ? new C(a) : ($v = $pe.newNow(C, "C", [a])) === SUSPENDED ? yield* $pe.suspended()
   * : $v)`: a `new` whose constructor's body may pause (runtime constructors.ts). With a `yield` in the
   * arguments, or a function made there (makesFunction), always through newNow (the arguments are written once).
   */
  const newDispatch = (e: TS.NewExpression): TS.Expression => {
    const d = depth;
    const before = yieldsEmitted;
    const args = deeper(() => (e.arguments ?? []).map(visitExpr));
    const argsYield = yieldsEmitted !== before;
    yieldsEmitted++;
    const $v = temp('v', d);
    const siteOf = (callee: TS.Expression): TS.Expression => orResumed(newSiteCall(g, callee, e, args, 'newNow'), $v);
    if (argsYield || (e.arguments ?? []).some((a) => makesFunction(ts, a))) return siteOf(visitExpr(e.expression));
    // A name the file declares is written thrice (one runs): reading it again changes nothing. `ns.C`, or a
    // name that may be a global with a getter, is read once, into a temp.
    const $c = ts.isIdentifier(e.expression) && g.policy.declared.has(e.expression.text) ? undefined : temp('nc', d);
    const callee = (): TS.Expression => $c ?? visitExpr(e.expression);
    const plain = plainNew(g, callee(), e, deeper(() => (e.arguments ?? []).map(visitExpr)));
    const chosen = factory.createConditionalExpression(isPlainNew(g, callee()), undefined, plain, undefined, siteOf(callee()));
    return factory.createParenthesizedExpression($c ? factory.createCommaListExpression([factory.createAssignment($c, visitExpr(e.expression)), chosen]) : chosen);
  };

  const callable = (fn: TS.Expression, written: TS.Expression): TS.Expression => callableOr(g, fn, written);

  const dispatch = (call: TS.CallExpression): TS.Expression => {
    const d = depth;
    const bare = skipOuter(ts, call.expression);
    const pre: TS.Expression[] = [];
    let fnRef: TS.Expression;
    let thisArg: TS.Expression | undefined;
    /** The function to call when there is no generator version (a temp is checked for callability). */
    let plainRef: TS.Expression;

    if (ts.isIdentifier(bare) && g.policy.declared.has(bare.text)) {
      fnRef = bare;
      plainRef = bare; // the engine's own message already names it
    } else if (ts.isIdentifier(bare)) {
      // Not declared in this file: maybe a global with a getter, which must run once per call, as in the
      // plain call. Read it into a temp (and name it in "x is not a function" ourselves).
      const $f = temp('f', d);
      pre.push(assign($f, bare));
      fnRef = $f;
      plainRef = callable($f, bare);
    } else if ((ts.isPropertyAccessExpression(bare) || ts.isElementAccessExpression(bare)) && !ts.isOptionalChain(bare)) {
      const $f = temp('f', d);
      if (bare.expression.kind === ts.SyntaxKind.SuperKeyword) {
        thisArg = factory.createThis();
        pre.push(assign($f, deeper(() => visitExpr(bare))));
      } else {
        const $o = temp('o', d);
        pre.push(assign($o, deeper(() => visitExpr(bare.expression))));
        const member = ts.isPropertyAccessExpression(bare)
          ? factory.createPropertyAccessExpression($o, bare.name)
          : factory.createElementAccessExpression($o, deeper(() => visitExpr(bare.argumentExpression)));
        pre.push(assign($f, member));
        thisArg = $o;
      }
      fnRef = $f;
      plainRef = callable($f, bare);
    } else {
      const $f = temp('f', d);
      pre.push(assign($f, deeper(() => visitExpr(bare))));
      fnRef = $f;
      plainRef = callable($f, call.expression);
    }

    const before = yieldsEmitted;
    const args = deeper(() => call.arguments.map(visitExpr));
    const argsYield = yieldsEmitted !== before;
    yieldsEmitted++;
    const argsOnce = argsYield || call.arguments.some((a) => makesFunction(ts, a));

    const $g = temp('g', d);
    // `this.#m(...)`: a private method of the class gets its versions here on first use (attachPrivateGen).
    const priv = ts.isPropertyAccessExpression(bare) && ts.isPrivateIdentifier(bare.name) ? g.privateFast(bare.name.text, call, false) : undefined;
    let ownGen = ownVersion(g, fnRef, $g, 'GEN', priv && factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'attachPrivateGen'), undefined, [fnRef, priv]));
    const guard = pauseGuard(g);
    if (guard) ownGen = factory.createLogicalAnd(guard, factory.createParenthesizedExpression(ownGen));
    const invoke = (fn: TS.Expression, argList: readonly TS.Expression[]): TS.Expression => invokeAs(g, fn, thisArg, argList);
    // `enter($g, this, [args])` runs a fast callee plainly (no generator per call) and says SUSPENDED when the
    // callee paused or is a generator version itself; then `yield* $pe.suspended()` continues it.
    const enter = (fn: TS.Expression, argList: readonly TS.Expression[]): TS.Expression =>
      factory.createCallExpression(g.hot('enter'), undefined, [fn, thisArg ?? factory.createVoidZero(), factory.createArrayLiteralExpression(argList)]);
    const finish = (value: TS.Expression, v: TS.Identifier): TS.Expression =>
      factory.createParenthesizedExpression(
        factory.createConditionalExpression(
          factory.createStrictEquality(value, g.hot('SUSPENDED')),
          undefined,
          // In a user generator, the callee's later pauses go out only while step() runs it (suspendedFor).
          factory.createYieldExpression(
            factory.createToken(ts.SyntaxKind.AsteriskToken),
            g.pauseHolder
              ? factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'suspendedFor'), undefined, [g.pauseHolder])
              : factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'suspended'), undefined, []),
          ),
          undefined,
          v,
        ),
      );

    let result: TS.Expression;
    if (!argsOnce) {
      // Arguments are plain expressions: write them in both branches (one runs).
      const $v = temp('v', d);
      result = factory.createConditionalExpression(
        ownGen,
        undefined,
        finish(factory.createParenthesizedExpression(assign($v, enter($g, args))), $v),
        undefined,
        invoke(plainRef, args),
      );
    } else {
      // Arguments suspend themselves (or make functions: see makesFunction): evaluate them once, through
      // whichever function was picked.
      const $h = temp('h', d);
      const $r = temp('r', d);
      // The call goes through a temp here, so a bare name is checked too (the engine would name the temp).
      const plainChecked = fnRef === bare ? callable(bare, bare) : plainRef;
      // $h = own ? $g : ($g = undefined, plain): afterwards $g says which one was called.
      const plainPicked = factory.createCommaListExpression([assign($g, factory.createVoidZero()), plainChecked]);
      pre.push(assign($h, factory.createConditionalExpression(ownGen, undefined, $g, undefined, plainPicked)));
      // (enter or apply: the arguments once, in one call)
      const through = factory.createParenthesizedExpression(factory.createConditionalExpression($g, undefined, g.hot('enter'), undefined, g.hot('apply')));
      pre.push(assign($r, factory.createCallExpression(through, undefined, [$h, thisArg ?? factory.createVoidZero(), factory.createArrayLiteralExpression(args)])));
      result = finish($r, $r);
    }
    const all = [...pre, result];
    const expr = all.length === 1 ? all[0]! : factory.createCommaListExpression(all);
    return factory.createParenthesizedExpression(expr);
  };

  let statements: TS.Statement[];
  if (ts.isBlock(body)) {
    const n = prologueLength(ts, body.statements);
    const own = body.statements.slice(n);
    const rest = hasAwaitUsing(own) ? lowerDisposals(own) : own.map((s) => visit(s) as TS.Statement);
    statements = [...body.statements.slice(0, n), checkpoint(g), ...rest];
  } else {
    statements = [checkpoint(g), factory.createReturnStatement(visitExpr(body))];
  }
  if (temps.size > 0) {
    const decl = factory.createVariableStatement(
      undefined,
      factory.createVariableDeclarationList([...temps.values()].map((id) => factory.createVariableDeclaration(id))),
    );
    const n = ts.isBlock(body) ? prologueLength(ts, body.statements) : 0;
    statements.splice(n, 0, decl);
  }
  const block = factory.createBlock(statements, true);
  printOnOneLine(ts, block);
  return block;
}

/**
 * The callee as V8's CallPrinter prints it in "x is not a function": names and member chains, computed keys
 * printed as written (`o[(i + 1)]`, `o[f(...)]`), literals, parenthesised operators; what it cannot print
 * is "(intermediate value)".
 */
/**
 * `(C?.[SPLIT] ?? C?.[FAST]) === undefined`: the value at a `new` site is neither a class with a split
 * constructor nor an instrumented function (an ordinary `new` then; newSite() sorts out the rest).
 */
export function isPlainNew(g: GeneratorBodyContext, callee: TS.Expression): TS.Expression {
  const { factory } = g.ctx;
  const read = (key: 'SPLIT' | 'FAST'): TS.Expression => factory.createElementAccessChain(callee, factory.createToken(g.ts.SyntaxKind.QuestionDotToken), g.hot(key));
  const either = factory.createParenthesizedExpression(factory.createBinaryExpression(read('SPLIT'), g.ts.SyntaxKind.QuestionQuestionToken, read('FAST')));
  return factory.createStrictEquality(either, factory.createVoidZero());
}

/**
 * The ordinary `new` of a site whose class has no split: `new X(<args>)` when `callee` is the name as written,
 * else (a temp holding it) `$pe.construct($t, "ns.X", [<args>])`, whose TypeError names it as written.
 */
export function plainNew(g: GeneratorBodyContext, callee: TS.Expression, e: TS.NewExpression, args: readonly TS.Expression[]): TS.Expression {
  const { factory } = g.ctx;
  if (g.ts.isIdentifier(callee) && g.ts.isIdentifier(e.expression) && callee.text === e.expression.text) return factory.createNewExpression(callee, undefined, args);
  return factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, 'construct'), undefined, [
    callee,
    factory.createStringLiteral(calleeText(g.ts, e.expression)),
    factory.createArrayLiteralExpression(args),
  ]);
}

/** `$pe.newSite(X, "X", [<args>])` for a `new` site (runtime constructors.ts); newNow in generator versions. */
export function newSiteCall(g: GeneratorBodyContext, callee: TS.Expression, e: TS.NewExpression, args: readonly TS.Expression[], helper: 'newSite' | 'newNow' = 'newSite'): TS.Expression {
  const { factory } = g.ctx;
  return factory.createCallExpression(factory.createPropertyAccessExpression(g.pe, helper), undefined, [
    callee,
    factory.createStringLiteral(calleeText(g.ts, e.expression)),
    factory.createArrayLiteralExpression(args),
  ]);
}

export function calleeText(ts: typeof TS, expr: TS.Expression): string {
  const e = skipOuter(ts, expr);
  const S = ts.SyntaxKind;
  if (ts.isIdentifier(e)) return e.text;
  switch (e.kind) {
    case S.ThisKeyword:
      return 'this';
    case S.SuperKeyword:
      return '(intermediate value)'; // V8: `super.m is not a function` reads "(intermediate value).m
    case S.NullKeyword:
      return 'null';
    case S.TrueKeyword:
      return 'true';
    case S.FalseKeyword:
      return 'false';
  }
  if (ts.isPropertyAccessExpression(e)) {
    const name = e.name;
    return ts.isPrivateIdentifier(name) ? `${calleeText(ts, e.expression)}[${name.text}]` : `${calleeText(ts, e.expression)}.${name.text}`;
  }
  if (ts.isElementAccessExpression(e)) {
    const key = skipOuter(ts, e.argumentExpression);
    const object = calleeText(ts, e.expression);
    if (ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key)) return `${object}.${key.text}`;
    return `${object}[${keyText(ts, key)}]`;
  }
  if (ts.isCallExpression(e)) return `${calleeText(ts, e.expression)}(...)`;
  if (ts.isNumericLiteral(e)) return String(Number(e.text));
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return `"${e.text}"`;
  if (ts.isArrayLiteralExpression(e)) return `[${e.elements.map((x) => calleeText(ts, x)).join(',')}]`;
  if (ts.isRegularExpressionLiteral(e)) return e.text;
  // V8 names neither the properties nor the branches, one "(intermediate value)" each.
  if (ts.isObjectLiteralExpression(e)) return `{${e.properties.map(() => '(intermediate value)').join('')}}`;
  if (ts.isConditionalExpression(e)) return '(intermediate value)'.repeat(3);
  if (ts.isPrefixUnaryExpression(e)) {
    if (e.operator === S.MinusToken && ts.isNumericLiteral(e.operand)) return String(-Number(e.operand.text)); // folded
    return `(${ts.tokenToString(e.operator)}${calleeText(ts, e.operand)})`;
  }
  if (ts.isPostfixUnaryExpression(e)) return `(${calleeText(ts, e.operand)}${ts.tokenToString(e.operator)})`;
  if (ts.isVoidExpression(e)) return `(void ${calleeText(ts, e.expression)})`;
  if (ts.isTypeOfExpression(e)) return `(typeof ${calleeText(ts, e.expression)})`;
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op >= S.FirstAssignment && op <= S.LastAssignment) return calleeText(ts, e.left);
    if (op === S.CommaToken) return `(${calleeText(ts, e.left)} , ${calleeText(ts, e.right)})`;
    return `(${calleeText(ts, e.left)} ${ts.tokenToString(op)} ${calleeText(ts, e.right)})`;
  }
  return '(intermediate value)';
}

/** How the engine names an iterable in "... is not iterable" (for-of, an array literal's spread). */
export function iterableText(ts: typeof TS, expr: TS.Expression): string {
  const e = skipOuter(ts, expr);
  if (!ts.isCallExpression(e) && !ts.isNewExpression(e)) return calleeText(ts, e);
  // V8 names the innermost callee of a chain of calls: `f()()` and `new F()` read "f", "F".
  let callee = skipOuter(ts, e.expression);
  while (ts.isCallExpression(callee)) callee = skipOuter(ts, callee.expression);
  return `${calleeText(ts, callee)} is not a function or its return value`;
}

/** A computed key as V8 prints it inside `[...]`. */
function keyText(ts: typeof TS, key: TS.Expression): string {
  if (ts.isTemplateExpression(key)) {
    // V8 prints the substitutions of a template key (the literal parts are not AST nodes it names).
    return key.templateSpans.map((s) => calleeText(ts, s.expression)).join('');
  }
  return calleeText(ts, key);
}

/** The unlabeled `break`s in a loop's body that leave that loop (not a nested loop or switch, not a closure's). */
function breaksOf(ts: typeof TS, body: TS.Statement): TS.BreakStatement[] {
  const found: TS.BreakStatement[] = [];
  const visit = (n: TS.Node): void => {
    if (isFunctionBoundary(ts, n) || isLoop(ts, n) || ts.isSwitchStatement(n)) return;
    if (ts.isBreakStatement(n) && !n.label) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}
