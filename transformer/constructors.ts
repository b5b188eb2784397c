// Constructors that can pause inside a task (see runtime/constructors.ts): which constructors can be split
// after their `super(...)` (the engine runs everything up to there, a copy of the rest runs as an ordinary
// function with `this` the new object), which can be split before it too (a copy of that part runs first),
// and which `new` expressions are sites that ask for the split.

import type * as TS from 'typescript';
import { assignsTo, boundNames, mentions, prologueLength, type FileNames } from './analyze';

export interface ConstructorSplit {
  /**
   * The body's statements, with a statement `super(...), a, b;` (minifiers write them so) as `super(...); a;
   * b;` (synthesized statements around the original expressions): what `head` counts.
   */
  statements: readonly TS.Statement[];
  /** Where in the body's own statements that one was, and how many it became (0 when none). */
  expanded: { at: number; count: number };
  /** How many statements of the body the engine runs before the split (through the top-level `super(...)`). */
  head: number;
  /** The names the parameters bind, then those declared before the split, in order: handed to the body. */
  params: TS.Identifier[];
  derived: boolean;
  /** A rest parameter (a name): NEW comes last among the arguments it collects, and is taken off it first thing. */
  rest: TS.Identifier | undefined;
  /**
   * The body reads `arguments`: every argument is passed, then a token carrying their count, which the
   * constructor takes off `arguments` first thing; the body's copy gets that object as a parameter.
   */
  readsArguments: boolean;
}

/** Where `ctor` can be split, or why it cannot (it then runs to completion, with that reason). */
export function splitConstructor(ts: typeof TS, ctor: TS.ConstructorDeclaration): ConstructorSplit | string {
  const body = ctor.body;
  if (!body) return 'no body';
  const { statements, expanded } = superFirstExpanded(ts, body);
  const prologue = prologueLength(ts, statements);
  // Closures made before the split (in the parameter list, before super()) keep the engine's bindings while
  // the body's copy has its own: allowed when no binding they share is ever assigned (checked below).
  const early: TS.Node[] = [];
  for (const p of ctor.parameters) {
    if (p.dotDotDotToken && !ts.isIdentifier(p.name)) return 'a rest parameter that is a pattern';
    // (TypeScript writes a parameter property's assignment right after super(), before the split.)
    if (ts.getDecorators(p)?.length) return 'a parameter decorator';
    closuresIn(ts, p, early);
  }
  // (Parameters are bound before the body can take the token off `arguments`.)
  if (ctor.parameters.some((p) => mentions(ts, p, 'arguments'))) return 'arguments in a parameter';
  const readsArguments = mentions(ts, body, 'arguments');
  if (readsArguments && ctor.parameters.some((p) => p.dotDotDotToken)) return 'arguments and a rest parameter';
  const derived = !!ctor.parent.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
  let head = prologue;
  if (derived) {
    const calls = superCalls(ts, body);
    if (calls.length !== 1) return calls.length === 0 ? 'no super() call' : 'more than one super() call';
    const i = statements.findIndex((s) => ts.isExpressionStatement(s) && s.expression === calls[0]);
    if (i < 0) return 'super() not called as a statement of the body';
    // Declarations of its own statements before super() are handed to the body's copy with the parameters.
    // Nothing else there may declare (a `var` in a block, a function or class declaration).
    for (const st of statements.slice(prologue, i + 1)) {
      if (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) return 'a function or class declaration before super()';
      if (!ts.isVariableStatement(st) && declaresVar(ts, st)) return 'a `var` nested in a statement before super()';
      closuresIn(ts, st, early);
    }
    head = i + 1;
  }
  const params = ctor.parameters.flatMap((p) => boundNames(ts, p.name));
  const locals: TS.Identifier[] = [];
  for (const st of statements.slice(prologue, head)) {
    if (!ts.isVariableStatement(st)) continue;
    const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const name of st.declarationList.declarations.flatMap((d) => boundNames(ts, d.name))) {
      // In the copy a const is a parameter: an assignment to it there would not throw.
      if (isConst && statements.slice(head).some((s) => writes(ts, s, name.text))) return `an assignment to the const '${name.text}' declared before super()`;
      if (!params.some((p) => p.text === name.text) && !locals.some((l) => l.text === name.text)) locals.push(name);
    }
  }
  const shared = [...params, ...locals].find((b) => early.some((f) => mentions(ts, f, b.text)) && (ctor.parameters.some((p) => writes(ts, p, b.text)) || statements.some((st) => writes(ts, st, b.text))));
  if (shared) return `a function before the split sharing '${shared.text}', which the constructor assigns`;
  const last = ctor.parameters[ctor.parameters.length - 1];
  // (NEW is taken off it first thing: `super(...args)` forwards what the caller passed.)
  const rest = last?.dotDotDotToken ? (last.name as TS.Identifier) : undefined;
  return { statements, expanded, head, params: [...params, ...locals], derived, rest, readsArguments };
}

/**
 * The body's statements, a statement whose expression is a comma list starting with `super(...)` (no
 * parentheses around it: `super(a), this.x = 1, f();`) made one statement per operand, in order: the same
 * evaluation, with super() a statement of its own the split can follow.
 */
