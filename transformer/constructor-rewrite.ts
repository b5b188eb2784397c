// The rewrite of a constructor that can pause (runtime/constructors.ts is the other half): where it splits,
// the copies of its parts (the body after super(), the part before it), their registration in the class's
// static block, and the constructor itself, which hands its body to ctorBody() when a `new` site asks and
// skips what a copy already ran. transformer/constructors.ts decides where (and whether) it can split.

import type * as TS from 'typescript';
import { prologueLength, usesSuper, type FunctionLike } from './analyze';
import { expandedAt, mayPause, newableNames, splitBeforeSuper, splitConstructor, usesNewTarget } from './constructors';
import { fileTemp, GeneratorBodyContext, replaceLexical } from './generator-body';
import { buildLazy, lastRejection } from './lazy';

/** What the rewrite of a constructor needs from the file's rewrite (rewrite.ts). */
export interface ConstructorRewrite {
  gctx: GeneratorBodyContext;
  sf: TS.SourceFile;
  /** Fast copies allowed (transform option `lazy`). */
  lazy: boolean;
  /** A diagnostic for the constructor (code 'constructor'). */
  report(node: TS.Node, message: string): void;
  runtimeCall(helper: string, args: TS.Expression[]): TS.CallExpression;
  decide(node: FunctionLike): { instrument: boolean; why?: [TS.Node, string, string] };
  genFunction(visited: FunctionLike, name: string | undefined, context?: GeneratorBodyContext): TS.Expression;
  /** One more function instrumented. */
  counted(): void;
  /** `$pe.ctor(this, ...)` for the class's static block. */
  register(cls: TS.Node, statement: TS.Statement): void;
}

/**
 * A constructor with something to pause at after its `super(...)` is split (runtime constructors.ts): it
 * gets a last parameter `$t = undefined` and, at the split, `if ($t === $pe.NEW) return $pe.ctorBody(new.target,
 * this, [<parameters>])`; the rest of its body, copied into a function of the parameters (fast copy, else
 * generator version), is registered in the class's static block. A derived constructor that can pause
 * before its `super(...)` gets a copy of that part too (returning super()'s arguments and the values there),
 * and a parameter `$s`: given `$t === $pe.PRE` and that state, it skips the part (skipGiven). One reading
 * `arguments` takes a count token off it instead of having `$t`. Others run to completion (noted).
 */
