// Read-only questions about a function's own body (nested functions excluded unless said otherwise):
// can it reach a checkpoint, what would make a generator version of it wrong.

import type * as TS from 'typescript';

export type FunctionLike =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration;

/**
 * Globals whose methods never call back into user code in a way that needs preemption *at the call*:
 * calls rooted at them are not dispatched (they run plain either way, and skipping the check is cheaper).
 * Only used when the file declares no binding of the same name.
 */
const PLAIN_GLOBALS = new Set([
  'Math', 'JSON', 'Object', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt', 'Reflect', 'console', 'Date',
  'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI',
  'decodeURI', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'RegExp', 'ArrayBuffer',
  'Uint8Array', 'Int32Array', 'Float64Array', 'Atomics', 'structuredClone', 'performance',
]);

/** The kinds isFunctionBoundary accepts, per TypeScript instance (it runs on every node of every walk). */
const boundaryKinds = new WeakMap<typeof TS, ReadonlySet<TS.SyntaxKind>>();

let lastTs: typeof TS | undefined;
let lastKinds: ReadonlySet<TS.SyntaxKind> | undefined;

export function isFunctionBoundary(ts: typeof TS, node: TS.Node): boolean {
  // (The last instance's kinds at hand: a WeakMap lookup per node was a tenth of a walk.)
  if (ts === lastTs) return lastKinds!.has(node.kind);
  let kinds = boundaryKinds.get(ts);
  if (!kinds) {
    const K = ts.SyntaxKind;
    kinds = new Set([
      K.FunctionDeclaration, K.FunctionExpression, K.ArrowFunction, K.MethodDeclaration, K.GetAccessor, K.SetAccessor,
      K.Constructor, K.ClassStaticBlockDeclaration, K.ClassDeclaration, K.ClassExpression,
    ]);
    boundaryKinds.set(ts, kinds);
  }
  lastTs = ts;
  lastKinds = kinds;
  return kinds.has(node.kind);
}

export function isLoop(ts: typeof TS, node: TS.Node): node is TS.IterationStatement {
  return ts.isIterationStatement(node, false);
}

/** What the whole file says about its names. */
export interface FileNames {
  /** Every name the file declares, in any scope, with how many declarations it has. */
  declared: ReadonlyMap<string, number>;
  /** Direct `eval` or `with` somewhere: any name may be shadowed or rebound at run time. */
  dynamicScope: boolean;
  /**
   * Names written somewhere: an assignment, update, destructuring or for-in/of target (not `o.p`); each with
   * the nodes that write it, in the order of the source (captures.ts asks which are inside a scope).
   */
  written: ReadonlyMap<string, readonly TS.Node[]>;
  /** Every class of the file, and every `const` statement (found in the same walk: see plainClassNames, ComputedKeys). */
  classes: readonly TS.ClassLikeDeclaration[];
  constStatements: readonly TS.VariableStatement[];
  /** When asked for (collectDeclaredNames' `marking`): the nodes with a node of those kinds at or under them. */
  holding: ReadonlySet<TS.Node> | undefined;
}

/**
 * A global in PLAIN_GLOBALS shadowed by a declaration of the file is not trusted; see also
 * fixedTopLevelFunctions. With `marking`, also the nodes holding a node of those kinds (in the same walk).
 */
export function collectDeclaredNames(ts: typeof TS, sf: TS.SourceFile, marking?: ReadonlySet<TS.SyntaxKind>): FileNames {
  const declared = new Map<string, number>();
  const written = new Map<string, TS.Node[]>();
  const classes: TS.ClassLikeDeclaration[] = [];
  const constStatements: TS.VariableStatement[] = [];
  let dynamicScope = false;
  // (A Set, not a WeakSet: it lives as long as the transform, and adds to a WeakSet cost twice as much.)
  const holding = marking ? new Set<TS.Node>() : undefined;
  const marked = marking ? kindTable(ts, marking) : undefined;
  const binding = bindingKinds(ts);
  const K = ts.SyntaxKind;
  let writer: TS.Node = sf;
  const addWritten = (n: string): void => {
    const nodes = written.get(n);
    if (nodes) nodes[nodes.length - 1] !== writer && nodes.push(writer);
    else written.set(n, [writer]);
  };
  // (Whether the subtree being walked holds one: kept in a variable, not returned, so that no closure is
  // made per node. Visited for every node of the file: by kind first.)
  let holds = false;
  const visit = (node: TS.Node): void => {
    const kind = node.kind;
    if (binding[kind]) {
      const name = (node as { name?: TS.Node }).name;
      if (name && name.kind === K.Identifier) declared.set((name as TS.Identifier).text, (declared.get((name as TS.Identifier).text) ?? 0) + 1);
    }
    switch (kind) {
      case K.ClassDeclaration:
      case K.ClassExpression:
        classes.push(node as TS.ClassLikeDeclaration);
        break;
      case K.VariableStatement:
        if ((node as TS.VariableStatement).declarationList.flags & ts.NodeFlags.Const) constStatements.push(node as TS.VariableStatement);
        break;
      case K.WithStatement:
        dynamicScope = true;
        break;
      case K.CallExpression: {
        const callee = skipOuter(ts, (node as TS.CallExpression).expression);
        if (callee.kind === K.Identifier && (callee as TS.Identifier).text === 'eval') dynamicScope = true;
        break;
      }
      default:
        writer = node;
        writesOf(ts, node, addWritten);
    }
    if (!holding) {
      ts.forEachChild(node, visit);
      return;
    }
    const outer = holds;
    holds = false;
    ts.forEachChild(node, visit);
    if (holds || marked![kind]) {
      holding.add(node);
      holds = true;
    }
    holds ||= outer;
  };
  visit(sf);
  return { declared, dynamicScope, written, classes, constStatements, holding };
}