function superFirstExpanded(ts: typeof TS, body: TS.Block): { statements: readonly TS.Statement[]; expanded: { at: number; count: number } } {
  const at = body.statements.findIndex((st) => superFirstOperands(ts, st) !== undefined);
  if (at < 0) return { statements: body.statements, expanded: { at: -1, count: 0 } };
  const statements = expandedAt(body, at, ts.factory, ts)!;
  return { statements, expanded: { at, count: statements.length - body.statements.length + 1 } };
}

/** `body`'s statements with the one at `at` (`super(...), a, b;`) made one per operand (see superFirstExpanded). */
export function expandedAt(body: TS.Block, at: number, factory: TS.NodeFactory, ts: typeof TS): TS.Statement[] | undefined {
  const made = superFirstOperands(ts, body.statements[at]!)?.map((e) => {
    const st = ts.setTextRange(factory.createExpressionStatement(e), e);
    (st as { parent: TS.Node }).parent = body; // (walks up from the operands still reach the constructor)
    return st;
  });
  return made && [...body.statements.slice(0, at), ...made, ...body.statements.slice(at + 1)];
}

/** `super(...), a, b` as a statement: [super(...), a, b]; else undefined. */
function superFirstOperands(ts: typeof TS, st: TS.Statement): TS.Expression[] | undefined {
  if (!ts.isExpressionStatement(st)) return undefined;
  const operands: TS.Expression[] = [];
  let e = st.expression;
  while (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken) {
    operands.unshift(e.right);
    e = e.left;
  }
  if (operands.length === 0 || !ts.isCallExpression(e) || e.expression.kind !== ts.SyntaxKind.SuperKeyword) return undefined;
  return [e, ...operands];
}

/** A derived constructor whose part before the split (before and in its `super(...)`) can pause too. */
export interface PreSplit {
  /** Index of the `super(...)` statement in the body. */
  superAt: number;
  superCall: TS.CallExpression;
}

/**
 * Whether what runs before `super(...)` can be split off as well (runtime constructors.ts: a copy of it runs
 * first, then the engine constructs with its results), `undefined` when nothing there could pause, or why
 * not. The copy returns the parameters' and declarations' values at `super(...)`, and the constructor, given
 * them, skips what the copy ran: so the parameters are names (a pattern would be destructured again), the
 * declarations name no patterns, and nothing there reads `this` or `super` (the copy has no `this` to
 * refuse) or returns.
 */
export function splitBeforeSuper(ts: typeof TS, ctor: TS.ConstructorDeclaration, split: ConstructorSplit): PreSplit | string | undefined {
  if (!split.derived) return undefined;
  const statements = split.statements;
  const superAt = split.head - 1;
  const superCall = (statements[superAt] as TS.ExpressionStatement).expression as TS.CallExpression;
  const pre = statements.slice(prologueLength(ts, statements), superAt);
  if (!pre.some((s) => mayPause(ts, s)) && !superCall.arguments.some((a) => mayPause(ts, a))) return undefined;
  // (A default value is evaluated by the copy; given PRE, the constructor does not evaluate it again.)
  if (ctor.parameters.some((p) => p.initializer && readsThis(ts, p.initializer))) return '`this` or `super` in a default value';
  // (The copy would see an arguments object of its own.)
  if (split.readsArguments) return 'arguments';
  if (ctor.parameters.some((p) => p.dotDotDotToken || !ts.isIdentifier(p.name))) return 'a parameter that is a pattern or a rest';
  for (const st of pre) {
    if (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => !ts.isIdentifier(d.name))) return 'a destructuring declaration before super()';
    if (readsThis(ts, st)) return '`this` or `super` before super()';
    if (returns(ts, st)) return 'a return before super()';
  }
  if (superCall.arguments.some((a) => ts.isSpreadElement(a))) return 'a spread argument to super()';
  // The copy is a function of its own: a name the rest of the body declares (hoisted, or in its TDZ) would
  // mean something else there.
  const later = statements.slice(split.head).flatMap((st) => declaredIn(ts, st, true));
  const early = [...pre, ...superCall.arguments];
  const clash = later.find((n) => early.some((e) => mentions(ts, e, n)));
  if (clash !== undefined) return `'${clash}', declared after super(), used before it`;
  if (superCall.arguments.some((a) => readsThis(ts, a))) return '`this` or `super` in the arguments of super()';
  return { superAt, superCall };
}

/** `this` or `super` meaning the constructor's own (arrows and class bodies entered: conservative). */
function readsThis(ts: typeof TS, node: TS.Node): boolean {
  if (node.kind === ts.SyntaxKind.ThisKeyword || node.kind === ts.SyntaxKind.SuperKeyword) return true;
  if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) {
    // A function of its own `this`, but a computed name is evaluated outside it.
    const name = (node as { name?: TS.Node }).name;
    return !!name && ts.isComputedPropertyName(name) && readsThis(ts, name);
  }
  return ts.forEachChild(node, (c) => readsThis(ts, c) || undefined) ?? false;
}

