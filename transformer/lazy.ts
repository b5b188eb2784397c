// Lazy capture (see runtime/lazy.ts): for a function simple enough, instead of running a generator
// version inside tasks, run a *fast copy*: the original plus counter checkpoints, a site number `$k` set
// before each call that could pause, spills of values evaluated before such a call, and one try/catch that
// records the frame when a pause unwinds through it. The same copy can be *re-entered* to continue a
// recorded frame: it then runs in resume mode (`$r`) to the recorded site.
//
//   function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); }
//   ->  let $t0, $k = 0, $r = false, $rec = rt.re;
//       if ($rec !== null) { rt.re = null; $r = true; $k = $rec[2]; n = $rec[4]; $t0 = $rec[5]; }
//       try {
//         <checkpoint 1>
//         return n < 2 ? n
//           : ($r && !($k >= 2 && $k <= 3) ? $t0 : ($t0 = $r && $k === 2 ? ($r = false, reenter($rec[3])) : ($k = 2, f(n - 1))))
//           + ($r && $k === 3 ? ($r = false, reenter($rec[3])) : ($k = 3, f(n - 2)));
//       } catch ($e) { if ($e === CAPTURE) rt.cap = [$self, this, $k, rt.cap, n, $t0]; throw $e; }
//   (calls written `f(...)` here go to f's fast copy through the dispatch; checkpoints, resume guards of
//   statements and loop tests are elided)
//
// Dual mode: while `$r` is true every statement that does not contain the site is skipped, branch and loop
// tests steer towards it, values evaluated before it come from their spills, and at the site the frame
// it was calling is re-entered (`$r` turns false); after that, and in every ordinary call, each guard is
// one test of a local that is false.
//
// Phases: check (is the function in the supported subset; number the resume points in preorder so every
// subtree holds a contiguous range; find what must be spilled) -> emit the fast copy. A function outside
// the subset keeps its generator version: nothing here is needed for correctness.
//
// The subset: no classes or nested function declarations; closures only over parameters nobody assigns
// and top-level consts declared before them; no try/for-in/for-of/with; no `arguments`; no destructuring
// declarations; block-scoped names used only after their declaration (they are hoisted to one
// function-level `let`, renamed first where two share a name, so the catch clause can see them); calls
// that could pause only in expression positions whose continuation can be rebuilt (operators,
// conditionals, member access, call arguments, array/object literals, templates, assignments to names
// and members); printed into the output (copiesAtRunTime: false), at most MAX_SOURCE_CHARS of source.

import type * as TS from 'typescript';
import { printOnOneLine } from './compact';
import { boundNames, FunctionLike, hasDirective, isDispatchable, isNewSite, isSuperRead, isLoop, makesFunction, mentions, prologueLength, skipOuter, usingKind, writesOf } from './analyze';
import { callableOr, calleeText, ownVersion, iterableText, counterExpired, isPlainNew, newSiteCall, plainNew, counterRanOut, fileTemp, GeneratorBodyContext, invokeAs, namedByKey, withCopyLexical } from './generator-body';

import { numericLocals } from './numeric-locals';

/**
 * How a loop is written: with its initializer or not (a loop the re-entry copy continues has run it), and,
 * in the re-entry copy, left at its test once `$r` is false (`toFast`: see rLoop).
 */
interface LoopForm {
  init: boolean;
  toFast: boolean;
}
const AS_WRITTEN: LoopForm = { init: true, toFast: false };

/** One copy's emitter: its whole body, or one loop of it (for the re-entry copy's loops, see rLoop). */
interface Emitter {
  body(): TS.Block;
  loop(loop: TS.IterationStatement, labels?: readonly TS.Identifier[], how?: LoopForm): TS.Statement;
}

type Range = [number, number];

interface CallSpill {
  fn: TS.Identifier;
  self: TS.Identifier | undefined;
  args: TS.Identifier[];
}

/** What the check phase found out about one function. */
interface Plan {
  params: TS.Identifier[];
  /**
   * Declared names (var/let/const), hoisted to one `let` in both versions; and the functions declared in the
   * body's own statement list ('function': see `functions`), recorded and restored like them.
   */
  locals: Map<string, 'var' | 'let' | 'const' | 'function'>;
  /**
   * Functions declared in the body's own statement list (copies made at run time only): written by both
   * copies before their try, so that their names are the function's (a declaration inside a block is the
   * block's). The re-entry copy continues with the frame's own function objects, except at the entry, where
   * the frame had run nothing yet and its own are made.
   */
  functions: TS.FunctionDeclaration[];
  /** Let/const locals that only ever hold Numbers: restored as `+$rec[i]` (see numeric-locals.ts). */
  numeric: Set<string>;
  /** Locals no resume point reads again (deadLocals): frames record `void 0` for them, nothing restores them. */
  dead: Set<string>;
  /** Site number of each call that could pause. */
  siteOf: Map<TS.CallExpression | TS.NewExpression, number>;
  /** The call for each site number. */
  siteCall: Map<number, TS.CallExpression | TS.NewExpression>;
  /** Loop-top checkpoint number of each loop. */
  loopMarker: Map<TS.Node, number>;
  /** Range of resume points inside each node that holds any. */
  range: Map<TS.Node, Range>;
  /** Values evaluated before a site that its continuation needs again. */
  spill: Map<TS.Node, TS.Identifier>;
  /** Calls and `new` with a site in their arguments: callee, `this` (calls to members) and every argument are spilled. */
  callSpill: Map<TS.CallExpression | TS.NewExpression, CallSpill>;
  /** Spilled template substitutions: spilled as strings (ToString runs once, where it ran). */
  stringSpill: Set<TS.Node>;
  /** `x op= <site>`: the old value of x. */
  oldValue: Map<TS.BinaryExpression, TS.Identifier>;
  temps: TS.Identifier[];
  /** Each for-of loop's step (next() of an iterator record may pause inside: runtime step()): its site number. */
  stepSite: Map<TS.ForOfStatement, number>;
  /** Each for-of loop: its iteration record and current value (temps), and how deep it is nested. */
  forOf: Map<TS.ForOfStatement, { it: TS.Identifier; index: TS.Identifier; value: TS.Identifier; depth: number }>;
  /** break / continue / return statements that leave for-of loops: those loops, innermost first. */
  exits: Map<TS.Statement, TS.ForOfStatement[]>;
  /** Holds a return value while the loops it leaves are closed. */
  returnTemp: TS.Identifier | undefined;
  /** The function reads `arguments` (strict code only): recorded, and the re-entry copy's stand-in. */
  args: TS.Identifier | undefined;
}

const ENTRY = 1;

/**
 * Functions with more source than this keep their generator version when their copies would be printed
 * into the output (two more copies of a large function double what it adds). Copies made at run time have
 * no limit: the TypeScript compiler's large functions (scan, bindWorker, checkSourceElementWorker, ... ~770
 * of them) as generator versions ran its workload 18% slower under TO_COMPLETION, 11% in 1 ms slices.
 */
const MAX_SOURCE_CHARS = 2000;

/** Why the last function checked was left to its generator version (for debugging and tests). */
export let lastRejection = '';

const COMPOUND: Partial<Record<number, number>> = {};

/** Is `fn` in the lazy subset, its copies made at run time? The checks alone, nothing emitted. */
export function inLazySubset(g: GeneratorBodyContext, fn: FunctionLike): boolean {
  return prepare(g, fn, false) !== undefined;
}

/**
 * The first, cheap checks of the lazy subset (kind, size, no unsupported construct): what the transform
 * decides for a function whose copies are made at run time, where the rest (renaming, the plan: most of
 * the cost) is done, and a function failing it gets its generator version instead (runtime lazy-text.ts).
 */
export function mayBeInLazySubset(g: GeneratorBodyContext, fn: FunctionLike): boolean {
  return writtenBody(g, fn, false) !== undefined;
}

/**
 * The body the lazy subset is checked on when `fn` passes the cheap checks, else undefined. `printed`: the
 * copies would be printed into the output (the size limit applies).
 */
function writtenBody(g: GeneratorBodyContext, fn: FunctionLike, printed: boolean): TS.Block | undefined {
  const { ts } = g;
  const { factory } = g.ctx;
  if (!fn.body || fn.asteriskToken) return undefined;
  if (ts.getCombinedModifierFlags(fn as TS.Declaration) & ts.ModifierFlags.Async) return undefined;
  initCompound(ts);
  // An arrow's expression body is checked and emitted as `{ return e; }` (with e's text range).
  const written: TS.Block = ts.isBlock(fn.body)
    ? fn.body
    : ts.setTextRange(factory.createBlock([ts.setTextRange(factory.createReturnStatement(fn.body), fn.body)]), fn.body);
  if (printed && written.end - written.pos > MAX_SOURCE_CHARS) {
    lastRejection = 'large';
    return undefined;
  }
  // Functions declared in the body's own statement list: only in copies made at run time (check()).
  const declared = printed ? undefined : new Set<TS.Node>(written.statements.filter((st) => ts.isFunctionDeclaration(st)));
  const unsupported = firstUnsupported(ts, written, hasSuperHome(ts, fn) || ts.isArrowFunction(fn), ts.isArrowFunction(fn), declared) ?? (declared?.size ? helperOverMutable(ts, written, declared) : undefined);
  if (unsupported) {
    lastRejection = unsupported;
    return undefined;
  }
  return written;
}

/**
 * Of check()'s rules for functions declared in the body, the one most such functions fail, checked first
 * (cheaply, by name): a helper reading a `let` or `var` of the function. A large function failing it only
 * in check(), after renaming and planning, cost the runtime 2-3x its generator version's making (the
 * TypeScript compiler's createProgram: 253 ms against 86).
 */
function helperOverMutable(ts: typeof TS, body: TS.Block, declared: ReadonlySet<TS.Node>): string | undefined {
  const mutable = new Set<string>();
  const collect = (n: TS.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && (n.flags & ts.NodeFlags.Const) === 0) {
      for (const d of n.declarations) for (const id of boundNames(ts, d.name)) mutable.add(id.text);
    }
    ts.forEachChild(n, collect);
  };
  ts.forEachChild(body, collect);
  if (mutable.size === 0) return undefined;
  for (const helper of declared) {
    // (Not the helper's own name where it is declared.)
    const found = outerUses(ts, helper).refs.find((id) => id !== (helper as TS.FunctionDeclaration).name && mutable.has(id.text));
    if (found) return `function declaration over let or var ${found.text}`;
  }
  return undefined;
}

/** The checks of the lazy subset: the body (block-scoped names renamed apart) and the plan, or undefined. */
function prepare(g: GeneratorBodyContext, fn: FunctionLike, printed: boolean): { body: TS.Block; plan: Plan } | undefined {
  const written = writtenBody(g, fn, printed);
  if (!written) return undefined;
  // Block-scoped names are hoisted to the function: those that would collide are renamed first.
  const renamed = renameBlockScoped(g, fn, written);
  if (!renamed) {
    lastRejection = 'closure next to a renamed block-scoped name';
    return undefined;
  }
  const body = loopBindingsPerIteration(g, fn, renamed);
  const plan = check(g, fn, body);
  return plan && { body, plan };
}