/** `kinds` as a table indexed by kind (read for every node of a file). */
function kindTable(ts: typeof TS, kinds: Iterable<TS.SyntaxKind>): boolean[] {
  const table = new Array<boolean>(ts.SyntaxKind.Count).fill(false);
  for (const k of kinds) table[k] = true;
  return table;
}

let bindingTable: boolean[] | undefined;
/** The kinds of node that introduce a binding named by their `name` (in some scope), for counting declarations: as a table. */
function bindingKinds(ts: typeof TS): boolean[] {
  const K = ts.SyntaxKind;
  return (bindingTable ??= kindTable(ts, [
    K.VariableDeclaration, K.Parameter, K.BindingElement, K.FunctionDeclaration, K.FunctionExpression, K.ClassDeclaration, K.ClassExpression,
    K.ImportSpecifier, K.ImportClause, K.NamespaceImport, K.ImportEqualsDeclaration, K.EnumDeclaration, K.ModuleDeclaration,
  ]));
}

/**
 * The names `node` itself writes, by name: an assignment's, update's or for-in/of's target, or those in a
 * destructuring target (not `o.p`).
 */
export function writesOf(ts: typeof TS, node: TS.Node, add: (name: string) => void): void {
  // (Called on every node of a file: most are none of these.)
  const K = ts.SyntaxKind;
  const kind = node.kind;
  if (kind !== K.BinaryExpression && kind !== K.PrefixUnaryExpression && kind !== K.PostfixUnaryExpression && kind !== K.ForInStatement && kind !== K.ForOfStatement) return;
  const markTargets = (t: TS.Node): void => {
    if (ts.isIdentifier(t)) add(t.text);
    else if (ts.isParenthesizedExpression(t) || ts.isSpreadElement(t) || ts.isSpreadAssignment(t)) markTargets(t.expression);
    else if (ts.isArrayLiteralExpression(t)) t.elements.forEach(markTargets);
    else if (ts.isObjectLiteralExpression(t)) t.properties.forEach(markTargets);
    else if (ts.isPropertyAssignment(t)) markTargets(t.initializer);
    else if (ts.isShorthandPropertyAssignment(t)) markTargets(t.name);
    else if (ts.isBinaryExpression(t) && t.operatorToken.kind === ts.SyntaxKind.EqualsToken) markTargets(t.left); // default
  };
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
    markTargets(skipOuter(ts, node.left));
  } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
    markTargets(skipOuter(ts, node.operand));
  } else if ((ts.isForInStatement(node) || ts.isForOfStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) {
    markTargets(node.initializer);
  }
}

/** The root identifier of a callee like `Math.max` or `console.log`. */
function calleeRoot(ts: typeof TS, expr: TS.Expression): string | undefined {
  let e = expr;
  while (ts.isPropertyAccessExpression(e)) e = e.expression;
  return ts.isIdentifier(e) ? e.text : undefined;
}

export interface CallPolicy {
  declared: ReadonlyMap<string, number>;
  /**
   * Fixed top-level functions that are never instrumented (they cannot pause), with their scope: calls to
   * them from inside it stay plain.
   */
  plain: Map<string, TS.Node>;
  /**
   * Names that always mean a class of this file whose constructor is not split: their `new` is the
   * engine's (declared once, never written, in a file without direct eval or `with`).
   */
  plainClasses: ReadonlySet<string>;
}

/** `name` at `site` is one of the file's fixed functions with nothing to pause in (policy.plain), in its scope. */
function isPlainFunction(ts: typeof TS, name: string, site: TS.Node, policy: CallPolicy): boolean {
  const scope = policy.plain.get(name);
  return scope !== undefined && isInside(ts.getOriginalNode(site), scope);
}

/** Would the generator version route this call through the dispatch (possibly `yield*`)? */
export function isDispatchable(ts: typeof TS, call: TS.CallExpression, policy: CallPolicy): boolean {
  if (ts.isOptionalChain(call)) return false;
  const callee = call.expression;
  if (callee.kind === ts.SyntaxKind.SuperKeyword || callee.kind === ts.SyntaxKind.ImportKeyword) return false;
  const bare = skipOuter(ts, callee);
  // `(o?.m)()` keeps o as `this`: only a plain call does that, so leave it plain.
  if (ts.isOptionalChain(bare)) return false;
  if (ts.isIdentifier(bare) && bare.text === 'eval') return false;
  if (ts.isIdentifier(bare) && isPlainFunction(ts, bare.text, call, policy)) return false;
  const root = calleeRoot(ts, bare);
  if (root !== undefined && PLAIN_GLOBALS.has(root) && !policy.declared.has(root)) {
    // Two of their methods call a function of the program, and the runtime gives them versions in which it
    // can pause: Reflect.apply (forwarding.ts) and JSON.parse with a reviver (json-methods.ts).
    return isGlobalMethod(ts, bare, 'Reflect', 'apply') || (isGlobalMethod(ts, bare, 'JSON', 'parse') && call.arguments.length >= 2);
  }
  return true;
}