/** Names a statement of a body declares in the body's scope: any declaration at its top, `var`s deeper. */
function declaredIn(ts: typeof TS, node: TS.Node, top: boolean): string[] {
  if (ts.isVariableDeclarationList(node)) {
    return top || (node.flags & ts.NodeFlags.BlockScoped) === 0 ? node.declarations.flatMap((d) => boundNames(ts, d.name).map((n) => n.text)) : [];
  }
  if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && top) return node.name ? [node.name.text] : [];
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return [];
  const found: string[] = [];
  ts.forEachChild(node, (c) => void found.push(...declaredIn(ts, c, top && ts.isVariableStatement(node))));
  return found;
}

/** A `return` outside nested functions. */
function returns(ts: typeof TS, node: TS.Node): boolean {
  if (ts.isReturnStatement(node)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, (c) => returns(ts, c) || undefined) ?? false;
}

/** Something to pause at after the split, or before it when that part can be split off too. */
export function constructorCanPause(ts: typeof TS, ctor: TS.ConstructorDeclaration, split: ConstructorSplit): boolean {
  return split.statements.slice(split.head).some((s) => mayPause(ts, s)) || typeof splitBeforeSuper(ts, ctor, split) === 'object';
}

/**
 * Names that always mean a class of this file whose constructor is not split (no split, or nothing to pause
 * at after it): their `new` is the engine's (analyze.ts isNewSite). Declared once (so no inner scope shadows
 * them) and never written, in a file without direct eval or `with`; every other `new` is a site.
 */
export function plainClassNames(ts: typeof TS, names: FileNames): Set<string> {
  const found = new Set<string>();
  if (names.dynamicScope) return found;
  for (const node of names.classes) {
    const ctor = node.members.find((m): m is TS.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
    const split = ctor && splitConstructor(ts, ctor);
    if (!(ctor && typeof split === 'object' && constructorCanPause(ts, ctor, split))) {
      for (const n of newableNames(ts, node)) if (names.declared.get(n) === 1 && !names.written.has(n)) found.add(n);
    }
  }
  return found;
}

/**
 * The names by which a `new` can name this class: `class C {}`, and `var C = class _C {}` (both names: bundlers
 * write classes that way). A name declared again elsewhere in the file makes that binding's `new`s sites too:
 * harmless, a site constructs plainly whatever has no split of its own (and a name reads the same twice).
 */
export function newableNames(ts: typeof TS, cls: TS.ClassLikeDeclaration): string[] {
  const own = cls.name?.text;
  let outer: string | undefined;
  if (ts.isClassExpression(cls)) {
    let child: TS.Node = cls;
    while (ts.isParenthesizedExpression(child.parent)) child = child.parent;
    const p = child.parent;
    if (ts.isVariableDeclaration(p) && p.initializer === child && ts.isIdentifier(p.name)) outer = p.name.text;
  } else if (own === undefined) {
    return []; // `export default class {}`
  }
  return [...new Set([own, outer])].filter((n): n is string => n !== undefined);
}

function superCalls(ts: typeof TS, node: TS.Node): TS.CallExpression[] {
  const calls: TS.CallExpression[] = [];
  const visit = (n: TS.Node): void => {
    if (ts.isClassLike(n) || (ts.isFunctionLike(n) && !ts.isArrowFunction(n))) return;
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) calls.push(n);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
  return calls;
}

/** `new.target` of the function itself (nested arrows included when `inArrows`). */
export function usesNewTarget(ts: typeof TS, node: TS.Node, inArrows = false): boolean {
  // (One closure per call, not per node: asked of every function the file has.)
  const visit = (n: TS.Node): true | undefined => {
    if (ts.isMetaProperty(n) && n.keywordToken === ts.SyntaxKind.NewKeyword) return true;
    if (ts.isClassLike(n) || (ts.isFunctionLike(n) && !(inArrows && ts.isArrowFunction(n)))) return undefined;
    return ts.forEachChild(n, visit);
  };
  return visit(node) ?? false;
}

/** The functions and classes in `node` (not entered). */
function closuresIn(ts: typeof TS, node: TS.Node, found: TS.Node[] = []): TS.Node[] {
  // (Into one array: an array per node visited was most of what splitting constructors allocated.)
  const visit = (n: TS.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) found.push(n);
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function writes(ts: typeof TS, node: TS.Node, name: string): boolean {
  return assignsTo(ts, node, name) || (ts.forEachChild(node, (c) => writes(ts, c, name) || undefined) ?? false);
}

/** A `var` in `node` outside nested functions (block-scoped declarations in nested blocks are not seen after them). */
function declaresVar(ts: typeof TS, node: TS.Node): boolean {
  if (ts.isVariableDeclarationList(node)) return (node.flags & ts.NodeFlags.BlockScoped) === 0;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, (c) => declaresVar(ts, c) || undefined) ?? false;
}

/** A loop, call, `new` or tagged template outside nested functions: something a body could pause at. */
export function mayPause(ts: typeof TS, node: TS.Node): boolean {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  if (ts.isIterationStatement(node, false) || ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) return true;
  return ts.forEachChild(node, (c) => mayPause(ts, c) || undefined) ?? false;
}