export function buildLazy(g: GeneratorBodyContext, fn: FunctionLike, name: string | undefined): TS.Expression | undefined {
  const { ts } = g;
  const { factory } = g.ctx;
  const prepared = prepare(g, fn, !g.atRunTime);
  if (!prepared) return undefined;
  const { body, plan } = prepared;

  const nPrologue = prologueLength(ts, body.statements);
  const prologue = body.statements.slice(0, nPrologue);
  // (The functions declared in the body go before the copies' try: see Plan.functions.)
  const declaredFunctions = new Set<TS.Statement>(plan.functions);
  const statements = body.statements.slice(nPrologue).filter((st) => !declaredFunctions.has(st));

  const $k = sharedName(g, 'k');
  const $r = sharedName(g, 'r');
  const $rec = sharedName(g, 'rec');
  const $self = sharedName(g, 'self');
  const $e = sharedName(g, 'e');
  const $p = sharedName(g, 'p');
  const $home = sharedName(g, 'home');
  /** Set by the emitter when a copy reads `super` (the maker then declares `$home`). */
  let usesSuper = false;
  const $o = sharedName(g, 'o');
  const $f = sharedName(g, 'f');
  const $g = sharedName(g, 'g');
  /** Set when a while/for loop is entered again after its checkpoint's tick(): its test already passed. */
  const $s = sharedName(g, 's');
  /** Set when a while/for loop was left because the counter ran out (not by its test or its own `break`). */
  const $t = sharedName(g, 't');
  /**
   * Re-entry copy: set when a while, for or for-of loop resumed into reaches its test again with `$r` false
   * (the iteration resumed in has ended): the rest of the loop runs as the fast copy has it (rLoop).
   */
  const $x = sharedName(g, 'x');
  const pe = (name: string): TS.Expression => factory.createPropertyAccessExpression(g.pe, name);
  const num = (n: number): TS.Expression => factory.createNumericLiteral(n);
  const assign = (l: TS.Expression, r: TS.Expression): TS.Expression => factory.createAssignment(l, r);
  const paren = (e: TS.Expression): TS.Expression => factory.createParenthesizedExpression(e);
  const comma = (es: TS.Expression[]): TS.Expression => (es.length === 1 ? es[0]! : paren(factory.createCommaListExpression(es)));
  const localNames = [...plan.locals.keys()].map((n) => factory.createIdentifier(n));
  const captured: TS.Identifier[] = [...plan.params, ...localNames, ...plan.temps];

  const dualTemps = new Set<TS.Identifier>();
  /** The fast copy's code in the re-entry copy: the loops it continues as the fast copy has them (rLoop). */
  let fastInReentry: Emitter | undefined;
  /**
   * The body of one copy. `reentry` false: the fast copy (what runs when a function is called inside a
   * task). `reentry` true: the same code in dual mode, entered only to continue a captured frame.
   */
  const makeEmitter = (reentry: boolean, inReentryCopy = reentry): Emitter => {
    const usedTemps = dualTemps;
    // ---- the two copies ------------------------------------------------------------------------------------
    // `$r` is true while the copy is re-entered to continue a captured frame: a value evaluated before the
    // site is read from its spill, a part that ran before it is skipped, branch and loop tests steer towards
    // it, and at the site the inner frame is re-entered (which turns `$r` false). With `$r` false (every
    // ordinary call) each of these is one test of a local that is false.

    /** `false` as a test: cond() drops it (the fast copy has no resume mode). */
    const NEVER = factory.createFalse();
    const kIs = (k: number): TS.Expression => factory.createStrictEquality($k, num(k));
    const kIn = ([lo, hi]: Range): TS.Expression =>
      lo === hi ? kIs(lo) : paren(factory.createLogicalAnd(factory.createGreaterThanEquals($k, num(lo)), factory.createLessThanEquals($k, num(hi))));
    const notR = factory.createLogicalNot($r);
    const rangeOf = (n: TS.Node | undefined): Range | undefined => (n ? plan.range.get(n) : undefined);
    const cond = (test: TS.Expression, yes: TS.Expression, no: TS.Expression): TS.Expression =>
      test === NEVER ? no : paren(factory.createConditionalExpression(test, undefined, yes, undefined, no));
    /** `$r` in the re-entry copy; in the fast copy, a test that is never true. */
    const resuming = (): TS.Expression => (reentry ? $r : NEVER);
    /** True while resuming towards a site that is not inside `n` (so `n` ran already). */
    const resumingPast = (n: TS.Node): TS.Expression => {
      if (!reentry) return NEVER;
      const r = rangeOf(n);
      return r ? paren(factory.createLogicalAnd($r, factory.createLogicalNot(kIn(r)))) : $r;
    };
    /** `e`, or `instead` while resuming past it. */
    const skipped = (e: TS.Expression, instead: TS.Expression): TS.Expression => cond(resumingPast(e), instead, dual(e));

    /**
     * A checkpoint: pauses (captures) when the counter runs out; while resuming, the site it was. The fast
     * copy throws (any code may have called it); the re-entry copy is only ever called by the runtime's
     * resume loop, so it leaves its try by `break` and returns CAPTURE (a throw and a rethrow cost more
     * than the rest of a resume step together).
     */
    /** `{ $k = k; <leave> }`: records where the frame pauses and leaves (see checkpoint). */
    const pauseAt = (k: number): TS.Block => {
      const leave = inReentryCopy ? factory.createBreakStatement($p) : factory.createThrowStatement(factory.createCallExpression(pe('cap'), undefined, []));
      return factory.createBlock([factory.createExpressionStatement(assign($k, num(k))), leave]);
    };
    /** `pausing` as a checkpoint: in the re-entry copy, while resuming, the place where `$r` turns false if it was the site. */
    const checkpointWith = (k: number, pausing: TS.Statement): TS.Statement => {
      if (!reentry) return pausing;
      const reached = factory.createIfStatement(kIs(k), factory.createExpressionStatement(assign($r, factory.createFalse())));
      return factory.createIfStatement($r, factory.createBlock([reached], true), pausing);
    };
    const checkpoint = (k: number): TS.Statement => checkpointWith(k, factory.createIfStatement(counterRanOut(g), pauseAt(k)));

    /** At a site while resuming: `($r = false, $pe.reenter($rec[3]))` continues the frame it was calling. */
    const continueInner = (): TS.Expression =>
      paren(factory.createCommaListExpression([assign($r, factory.createFalse()), factory.createCallExpression(pe('reenter'), undefined, [factory.createElementAccessExpression($rec, num(3))])]));

    /** `a = x, b = y` for a declaration list (var without initializer: nothing; let/const: undefined). */
    const declarationsAsExpression = (list: TS.VariableDeclarationList, expr: (e: TS.Expression) => TS.Expression): TS.Expression | undefined => {
      const isVar = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
      const parts: TS.Expression[] = [];
      for (const d of list.declarations) {
        const name = assignmentTarget(d.name);
        // `({ a } = o)`: parenthesized, or a statement starting with it would be a block.
        if (d.initializer) parts.push(ts.isIdentifier(d.name) ? assign(name, expr(d.initializer)) : paren(assign(name, expr(d.initializer))));
        else if (!isVar) parts.push(assign(name, factory.createVoidZero()));
      }
      if (parts.length === 0) return undefined;
      return parts.length === 1 ? parts[0]! : factory.createCommaListExpression(parts);
    };

    /** A declaration's name as the target of an assignment: `{ a, b: [c = 1] }` is a pattern either way. */
    const assignmentTarget = (n: TS.BindingName): TS.Expression => {
      if (ts.isIdentifier(n)) return factory.createIdentifier(n.text);
      const withDefault = (target: TS.Expression, init: TS.Expression | undefined): TS.Expression => (init ? assign(target, plainExpr(init)) : target);
      if (ts.isArrayBindingPattern(n)) {
        return factory.createArrayLiteralExpression(
          n.elements.map((e) => {
            if (ts.isOmittedExpression(e)) return e;
            if (e.dotDotDotToken) return factory.createSpreadElement(assignmentTarget(e.name));
            return withDefault(assignmentTarget(e.name), e.initializer);
          }),
        );
      }
      // Not parenthesized: `({ a } = o)` is an assignment, `({ a }) = o` a syntax error.
      return factory.createObjectLiteralExpression(
          n.elements.map((e) => {
            if (e.dotDotDotToken) return factory.createSpreadAssignment(assignmentTarget(e.name));
            if (!e.propertyName) {
              const id = factory.createIdentifier((e.name as TS.Identifier).text);
              return factory.createShorthandPropertyAssignment(id, e.initializer && plainExpr(e.initializer));
            }
            const key = ts.isComputedPropertyName(e.propertyName)
              ? factory.createComputedPropertyName(plainExpr(e.propertyName.expression))
              : (ts.visitNode(e.propertyName, plainVisitor) as TS.PropertyName);
            return factory.createPropertyAssignment(key, withDefault(assignmentTarget(e.name), e.initializer));
          }),
      );
    };

    /** Code without resume points, as written, except that closures are the visitor's instrumented ones. */
    /** In the re-entry copy `arguments` is the recorded one (strict code: a plain object). */
    const argsRef = (n: TS.Node): TS.Expression | undefined =>
      inReentryCopy && plan.args && ts.isIdentifier(n) && n.text === 'arguments' ? plan.args : undefined;
    const plainExpr = (e: TS.Expression): TS.Expression => plainVisitor(e) as TS.Expression;
    const plainVisitor = (node: TS.Node): TS.Node => {
      const a = argsRef(node);
      if (a) return a;
      if (g.newTarget && ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword) return g.newTarget;
      if (isClosure(ts, node)) return withCopyLexical(g, g.visitedOf.get(node) ?? node);
      if ((ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
        return superGet(node);
      }
      // Names that are not references keep their text: `o.arguments`, `{ arguments: 1 }`.
      if (ts.isPropertyAccessExpression(node)) return factory.updatePropertyAccessExpression(node, plainVisitor(node.expression) as TS.Expression, node.name);
      if (ts.isPropertyAssignment(node) && !ts.isComputedPropertyName(node.name)) {
        return factory.updatePropertyAssignment(node, node.name, plainVisitor(node.initializer) as TS.Expression);
      }
      if (ts.isShorthandPropertyAssignment(node) && argsRef(node.name)) return factory.createPropertyAssignment('arguments', plan.args!);
      if (ts.isStatement(node)) return plainStmt(node);
      return ts.visitEachChild(node, plainVisitor, g.ctx);
    };
    /** `super.x` / `super[k]` of a class method: `$pe.superGet($home, "x", this)` (the copies are not methods). */
    const superGet = (access: TS.PropertyAccessExpression | TS.ElementAccessExpression): TS.Expression => {
      // An arrow's copies are arrows where it is: `super` there means what it means in the arrow.
      if (ts.isArrowFunction(fn)) return ts.isPropertyAccessExpression(access) ? access : factory.updateElementAccessExpression(access, access.expression, dual(access.argumentExpression));
      usesSuper = true;
      const key = ts.isPropertyAccessExpression(access) ? factory.createStringLiteral(access.name.text) : dual(access.argumentExpression);
      return factory.createCallExpression(pe('superGet'), undefined, [$home, key, factory.createThis()]);
    };
    /** A statement without resume points: declarations become assignments to the hoisted names. */
    const plainStmt = (s: TS.Statement): TS.Statement => {
      if (perIteration.has(s)) return s;
      const leaving = plan.exits.get(s);
      if (leaving) {
        if (ts.isReturnStatement(s) && s.expression) return returnClosing(plainExpr(s.expression), leaving);
        return factory.createBlock([...closing(leaving), s], true);
      }
      if (ts.isVariableStatement(s)) {
        const e = declarationsAsExpression(s.declarationList, plainExpr);
        return e ? factory.createExpressionStatement(e) : factory.createEmptyStatement();
      }
      return ts.visitEachChild(s, plainVisitor, g.ctx);
    };

    /** `close($i, $i = undefined)` for each loop left, innermost first (cleared first: see closeAfterThrow). */
    const closing = (loops: readonly TS.ForOfStatement[]): TS.Statement[] =>
      loops.map((l) => {
        const it = plan.forOf.get(l)!.it;
        return factory.createExpressionStatement(factory.createCallExpression(pe('close'), undefined, [it, assign(it, factory.createVoidZero())]));
      });
    /** `return e` out of for-of loops: e first, then the loops are closed, then the function returns. */
    const returnClosing = (value: TS.Expression, loops: readonly TS.ForOfStatement[]): TS.Statement =>
      factory.createBlock(
        [factory.createExpressionStatement(assign(plan.returnTemp!, value)), ...closing(loops), factory.createReturnStatement(plan.returnTemp!)],
        true,
      );

    const dual = (e: TS.Expression): TS.Expression => {
      const out = dualInner(e);
      const t = plan.spill.get(e);
      if (!t) return out;
      // A template substitution is converted to a string right after it is evaluated: spill the string.
      const value = plan.stringSpill.has(e)
        ? factory.createTemplateExpression(factory.createTemplateHead(''), [factory.createTemplateSpan(out, factory.createTemplateTail(''))])
        : out;
      return cond(resumingPast(e), t, paren(assign(t, value)));
    };

    const dualInner = (e: TS.Expression): TS.Expression => {
      if (!rangeOf(e)) return plainExpr(e);
      const S = ts.SyntaxKind;
      if (ts.isCallExpression(e)) {
        const k = plan.siteOf.get(e);
        const call = fastCall(e, k);
        return k === undefined || !reentry ? call : cond(factory.createLogicalAnd($r, kIs(k)), continueInner(), call);
      }
      if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
        return paren(dual(e.expression));
      }
      if (ts.isBinaryExpression(e)) {
        const op = e.operatorToken.kind;
        const right = dual(e.right);
        const dummy: Partial<Record<number, TS.Expression>> = {
          [S.AmpersandAmpersandToken]: factory.createTrue(),
          [S.BarBarToken]: factory.createFalse(),
          [S.QuestionQuestionToken]: factory.createNull(),
          [S.CommaToken]: factory.createVoidZero(),
        };
        const logical: Partial<Record<number, number>> = {
          [S.BarBarEqualsToken]: S.BarBarToken,
          [S.AmpersandAmpersandEqualsToken]: S.AmpersandAmpersandToken,
          [S.QuestionQuestionEqualsToken]: S.QuestionQuestionToken,
        };
        if (dummy[op] && rangeOf(e.right)) return paren(factory.createBinaryExpression(skipped(e.left, dummy[op]!), op, right));
        if (op === S.EqualsToken) return paren(assign(dualTarget(e.left), right));
        const l = logical[op];
        if (l !== undefined) {
          // `x ||= r` is `x || (x = r)` for a name: while resuming, the left side already chose the right.
          return paren(factory.createBinaryExpression(skipped(e.left, dummy[l]!), l, paren(assign(e.left, right))));
        }
        const old = plan.oldValue.get(e);
        if (old) {
          // x op= r  ->  x = (old = x) op r;   o.p op= r  ->  (t = o).p = (old = t.p) op r
          // (the same order as the original: the base, the old value, then r, then the store).
          let target = e.left;
          let read = e.left;
          if (ts.isPropertyAccessExpression(e.left)) {
            target = factory.createPropertyAccessExpression(paren(dual(e.left.expression)), e.left.name);
            read = factory.createPropertyAccessExpression(plan.spill.get(e.left.expression)!, e.left.name);
          }
          return paren(assign(target, factory.createBinaryExpression(cond(resuming(), old, paren(assign(old, read))), COMPOUND[op]!, right)));
        }
        return paren(factory.createBinaryExpression(dual(e.left), op, right));
      }
      if (ts.isConditionalExpression(e)) {
        const toTrue = rangeOf(e.whenTrue) ? kIn(rangeOf(e.whenTrue)!) : factory.createFalse();
        const test = cond(resumingPast(e.condition), toTrue, dual(e.condition));
        return cond(test, dual(e.whenTrue), dual(e.whenFalse));
      }
      if (ts.isPrefixUnaryExpression(e)) return factory.createPrefixUnaryExpression(e.operator, paren(dual(e.operand)));
      if (ts.isTypeOfExpression(e)) return factory.createTypeOfExpression(paren(dual(e.expression)));
      if (ts.isVoidExpression(e)) return factory.createVoidExpression(paren(dual(e.expression)));
      if (ts.isPropertyAccessExpression(e)) return factory.createPropertyAccessExpression(paren(dual(e.expression)), e.name);
      if (ts.isElementAccessExpression(e)) return factory.createElementAccessExpression(paren(dual(e.expression)), dual(e.argumentExpression));
      if (ts.isTemplateExpression(e)) {
        return factory.createTemplateExpression(e.head, e.templateSpans.map((span) => factory.createTemplateSpan(dual(span.expression), span.literal)));
      }
      if (ts.isArrayLiteralExpression(e)) return factory.createArrayLiteralExpression(e.elements.map((x) => (ts.isOmittedExpression(x) ? x : dual(x))));
      if (ts.isObjectLiteralExpression(e)) {
        return factory.createObjectLiteralExpression(
          e.properties.map((p) => {
            if (ts.isPropertyAssignment(p)) return factory.createPropertyAssignment(p.name, dual(p.initializer));
            if (ts.isShorthandPropertyAssignment(p) && plan.spill.has(p.name)) return factory.createPropertyAssignment(p.name, dual(p.name));
            return ts.visitEachChild(p, plainVisitor, g.ctx);
          }),
        );
      }
      if (ts.isNewExpression(e)) {
        const k = plan.siteOf.get(e);
        if (k === undefined) return construct(e);
        const made = newAt(e, k);
        return reentry ? cond(factory.createLogicalAnd($r, kIs(k)), continueInner(), made) : made;
      }
      throw new Error(`internal error: no dual form for ${ts.SyntaxKind[e.kind]}`);
    };

    /** `$a0 = a0, $a1 = a1, ...` for a call's or `new`'s arguments, each kept from its spill while resuming past it. */
    const spilledArgs = (args: readonly TS.Expression[], spill: CallSpill): TS.Expression[] =>
      args.map((a, i) => assign(spill.args[i]!, cond(resumingPast(a), spill.args[i]!, dual(a))));

    /**
     * `new C(a, <site>)`: the constructor and every argument go to spills, then `$pe.construct(C, "C", [..])`
     * (the constructor itself runs plainly; the helper reports `C is not a constructor` in the engine's words).
     */
    const construct = (e: TS.NewExpression): TS.Expression => {
      const spill = plan.callSpill.get(e)!;
      const steps = [assign(spill.fn, cond(resumingPast(e.expression), spill.fn, dual(e.expression))), ...spilledArgs(e.arguments!, spill)];
      const made = factory.createCallExpression(pe('construct'), undefined, [
        spill.fn,
        factory.createStringLiteral(calleeText(ts, e.expression)),
        factory.createArrayLiteralExpression(spill.args),
      ]);
      return comma([...steps, made]);
    };

    /**
     * A `new` site (analyze.ts isNewSite): `((C?.[SPLIT] ?? C?.[FAST]) === undefined ? new C(a) : ($k = K, $pe.newSite(C, "C",
     * [a])))` (runtime constructors.ts: only a class with a split constructor goes through the runtime); with a
     * site among the arguments, C and the arguments are spilled first, as in construct().
     */
    const newAt = (e: TS.NewExpression, k: number): TS.Expression => {
      const spill = plan.callSpill.get(e);
      const written = e.arguments ?? [];
      // `new ns.C()`, or a name that may be a global with a getter: read once, into $f (no site among the
      // arguments, or they would be spilled).
      const member = !spill && !(ts.isIdentifier(e.expression) && g.policy.declared.has(e.expression.text));
      if (member) usedTemps.add($f);
      const steps = spill ? [assign(spill.fn, cond(resumingPast(e.expression), spill.fn, dual(e.expression))), ...spilledArgs(written, spill)] : member ? [assign($f, plainExpr(e.expression))] : [];
      // A name is written twice (one runs): reading it again changes nothing.
      const callee = (): TS.Expression => (spill ? spill.fn : member ? $f : plainExpr(e.expression));
      const args = (): TS.Expression[] => (spill ? spill.args : written.map(dual));
      const site = comma([assign($k, num(k)), newSiteCall(g, callee(), e, args())]);
      // Arguments that make functions are written once (makesFunction): through newSite, which also makes
      // an ordinary object plainly.
      if (!spill && written.some((a) => makesFunction(ts, a))) return comma([...steps, site]);
      return comma([...steps, cond(isPlainNew(g, callee()), plainNew(g, callee(), e, args()), site)]);
    };

    /** Left side of `target = <site>`: the object (and key) evaluated before the site are spilled. */
    const dualTarget = (left: TS.Expression): TS.Expression => {
      const l = skipOuter(ts, left);
      if (ts.isPropertyAccessExpression(l) && plan.spill.has(l.expression)) return factory.createPropertyAccessExpression(paren(dual(l.expression)), l.name);
      if (ts.isElementAccessExpression(l) && plan.spill.has(l.expression)) {
        return factory.createElementAccessExpression(paren(dual(l.expression)), dual(l.argumentExpression));
      }
      return left;
    };

    const callableRef = (fnTemp: TS.Identifier, callee: TS.Expression): TS.Expression => callableOr(g, fnTemp, callee);
    const invoke = (fn: TS.Expression, thisArg: TS.Expression | undefined, args: readonly TS.Expression[]): TS.Expression =>
      invokeAs(g, fn, thisArg, args);

    /**
     * A call: to the callee's fast copy when it has one (sites), with `$k` set just before. With a site in
     * its arguments, the callee and every argument go to spills first (skipped while resuming past them).
     */
    const fastCall = (call: TS.CallExpression, k: number | undefined): TS.Expression => {
      // (For a source map of copies made at run time, each call written for it has its place: a stack frame
      // stopped there maps to the call, not to its last argument, which is written before the call itself.)
      const invoke = (fn: TS.Expression, thisArg: TS.Expression | undefined, args: readonly TS.Expression[]): TS.Expression =>
        g.positions ? ts.setTextRange(invokeAs(g, fn, thisArg, args), call) : invokeAs(g, fn, thisArg, args);
      const spill = plan.callSpill.get(call);
      const bare = skipOuter(ts, call.expression);
      const pre: TS.Expression[] = [];
      let fnRef: TS.Expression;
      let thisArg: TS.Expression | undefined;
      let plainRef: TS.Expression;
      const fnTemp = spill?.fn ?? $f;
      const selfTemp = spill?.self ?? $o;
      if (ts.isIdentifier(bare) && g.policy.declared.has(bare.text) && !spill) {
        fnRef = bare;
        plainRef = bare;
      } else if ((ts.isPropertyAccessExpression(bare) || ts.isElementAccessExpression(bare)) && bare.expression.kind === ts.SyntaxKind.SuperKeyword) {
        // `super.m(...)`: the method found from the home object, called with this.
        pre.push(assign(fnTemp, superGet(bare)));
        fnRef = fnTemp;
        thisArg = factory.createThis();
        plainRef = callableRef(fnTemp, bare);
      } else if ((ts.isPropertyAccessExpression(bare) || ts.isElementAccessExpression(bare)) && !ts.isOptionalChain(bare)) {
        pre.push(assign(selfTemp, dual(bare.expression)));
        const member = ts.isPropertyAccessExpression(bare)
          ? factory.createPropertyAccessExpression(selfTemp, bare.name)
          : factory.createElementAccessExpression(selfTemp, dual(bare.argumentExpression));
        pre.push(assign(fnTemp, member));
        fnRef = fnTemp;
        thisArg = selfTemp;
        plainRef = callableRef(fnTemp, bare);
      } else {
        pre.push(assign(fnTemp, dual(bare)));
        fnRef = fnTemp;
        plainRef = callableRef(fnTemp, call.expression);
      }
      const fixed = k !== undefined && ts.isIdentifier(bare) ? g.fixedFast(bare.text, call) : undefined;
      if (fixed) {
        // A fixed top-level function: its fast entry (or itself), taken at load; nothing to look up.
        const direct = spill ? [...spilledArgs(call.arguments, spill), assign($k, num(k!)), invoke(fixed, undefined, spill.args)] : [assign($k, num(k!)), invoke(fixed, undefined, call.arguments.map(dual))];
        return comma(direct);
      }
      for (const t of [$f, $o]) if (fnRef === t || thisArg === t) usedTemps.add(t);
      let steps: TS.Expression[];
      let args: readonly TS.Expression[];
      if (spill) {
        steps = [cond(resumingPast(call.expression), factory.createVoidZero(), comma(pre)), ...spilledArgs(call.arguments, spill)];
        args = spill.args;
      } else {
        steps = pre;
        args = call.arguments.map(dual);
      }
      if (k === undefined) return comma([...steps, invoke(plainRef, thisArg, args)]); // e.g. Math.max(a, f())
      usedTemps.add($g);
      const priv = ts.isPropertyAccessExpression(bare) && ts.isPrivateIdentifier(bare.name) ? g.privateFast(bare.name.text, call, true) : undefined;
      // A private method of this class gets its versions at its first call from here (attachPrivate).
      const attach = priv && factory.createCallExpression(pe('attachPrivate'), undefined, [fnRef, priv]);
      // Two call sites, one per kind of callee: one site seeing both fast copies and plain functions (one
      // call of the chosen function) made method-heavy code 11-15% slower (more polymorphic targets). But
      // arguments that make functions are written once (makesFunction), so such a call picks the function.
      if (!spill && call.arguments.some((a) => makesFunction(ts, a))) {
        const test = paren(factory.createCommaListExpression([assign($k, num(k)), ownVersion(g, fnRef, $g, 'FAST', attach)]));
        // A bare name is checked too: the engine would name the conditional, not it, in "f is not a function".
        const plainChecked = plainRef === bare ? callableOr(g, bare, call.expression) : plainRef;
        return comma([...steps, invoke(paren(factory.createConditionalExpression(test, undefined, $g, undefined, plainChecked)), thisArg, args)]);
      }
      // `typeof f === "function" ? (<own fast copy> ? $g(...) : f(...)) : <plain call, which throws>`: the test
      // of the callee's kind first, on its own, and each call's target one value. Either one folded into the
      // other (`typeof f === "function" && ($g = f[FAST]) && ...`, or `f?.[FAST]`, or `callable(f)` as the
      // target of the call a builtin takes) kept V8 from inlining `stack.push(x)` through Reflect.apply: a
      // depth-first walk ran 1.9x plain, 1.3x in this form (bench/experiments/site-forms.mjs).
      const isFunction = factory.createStrictEquality(factory.createTypeOfExpression(fnRef), factory.createStringLiteral('function'));
      const own = ownVersion(g, fnRef, $g, 'FAST', attach, false);
      const called = cond(own, invoke($g, thisArg, args), invoke(fnRef, thisArg, args));
      return comma([...steps, cond(comma([assign($k, num(k)), isFunction]), called, invoke(plainRef, thisArg, args))]);
    };

    /** A declaration list as assignments; those before the site are skipped while resuming. */
    const dualDeclarations = (list: TS.VariableDeclarationList): TS.Expression | undefined => {
      const isVar = (list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0;
      const parts: TS.Expression[] = [];
      for (const d of list.declarations) {
        const name = assignmentTarget(d.name);
        if (!d.initializer && isVar) continue;
        const value = d.initializer ? dual(d.initializer) : factory.createVoidZero();
        const assigned = ts.isIdentifier(d.name) ? assign(name, value) : paren(assign(name, value));
        parts.push(cond(resumingPast(d.initializer ?? d), factory.createVoidZero(), assigned));
      }
      if (parts.length === 0) return undefined;
      return parts.length === 1 ? parts[0]! : factory.createCommaListExpression(parts);
    };

    /** Statement in dual mode. */
    const rStmt = (s: TS.Statement): TS.Statement[] => {
      if (perIteration.has(s)) return [s]; // (in the re-entry copy too: run whenever the body is entered)
      const r = rangeOf(s);
      if (!r) return reentry ? [factory.createIfStatement(notR, braced(plainStmt(s)))] : [plainStmt(s)];
      const guarded = (inner: TS.Statement): TS.Statement[] =>
        reentry ? [factory.createIfStatement(factory.createLogicalOr(notR, kIn(r)), braced(inner))] : [inner];
      if (ts.isVariableStatement(s)) return guarded(factory.createExpressionStatement(dualDeclarations(s.declarationList)!));
      if (ts.isExpressionStatement(s)) return guarded(factory.createExpressionStatement(dual(s.expression)));
      if (ts.isReturnStatement(s)) {
        const leaving = plan.exits.get(s);
        return guarded(leaving ? returnClosing(dual(s.expression!), leaving) : factory.createReturnStatement(dual(s.expression!)));
      }
      if (ts.isThrowStatement(s)) return guarded(factory.createThrowStatement(dual(s.expression)));
      if (ts.isBlock(s)) return guarded(factory.createBlock(rList(s.statements), true));
      // Labels stay directly on their loop (`continue L` needs that); the guard goes outside.
      if (ts.isLabeledStatement(s)) return guarded(labeled(s));
      if (ts.isIfStatement(s)) {
        const toThen = rangeOf(s.thenStatement) ? kIn(rangeOf(s.thenStatement)!) : factory.createFalse();
        const test = cond(resumingPast(s.expression), toThen, dual(s.expression));
        return guarded(factory.createIfStatement(test, braced(single(rStmt(s.thenStatement))), s.elseStatement && single(rStmt(s.elseStatement))));
      }
      if (isLoop(ts, s)) return guarded(rLoop(s));
      if (ts.isSwitchStatement(s)) return guarded(rSwitch(s));
      throw new Error(`internal error: no dual form for ${ts.SyntaxKind[s.kind]}`);
    };

    /** `L1: L2: stmt`; a loop gets its labels itself (they stay directly on the loop: `continue L` needs that). */
    const labeled = (s: TS.LabeledStatement, outer: readonly TS.Identifier[] = []): TS.Statement => {
      const labels = [...outer, s.label];
      const inner = s.statement;
      if (isLoop(ts, inner)) return rLoop(inner, labels);
      if (ts.isLabeledStatement(inner)) return labeled(inner, labels);
      return withLabels(labels, single(rStmt(inner)));
    };
    const withLabels = (labels: readonly TS.Identifier[], stmt: TS.Statement): TS.Statement =>
      labels.reduceRight<TS.Statement>((st, label) => factory.createLabeledStatement(label, st), stmt);

    const single = (stmts: TS.Statement[]): TS.Statement => (stmts.length === 1 ? stmts[0]! : factory.createBlock(stmts, true));
    /** Generated ifs are nested freely: braces keep an `else` with the `if` it was made for. */
    const braced = (stmt: TS.Statement): TS.Statement => (ts.isBlock(stmt) ? stmt : factory.createBlock([stmt], true));

    /** Consecutive statements without resume points share one `if (!$r) { ... }`. */
    const rList = (stmts: readonly TS.Statement[]): TS.Statement[] => {
      const out: TS.Statement[] = [];
      let plain: TS.Statement[] = [];
      const flush = (): void => {
        if (plain.length > 0) out.push(...(reentry ? [factory.createIfStatement(notR, braced(single(plain)))] : plain));
        plain = [];
      };
      for (const s of stmts) {
        if (rangeOf(s) || perIteration.has(s)) {
          flush();
          out.push(...rStmt(s));
        } else {
          plain.push(plainStmt(s));
        }
      }
      flush();
      return out;
    };

    /**
     * While resuming into a clause, the discriminant is `$rec` (an object no case test can equal by accident)
     * and only that clause's test is `$rec`: the others read as undefined, their written tests do not run.
     */
    const rSwitch = (sw: TS.SwitchStatement): TS.Statement => {
      const disc = cond(resumingPast(sw.expression), $rec, dual(sw.expression));
      const clauses = sw.caseBlock.clauses.map((c) => {
        const stmts = rList(c.statements);
        if (ts.isDefaultClause(c)) return factory.createDefaultClause(stmts);
        const range = rangeOf(c);
        const resumingTest = range ? cond(kIn(range), $rec, factory.createVoidZero()) : factory.createVoidZero();
        return factory.createCaseClause(cond(resuming(), resumingTest, plainExpr(c.expression)), stmts);
      });
      return factory.createSwitchStatement(disc, factory.createCaseBlock(clauses));
    };

    /** A loop's test; while resuming past it, true (the site is further in). */
    const loopTest = (c: TS.Expression): TS.Expression => cond(resumingPast(c), factory.createTrue(), dual(c));
    /** A `for` loop's initializer; while resuming past it, nothing. */
    const loopInit = (loop: TS.ForStatement): TS.Expression | undefined => {
      const i = loop.initializer;
      if (!i) return undefined;
      return ts.isVariableDeclarationList(i) ? dualDeclarations(i) : cond(resumingPast(i), factory.createVoidZero(), dual(i));
    };

    /**
     * A `while` or `for` loop's checkpoint calls nothing: the counter running out leaves the loop by `break`
     * with `$t` set, tick() runs after it, and the loop is entered again past its test (`$s`: the test already
     * passed for this iteration). Once a call in a loop has run (tick() does, every few microseconds of a
     * finite slice), V8 compiles the loop several times slower, although the call is only reached when the
     * counter runs out: the numeric kernel ran ~2x plain with `if (--rt.c < 0 && tick())` in its loop, and
     * also with an earlier form that threw to a catch around the loop; ~1.1x with this one. Loops that call
     * gain too (interpreter, strings, Map/Set, tree kernels; bench/README.md).
     *   for (;;) { $t = false; L: while ($s ? ($s = false, true) : test) { if (--rt.c < 0) { $t = true; break; } ... }
     *              if (!$t) break; if ($pe.tick()) { $k = K; throw $pe.cap(); } $s = true; }
     * The loop's own `break` leaves with `$t` false, `continue` stays in it, and its labels stay on it. In the
     * re-entry copy the checkpoint is also where resuming passes (`if ($r) { if ($k === K) $r = false; } else
     * if (...)`) and a pause leaves by `break $p` (pauseAt): the slices of a long loop run there, after its
     * first pause.
     */
    const breakingLoop = (loop: TS.WhileStatement | TS.ForStatement, k: number, inner: readonly TS.Statement[], labels: readonly TS.Identifier[], how: LoopForm = AS_WRITTEN): TS.Statement[] => {
      usedTemps.add($s);
      usedTemps.add($t);
      const leave = factory.createBlock([factory.createExpressionStatement(assign($t, factory.createTrue())), factory.createBreakStatement()]);
      const body = factory.createBlock([checkpointWith(k, factory.createIfStatement(counterExpired(g), leave)), ...rList(inner)], true);
      const passed = paren(factory.createCommaListExpression([assign($s, factory.createFalse()), factory.createTrue()]));
      // (toFast: at the test with `$r` false, the loop is left with `$x` set. Only loops with a test: rLoop.)
      const leaveToFast = comma([assign($x, factory.createTrue()), factory.createFalse()]);
      const test = (c: TS.Expression): TS.Expression => (how.toFast ? cond($r, loopTest(c), leaveToFast) : loopTest(c));
      const skipTest = (c: TS.Expression | undefined): TS.Expression | undefined => c && cond($s, passed, test(c));
      const before: TS.Statement[] = [];
      const hasTest = !ts.isForStatement(loop) || loop.condition !== undefined;
      let looped: TS.Statement;
      if (ts.isForStatement(loop)) {
        const init = how.init ? loopInit(loop) : undefined;
        if (init) before.push(factory.createExpressionStatement(init));
        looped = factory.createForStatement(undefined, skipTest(loop.condition), loop.incrementor && dual(loop.incrementor), body);
      } else {
        looped = factory.createWhileStatement(skipTest(loop.expression)!, body);
      }
      const again = factory.createBlock([
        factory.createExpressionStatement(assign($t, factory.createFalse())),
        withLabels(labels, looped),
        factory.createIfStatement(factory.createLogicalNot($t), factory.createBreakStatement()),
        factory.createIfStatement(factory.createCallExpression(pe('tick'), undefined, []), pauseAt(k)),
        // A loop without a test (`for (;;)`) has none to skip, and a `$s` left set would skip the next one's.
        ...(hasTest ? [factory.createExpressionStatement(assign($s, factory.createTrue()))] : []),
      ], true);
      return [...before, factory.createForStatement(undefined, undefined, undefined, again)];
    };

    /**
     * In the re-entry copy, a while, for or for-of loop resumed into runs in dual mode only until the
     * iteration it was resumed in ends: at its test (for-of: before its step) with `$r` false it is left
     * (`$x`) and the rest of it runs as the fast copy has it, past the initializer. (In dual mode every later
     * slice of a long loop ran with a test of `$r` at each statement and site, in a function too big for V8
     * to inline the loop's callees: the OOP kernel's loop ran ~1.4x slower in 1 ms slices than without
     * pauses.) A loop reached with `$r` false is the fast copy's from the start. Not a loop without a test
     * (`for (;;)`: so converted, the interpreter kernel's ran ~20% slower in slices) nor do-while.
     *   if ($r) { <dual loop, left at its test with $x set>; if ($x) { $x = false; <fast loop, no init> } }
     *   else { <fast loop> }
     */
    const rLoop = (loop: TS.IterationStatement, labels: readonly TS.Identifier[] = [], how = AS_WRITTEN): TS.Statement => {
      const inner = ts.isBlock(loop.statement) ? loop.statement.statements : [loop.statement];
      const breaking = ts.isWhileStatement(loop) || ts.isForStatement(loop);
      const k = plan.loopMarker.get(loop)!;
      const emitted = (h: LoopForm): TS.Statement =>
        breaking ? single(breakingLoop(loop, k, inner, labels, h)) : withLabels(labels, rOtherLoop(loop, inner, h));
      const hasTest = !ts.isForStatement(loop) || loop.condition !== undefined;
      const handsOver = reentry && (ts.isForOfStatement(loop) || (breaking && hasTest));
      if (!handsOver) return emitted(how);
      usedTemps.add($x);
      const fast = (fastInReentry ??= makeEmitter(false, true)).loop;
      const resumed = [
        emitted({ init: true, toFast: true }),
        factory.createIfStatement($x, factory.createBlock([factory.createExpressionStatement(assign($x, factory.createFalse())), fast(loop, labels, { init: false, toFast: false })], true)),
      ];
      return factory.createIfStatement($r, factory.createBlock(resumed, true), braced(fast(loop, labels)));
    };

    /** do-while and for-of loops: the checkpoint (which calls tick()) first in the body. */
    const rOtherLoop = (loop: TS.IterationStatement, inner: readonly TS.Statement[], how = AS_WRITTEN): TS.Statement => {
      const body = factory.createBlock([checkpoint(plan.loopMarker.get(loop)!), ...rList(inner)], true);
      if (ts.isForOfStatement(loop)) {
        // for ($i = iter(E, text), $n = start($i);
        //      $n >= 0 ? ($n < $i.length ? ($v = $i[$n++], true) : ($i = undefined, false)) : ($v = step($i)) !== DONE || ($i = undefined); )
        //   { <checkpoint>; x = $v; ... }                   (runtime/iteration.ts: arrays by index, else a record)
        const { it, index, value } = plan.forOf.get(loop)!;
        const head = loop.initializer;
        const target = ts.isVariableDeclarationList(head) ? assignmentTarget(head.declarations[0]!.name) : (head as TS.Identifier);
        const opened = comma([
          assign(it, factory.createCallExpression(pe('iter'), undefined, [dual(loop.expression), factory.createStringLiteral(iterableText(ts, loop.expression))])),
          assign(index, factory.createCallExpression(pe('start'), undefined, [it])),
        ]);
        const init = how.init ? cond(resumingPast(loop.expression), factory.createVoidZero(), opened) : undefined;
        const nextElement = comma([assign(value, factory.createElementAccessExpression(it, factory.createPostfixIncrement(index))), factory.createTrue()]);
        const ended = comma([assign(it, factory.createVoidZero()), factory.createFalse()]);
        const byIndex = cond(factory.createLessThan(index, factory.createPropertyAccessExpression(it, 'length')), nextElement, ended);
        const stepK = plan.stepSite.get(loop)!;
        const stepTo = (next: TS.Expression): TS.Expression =>
          factory.createLogicalOr(factory.createStrictInequality(paren(assign(value, next)), pe('DONE')), paren(assign(it, factory.createVoidZero())));
        // `$k` first: a pause inside the iterator's next() records this step as the frame's site.
        const byRecord = stepTo(comma([assign($k, num(stepK)), factory.createCallExpression(pe('step'), undefined, [it])]));
        const stepped = cond(factory.createGreaterThanEquals(index, num(0)), byIndex, byRecord);
        // Resuming at the step: the step's own frame (runtime/iteration.ts) gives the value, or DONE.
        // (toFast: at the step with `$r` false, the loop is left with `$x` set, before stepping.)
        const past = how.toFast ? comma([assign($x, factory.createTrue()), factory.createFalse()]) : stepped;
        const test = reentry ? cond(factory.createLogicalAnd($r, kIs(stepK)), stepTo(continueInner()), cond(resuming(), factory.createTrue(), past)) : stepped;
        const bind = factory.createExpressionStatement(paren(assign(target, value)));
        const forOfBody = factory.createBlock(
          [checkpoint(plan.loopMarker.get(loop)!), reentry ? factory.createIfStatement(notR, bind) : bind, ...rList(inner)],
          true,
        );
        return factory.createForStatement(init, test, undefined, forOfBody);
      }
      const d = loop as TS.DoStatement;
      return factory.createDoStatement(body, dual(d.expression));
    };

    // The re-entry copy is only ever called to resume ($r is true at its entry): its entry checkpoint is
    // just the resume test. (Keeping the never-run pausing branch there kept V8 from ever optimizing the
    // copy: measured on a hand-written one, interpreted after 10^6 calls, 1-2 us per call vs 0.5.)
    const body = (): TS.Block => {
      const entry = reentry ? factory.createIfStatement(kIs(ENTRY), factory.createExpressionStatement(assign($r, factory.createFalse()))) : checkpoint(ENTRY);
      return factory.createBlock([entry, ...rList(statements)], true);
    };
    return { body, loop: rLoop };
  };
  const emitBody = (reentry: boolean): TS.Block => makeEmitter(reentry).body();

  // ---- assemble -------------------------------------------------------------------------------------
  //   (() => {
  //     const $self = function (params) {                    // re-entry copy
  //       let <locals>, $k = 0, $r = false, $rec = rt.re;
  //       if ($rec !== null) { rt.re = null; $r = true; $k = $rec[2]; <locals> = $rec[4...]; }
  //       $p: try { <checkpoint 1>; <body in dual mode>; return; } catch ($e) { <record> }
  //       rt.cap = [$self, this, $k, null, ...];  return CAPTURE;   // its own checkpoints `break $p`
  //     };
  //     return function (params) {                           // fast copy
  //       let <locals>, $k = 0;
  //       try { <checkpoint 1>; <body> } catch ($e) { <record> }
  //     };
  //   })()
  // <record>: if ($e === CAPTURE) rt.cap = [$self, this, $k, rt.cap, <params, locals, spills>]; throw $e;

  const part = g.lazyPart;
  const fastTry = part === 'reentry' ? undefined : emitBody(false);
  const dualTry = part === 'fast' ? undefined : emitBody(true);
  const reEntry = factory.createPropertyAccessExpression(g.hot('rt'), 're');
  const restore = factory.createIfStatement(
    factory.createStrictInequality($rec, factory.createNull()),
    factory.createBlock(
      [
        factory.createExpressionStatement(assign(reEntry, factory.createNull())),
        factory.createExpressionStatement(assign($r, factory.createTrue())),
        factory.createExpressionStatement(assign($k, factory.createElementAccessExpression($rec, num(2)))),
        ...captured.flatMap((id, i) => {
          if (plan.dead.has(id.text)) return [];
          const saved = factory.createElementAccessExpression($rec, num(4 + i));
          const value = plan.numeric.has(id.text) ? factory.createPrefixUnaryExpression(ts.SyntaxKind.PlusToken, saved) : saved;
          const restored = factory.createExpressionStatement(assign(id, value));
          // A function declared in the body: the frame's own, but at the entry (nothing ran there, and its
          // functions read bindings the frame has not set yet).
          return plan.locals.get(id.text) === 'function' ? factory.createIfStatement(factory.createStrictInequality($k, num(ENTRY)), restored) : restored;
        }),
        ...(plan.args ? [factory.createExpressionStatement(assign(plan.args, factory.createElementAccessExpression($rec, num(4 + captured.length))))] : []),
      ],
      true,
    ),
  );
  // Only the dispatch temporaries the body used: every local makes each frame bigger (recursion depth).
  const dispatchTemps = [$o, $f, $g, $s, $t, $x].filter((t) => dualTemps.has(t));
  // A numeric local starts as 0, not undefined: hoisted, it would otherwise hold undefined until its
  // declaration runs, and a float loop over a variable that may be undefined keeps it boxed (a heap number
  // per iteration: the numeric kernel ran 1.4-2x plain in TO_COMPLETION for that alone). Unobservable: such
  // a local is only read after its declaration, which gives it a Number (numeric-locals.ts).
  const hoisted = (n: TS.Identifier): TS.VariableDeclaration =>
    factory.createVariableDeclaration(n, undefined, undefined, plan.numeric.has(n.text) ? num(0) : undefined);
  const declarations = (reentry: boolean): TS.Statement =>
    factory.createVariableStatement(
      undefined,
      factory.createVariableDeclarationList(
        [
          ...localNames.filter((n) => plan.locals.get(n.text) !== 'function').map(hoisted),
          ...[...plan.temps, ...dispatchTemps.filter((t) => reentry || t !== $x), ...(reentry && plan.args ? [plan.args] : [])].map((n) => factory.createVariableDeclaration(n)),
          factory.createVariableDeclaration($k, undefined, undefined, num(0)),
          ...(reentry
            ? [factory.createVariableDeclaration($r, undefined, undefined, factory.createFalse()), factory.createVariableDeclaration($rec, undefined, undefined, reEntry)]
            : []),
        ],
        ts.NodeFlags.Let,
      ),
    );
  // The fast copy records its own `arguments`; the re-entry copy, the one it was given. `inner` is the frame
  // recorded just before (rt.cap), or null where this frame paused itself.
  const record = (reentry: boolean, inner: TS.Expression = factory.createPropertyAccessExpression(g.hot('rt'), 'cap')): TS.Expression =>
    factory.createArrayLiteralExpression([
      $self,
      factory.createThis(),
      $k,
      inner,
      ...captured.map((id) => (plan.dead.has(id.text) ? factory.createVoidZero() : id)),
      ...(plan.args ? [reentry ? plan.args : factory.createIdentifier('arguments')] : []),
    ]);
  // An exception (not a capture) leaving the function closes the for-of loops it leaves, innermost first.
  const openLoops = [...plan.forOf.values()].sort((a, b) => b.depth - a.depth);
  const closeAfterThrow = openLoops.map(({ it }) => factory.createExpressionStatement(factory.createCallExpression(pe('closeAfterThrow'), undefined, [it])));
  const catchClause = (reentry: boolean): TS.CatchClause =>
    factory.createCatchClause(
      $e,
      factory.createBlock([
        factory.createIfStatement(
          factory.createStrictEquality($e, pe('CAPTURE')),
          factory.createExpressionStatement(assign(factory.createPropertyAccessExpression(g.hot('rt'), 'cap'), record(reentry))),
          closeAfterThrow.length > 0 ? factory.createBlock(closeAfterThrow, true) : undefined,
        ),
        factory.createThrowStatement($e),
      ]),
    );
  // The re-entry copy's own checkpoints `break $p` out of the try: falling off the end of the body still
  // returns undefined; after the try the frame records itself and returns CAPTURE to the resume loop.
  const dualBody = (): TS.Block => factory.createBlock([...dualTry!.statements, factory.createReturnStatement()], true);
  const selfPause = [
    factory.createExpressionStatement(assign(factory.createPropertyAccessExpression(g.hot('rt'), 'cap'), record(true, factory.createNull()))),
    factory.createReturnStatement(pe('CAPTURE')),
  ];
  const fnBody = (reentry: boolean): TS.Block => {
    const block = factory.createBlock(
      reentry
        ? [...prologue, declarations(true), ...plan.functions, restore, factory.createLabeledStatement($p, factory.createTryStatement(dualBody(), catchClause(true), undefined)), ...selfPause]
        : [...prologue, declarations(false), ...plan.functions, factory.createTryStatement(fastTry!, catchClause(false), undefined)],
      true,
    );
    printOnOneLine(ts, block);
    return block;
  };

  /** Named like the original in stack traces, without a binding inside: `({ "f": function () {} })["f"]`. */
  const named = (f: TS.Expression): TS.Expression => (name ? namedByKey(factory, f, name) : f);
  // The re-entry copy is called with no arguments (its locals come from the record): plain parameters, no
  // defaults to evaluate (`n = list.length` would throw there).
  const reentryParams = plan.params.map((p) => factory.createParameterDeclaration(undefined, undefined, p));
  // Made at run time, a copy is called as soon as it is made: parenthesized, V8 compiles it with its maker
  // (a `(function` is taken as called at once), inside the time the overrun guard does not charge (clock.ts
  // uncharged), instead of at that first call (~3 ms for a 100 KB function's copy, ~20 ms for its re-entry copy).
  const copy = (reentry: boolean): TS.Expression => {
    const params = reentry ? reentryParams : fn.parameters;
    const made = ts.isArrowFunction(fn)
      ? factory.createArrowFunction(undefined, undefined, params, undefined, undefined, fnBody(reentry))
      : factory.createFunctionExpression(undefined, undefined, undefined, undefined, params, undefined, fnBody(reentry));
    return named(g.atRunTime ? factory.createParenthesizedExpression(made) : made);
  };
  // The maker runs in the class's static block (an arrow: `this` is the class): the home object of a static
  // method is the class, of any other method its prototype.
  const homeDeclaration = (): TS.Statement => {
    const isStatic = (ts.getCombinedModifierFlags(fn as TS.Declaration) & ts.ModifierFlags.Static) !== 0;
    const home = isStatic ? factory.createThis() : factory.createPropertyAccessExpression(factory.createThis(), 'prototype');
    return factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration($home, undefined, undefined, home)], ts.NodeFlags.Const));
  };
  const selfDeclaration = (init: TS.Expression | undefined, flags: TS.NodeFlags): TS.Statement =>
    factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration($self, undefined, undefined, init)], flags));
  // The fast copy alone (lazyPart 'fast'): its frames record a stand-in for the re-entry copy, which the
  // runtime's resume calls as it would the copy (`this` the frame's, no arguments, rt.re the frame). Called,
  // it has the runtime make the copy (`$pe_reentry()`), takes its place for the frames recorded later, and
  // continues the frame in it.
  //   let $self = function () { return $pe_apply($self = $pe_reentry(), this, []); };
  const standIn = (): TS.Expression =>
    factory.createFunctionExpression(undefined, undefined, undefined, undefined, [], undefined, factory.createBlock([
      factory.createReturnStatement(factory.createCallExpression(g.hot('apply'), undefined, [
        paren(assign($self, factory.createCallExpression(g.hot('reentry'), undefined, []))),
        factory.createThis(),
        factory.createArrayLiteralExpression([]),
      ])),
    ]));
  // `return <fast copy>`, or where the copy calls itself by a name (g.selfFast), `const <name> = <fast copy>; return <name>;`.
  const returnFast = (): TS.Statement[] => {
    const fast = copy(false);
    if (!g.selfFast) return [factory.createReturnStatement(fast)];
    return [
      factory.createVariableStatement(undefined, factory.createVariableDeclarationList([factory.createVariableDeclaration(g.selfFast, undefined, undefined, fast)], ts.NodeFlags.Const)),
      factory.createReturnStatement(g.selfFast),
    ];
  };
  const maker = factory.createArrowFunction(
    undefined,
    undefined,
    [],
    undefined,
    undefined,
    factory.createBlock([
      // (An object literal's method finds `$home` bound by the function obj() calls with the literal.)
      ...(usesSuper && ts.isClassLike(fn.parent) ? [homeDeclaration()] : []),
      ...(part === undefined
        ? [selfDeclaration(copy(true), ts.NodeFlags.Const), ...returnFast()]
        : part === 'fast'
          ? [selfDeclaration(standIn(), ts.NodeFlags.Let), ...returnFast()]
          : [selfDeclaration(undefined, ts.NodeFlags.Let), factory.createReturnStatement(assign($self, copy(true)))]),
    ]),
  );
  const call = factory.createCallExpression(paren(maker), undefined, []);
  g.runtimeNodes.add(call);
  return call;
}