/** `G.m` (the global's own; the caller has checked that the file does not redeclare `G`). */
function isGlobalMethod(ts: typeof TS, callee: TS.Expression, global: string, method: string): boolean {
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === global && callee.name.text === method;
}

/**
 * `new X(...)` that instrumented code routes through the runtime's newSite(), which runs the body of a split
 * constructor (constructors.ts) or of an instrumented ordinary function so that it can pause: every `new`
 * but those the file proves reach neither, a global constructor of the language or the platform that the
 * file does not redeclare (`new Map()`, `new Intl.Collator()`), a class of the file whose constructor is not
 * split, and a top-level function with nothing to pause in. Anything else (a parameter, `this.C`, a name
 * assigned somewhere) may be either; the site tests the value inline and constructs plainly what is neither.
 */
export function isNewSite(ts: typeof TS, node: TS.NewExpression, policy: CallPolicy): boolean {
  const c = skipOuter(ts, node.expression);
  if (ts.isIdentifier(c)) {
    if (!policy.declared.has(c.text)) return !PLAIN_CONSTRUCTORS.has(c.text);
    if (policy.plainClasses.has(c.text)) return false;
    return !isPlainFunction(ts, c.text, node, policy);
  }
  const root = calleeRoot(ts, c);
  return root === undefined || !PLAIN_NAMESPACES.has(root) || policy.declared.has(root);
}

/**
 * Global constructors whose `new` never runs instrumented code of their own (unless the file redeclares them).
 * Not Promise: its executor is the program's, and the runtime's `new Promise` lets it pause (promise-methods.ts).
 */
const PLAIN_CONSTRUCTORS = new Set([
  'Object', 'Function', 'Array', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Proxy',
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
  'Error', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError',
  'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'Event', 'EventTarget', 'Blob',
  'MessageChannel', 'Headers', 'Request', 'Response', 'FormData', 'Buffer',
]);

/** Global namespaces whose constructors (`new Intl.Collator()`) never run instrumented code. */
const PLAIN_NAMESPACES = new Set(['Intl', 'WebAssembly']);

export interface BodyFacts {
  hasLoop: boolean;
  /** An `await` of the function's own (an async function's suspension point). */
  hasAwait: boolean;
  hasDispatchableCall: boolean;
  directEval: TS.Node | undefined;
  withStatement: TS.Node | undefined;
  /** A construct whose meaning changes inside a generator copy: [node, what]. */
  blocker: [TS.Node, string] | undefined;
}

/** Facts about the function's own body (nested functions and classes are not entered). */
export function bodyFacts(ts: typeof TS, fn: FunctionLike, policy: CallPolicy): BodyFacts {
  const facts: BodyFacts = { hasLoop: false, hasAwait: false, hasDispatchableCall: false, directEval: undefined, withStatement: undefined, blocker: undefined };
  // `f.caller` / `f.arguments` only matter for the function itself (by its own name); `node.arguments` on
  // some object is an ordinary property.
  const ownName = fn.name && ts.isIdentifier(fn.name) ? fn.name.text : undefined;
  const isLegacyAccess = (node: TS.PropertyAccessExpression): boolean => {
    if (!ts.isIdentifier(node.expression)) return false;
    const [object, prop] = [node.expression.text, node.name.text];
    if (object === 'arguments') return prop === 'callee' || prop === 'caller';
    return object === ownName && (prop === 'caller' || prop === 'arguments');
  };
  const ownExpressionName = ts.isFunctionExpression(fn) ? ownName : undefined;
  const K = ts.SyntaxKind;
  // (Visited for every node of every function: by kind first, the checks of one kind only.)
  const visit = (node: TS.Node): void => {
    if (isFunctionBoundary(ts, node)) return;
    switch (node.kind) {
      case K.ForStatement: // (isLoop's kinds)
      case K.ForInStatement:
      case K.ForOfStatement:
      case K.WhileStatement:
      case K.DoStatement:
        facts.hasLoop = true;
        break;
      case K.AwaitExpression:
        facts.hasAwait = true;
        break;
      case K.WithStatement:
        facts.withStatement ??= node;
        break;
      case K.Identifier:
        if ((node as TS.Identifier).text === 'yield') facts.blocker ??= [node, "'yield' used as an identifier"];
        break;
      case K.PropertyAccessExpression:
        if (isLegacyAccess(node as TS.PropertyAccessExpression)) facts.blocker ??= [node, `'${node.getText()}' (a legacy function property)`];
        break;
      case K.CallExpression: {
        const call = node as TS.CallExpression;
        const bare = skipOuter(ts, call.expression);
        if (ts.isIdentifier(bare) && bare.text === 'eval' && !ts.isOptionalChain(call)) facts.directEval ??= call;
        if (isDispatchable(ts, call, policy)) facts.hasDispatchableCall = true;
        break;
      }
      case K.NewExpression:
        if (isNewSite(ts, node as TS.NewExpression, policy)) facts.hasDispatchableCall = true;
        break;
      case K.BinaryExpression:
      case K.PrefixUnaryExpression:
      case K.PostfixUnaryExpression:
        // The generator version sees the name as a const: sloppy code would throw where the original ignores it.
        if (ownExpressionName !== undefined && assignsTo(ts, node, ownExpressionName)) facts.blocker ??= [node, `assignment to its own name '${ownExpressionName}'`];
        break;
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  // Default parameter values run in the caller's context (never inside the generator): not scanned.
  return facts;
}

export interface LexicalUses {
  usesThis: boolean;
  /** The enclosing function's `arguments` / `new.target`: its versions get them from where it is made. */
  usesArguments: boolean;
  usesNewTarget: boolean;
  /** A binding named `arguments` in it (sloppy code): the arrow then gets no versions. */
  declaresArguments: boolean;
  /** `super`: an arrow can have only a fast copy (an arrow at the same place, where `super` means the same). */
  usesSuper: boolean;
}

/** What an arrow function takes from its enclosing function (entering nested arrows, not other functions). */
export function arrowLexicalUses(ts: typeof TS, fn: TS.ArrowFunction): LexicalUses {
  const uses: LexicalUses = { usesThis: false, usesArguments: false, usesNewTarget: false, declaresArguments: false, usesSuper: false };
  const visit = (node: TS.Node): void => {
    if (isFunctionBoundary(ts, node) && !ts.isArrowFunction(node)) return;
    if (node.kind === ts.SyntaxKind.ThisKeyword) uses.usesThis = true;
    else if (node.kind === ts.SyntaxKind.SuperKeyword) uses.usesSuper = true;
    else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.NewKeyword) uses.usesNewTarget = true; // (not import.meta)
    else if (ts.isIdentifier(node) && node.text === 'arguments' && !isPropertyNamePosition(ts, node)) {
      const p = node.parent;
      if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p)) && p.name === node) uses.declaresArguments = true;
      else uses.usesArguments = true;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(fn, visit);
  return uses;
}