export function rewriteConstructor(c: ConstructorRewrite, node: TS.ConstructorDeclaration, visited: TS.ConstructorDeclaration): TS.Node {
  const { gctx, sf } = c;
  const { ts, pe } = gctx;
  const { factory } = gctx.ctx;
  // (rewrite.ts calls this only for a constructor with a body.)
  const ownBody = node.body!;
  const visitedBody = visited.body!;
  const cannot = (why: string): TS.Node => {
    c.report(node, `constructor runs to completion inside a task (it cannot pause): ${why}`);
    return visited;
  };
  const cls = node.parent;
  const split = splitConstructor(ts, node);
  if (typeof split === 'string') return cannot(split);
  const bodyPauses = split.statements.slice(split.head).some((s) => mayPause(ts, s));
  const pre = splitBeforeSuper(ts, node, split);
  if (!bodyPauses && typeof pre !== 'object') {
    return cannot(pre === undefined ? 'what it could pause at comes before super()' : `what it could pause at comes before super() and cannot be split off: ${pre}`);
  }
  // An anonymous class (`export default class {}`, `module.exports = class {}`) is split too: a site of
  // another module can reach it through an import or a require().
  const name: string | undefined = newableNames(ts, cls)[0];
  const statements = split.statements;
  // Function declarations of the body get their versions from statements the visit put at its top.
  const added = visitedBody.statements.length - ownBody.statements.length;
  // The visited body's statements, `super(...), a, b;` expanded as splitConstructor expanded the original's.
  const vstatements = split.expanded.count === 0 ? visitedBody.statements : expandedAt(visitedBody, split.expanded.at + added, factory, ts);
  if (!vstatements) return cannot('super() not called as a statement of the body');
  const first = prologueLength(ts, visitedBody.statements);
  const defs = vstatements.slice(first, first + added);
  // new.target in a copy: an extra parameter of it, passed by the constructor (or newSite()).
  // (A name of its own text: the copies rebuild parameters from their text. None of the file's text.)
  let ntText = '$pe_nt';
  while (sf.text.includes(ntText)) ntText += '_';
  /**
   * A part of the body as a method of the class taking `params` (the copies are made in the static block,
   * where `super.x` is rebuilt from the home object, the class's prototype): its fast copy, else its
   * generator version (from `visitedPart`, the same statements visited), else why neither.
   */
  const copyOf = (
    part: readonly TS.Statement[],
    visitedPart: readonly TS.Statement[],
    params: readonly TS.Identifier[],
    range: TS.TextRange,
    args?: TS.Identifier,
    // The parameters' default values, as written (for the fast copy) and visited (for the generator version).
    defaults?: readonly (readonly [TS.Expression | undefined, TS.Expression | undefined])[],
  ): { fast?: TS.Expression; gen?: TS.Expression } | string | undefined => {
    const newTarget = [...part, ...(defaults ?? []).flatMap((d) => (d[0] ? [d[0]] : []))].some((st) => usesNewTarget(ts, st, true)) ? factory.createIdentifier(ntText) : undefined;
    const copyCtx: GeneratorBodyContext = newTarget ? { ...gctx, newTarget } : gctx;
    const paramsOf = (visitedDefaults = false): TS.ParameterDeclaration[] => [
      ...params.map((p, i) => factory.createParameterDeclaration(undefined, undefined, p.text, undefined, undefined, defaults?.[i]?.[visitedDefaults ? 1 : 0])),
      ...(args ? [factory.createParameterDeclaration(undefined, undefined, args)] : []),
      ...(newTarget ? [factory.createParameterDeclaration(undefined, undefined, newTarget)] : []),
    ];
    const method = factory.createMethodDeclaration(undefined, undefined, 'constructor', undefined, undefined, paramsOf(), undefined, ts.setTextRange(factory.createBlock(part, true), range));
    (method as { parent: TS.Node }).parent = cls;
    const d = c.decide(method);
    if (d.why) return d.why[2];
    if (!d.instrument) return undefined; // (calls only to builtins and functions that cannot pause)
    // (Reading the constructor's `arguments`, a parameter of the copy: a generator version only.)
    const fast = c.lazy && !args ? buildLazy(copyCtx, method, name) : undefined;
    if (fast) {
      c.counted();
      return { fast };
    }
    if (usesSuper(ts, method)) return `it uses super and is outside the fast subset (${args ? 'arguments' : lastRejection})`;
    const block = factory.createBlock([...defs, ...visitedPart], true);
    const fn = factory.createFunctionExpression(undefined, undefined, undefined, undefined, paramsOf(true), undefined, args ? (replaceLexical(gctx, block, { args }) as TS.Block) : block);
    return { gen: c.genFunction(fn, name, copyCtx) };
  };
  // The rest of the body, a function of the parameters' and earlier declarations' names.
  const rest = statements.slice(split.head);
  const argsParam = split.readsArguments ? fileTemp(gctx, 'ctor-arguments', 'args') : undefined;
  const body = bodyPauses ? copyOf(rest, vstatements.slice(split.head + added), split.params, { pos: rest[0]?.pos ?? ownBody.end - 1, end: ownBody.end - 1 }, argsParam) : undefined;
  if (typeof body === 'string') return cannot(body);
  // What runs before super(): a function of the parameters returning super()'s arguments and the values of
  // the parameters and declarations there (the constructor, given them, skips it).
  let before: { fast?: TS.Expression; gen?: TS.Expression } | undefined;
  // (With the super() call's text range: the fast copy's checks place what they read by position.)
  const toState = (args: readonly TS.Expression[], at: TS.TextRange): TS.Statement =>
    ts.setTextRange(factory.createReturnStatement(ts.setTextRange(factory.createArrayLiteralExpression([
      ts.setTextRange(factory.createArrayLiteralExpression(args), at),
      ts.setTextRange(factory.createArrayLiteralExpression(split.params.map((p) => ts.setTextRange(factory.createIdentifier(p.text), { pos: at.end, end: at.end }))), { pos: at.end, end: at.end }),
    ]), at)), at);
  const visitedSuper = typeof pre === 'object' ? vstatements[pre.superAt + added] : undefined;
  if (typeof pre === 'object' && visitedSuper && ts.isExpressionStatement(visitedSuper) && ts.isCallExpression(visitedSuper.expression)) {
    const part = [...statements.slice(prologueLength(ts, statements), pre.superAt), toState(pre.superCall.arguments, pre.superCall)];
    const visitedPart = [...vstatements.slice(first + added, pre.superAt + added), toState(visitedSuper.expression.arguments, pre.superCall)];
    const defaults = node.parameters.map((p, i) => [p.initializer, visited.parameters[i]?.initializer] as const);
    const copy = copyOf(part, visitedPart, node.parameters.map((p) => p.name as TS.Identifier), { pos: ownBody.pos + 1, end: pre.superCall.end }, undefined, defaults);
    if (typeof copy === 'string' && !body) return cannot(copy);
    if (typeof copy === 'object') before = copy;
  }
  // Nothing it could pause at after all (what it calls are builtins or functions that cannot pause).
  if (!body && !before) return visited;
  const fixedParams = node.parameters.length - (split.rest ? 1 : 0);
  c.register(cls, factory.createExpressionStatement(
    c.runtimeCall('ctor', [
      factory.createThis(),
      factory.createNumericLiteral(fixedParams),
      split.derived ? factory.createTrue() : factory.createFalse(),
      body?.fast ?? factory.createVoidZero(),
      body?.gen ?? factory.createVoidZero(),
      ...(split.rest || before || argsParam ? [split.rest ? factory.createTrue() : factory.createFalse()] : []),
      ...(before || argsParam ? [before?.fast ?? factory.createVoidZero(), before?.gen ?? factory.createVoidZero()] : []),
      ...(argsParam ? [factory.createTrue()] : []),
    ]),
  ));
  const token = fileTemp(gctx, 'new-token', 't');
  const state = fileTemp(gctx, 'pre-state', 's');
  const given = fileTemp(gctx, 'pre-given', 'p');
  // With a rest parameter NEW is its last element (`r.length !== 0 && r[r.length - 1] === NEW`), taken off
  // it (setting length runs no setter); else the added last parameter.
  const restName = split.rest ? factory.createIdentifier(split.rest.text) : undefined;
  const lastIndex = restName && factory.createBinaryExpression(factory.createPropertyAccessExpression(restName, 'length'), ts.SyntaxKind.MinusToken, factory.createNumericLiteral(1));
  const asked = restName
    ? factory.createLogicalAnd(
        factory.createStrictInequality(factory.createPropertyAccessExpression(restName, 'length'), factory.createNumericLiteral(0)),
        factory.createStrictEquality(factory.createElementAccessExpression(restName, lastIndex!), factory.createPropertyAccessExpression(pe, 'NEW')),
      )
    : factory.createStrictEquality(token, factory.createPropertyAccessExpression(pe, 'NEW'));
  // With a rest parameter, first thing: `const $t = <asked> && (r.length = r.length - 1, true)`, so what
  // runs before the split (`super(...args)`) never sees NEW. Split before super() too: `const $p = $t ===
  // $pe.PRE`, given the state the copy of that part ended with.
  const constant = (id: TS.Identifier, value: TS.Expression): TS.Statement =>
    factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(id, undefined, undefined, value)], ts.NodeFlags.Const));
  // Reading `arguments`: `const $t = $pe.takeCount(arguments)`, the count token taken off it.
  const takeOff = argsParam
    ? constant(token, c.runtimeCall('takeCount', [factory.createIdentifier('arguments')]))
    : restName
    ? constant(token, factory.createLogicalAnd(asked, factory.createParenthesizedExpression(factory.createCommaListExpression([
        factory.createAssignment(factory.createPropertyAccessExpression(restName, 'length'), lastIndex!),
        factory.createTrue(),
      ]))))
    : before
      ? constant(given, factory.createStrictEquality(token, factory.createPropertyAccessExpression(pe, 'PRE')))
      : undefined;
  const ask = body && factory.createIfStatement(
    restName || argsParam ? token : before ? factory.createLogicalOr(asked, given) : asked,
    factory.createBlock([factory.createReturnStatement(
      c.runtimeCall('ctorBody', [
        // The class itself: only newSite() passes NEW or PRE, through Reflect.construct(class, ...).
        factory.createMetaProperty(ts.SyntaxKind.NewKeyword, factory.createIdentifier('target')),
        factory.createThis(),
        factory.createArrayLiteralExpression([
          ...split.params.map((p) => factory.createIdentifier(p.text)),
          ...(argsParam ? [factory.createIdentifier('arguments')] : []),
          ...(rest.some((st) => usesNewTarget(ts, st, true)) ? [factory.createMetaProperty(ts.SyntaxKind.NewKeyword, factory.createIdentifier('target'))] : []),
        ]),
      ]),
    )], true),
  );
  const at = split.head + added;
  // Class code is strict already: a 'use strict' directive goes (not allowed with the added parameter's default).
  const prologue = vstatements.slice(0, first).filter((st) => !(ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression) && st.expression.text === 'use strict'));
  const head = vstatements.slice(first, at);
  /**
   * Given the state (`$p`), what ran in the copy is skipped: each declaration before super() takes its value
   * from it (a `var` without one keeps its own), every other statement is skipped, and super() gets the
   * arguments the copy evaluated.
   */
  const skipGiven = (): TS.Statement[] => {
    const either = (i: number, k: number, e: TS.Expression): TS.Expression =>
      factory.createConditionalExpression(given, undefined, factory.createElementAccessExpression(factory.createElementAccessExpression(state, i), k), undefined, e);
    const kept = head.slice(0, added);
    let skipped: TS.Statement[] = [];
    const flush = (): void => {
      if (skipped.length > 0) kept.push(factory.createIfStatement(factory.createLogicalNot(given), factory.createBlock(skipped, true)));
      skipped = [];
    };
    for (const st of head.slice(added, -1)) {
      if (!ts.isVariableStatement(st)) {
        skipped.push(st);
        continue;
      }
      flush();
      const list = st.declarationList;
      const isVar = (list.flags & ts.NodeFlags.BlockScoped) === 0;
      kept.push(factory.updateVariableStatement(st, st.modifiers, factory.updateVariableDeclarationList(list, list.declarations.map((d) => {
        const id = d.name as TS.Identifier;
        const k = split.params.findIndex((p) => p.text === id.text);
        return factory.updateVariableDeclaration(d, d.name, d.exclamationToken, d.type, either(1, k, d.initializer ?? (isVar ? factory.createIdentifier(id.text) : factory.createVoidZero())));
      }))));
    }
    flush();
    const sup = head[head.length - 1] as TS.ExpressionStatement;
    const call = sup.expression as TS.CallExpression;
    kept.push(factory.updateExpressionStatement(sup, factory.updateCallExpression(call, call.expression, call.typeArguments, call.arguments.map((a, i) => either(0, i, a)))));
    return kept;
  };
  const out = [...prologue, ...(takeOff ? [takeOff] : []), ...(before ? skipGiven() : head), ...(ask ? [ask] : []), ...vstatements.slice(at)];
  const extra = (id: TS.Identifier): TS.ParameterDeclaration => factory.createParameterDeclaration(undefined, undefined, id, undefined, undefined, factory.createVoidZero());
  // Given PRE, a default value is not evaluated again (the copy did, and passes what it gave):
  // `b = arguments[N] === $pe.PRE ? void 0 : <default>`, N the index PRE comes at.
  const guarded = before
    ? visited.parameters.map((p) => p.initializer
        ? factory.updateParameterDeclaration(p, p.modifiers, p.dotDotDotToken, p.name, p.questionToken, p.type, factory.createConditionalExpression(
            factory.createStrictEquality(factory.createElementAccessExpression(factory.createIdentifier('arguments'), node.parameters.length), factory.createPropertyAccessExpression(pe, 'PRE')),
            undefined, factory.createVoidZero(), undefined, p.initializer))
        : p)
    : visited.parameters;
  const params = split.rest || argsParam ? visited.parameters : [...guarded, extra(token), ...(before ? [extra(state)] : [])];
  return factory.updateConstructorDeclaration(visited, visited.modifiers, params, factory.updateBlock(visitedBody, out));
}