/**
 * The locals that no resume point needs, so that frames need not record them: after no checkpoint or call
 * site where the function can pause is the local read or written again within its scope, by position. From
 * a call, code goes on after its arguments; from a loop's checkpoint (every loop has one) or a for-of step,
 * through the whole loop again, which is what keeps a value read in the next iteration. What closures read
 * and what the per-iteration aliases read (`alwaysLive`) is needed anywhere.
 * Why it matters: the catch that records a frame reads every recorded local at every call in the body, so
 * V8 must allocate what a local holds there. An object made and dropped in each iteration (`const o = {
 * ... }; total += f(o);`) was allocated at every iteration where escape analysis removes it from the
 * original (such a loop under TO_COMPLETION: 12.0 ms, 4.0 without `o` in its frames, 2.4 plain).
 */
function deadLocals(
  plan: Plan,
  decls: ReadonlyMap<string, { scope: TS.Node }>,
  refs: readonly TS.Identifier[],
  alwaysLive: readonly TS.Identifier[],
): Set<string> {
  // Each resume point but the entry (where no local holds a value yet): its node and where code resumed
  // there goes on from.
  const points: { node: TS.Node; from: number }[] = [
    ...[...plan.siteOf.keys()].map((call) => ({ node: call as TS.Node, from: call.end })),
    ...[...plan.loopMarker.keys(), ...plan.stepSite.keys()].map((loop) => ({ node: loop, from: loop.pos })),
  ];
  const kept = new Set(alwaysLive.map((c) => c.text));
  const dead = new Set<string>();
  for (const [name, { scope }] of decls) {
    if (kept.has(name)) continue;
    // Live where code resumed at a point within its scope goes on to its last reference.
    const last = refs.reduce((at, r) => (r.text === name ? Math.max(at, r.pos) : at), -1);
    const live = points.some((p) => p.node.pos >= scope.pos && p.node.end <= scope.end && p.from <= last);
    if (!live) dead.add(name);
  }
  return dead;
}