/** `node` names a property (`o.x`, `{ x: v }`, a method, a class field), not a binding. */
export function isPropertyNamePosition(ts: typeof TS, node: TS.Identifier): boolean {
  const parent = node.parent;
  return (
    (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    (ts.isPropertyAssignment(parent) && parent.name === node) ||
    (ts.isMethodDeclaration(parent) && parent.name === node) ||
    (ts.isPropertyDeclaration(parent) && parent.name === node)
  );
}

/**
 * Every `super` of the method is the base of a property access in its body or its arrows (not in a
 * parameter, not in an optional chain), read, called, assigned (`=`, `op=`) or updated (`++`, `--`): what a
 * generator version made outside the class can do through the home object (superGet, superSet). (In an
 * arrow, not `super[k] op= v`: the key would need a temp of the arrow's own.)
 */
export function superOnlyAccessed(ts: typeof TS, fn: TS.MethodDeclaration | TS.ArrowFunction): boolean {
  let ok = true;
  const visit = (node: TS.Node, inArrow: boolean): void => {
    if (!ok) return;
    if (isFunctionBoundary(ts, node) && !ts.isArrowFunction(node)) return;
    if (node.kind === ts.SyntaxKind.SuperKeyword) {
      const p = node.parent;
      if (!((ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === node && !ts.isOptionalChain(p))) ok = false;
      else if (superAccessUse(ts, p) === 'pattern') ok = false;
      else if (inArrow && ts.isElementAccessExpression(p) && superAccessUse(ts, p) === 'assign' && compoundAssigned(ts, p)) ok = false;
      return;
    }
    ts.forEachChild(node, (c) => visit(c, inArrow || ts.isArrowFunction(node)));
  };
  // (Parameters are copied as written: no `super` there.)
  if (fn.parameters.some((p) => containsSuper(ts, p))) return false;
  if (fn.body) visit(fn.body, false);
  return ok;
}

function containsSuper(ts: typeof TS, node: TS.Node): boolean {
  if (node.kind === ts.SyntaxKind.SuperKeyword) return true;
  if (isFunctionBoundary(ts, node) && !ts.isArrowFunction(node)) return false;
  return ts.forEachChild(node, (c) => containsSuper(ts, c) || undefined) ?? false;
}

/** The assignment to `access` is `op=` (not `=`). */
function compoundAssigned(ts: typeof TS, access: TS.Node): boolean {
  let child = access;
  while (ts.isParenthesizedExpression(child.parent)) child = child.parent;
  const p = child.parent;
  return ts.isBinaryExpression(p) && p.operatorToken.kind !== ts.SyntaxKind.EqualsToken;
}

/** How a property access is used: read (or called), assigned (`=`, `op=`), updated (`++`, `--`), or a destructuring / for-in/of target. */
export function superAccessUse(ts: typeof TS, access: TS.Node): 'read' | 'assign' | 'update' | 'pattern' {
  const S = ts.SyntaxKind;
  let child = access;
  while (ts.isParenthesizedExpression(child.parent)) child = child.parent;
  const p = child.parent;
  if (ts.isBinaryExpression(p) && p.left === child && p.operatorToken.kind >= S.FirstAssignment && p.operatorToken.kind <= S.LastAssignment) return 'assign';
  if ((ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) && (p.operator === S.PlusPlusToken || p.operator === S.MinusMinusToken)) return 'update';
  return isWrittenTo(ts, access) ? 'pattern' : 'read';
}

/** `super` as the base of a property read or method call (not assigned to, not in an optional chain). */
export function isSuperRead(ts: typeof TS, node: TS.Node): boolean {
  if (node.kind !== ts.SyntaxKind.SuperKeyword) return false;
  const p = node.parent;
  return !!p && (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === node && !ts.isOptionalChain(p) && !isWrittenTo(ts, p);
}

/** Whether an expression is assigned to: `e = v`, `e += v`, `e++`, `[e] = v`, `({ k: e } = v)`, `for (e of v)`. */
function isWrittenTo(ts: typeof TS, e: TS.Node): boolean {
  const S = ts.SyntaxKind;
  for (let child = e, p = e.parent; p; child = p, p = p.parent) {
    if (ts.isBinaryExpression(p)) return p.left === child && p.operatorToken.kind >= S.FirstAssignment && p.operatorToken.kind <= S.LastAssignment;
    if (ts.isPrefixUnaryExpression(p) || ts.isPostfixUnaryExpression(p)) return p.operator === S.PlusPlusToken || p.operator === S.MinusMinusToken;
    if (ts.isForOfStatement(p) || ts.isForInStatement(p)) return p.initializer === child;
    // Inside a literal that may be a destructuring target: keep looking outwards.
    if (ts.isParenthesizedExpression(p) || ts.isArrayLiteralExpression(p) || ts.isObjectLiteralExpression(p) || ts.isSpreadElement(p) || ts.isSpreadAssignment(p)) continue;
    if (ts.isPropertyAssignment(p) && p.initializer === child) continue;
    return false;
  }
  return false;
}

export function usesSuper(ts: typeof TS, fn: TS.MethodDeclaration): boolean {
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (isFunctionBoundary(ts, node) && !ts.isArrowFunction(node)) return;
    if (node.kind === ts.SyntaxKind.SuperKeyword) found = true;
    ts.forEachChild(node, visit);
  };
  for (const p of fn.parameters) visit(p);
  if (fn.body) visit(fn.body);
  return found;
}

/** A directive (`'use preemptible'`, `'use strict'`) in a directive prologue. */
export function hasDirective(ts: typeof TS, statements: readonly TS.Statement[], directive: string): boolean {
  for (const s of statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) return false;
    if (s.expression.text === directive) return true;
  }
  return false;
}

/** Number of leading directive statements ('use strict', ...), after which inserted code must go. */
export function prologueLength(ts: typeof TS, statements: readonly TS.Statement[]): number {
  let n = 0;
  while (n < statements.length) {
    const s = statements[n]!;
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) break;
    n++;
  }
  return n;
}

/** The name an engine would infer for an anonymous function literal in this position, if any. */
export function inferredName(ts: typeof TS, fn: TS.Expression): string | undefined {
  let child: TS.Node = fn;
  let parent = fn.parent;
  while (parent && ts.isParenthesizedExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  if (!parent) return undefined;
  const nameText = (n: TS.Node): string | undefined =>
    ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n) || ts.isPrivateIdentifier(n)
      ? n.text
      : ts.isComputedPropertyName(n)
        ? literalKey(ts, n.expression)
        : undefined;
  if ((ts.isVariableDeclaration(parent) || ts.isParameter(parent) || ts.isBindingElement(parent)) && parent.initializer === child) {
    return nameText(parent.name);
  }
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === child) {
    return nameText(parent.name);
  }
  const assigns = [ts.SyntaxKind.EqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken];
  if (ts.isShorthandPropertyAssignment(parent) && parent.objectAssignmentInitializer === child) return parent.name.text;
  if (ts.isBinaryExpression(parent) && parent.right === child && assigns.includes(parent.operatorToken.kind)) {
    return ts.isIdentifier(parent.left) ? parent.left.text : undefined;
  }
  if (ts.isExportAssignment(parent)) return 'default';
  return undefined;
}

/** Skips parentheses and TS-only wrappers (`as`, `!`, `satisfies`, `<T>x`), which do not change a callee's `this`. */
export function skipOuter(ts: typeof TS, expr: TS.Expression): TS.Expression {
  let e = expr;
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isTypeAssertionExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isPartiallyEmittedExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** `name = ...`, `name += ...`, `name++`, `--name` (destructuring targets too, conservatively by name). */
export function assignsTo(ts: typeof TS, node: TS.Node, name: string): boolean {
  const isName = (e: TS.Node): boolean => ts.isIdentifier(e) && e.text === name;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
    if (isName(node.left)) return true;
    if (ts.isObjectLiteralExpression(node.left) || ts.isArrayLiteralExpression(node.left)) return mentions(ts, node.left, name);
    return false;
  }
  if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
    return isName(node.operand);
  }
  if ((ts.isForInStatement(node) || ts.isForOfStatement(node)) && isName(node.initializer)) return true;
  return false;
}

/** Whether an identifier with this text occurs anywhere in `node`. */
/** The names a parameter or declaration binds: `a`, `{ a, b: [c] }` -> a, c. */
export function boundNames(ts: typeof TS, name: TS.BindingName): TS.Identifier[] {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(ts, e.name)));
}