/** A generated name of the lazy copies (`$k`, `$t0`, ...), one per file (see fileTemp). */
function sharedName(g: GeneratorBodyContext, role: string): TS.Identifier {
  return fileTemp(g, `lazy:${role}`, role);
}

function initCompound(ts: typeof TS): void {
  if (COMPOUND[ts.SyntaxKind.PlusEqualsToken] !== undefined) return;
  const S = ts.SyntaxKind;
  const pairs: [number, number][] = [
    [S.PlusEqualsToken, S.PlusToken], [S.MinusEqualsToken, S.MinusToken], [S.AsteriskEqualsToken, S.AsteriskToken],
    [S.SlashEqualsToken, S.SlashToken], [S.PercentEqualsToken, S.PercentToken], [S.AsteriskAsteriskEqualsToken, S.AsteriskAsteriskToken],
    [S.LessThanLessThanEqualsToken, S.LessThanLessThanToken], [S.GreaterThanGreaterThanEqualsToken, S.GreaterThanGreaterThanToken],
    [S.GreaterThanGreaterThanGreaterThanEqualsToken, S.GreaterThanGreaterThanGreaterThanToken], [S.AmpersandEqualsToken, S.AmpersandToken],
    [S.BarEqualsToken, S.BarToken], [S.CaretEqualsToken, S.CaretToken],
  ];
  for (const [a, b] of pairs) COMPOUND[a] = b;
}