/**
 * The name a `for await` loop binds or assigns, when it is a plain name (`const x`, `let x`, `var x`, `x`):
 * the generator version binds it itself; a pattern is bound by an inner for-of of the engine's (see
 * generator-body.ts forAwait).
 */
/**
 * 'await' for an `await using` declaration list, 'sync' for `using`, else undefined.
 * (NodeFlags: Let 1, Const 2, Using 4, AwaitUsing 6 = Const | Using.)
 */
export function usingKind(ts: typeof TS, list: TS.VariableDeclarationList): 'await' | 'sync' | undefined {
  const scoped = list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using);
  return scoped === ts.NodeFlags.AwaitUsing ? 'await' : scoped === ts.NodeFlags.Using ? 'sync' : undefined;
}

export function forAwaitHead(ts: typeof TS, loop: TS.ForOfStatement): TS.Identifier | undefined {
  const head = loop.initializer;
  if (ts.isVariableDeclarationList(head)) {
    const d = head.declarations[0];
    return d && ts.isIdentifier(d.name) ? d.name : undefined;
  }
  return ts.isIdentifier(head) ? head : undefined;
}

export function mentions(ts: typeof TS, node: TS.Node, name: string): boolean {
  if (ts.isIdentifier(node)) return node.text === name;
  return ts.forEachChild(node, (c) => mentions(ts, c, name) || undefined) ?? false;
}

/**
 * Does `node` make a function or class (a closure, a method of an object literal)? A call's arguments that do
 * are written once in a copy, not once per branch of its dispatch: each such function's text, its own
 * versions included, would be repeated, and nested callbacks would multiply it level by level.
 */
export function makesFunction(ts: typeof TS, node: TS.Node): boolean {
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return true;
  return ts.forEachChild(node, (c) => makesFunction(ts, c) || undefined) ?? false;
}

/** A function whose name means that one function wherever its scope reaches. */
export interface FixedFunction {
  decl: TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction;
  /** Its scope: the file, or the body of a function invoked right where it is at the top level. */
  container: TS.SourceFile | TS.Block;
  /**
   * Bound by `var f = function f() {}` (or an arrow, or let/const): the name holds it only once that runs,
   * so calls cannot take its fast entry when the container starts; being plain (nothing to pause in) holds.
   */
  variable: boolean;
}

/**
 * Function declarations of the module's top level (also of the bodies of functions invoked right there,
 * the bundle and namespace wrappers, which run once) whose name always means that one function: declared
 * exactly once in the whole file (so no inner scope shadows it), never written (no assignment, update or
 * destructuring target), in a file without direct eval or `with` (which could shadow or rebind any name).
 * Inside its container, a call `f(...)` can go straight to f's fast entry, taken once when the container
 * starts, instead of looking it up on every call. Also function literals a variable of the same scope is
 * declared with (`var Node = function Node() {}`, as bundles and older libraries write functions), never
 * written: those can be found plain (a call or `new` of them is the engine's), not taken at the start.
 */
export function fixedTopLevelFunctions(ts: typeof TS, sf: TS.SourceFile, names: FileNames): Map<string, FixedFunction> {
  const candidates = new Map<string, FixedFunction>();
  const containers = new Set<TS.Node>([sf]);
  /** Visits the top level only: not inside any function but wrappers invoked right where they are, nor in a class. */
  const visit = (node: TS.Node): void => {
    if (ts.isFunctionDeclaration(node) && node.name && node.body && containers.has(node.parent) && !node.asteriskToken) {
      const isAsync = (ts.getCombinedModifierFlags(node) & ts.ModifierFlags.Async) !== 0;
      if (!isAsync) candidates.set(node.name.text, { decl: node, container: node.parent as TS.SourceFile | TS.Block, variable: false });
    }
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isVariableStatement(node.parent.parent) && containers.has(node.parent.parent.parent)) {
      const fn = skipOuter(ts, node.initializer);
      const literal = (ts.isFunctionExpression(fn) && !fn.asteriskToken) || ts.isArrowFunction(fn);
      if (literal && (ts.getCombinedModifierFlags(fn) & ts.ModifierFlags.Async) === 0) {
        // Declared once, or twice with the function's own name (`var Node = function Node() {}`).
        const own = ts.isFunctionExpression(fn) && fn.name?.text === node.name.text ? 1 : 0;
        if (names.declared.get(node.name.text) === 1 + own) {
          candidates.set(node.name.text, { decl: fn, container: node.parent.parent.parent as TS.SourceFile | TS.Block, variable: true });
        }
      }
    }
    if (isFunctionBoundary(ts, node)) {
      if (!isPlainWrapper(ts, node)) return; // (nothing below it is at the top level)
      if (node.body && ts.isBlock(node.body)) containers.add(node.body);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const fixed = new Map<string, FixedFunction>();
  if (names.dynamicScope) return fixed;
  for (const [name, f] of candidates) if ((f.variable || names.declared.get(name) === 1) && !names.written.has(name) && name !== 'arguments') fixed.set(name, f);
  return fixed;
}

/** `Symbol.x` of these is a symbol (dispose and asyncDispose only where the engine has them). */
const WELL_KNOWN_SYMBOLS = new Set([
  'asyncIterator', 'hasInstance', 'isConcatSpreadable', 'iterator', 'match', 'matchAll', 'replace', 'search',
  'species', 'split', 'toPrimitive', 'toStringTag', 'unscopables',
]);
const LATE_WELL_KNOWN_SYMBOLS = new Set(['dispose', 'asyncDispose']);

/**
 * The property key a computed key `[expr]` evaluates to, as far as the file alone proves it: a string known
 * at compile time (`['m']`, `[1e3]`), SYMBOL (`Symbol.iterator` & co., `Symbol(...)`, `Symbol.for(...)`,
 * or a const initialised with one of these, declared once in the file and read in its scope, while `Symbol`
 * is the global one), or undefined.
 */
export const SYMBOL = Symbol('a symbol key');
export type KeyFact = string | typeof SYMBOL | undefined;

/** The key a literal stands for in `[expr]`: `['m']`, `[`m`]`, `[1e3]` (TypeScript gives numbers canonically). */
export function literalKey(ts: typeof TS, expr: TS.Expression): string | undefined {
  const e = skipOuter(ts, expr);
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isNumericLiteral(e) ? e.text : undefined;
}

export class ComputedKeys {
  private readonly symbolGlobal: boolean;
  /** Consts holding a symbol, by name (declared once in the file), with the block or file they are seen in. */
  private readonly symbolConsts = new Map<string, { value: TS.Expression; scope: TS.Node }>();

  constructor(private readonly ts: typeof TS, names: FileNames) {
    this.symbolGlobal = !names.dynamicScope && !names.declared.has('Symbol');
    if (!this.symbolGlobal) return;
    // Any const statement: a bundle wraps each module in a function (`const kRun = Symbol('kRun')` inside).
    for (const node of names.constStatements) {
      for (const d of node.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && names.declared.get(d.name.text) === 1 && this.fact(d.initializer) === SYMBOL) {
          this.symbolConsts.set(d.name.text, { value: d.initializer, scope: node.parent });
        }
      }
    }
  }

  /** The symbol a name holds where `id` is (inside the scope of the one const of that name). */
  private constValue(id: TS.Identifier): TS.Expression | undefined {
    const found = this.symbolConsts.get(id.text);
    return found && isInside(id, found.scope) ? found.value : undefined;
  }

  /**
   * A symbol key that evaluates to the same symbol every time, so the class's static block can evaluate it
   * again to link the method's versions: `Symbol.iterator` & co., `Symbol.for('literal')`, or a const holding
   * a symbol (the static block is in its scope too). (`Symbol('x')` makes a new one each time.)
   */
  isStableSymbol(expr: TS.Expression): boolean {
    const ts = this.ts;
    const e = skipOuter(ts, expr);
    // `Symbol.dispose` / `Symbol.asyncDispose`: the same value each time (undefined on an engine without
    // them, where the original is keyed 'undefined' and the static block links under that key too).
    if (this.symbolGlobal && ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Symbol' && LATE_WELL_KNOWN_SYMBOLS.has(e.name.text)) return true;
    if (this.fact(expr) !== SYMBOL) return false;
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return true;
    return ts.isCallExpression(e) && ts.isPropertyAccessExpression(skipOuter(ts, e.expression)) && e.arguments.length === 1 && ts.isStringLiteral(e.arguments[0]!);
  }

  /**
   * For a key that is a symbol (fact SYMBOL, or `Symbol.dispose` & co.): a text that two keys share only if
   * they are the same symbol (`Symbol.iterator`, `for:k`, the position of a `Symbol()` call, through the
   * consts holding them); undefined when that cannot be told (`Symbol.for(x)`).
   */
  symbolIdentity(expr: TS.Expression): string | undefined {
    const ts = this.ts;
    const e = skipOuter(ts, expr);
    if (ts.isIdentifier(e)) {
      const value = this.constValue(e);
      return value && this.symbolIdentity(value);
    }
    if (ts.isPropertyAccessExpression(e)) return `Symbol.${e.name.text}`;
    if (ts.isCallExpression(e)) {
      if (ts.isPropertyAccessExpression(skipOuter(ts, e.expression))) {
        const arg = e.arguments[0];
        return e.arguments.length === 1 && arg && ts.isStringLiteral(arg) ? `for:${arg.text}` : undefined;
      }
      return `new@${e.pos}`; // Symbol(...): a symbol no other key is
    }
    return undefined;
  }

  fact(expr: TS.Expression): KeyFact {
    const ts = this.ts;
    const literal = literalKey(ts, expr);
    if (literal !== undefined) return literal;
    if (!this.symbolGlobal) return undefined;
    const e = skipOuter(ts, expr);
    if (ts.isIdentifier(e)) return this.constValue(e) ? SYMBOL : undefined;
    const isSymbol = (x: TS.Expression): boolean => ts.isIdentifier(x) && x.text === 'Symbol';
    if (ts.isPropertyAccessExpression(e) && isSymbol(e.expression)) {
      if (WELL_KNOWN_SYMBOLS.has(e.name.text)) return SYMBOL;
      // Missing in an older engine: the key is then the string 'undefined'.
      if (LATE_WELL_KNOWN_SYMBOLS.has(e.name.text)) return 'undefined';
      return undefined;
    }
    if (ts.isCallExpression(e) && !e.questionDotToken) {
      const callee = skipOuter(ts, e.expression);
      if (isSymbol(callee)) return SYMBOL;
      if (ts.isPropertyAccessExpression(callee) && isSymbol(callee.expression) && callee.name.text === 'for') return SYMBOL;
    }
    return undefined;
  }
}

/** Is `node` (an original node, with parents) inside `container`? */
export function isInside(node: TS.Node, container: TS.Node): boolean {
  for (let n: TS.Node | undefined = node; n; n = n.parent) if (n === container) return true;
  return false;
}

/**
 * `(function () {})()`, `(() => {})()`, `!function () {}()`, `(function () {}).call(this)`: the function is
 * called right where it is written, once.
 */
export function isImmediatelyInvoked(ts: typeof TS, fn: TS.FunctionExpression | TS.ArrowFunction): boolean {
  let e: TS.Node = fn;
  while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
  let parent = e.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === e && (parent.name.text === 'call' || parent.name.text === 'apply')) {
    e = parent;
    parent = parent.parent;
  }
  return ts.isCallExpression(parent) && parent.expression === e;
}