// ---- renaming: one binding per name -------------------------------------------------------------

/** Every identifier text in the file (new names must not capture any of them). */
const fileNames = new WeakMap<TS.SourceFile, Set<string>>();

function namesOf(ts: typeof TS, node: TS.Node): Set<string> {
  const sf = node.getSourceFile?.();
  let names = sf && fileNames.get(sf);
  if (names) return names;
  // TypeScript's parser keeps every identifier text it scanned (`identifiers`, what its own unique names
  // avoid): a set of those, not a walk of the whole file (tens of ms for a 1 MB file, once per file).
  const scanned = (sf as { identifiers?: ReadonlyMap<string, string> } | undefined)?.identifiers;
  if (scanned instanceof Map) {
    names = new Set(scanned.keys());
  } else {
    names = new Set<string>();
    const visit = (n: TS.Node): void => {
      if (ts.isIdentifier(n)) names!.add(n.text);
      ts.forEachChild(n, visit);
    };
    visit(sf ?? node);
  }
  if (sf) fileNames.set(sf, names);
  return names;
}

/**
 * Returns `body` with block-scoped declarations renamed where two bindings share a name (`for (let i...)`
 * twice) or a nested `let x` shadows an `x` used elsewhere in the function: after this, each name in the
 * function is one binding, so hoisting them all to one function-level `let` changes nothing. Text ranges are
 * kept (check() compares positions). Unsupported shapes are returned unchanged (check() rejects them).
 */