/**
 * A UMD factory: `(function (root, factory) { ... factory(exports) ... define([...], factory) ... })(this,
 * function (exports) { ... })`. The wrapper is an IIFE; the factory is its argument, and inside the wrapper
 * the matching parameter is only called (also through `.call` / `.apply`) or handed to AMD `define`, never from a nested function (which could
 * keep it for later) and never assigned. So, as the wrapper's own body, the factory runs when the module
 * loads, called plainly: its generator version (which would repeat the whole library) would be dead code.
 */
export function isUmdFactory(ts: typeof TS, fn: TS.FunctionExpression | TS.ArrowFunction): boolean {
  let e: TS.Node = fn;
  while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
  const call = e.parent;
  if (!ts.isCallExpression(call) || call.expression === e) return false;
  const index = call.arguments.indexOf(e as TS.Expression);
  const wrapper = skipOuter(ts, call.expression);
  if (index < 0 || !(ts.isFunctionExpression(wrapper) || ts.isArrowFunction(wrapper)) || wrapper.asteriskToken) return false;
  if (call.arguments.some((a) => ts.isSpreadElement(a)) || wrapper.parameters.slice(0, index + 1).some((p) => p.dotDotDotToken)) return false;
  const param = wrapper.parameters[index]?.name;
  if (!param || !ts.isIdentifier(param) || param.text === 'arguments') return false;
  let ok = true;
  const visit = (node: TS.Node, nested: boolean): void => {
    if (!ok) return;
    if (ts.isIdentifier(node) && node.text === param.text && node !== param) {
      const parent = node.parent;
      // `factory(...)`, or `factory.call(...)` / `factory.apply(...)`.
      const viaMethod = ts.isPropertyAccessExpression(parent) && parent.expression === node && (parent.name.text === 'call' || parent.name.text === 'apply');
      const callee: TS.Node = viaMethod ? parent : node;
      const called = ts.isCallExpression(callee.parent) && callee.parent.expression === callee;
      const toDefine = ts.isCallExpression(parent) && parent.expression !== node && ts.isIdentifier(parent.expression) && parent.expression.text === 'define';
      if (nested || !(called || toDefine)) ok = false;
      return;
    }
    // `arguments` of the wrapper itself reaches the factory too.
    if (!nested && ts.isIdentifier(node) && node.text === 'arguments' && !ts.isArrowFunction(wrapper)) ok = false;
    ts.forEachChild(node, (child) => visit(child, nested || isFunctionBoundary(ts, node)));
  };
  visit(wrapper.body, false);
  return ok;
}

/**
 * A function that only ever runs as plain code when the code around it does: an IIFE or a UMD factory; or
 * runs as a module's top level does, once, to completion: a bundle's module factory.
 */
export function isPlainWrapper(ts: typeof TS, fn: TS.Node): fn is TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration {
  if (ts.isMethodDeclaration(fn)) return !fn.asteriskToken && isBundledModule(ts, fn);
  if (!ts.isFunctionExpression(fn) && !ts.isArrowFunction(fn)) return false;
  return !fn.asteriskToken && (isImmediatelyInvoked(ts, fn) || isUmdFactory(ts, fn) || isBundledModule(ts, fn));
}

/** The helpers bundlers wrap each bundled module's code in (rolldown, esbuild): called once, on its first import. */
const MODULE_HELPERS = new Set(['__commonJS', '__commonJSMin', '__esm', '__esmMin']);

/**
 * A bundled module's code: `__commonJSMin((exports, module) => { ... })` (rolldown), `__commonJS({
 * "path"(exports, module) { ... } })` (esbuild: the one method of a literal). Its first `require_x()` runs
 * it, once, like a module's top level: as that, it gets no versions (a module's code runs to completion, also
 * when a task imports it) and its functions are made from text by an opener of its own. (A helper of another
 * kind that happens to have such a name costs only that its function runs to completion.)
 */
function isBundledModule(ts: typeof TS, fn: TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration): boolean {
  let e: TS.Node = fn;
  if (ts.isMethodDeclaration(fn)) {
    if (!ts.isObjectLiteralExpression(fn.parent) || fn.parent.properties.length !== 1) return false;
    e = fn.parent;
  }
  while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
  const call = e.parent;
  return ts.isCallExpression(call) && call.arguments[0] === e && ts.isIdentifier(call.expression) && MODULE_HELPERS.has(call.expression.text);
}