function renameBlockScoped(g: GeneratorBodyContext, fn: FunctionLike, body: TS.Block): TS.Block | undefined {
  const { ts } = g;
  const { factory } = g.ctx;
  /** `scope`: the node a block-scoped binding is seen in (its block, case block or loop), for closures in it. */
  interface Binding { name: string; functionLevel: boolean; id: TS.Identifier; scope: TS.Node }
  const bindingOf = new Map<TS.Identifier, Binding>(); // declaration names and references
  const all: Binding[] = [];
  const freeNames = new Set<string>();
  const lexicalOf = (stmts: readonly TS.Statement[], functionLevel: boolean, scope: TS.Node): Map<string, Binding> => {
    const m = new Map<string, Binding>();
    for (const st of stmts) {
      if (ts.isVariableStatement(st) && st.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) addList(st.declarationList, m, functionLevel, scope);
    }
    return m;
  };
  const addBinding = (id: TS.Identifier, m: Map<string, Binding>, functionLevel: boolean, scope: TS.Node = body): Binding => {
    const b: Binding = { name: id.text, functionLevel, id, scope };
    m.set(b.name, b);
    all.push(b);
    bindingOf.set(id, b);
    return b;
  };
  const addList = (list: TS.VariableDeclarationList, m: Map<string, Binding>, functionLevel: boolean, scope: TS.Node): void => {
    for (const d of list.declarations) for (const id of boundNames(ts, d.name)) addBinding(id, m, functionLevel, scope);
  };
  // Function scope: parameters, every var (hoisted), and the body's own let/const.
  const fnScope = new Map<string, Binding>();
  for (const p of fn.parameters) for (const id of boundNames(ts, p.name)) addBinding(id, fnScope, true);
  const collectVars = (n: TS.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && (n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0) {
      for (const id of n.declarations.flatMap((d) => boundNames(ts, d.name))) {
        const known = fnScope.get(id.text);
        const b = known ?? addBinding(id, fnScope, true);
        bindingOf.set(id, b);
      }
    }
    ts.forEachChild(n, collectVars);
  };
  collectVars(body);
  for (const [name, b] of lexicalOf(body.statements, true, body)) fnScope.set(name, b);

  const scopes: Map<string, Binding>[] = [fnScope];
  const resolve = (name: string): Binding | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const b = scopes[i]!.get(name);
      if (b) return b;
    }
    return undefined;
  };
  // Closures (check() allows them to see only function-level names) and the names they mention: one of them
  // inside a renamed binding's scope that mentions its name might mean it.
  const closures: { node: TS.Node; names: Set<string> }[] = [];
  const walk = (n: TS.Node, parent: TS.Node | undefined): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) {
      const names = new Set<string>();
      const namesIn = (m: TS.Node): void => {
        if (ts.isIdentifier(m)) names.add(m.text);
        ts.forEachChild(m, namesIn);
      };
      namesIn(n);
      closures.push({ node: n, names });
      return;
    }
    if (ts.isTypeNode(n)) return;
    let pushed = false;
    if (ts.isBlock(n) && n !== body) {
      scopes.push(lexicalOf(n.statements, false, n));
      pushed = true;
    } else if (ts.isCaseBlock(n)) {
      scopes.push(lexicalOf(n.clauses.flatMap((c) => [...c.statements]), false, n));
      pushed = true;
    } else if ((ts.isForStatement(n) || ts.isForOfStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer) && n.initializer.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) {
      const m = new Map<string, Binding>();
      addList(n.initializer, m, false, n);
      scopes.push(m);
      pushed = true;
    }
    if (ts.isIdentifier(n) && !bindingOf.has(n) && isReference(ts, n, parent)) {
      const b = resolve(n.text);
      if (b) bindingOf.set(n, b);
      else freeNames.add(n.text);
    }
    ts.forEachChild(n, (c) => walk(c, n));
    if (pushed) scopes.pop();
  };
  walk(body, undefined);

  const count = new Map<string, number>();
  for (const b of all) count.set(b.name, (count.get(b.name) ?? 0) + 1);
  let taken: Set<string> | undefined; // (only when a name is to be made)
  const newName = new Map<Binding, string>();
  for (const b of all) {
    if (b.functionLevel || (count.get(b.name) === 1 && !freeNames.has(b.name))) continue;
    // A closure in the binding's scope mentioning its name might mean it (its references are not renamed):
    // keep it simple. One outside that scope cannot.
    if (closures.some((c) => c.node.pos >= b.scope.pos && c.node.end <= b.scope.end && c.names.has(b.name))) return undefined;
    taken ??= namesOf(ts, fn);
    let n = 1;
    while (taken.has(`${b.name}$${n}`)) n++;
    const name = `${b.name}$${n}`;
    taken.add(name);
    newName.set(b, name);
  }
  if (newName.size === 0) return body;

  const renamed = (id: TS.Identifier): TS.Identifier | undefined => {
    const b = bindingOf.get(id);
    const name = b && newName.get(b);
    return name === undefined ? undefined : ts.setTextRange(factory.createIdentifier(name), id);
  };
  const visit = (n: TS.Node): TS.Node => {
    if (ts.isIdentifier(n)) return renamed(n) ?? n;
    if (ts.isShorthandPropertyAssignment(n) && !n.objectAssignmentInitializer) {
      const r = renamed(n.name);
      // (The key keeps the name's place too: check() refuses nodes without one.)
      if (r) return ts.setTextRange(factory.createPropertyAssignment(ts.setTextRange(factory.createIdentifier(n.name.text), n.name), r), n);
    }
    // `{ a }` in a pattern binds property a: renamed, it becomes `{ a: a$1 }`.
    if (ts.isBindingElement(n) && !n.propertyName && !n.dotDotDotToken && ts.isIdentifier(n.name) && ts.isObjectBindingPattern(n.parent)) {
      const r = renamed(n.name);
      if (r) return ts.setTextRange(factory.createBindingElement(undefined, ts.setTextRange(factory.createIdentifier(n.name.text), n.name), r, n.initializer && (visit(n.initializer) as TS.Expression)), n);
    }
    if (ts.isPropertyAccessExpression(n)) {
      return factory.updatePropertyAccessExpression(n, visit(n.expression) as TS.Expression, n.name);
    }
    return ts.visitEachChild(n, visit, g.ctx);
  };
  return visit(body) as TS.Block;
}

/**
 * `const x = x$1;` statements that loopBindingsPerIteration put first in a loop's body: written by the copies
 * as they are (not hoisted, not recorded in frames: run again whenever the body is entered, the re-entry
 * copy's re-entry included, after the hoisted `x$1` was restored).
 */
const perIteration = new WeakSet<TS.Node>();

/**
 * The copies hoist a loop's own `let`/`const` binding into one binding per call, but closures made in the
 * loop's body each see their iteration's binding in the original (`for (let r ...) fns.push(() => r)`). So
 * where closures in the body read it, nothing in the body (closures included) writes it, and no closure in
 * the loop's head reads it, the head's binding is renamed (`r` → `r$1`, hoisted and recorded like any local;
 * the body's own uses too) and the body starts with `const r = r$1;`, which the closures read: one binding
 * per iteration with that iteration's value, as in the original. The closures' text is unchanged (their
 * toString, and their versions made from it at run time, read `r`).
 */
function loopBindingsPerIteration(g: GeneratorBodyContext, fn: FunctionLike, body: TS.Block): TS.Block {
  const { ts } = g;
  const { factory } = g.ctx;
  if (!makesFunction(ts, body)) return body; // (most bodies: no closure to keep a binding for)
  let taken: Set<string> | undefined;
  /** Does a closure inside `n` read `name`? (Any reference by that name: a closure declaring its own is rare.) */
  const closureReads = (n: TS.Node, name: string, inClosure = false, parent?: TS.Node): boolean => {
    if (inClosure && ts.isIdentifier(n) && n.text === name && isReference(ts, n, parent)) return true;
    const inside = inClosure || isClosure(ts, n);
    return !!ts.forEachChild(n, (c) => closureReads(c, name, inside, n) || undefined);
  };
  /** Is `name` assigned, updated (analyze.ts writesOf) or declared anew anywhere in `n` (closures included)? */
  const touched = (n: TS.Node, name: string): boolean => {
    let written = false;
    writesOf(ts, n, (w) => (written ||= w === name));
    if (written) return true;
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name && ts.isIdentifier(n.name) && n.name.text === name) return true;
    return !!ts.forEachChild(n, (c) => touched(c, name) || undefined);
  };
  /** `n` with its references to `from` (outside closures) renamed `to`. */
  const rename = <T extends TS.Node>(n: T, from: string, to: string): T => {
    const visit = (m: TS.Node): TS.Node => {
      if (isClosure(ts, m)) return m;
      if (ts.isIdentifier(m) && m.text === from) return ts.setTextRange(factory.createIdentifier(to), m);
      if (ts.isShorthandPropertyAssignment(m) && m.name.text === from) return ts.setTextRange(factory.createPropertyAssignment(ts.setTextRange(factory.createIdentifier(from), m.name), ts.setTextRange(factory.createIdentifier(to), m.name)), m);
      if (ts.isPropertyAccessExpression(m)) return factory.updatePropertyAccessExpression(m, visit(m.expression) as TS.Expression, m.name);
      if (ts.isPropertyAssignment(m)) return factory.updatePropertyAssignment(m, m.name, visit(m.initializer) as TS.Expression);
      if (ts.isLabeledStatement(m) || ts.isBreakOrContinueStatement(m)) return ts.visitEachChild(m, (c) => (c === m.label ? c : visit(c)), g.ctx);
      return ts.visitEachChild(m, visit, g.ctx);
    };
    return visit(n) as T;
  };
  /** A fresh name for the hoisted binding of `name`. */
  const fresh = (name: string): string => {
    taken ??= namesOf(ts, fn);
    let k = 1;
    while (taken.has(`${name}$${k}`)) k++;
    taken.add(`${name}$${k}`);
    return `${name}$${k}`;
  };
  /** `const <name> = <hoisted>;`, empty at `pos` (check() refuses nodes without a text range). */
  const aliasAt = (pos: number, name: string, hoisted: string): TS.Statement => {
    const at = <T extends TS.Node>(node: T): T => ts.setTextRange(node, { pos, end: pos });
    const declaration = at(factory.createVariableDeclaration(at(factory.createIdentifier(name)), undefined, undefined, at(factory.createIdentifier(hoisted))));
    const alias = at(factory.createVariableStatement(undefined, at(factory.createVariableDeclarationList([declaration], ts.NodeFlags.Const))));
    perIteration.add(alias);
    return alias;
  };
  /**
   * A block's own `let`/`const` read by closures made after it in the block (a binding per entry into the
   * block in the original): the same, its alias right after its declaration. A `const` at the function's top
   * level needs none (one binding per call: the rule in check()).
   */
  const blockBindings = (block: TS.Block, topLevel = false): TS.Block => {
    let statements = [...block.statements];
    let changed = false;
    for (let i = 0; i < statements.length; i++) {
      const st = statements[i]!;
      if (!ts.isVariableStatement(st) || perIteration.has(st)) continue;
      const list = st.declarationList;
      const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
      if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) || (isConst && topLevel)) continue;
      const only = list.declarations.length === 1 ? list.declarations[0]! : undefined;
      if (!only || !ts.isIdentifier(only.name)) continue;
      const name = only.name.text;
      const before = statements.slice(0, i);
      const after = statements.slice(i + 1);
      if (!after.some((a) => closureReads(a, name)) || before.some((b) => mentions(ts, b, name))) continue;
      if ((only.initializer && mentions(ts, only.initializer, name)) || after.some((a) => touched(a, name))) continue;
      const hoisted = fresh(name);
      // (Made anew with the old ranges: the run-time rewrite's factory has no updaters for statements.)
      const declaration = factory.updateVariableDeclaration(only, ts.setTextRange(factory.createIdentifier(hoisted), only.name), only.exclamationToken, only.type, only.initializer);
      const declared = ts.setTextRange(factory.createVariableStatement(st.modifiers, ts.setTextRange(factory.createVariableDeclarationList([declaration], list.flags), list)), st);
      statements = [...before, declared, aliasAt(st.end, name, hoisted), ...after.map((a) => rename(a, name, hoisted))];
      i++; // (past the alias)
      changed = true;
    }
    return changed ? ts.setTextRange(factory.updateBlock(block, statements), block) : block;
  };
  const visit = (n: TS.Node): TS.Node => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return n;
    const visited = ts.visitEachChild(n, visit, g.ctx);
    const loop = ts.isBlock(visited) ? blockBindings(visited) : visited;
    if (!ts.isForStatement(loop) && !ts.isForOfStatement(loop)) return loop;
    const head = loop.initializer;
    if (!head || !ts.isVariableDeclarationList(head) || !(head.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) return loop;
    const only = head.declarations.length === 1 ? head.declarations[0]! : undefined;
    if (!only || !ts.isIdentifier(only.name)) return loop;
    const name = only.name.text;
    const headParts: (TS.Node | undefined)[] = ts.isForStatement(loop) ? [loop.initializer, loop.condition, loop.incrementor] : [loop.initializer, loop.expression];
    if (!closureReads(loop.statement, name) || touched(loop.statement, name) || headParts.some((h) => h && closureReads(h, name))) return loop;
    const hoisted = fresh(name);
    const alias = aliasAt(loop.statement.pos, name, hoisted);
    const renamedBody = rename(loop.statement, name, hoisted);
    const statements = ts.isBlock(renamedBody) ? [alias, ...renamedBody.statements] : [alias, renamedBody];
    const block = ts.setTextRange(factory.createBlock(statements, true), loop.statement);
    if (ts.isForStatement(loop)) return factory.updateForStatement(loop, rename(head, name, hoisted), loop.condition && rename(loop.condition, name, hoisted), loop.incrementor && rename(loop.incrementor, name, hoisted), block);
    return factory.updateForOfStatement(loop, loop.awaitModifier, rename(head, name, hoisted), loop.expression, block);
  };
  // (The body itself: its lets; its consts need no alias.)
  return blockBindings(ts.visitEachChild(body, visit, g.ctx), true);
}

// ---- check phase ----------------------------------------------------------------------------------

function check(g: GeneratorBodyContext, fn: FunctionLike, body: TS.Block): Plan | undefined {
  const { ts } = g;
  const { factory } = g.ctx;
  const plan: Plan = {
    params: [],
    locals: new Map(),
    numeric: new Set(),
    dead: new Set(),
    siteOf: new Map(),
    siteCall: new Map(),
    loopMarker: new Map(),
    range: new Map(),
    spill: new Map(),
    callSpill: new Map(),
    oldValue: new Map(),
    stringSpill: new Set(),
    temps: [],
    forOf: new Map(),
    stepSite: new Map(),
    exits: new Map(),
    returnTemp: undefined,
    args: undefined,
    functions: [],
  };
  let ok = true;
  const fail = (why: string): undefined => {
    if (ok) lastRejection = why;
    ok = false;
    return undefined;
  };

  let usesArguments = false;
  const paramNames = new Set<string>();
  // A destructured parameter is destructured by the fast copy's own call (the engine's code, its errors);
  // the names it binds are recorded and restored like parameters.
  for (const p of fn.parameters) {
    if (ts.isIdentifier(p.name) && p.name.text === 'this') return fail('this parameter');
    if (!ts.isIdentifier(p.name) && hasCall(ts, p.name)) return fail('call or closure in a destructured parameter');
    if (p.initializer && hasCall(ts, p.initializer)) return fail('parameter default with a call or closure');
    for (const id of boundNames(ts, p.name)) {
      plan.params.push(factory.createIdentifier(id.text));
      paramNames.add(id.text);
    }
  }

  // Declarations and their scopes; every identifier reference with its position.
  interface Decl { kind: 'var' | 'let' | 'const' | 'function'; scope: TS.Node; end: number }
  const decls = new Map<string, Decl>();
  const refs: TS.Identifier[] = [];
  /** Identifiers read or written inside nested closures. */
  const captures: TS.Identifier[] = [];
  /** Of those, the ones inside functions declared in the body (which exist from the entry on: see below). */
  const hoistedCaptures = new Set<TS.Identifier>();
  /** The hoisted bindings read by per-iteration aliases (loopBindingsPerIteration). */
  const aliased: TS.Identifier[] = [];
  const writes: string[] = [];
  const parent = new Map<TS.Node, TS.Node>();

  const declare = (list: TS.VariableDeclarationList, scope: TS.Node): void => {
    if (usingKind(ts, list)) return void fail('using');
    const kind = list.flags & ts.NodeFlags.Const ? 'const' : list.flags & ts.NodeFlags.Let ? 'let' : 'var';
    for (const d of list.declarations) {
      // A pattern is assigned as a whole from the hoisted names; a call or closure in it (a default, a
      // computed key) would be a call the copies cannot continue from.
      if (!ts.isIdentifier(d.name) && hasCall(ts, d.name)) return void fail('call or closure in a destructuring pattern');
      // Array patterns: the engine words "is not iterable" differently for declarations and assignments.
      if (!ts.isIdentifier(d.name) && hasArrayPattern(ts, d.name)) return void fail('array destructuring declaration');
      for (const id of boundNames(ts, d.name)) {
        const name = id.text;
        if (decls.has(name) || paramNames.has(name) || name === 'arguments') return void fail(`name declared twice: ${name}`);
        decls.set(name, { kind, scope: kind === 'var' ? body : scope, end: d.end });
      }
    }
  };

  const collectWrites = (target: TS.Expression): void => writeTargets(ts, target, writes);

  // Functions declared in the body's own statement list (writtenBody lets them through only for copies made
  // at run time): bindings of the function from its entry on. Their captures are checked below.
  const nestedFunctions = new Set<TS.Node>();
  for (const st of body.statements) {
    if (!ts.isFunctionDeclaration(st)) continue;
    const name = st.name?.text;
    if (name === undefined || !st.body) return fail('function declaration without a name or body');
    if (decls.has(name) || paramNames.has(name) || name === 'arguments') return fail(`name declared twice: ${name}`);
    decls.set(name, { kind: 'function', scope: body, end: body.pos });
    nestedFunctions.add(st);
    plan.functions.push(st);
  }
  // Their registrations, `$pe.later(name, ($f) => ...)`, first in the body (made at run time, read back as
  // runtime nodes: mini-ts/from-estree.ts): what they hand the versions is read when those are made, as the
  // functions read it (the accessors of `{ get x() { return x; } }` are closures over the same bindings).
  const registrations = new Set<TS.Node>();
  for (const st of body.statements) {
    if (!g.runtimeNodes.has(st) || !ts.isExpressionStatement(st) || !ts.isCallExpression(st.expression)) continue;
    const named = st.expression.arguments[0];
    if (named && ts.isIdentifier(named) && decls.get(named.text)?.kind === 'function') registrations.add(st);
  }
  /** What a closure (or a function declared in the body) reads and writes of this function's names (outerUses). */
  const closureUses = (node: TS.Node, hoisted = nestedFunctions.has(node)): void => {
    const uses = outerUses(ts, node);
    for (const id of uses.refs) {
      captures.push(id);
      if (hoisted) hoistedCaptures.add(id);
    }
    writes.push(...uses.writes);
  };

  const S = ts.SyntaxKind;
  const superReads = hasSuperHome(ts, fn) || ts.isArrowFunction(fn);
  const walk = (node: TS.Node, scope: TS.Node): void => {
    if (!ok) return;
    if (node.pos < 0) return void fail('synthesized node'); // synthesized by an earlier visit: positions are needed
    if (nestedFunctions.has(node)) return closureUses(node);
    if (registrations.has(node)) return closureUses(node, true);
    const unsupported = unsupportedKind(ts, node);
    // (super: firstUnsupported() allowed only reads, on the body as written, whose parents are known)
    if (unsupported && !(node.kind === S.SuperKeyword && superReads)) return void fail(unsupported);
    if (isClosure(ts, node)) return closureUses(node);
    if (ts.isTypeNode(node)) return; // erased
    let inner = scope;
    // A let directly in a case clause is checked against the clause alone: a use from a later clause could
    // run without the declaration (a jump to that case), which hoisting would hide.
    if (ts.isBlock(node) || ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isCaseClause(node) || ts.isDefaultClause(node)) inner = node;
    if (ts.isVariableStatement(node) && !perIteration.has(node)) declare(node.declarationList, scope);
    // An alias (`const x = x$1`) runs whenever its block is entered, in the re-entry copy too, on its way
    // back to the resume point: what it reads is needed at every resume point.
    if (ts.isVariableStatement(node) && perIteration.has(node)) {
      for (const d of node.declarationList.declarations) if (d.initializer && ts.isIdentifier(d.initializer)) aliased.push(d.initializer);
    }
    if (ts.isForStatement(node) && node.initializer && ts.isVariableDeclarationList(node.initializer)) declare(node.initializer, node);
    if (ts.isForOfStatement(node)) {
      if (node.awaitModifier) return void fail('for await');
      const head = node.initializer;
      if (ts.isVariableDeclarationList(head)) {
        declare(head, node);
        // `for (const x of f(x))` reads x in its TDZ (a ReferenceError): hoisting would hide that.
        const d = head.declarations[0];
        // The engine names the value '.for' in its destructuring errors; an assignment could not.
        if (d && !ts.isIdentifier(d.name)) return void fail('destructuring for-of head');
        for (const id of d ? boundNames(ts, d.name) : []) {
          if (mentions(ts, node.expression, id.text)) return void fail(`for-of expression reads its own ${id.text}`);
        }
      } else if (ts.isIdentifier(head)) {
        writes.push(head.text);
      } else {
        return void fail('for-of target that is not a name');
      }
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= S.FirstAssignment && node.operatorToken.kind <= S.LastAssignment) collectWrites(node.left);
    if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === S.PlusPlusToken || node.operator === S.MinusMinusToken)) collectWrites(node.operand);
    if (ts.isIdentifier(node) && isReference(ts, node, parent.get(node))) {
      refs.push(node);
      if (node.text === 'arguments') {
        // Strict code only: there `arguments` is a plain object (no aliasing of the parameters), so the
        // re-entry copy can read the one the fast copy recorded.
        if (ts.isArrowFunction(fn)) return void fail('arguments in an arrow');
        if (!isStrict(ts, g, fn)) return void fail('arguments in sloppy code');
        usesArguments = true;
      }
    }
    ts.forEachChild(node, (c) => {
      parent.set(c, node);
      walk(c, inner);
    });
  };
  parent.set(body, fn);
  walk(body, body);
  if (!ok) return undefined;

  for (const [name, d] of decls) {
    if (d.kind === 'const' && writes.includes(name)) return fail(`const assigned: ${name}`);
    if (d.kind === 'function' && writes.includes(name)) return fail(`declared function assigned: ${name}`);
    if (d.kind === 'var' || d.kind === 'function') continue;
    for (const r of refs) {
      if (r.text !== name) continue;
      // Hoisting is exact only if every use is inside the block and after the declaration (no TDZ reads).
      if (r.pos < d.scope.pos || r.end > d.scope.end || r.pos < d.end) return fail(`use outside scope or before declaration: ${name}`);
    }
  }
  // A closure made by the fast copy keeps the fast copy's bindings; the re-entry copy has copies. That is
  // only invisible for bindings that never change once the closure can see them: parameters nobody
  // assigns, and consts of the function's top level (one binding per call, as in the original) declared
  // before the closure.
  // A function declared in the body exists from the entry on, and never changes. One declared in the body
  // reads consts of the top level that the frame has set whenever it can resume (after numbering, below):
  // the re-entry copy restores their values, the function keeps reading the fast copy's bindings.
  const hoistedConsts: Decl[] = [];
  for (const c of captures) {
    if (paramNames.has(c.text)) {
      if (writes.includes(c.text)) return fail(`closure over an assigned parameter: ${c.text}`);
      continue;
    }
    const d = decls.get(c.text);
    if (!d || d.kind === 'function') continue; // not this function's, or a function declared in its body
    if (hoistedCaptures.has(c)) {
      if (d.kind !== 'const' || d.scope !== body) return fail(`function declaration over ${d.kind} ${c.text}`);
      hoistedConsts.push(d);
      continue;
    }
    if (d.kind !== 'const' || d.scope !== body || c.pos < d.end) return fail(`closure over ${d.kind} ${c.text}`);
  }
  for (const [name, d] of decls) plan.locals.set(name, d.kind);
  plan.numeric = numericLocals(ts, body, [...decls].filter(([, d]) => d.kind !== 'var' && d.kind !== 'function').map(([name]) => name));

  // Number resume points in preorder: the entry, each loop's top, each call that could pause.
  let next = ENTRY + 1;
  const number = (node: TS.Node): void => {
    // (A closure's calls are its own; a registration is the runtime's, run once at the entry.)
    if (isClosure(ts, node) || nestedFunctions.has(node) || registrations.has(node)) return;
    const lo = next;
    if (isLoop(ts, node)) {
      const parts = ts.isForStatement(node) ? [node.initializer, node.condition, node.incrementor] : [(node as TS.WhileStatement | TS.DoStatement).expression];
      for (const p of parts) if (p) number(p);
      if (ts.isForOfStatement(node)) plan.stepSite.set(node, next++); // each step comes before the body's checkpoint
      plan.loopMarker.set(node, next++);
      number(node.statement);
    } else {
      if ((ts.isCallExpression(node) && isDispatchable(ts, node, g.policy)) || (ts.isNewExpression(node) && isNewSite(ts, node, g.policy))) {
        if (ts.isCallExpression(node) && ts.isOptionalChain(node)) return void fail('optional call');
        plan.siteOf.set(node, next);
        plan.siteCall.set(next, node);
        next++;
      }
      ts.forEachChild(node, (c) => {
        if (!ts.isTypeNode(c)) number(c);
      });
    }
    if (next > lo) plan.range.set(node, [lo, next - 1]);
  };
  number(body);
  if (!ok) return undefined;
  // The points the frame can resume at but the entry (where the re-entry copy makes its own functions).
  let firstResumable = Infinity;
  for (const n of [...plan.siteOf.keys(), ...plan.loopMarker.keys(), ...plan.stepSite.keys()]) firstResumable = Math.min(firstResumable, n.pos);
  for (const d of hoistedConsts) {
    if (d.end > firstResumable) return fail('function declaration over a const set after a point the function can pause at');
  }
  plan.dead = deadLocals(plan, decls, refs, [...captures, ...aliased]);

  const temp = (): TS.Identifier => {
    const t = sharedName(g, `t${plan.temps.length}`);
    plan.temps.push(t);
    return t;
  };
  const spill = (e: TS.Node): void => {
    if (ts.isOmittedExpression(e) || plan.spill.has(e)) return;
    plan.spill.set(e, temp());
  };

  // for-of loops: an iteration record and a value each; statements that leave them close them.
  const exits = forOfExits(ts, body);
  for (const [loop, depth] of exits.loops) plan.forOf.set(loop, { it: temp(), index: temp(), value: temp(), depth });
  plan.exits = exits.exits;
  if ([...exits.exits.keys()].some((st) => ts.isReturnStatement(st) && st.expression)) plan.returnTemp = temp();
  if (usesArguments) plan.args = sharedName(g, 'args');

  // For each site, walk up to its statement: every step must be one whose continuation rx() can build.
  for (const [call] of plan.siteOf) {
    let child: TS.Node = call;
    for (let p = parent.get(call)!; ; child = p, p = parent.get(p)!) {
      if (!stepOk(p, child)) return fail(`call inside ${S[p.kind]}`);
      if (isStatementRoot(p, child)) break;
    }
  }
  return plan;

  function stepOk(p: TS.Node, c: TS.Node): boolean {
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p) || ts.isTypeAssertionExpression(p)) return true;
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (c === p.left) return !(op >= S.FirstAssignment && op <= S.LastAssignment);
      if (op === S.CommaToken || op === S.AmpersandAmpersandToken || op === S.BarBarToken || op === S.QuestionQuestionToken) return true;
      if (op === S.EqualsToken) {
        const l = skipOuter(ts, p.left);
        if (ts.isIdentifier(l)) return true;
        if (ts.isPropertyAccessExpression(l) && !ts.isOptionalChain(l) && l.expression.kind !== S.SuperKeyword) {
          spill(l.expression);
          return true;
        }
        if (ts.isElementAccessExpression(l) && !ts.isOptionalChain(l) && l.expression.kind !== S.SuperKeyword) {
          spill(l.expression);
          spill(l.argumentExpression);
          return true;
        }
        return false;
      }
      if (op === S.BarBarEqualsToken || op === S.AmpersandAmpersandEqualsToken || op === S.QuestionQuestionEqualsToken) return ts.isIdentifier(skipOuter(ts, p.left)) && ts.isIdentifier(p.left);
      if (COMPOUND[op] !== undefined) {
        // `x op= <site>` and `o.p op= <site>` (o spilled): the old value is read before the site.
        const l = p.left;
        if (ts.isPropertyAccessExpression(l) && !ts.isOptionalChain(l) && l.expression.kind !== S.SuperKeyword) spill(l.expression);
        else if (!ts.isIdentifier(l)) return false;
        if (!plan.oldValue.has(p)) plan.oldValue.set(p, temp());
        return true;
      }
      if (op >= S.FirstAssignment && op <= S.LastAssignment) return false;
      spill(p.left);
      return true;
    }
    if (ts.isConditionalExpression(p)) return true;
    if (ts.isPrefixUnaryExpression(p)) return p.operator !== S.PlusPlusToken && p.operator !== S.MinusMinusToken;
    if (ts.isTypeOfExpression(p) || ts.isVoidExpression(p)) return true;
    if (ts.isPropertyAccessExpression(p)) return c === p.expression && !ts.isOptionalChain(p);
    if (ts.isElementAccessExpression(p)) {
      if (ts.isOptionalChain(p) || p.expression.kind === S.SuperKeyword) return false;
      if (c === p.argumentExpression) spill(p.expression);
      return true;
    }
    if (ts.isCallExpression(p)) {
      if (ts.isOptionalChain(p)) return false;
      if (c === p.expression) return true;
      const bare = skipOuter(ts, p.expression);
      if (bare.kind === S.SuperKeyword || bare.kind === S.ImportKeyword || ts.isOptionalChain(bare)) return false;
      if ((ts.isPropertyAccessExpression(bare) || ts.isElementAccessExpression(bare)) && bare.expression.kind === S.SuperKeyword) return false;
      if (ts.isIdentifier(bare) && bare.text === 'eval') return false;
      if (p.arguments.some((a) => ts.isSpreadElement(a))) return false;
      if (!plan.callSpill.has(p)) {
        const member = ts.isPropertyAccessExpression(bare) || ts.isElementAccessExpression(bare);
        plan.callSpill.set(p, { fn: temp(), self: member ? temp() : undefined, args: p.arguments.map(() => temp()) });
      }
      return true;
    }
    if (ts.isNewExpression(p)) {
      // A site in the arguments (not in the constructor expression: `new (f())()` stays a generator version).
      if (c === p.expression || !p.arguments || p.arguments.some((a) => ts.isSpreadElement(a))) return false;
      if (!plan.callSpill.has(p)) plan.callSpill.set(p, { fn: temp(), self: undefined, args: p.arguments.map(() => temp()) });
      return true;
    }
    if (ts.isArrayLiteralExpression(p)) {
      if (p.elements.some((e) => ts.isSpreadElement(e))) return false;
      for (const e of p.elements) {
        if (e === c) break;
        spill(e);
      }
      return true;
    }
    if (ts.isPropertyAssignment(p)) return c === p.initializer && !ts.isComputedPropertyName(p.name);
    if (ts.isObjectLiteralExpression(p)) {
      for (const prop of p.properties) {
        if (prop === c) break;
        if (ts.isPropertyAssignment(prop) && !ts.isComputedPropertyName(prop.name)) spill(prop.initializer);
        else if (ts.isShorthandPropertyAssignment(prop) && !prop.objectAssignmentInitializer) spill(prop.name);
        else return false;
      }
      return true;
    }
    if (ts.isTemplateSpan(p)) return c === p.expression;
    if (ts.isTemplateExpression(p)) {
      for (const span of p.templateSpans) {
        if (span === c) break;
        spill(span.expression);
        plan.stringSpill.add(span.expression);
      }
      return true;
    }
    if (ts.isVariableDeclaration(p)) return c === p.initializer;
    if (ts.isVariableDeclarationList(p)) return true;
    return isStatementRoot(p, c);
  }

  function isStatementRoot(p: TS.Node, c: TS.Node): boolean {
    if (ts.isExpressionStatement(p) || ts.isReturnStatement(p) || ts.isThrowStatement(p) || ts.isVariableStatement(p)) return true;
    if (ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p) || ts.isSwitchStatement(p)) return c === p.expression;
    if (ts.isForStatement(p)) return c === p.initializer || c === p.condition || c === p.incrementor;
    if (ts.isForOfStatement(p)) return c === p.expression;
    return false;
  }
}

/** Strict code: the file, a class body, or a 'use strict' in this function or one around it. */
export function isStrict(ts: typeof TS, g: GeneratorBodyContext, fn: FunctionLike): boolean {
  if (g.strictFile) return true;
  for (let n: TS.Node | undefined = fn; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isClassLike(n)) return true;
    if (ts.isFunctionLike(n) && (n as FunctionLike).body && ts.isBlock((n as FunctionLike).body!) && hasDirective(ts, ((n as FunctionLike).body as TS.Block).statements, 'use strict')) return true;
  }
  return false;
}

/**
 * The for-of loops of a body (with their nesting depth among for-of loops), and for each break, continue
 * or return that leaves any of them, those loops, innermost first (they must be closed on the way out).
 */
function forOfExits(ts: typeof TS, body: TS.Block): { loops: Map<TS.ForOfStatement, number>; exits: Map<TS.Statement, TS.ForOfStatement[]> } {
  interface Target { node: TS.Node; labels: string[] }
  const loops = new Map<TS.ForOfStatement, number>();
  const exits = new Map<TS.Statement, TS.ForOfStatement[]>();
  const targets: Target[] = [];
  const forOfsIn = (ts_: Target[]): TS.ForOfStatement[] => ts_.map((t) => t.node).filter((n): n is TS.ForOfStatement => ts.isForOfStatement(n)).reverse();
  const visit = (n: TS.Node, labels: string[]): void => {
    if (isClosure(ts, n) || ts.isFunctionDeclaration(n)) return; // (its returns are its own)
    if (ts.isLabeledStatement(n)) return visit(n.statement, [...labels, n.label.text]);
    if (ts.isBreakStatement(n) || ts.isContinueStatement(n)) {
      let t = targets.length - 1;
      for (; t >= 0; t--) {
        const { node, labels: ls } = targets[t]!;
        if (n.label ? ls.includes(n.label.text) : isLoop(ts, node) || (ts.isBreakStatement(n) && ts.isSwitchStatement(node))) break;
      }
      const left = forOfsIn(targets.slice(ts.isBreakStatement(n) ? t : t + 1));
      if (left.length > 0) exits.set(n, left);
      return;
    }
    if (ts.isReturnStatement(n)) {
      const left = forOfsIn(targets);
      if (left.length > 0) exits.set(n, left);
    }
    const isTarget = isLoop(ts, n) || ts.isSwitchStatement(n) || labels.length > 0;
    if (ts.isForOfStatement(n)) loops.set(n, targets.filter((t) => ts.isForOfStatement(t.node)).length);
    if (isTarget) targets.push({ node: n, labels });
    ts.forEachChild(n, (c) => visit(c, []));
    if (isTarget) targets.pop();
  };
  visit(body, []);
  return { loops, exits };
}

/** Calls, or closures (a default `() => a` would share the parameter with the fast copy only). */
/** Constructs the lazy subset leaves out (the function keeps its generator version). */
function unsupportedKind(ts: typeof TS, node: TS.Node): string | undefined {
  const S = ts.SyntaxKind;
  switch (node.kind) {
    case S.FunctionDeclaration: case S.ClassDeclaration: case S.ClassExpression:
    case S.MethodDeclaration: case S.GetAccessor: case S.SetAccessor: case S.Constructor:
    case S.TryStatement: case S.ForInStatement: case S.WithStatement:
    case S.YieldExpression: case S.AwaitExpression: case S.TaggedTemplateExpression:
    case S.InterfaceDeclaration: case S.TypeAliasDeclaration: case S.EnumDeclaration: case S.ModuleDeclaration:
    case S.ImportKeyword: case S.SuperKeyword: case S.JsxElement: case S.JsxSelfClosingElement: case S.JsxFragment:
    case S.ClassStaticBlockDeclaration:
      return S[node.kind];
  }
  return undefined;
}

/** The first unsupported construct in a body (nested functions are not entered: they are one). */
function firstUnsupported(ts: typeof TS, node: TS.Node, superReads: boolean, inArrow = false, declared?: ReadonlySet<TS.Node>): string | undefined {
  // (One closure per body, not per node: this visits every node of every function.)
  const visit = (n: TS.Node): string | undefined => {
    if (ts.isFunctionExpression(n) || declared?.has(n)) return undefined; // a function of its own (checked in check())
    // A nested arrow stays where it is in an arrow's copies (arrows too): its `super` means the same there.
    if (ts.isArrowFunction(n)) return firstLexicalBlocker(ts, n, inArrow);
    // (`delete super.x` throws; in a copy `super.x` is a call of the runtime's, which `delete` would not refuse.)
    if (ts.isDeleteExpression(n) && mentionsSuper(ts, n.expression)) return 'delete of super';
    if (superReads && isSuperRead(ts, n)) return undefined;
    return unsupportedKind(ts, n) ?? ts.forEachChild(n, visit);
  };
  return visit(node);
}

/** `super` in `node`, arrows entered (their `super` is the enclosing function's). */
function mentionsSuper(ts: typeof TS, node: TS.Node): boolean {
  if (node.kind === ts.SyntaxKind.SuperKeyword) return true;
  if (ts.isFunctionLike(node) && !ts.isArrowFunction(node)) return false;
  return ts.forEachChild(node, (c) => mentionsSuper(ts, c) || undefined) ?? false;
}

/**
 * A method's copies rebuild `super.x` from its home object (`$home`): a class method's are made in the class's
 * static block (link()), where `this` is the class; an object literal's in a function of the literal that
 * obj() calls (literalHome).
 */
function hasSuperHome(ts: typeof TS, fn: FunctionLike): boolean {
  return ts.isMethodDeclaration(fn) && (ts.isClassLike(fn.parent) || ts.isObjectLiteralExpression(fn.parent));
}

/** The parameter naming an object literal's home object where its methods' versions are made (obj()). */
export function literalHome(g: GeneratorBodyContext): TS.Identifier {
  return sharedName(g, 'home');
}

/** In a nested arrow: what it takes from the outer function that a copy of the outer could not give it. */
function firstLexicalBlocker(ts: typeof TS, node: TS.Node, superAllowed = false): string | undefined {
  if (ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isClassLike(node)) return undefined;
  if (node.kind === ts.SyntaxKind.SuperKeyword && !superAllowed) return 'super in a nested arrow';
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword) return 'new.target in a nested arrow';
  if (ts.isIdentifier(node) && node.text === 'arguments') return 'arguments in a nested arrow';
  return ts.forEachChild(node, (c) => firstLexicalBlocker(ts, c, superAllowed));
}

/**
 * What `node` (a closure, or a function declared in a body) reads and writes by name (conservatively) of the
 * names around it: its references, and the names its assignments and updates target. For a declared
 * function, not the names it binds itself (ownNames): `function visit(node) { ... }` beside a `let node`.
 */
function outerUses(ts: typeof TS, node: TS.Node): { refs: TS.Identifier[]; writes: string[] } {
  const S = ts.SyntaxKind;
  const refs: TS.Identifier[] = [];
  const writes: string[] = [];
  const names = ts.isFunctionDeclaration(node) ? ownNames(ts, node) : undefined;
  let own = names?.params;
  const inside = (n: TS.Node, p: TS.Node): void => {
    if (names && n === (node as TS.FunctionDeclaration).body) own = names.body;
    if (ts.isIdentifier(n) && isReference(ts, n, p) && !own?.has(n.text)) refs.push(n);
    const targets: string[] = [];
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= S.FirstAssignment && n.operatorToken.kind <= S.LastAssignment) writeTargets(ts, n.left, targets);
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === S.PlusPlusToken || n.operator === S.MinusMinusToken)) writeTargets(ts, n.operand, targets);
    for (const w of targets) if (!own?.has(w)) writes.push(w);
    ts.forEachChild(n, (c) => inside(c, n));
  };
  ts.forEachChild(node, (c) => inside(c, node));
  return { refs, writes };
}

/** The names an assignment to `target` writes (`x`, and those in a destructuring pattern; not `o.p`), into `out`. */
function writeTargets(ts: typeof TS, target: TS.Expression, out: string[]): void {
  const t = skipOuter(ts, target);
  if (ts.isIdentifier(t)) out.push(t.text);
  else if (ts.isArrayLiteralExpression(t)) t.elements.forEach((e) => writeTargets(ts, ts.isSpreadElement(e) ? e.expression : e, out));
  else if (ts.isObjectLiteralExpression(t)) {
    for (const p of t.properties) {
      if (ts.isShorthandPropertyAssignment(p)) out.push(p.name.text);
      else if (ts.isPropertyAssignment(p)) writeTargets(ts, p.initializer, out);
      else if (ts.isSpreadAssignment(p)) writeTargets(ts, p.expression, out);
    }
  } else if (ts.isBinaryExpression(t) && t.operatorToken.kind === ts.SyntaxKind.EqualsToken) writeTargets(ts, t.left, out);
}

/**
 * The names a function binds, which no reference inside it can mean from outside: in its parameters (their
 * defaults), its parameters and `arguments`; in its body, also its `var`s (outside functions inside it) and
 * the let/const/class/function declarations of its body's own statement list.
 */
function ownNames(ts: typeof TS, fn: TS.FunctionDeclaration): { params: ReadonlySet<string>; body: ReadonlySet<string> } {
  const params = new Set<string>(['arguments']);
  for (const p of fn.parameters) for (const id of boundNames(ts, p.name)) params.add(id.text);
  const names = new Set<string>(params);
  const vars = (n: TS.Node): void => {
    if (ts.isFunctionLike(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclarationList(n) && (n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0) {
      for (const d of n.declarations) for (const id of boundNames(ts, d.name)) names.add(id.text);
    }
    ts.forEachChild(n, vars);
  };
  if (fn.body) {
    ts.forEachChild(fn.body, vars);
    for (const st of fn.body.statements) {
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) for (const id of boundNames(ts, d.name)) names.add(id.text);
      else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) names.add(st.name.text);
    }
  }
  return { params, body: names };
}

/** Nested function expressions and arrows. */
function isClosure(ts: typeof TS, node: TS.Node): node is TS.FunctionExpression | TS.ArrowFunction {
  return ts.isFunctionExpression(node) || ts.isArrowFunction(node);
}

/** The identifiers a declaration name binds (itself, or every name in a destructuring pattern). */
function hasArrayPattern(ts: typeof TS, node: TS.Node): boolean {
  return ts.isArrayBindingPattern(node) || !!ts.forEachChild(node, (c) => hasArrayPattern(ts, c) || undefined);
}

function hasCall(ts: typeof TS, node: TS.Node): boolean {
  if (ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isTaggedTemplateExpression(node)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return true;
  return ts.forEachChild(node, (c) => hasCall(ts, c) || undefined) ?? false;
}

/** Is this identifier a read or write of a binding (not a property name, label or declaration name)? */
function isReference(ts: typeof TS, id: TS.Identifier, parent: TS.Node | undefined): boolean {
  if (!parent) return true;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isPropertyAssignment(parent) && parent.name === id) return false;
  if (ts.isVariableDeclaration(parent) && parent.name === id) return false;
  if (ts.isBindingElement(parent) && (parent.name === id || parent.propertyName === id)) return false;
  if (ts.isLabeledStatement(parent) || ts.isBreakOrContinueStatement(parent)) return false;
  if (ts.isParameter(parent) && parent.name === id) return false;
  return true;
}


