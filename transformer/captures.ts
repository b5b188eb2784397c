// The bindings of the functions around a closure that its versions need when they are made at run time
// in another scope (option copiesAtRunTime). The versions of a closure written inside an ordinary function
// are compiled by the opener of the file or of a run-once wrapper (rewrite.ts openerFor), which sees the
// names declared there but not the locals of the functions between. Those locals are handed over as values
// when the versions are made, which is exact for a binding whose value never changes once the closure can
// run: never written after its declaration, and, for a `let`/`const`/`class`, declared before the closure
// and not reachable by a hoisted function first (else it could still be in its dead zone). Any other
// binding is handed over as an accessor, which reads and writes the live binding (its dead zone too), when
// the closure declares no name of its own like it (its references are rewritten by name); else the
// closure keeps printed versions.

import type * as TS from 'typescript';
import { boundNames, isFunctionBoundary, writesOf } from './analyze';
import { isReference } from './generator-body';

/** How a name is bound in a scope (only the kinds the rules below tell apart). */
type Kind = 'param' | 'var' | 'function' | 'lexical' | 'self' | 'case';

interface Binding {
  kind: Kind;
  /** Where it is declared (a let/const/class must come before the closure). */
  end: number;
  /** Declared more than once in the scope (a parameter and a var, two vars): kept out. */
  repeated: boolean;
}

/** What the versions of a closure take from the functions around it. */
export interface Captures {
  /** Locals of the functions between the closure and the opener's scope that it mentions, handed over as values. */
  names: string[];
  /** Those whose values may change once it can run: handed over as accessors (`{ get x() {...}, set x(v) {...} }`). */
  boxed: string[];
  /** Of the boxed, those it writes (their accessor has a setter). */
  written: string[];
}

/** Per scope node its bindings (computed once), and where the file writes each name (analyze.ts FileNames). */
export interface CaptureMemo {
  bindings: WeakMap<TS.Node, Map<string, Binding>>;
  writers: ReadonlyMap<string, readonly TS.Node[]>;
  /** Every writer has its place in the source (none made by a transformer that ran before this one). */
  positioned: boolean;
}

export function newCaptureMemo(writers: ReadonlyMap<string, readonly TS.Node[]>): CaptureMemo {
  let positioned = true;
  for (const nodes of writers.values()) positioned &&= nodes.every((n) => n.pos >= 0);
  return { bindings: new WeakMap(), writers, positioned };
}

/**
 * The captures of `fn`, a function written below `top` (the opener's scope: the file, or a run-once
 * wrapper's body), or a reason why its versions cannot be made there. `isStrict`: strict code (a sloppy
 * function's parameters are aliased by its `arguments`).
 */
export function capturesOf(ts: typeof TS, fn: TS.FunctionLikeDeclaration, top: TS.Node, memo: CaptureMemo, isStrict: (f: TS.Node) => boolean): Captures | { refused: string } {
  // (With no scope between it and the opener's, a function takes nothing but a named function expression's name.)
  if (!scopeBetween(ts, fn, top) && !(ts.isFunctionExpression(fn) && fn.name)) return { names: [], boxed: [], written: [] };
  const wanted = referencedNames(ts, fn);
  const names: string[] = [];
  // A named function expression's own name: the function itself (handed over by its registration, which
  // has it as a constant: rewrite.ts visitFunctionExpression).
  if (ts.isFunctionExpression(fn) && fn.name && wanted.delete(fn.name.text)) names.push(fn.name.text);
  const boxed: string[] = [];
  let declared: Set<string> | undefined;
  // A function declaration is hoisted: it may run before any let/const of its scopes is initialised.
  let hoisted = ts.isFunctionDeclaration(fn);
  for (let p: TS.Node = fn.parent; p !== top; p = p.parent) {
    if (!p || ts.isSourceFile(p)) return { refused: 'not below its opener' };
    if (ts.isParameter(p)) return { refused: 'in a parameter list' };
    const scope = bindingsOf(ts, p, memo);
    for (const name of wanted) {
      const b = scope.get(name);
      if (!b) continue;
      wanted.delete(name); // the innermost binding is the one the closure sees
      const why = b.repeated ? 'declared twice'
        : b.kind === 'var' ? 'a var'
        : b.kind === 'case' ? 'declared in a switch'
        : b.kind === 'lexical' && (hoisted || b.end > fn.pos) ? 'maybe not yet initialised when read'
        : b.kind !== 'self' && writtenIn(ts, p, name, memo) ? 'assigned'
        : b.kind === 'param' && !isStrict(p) ? "a sloppy function's parameter"
        : undefined;
      if (!why) {
        names.push(name);
        continue;
      }
      // Read through an accessor, which the versions (made from the text with each reference rewritten,
      // mini-ts/box.ts) can only do where every mention of the name means this binding.
      if ((declared ??= declaredIn(ts, fn)).has(name)) return { refused: `${name}: ${why}, and declared inside too` };
      boxed.push(name);
    }
    if (ts.isFunctionDeclaration(p)) hoisted = true;
  }
  if (boxed.length === 0) return { names, boxed, written: [] };
  return { names, boxed, written: boxed.filter((n) => writtenIn(ts, fn, n, memo)) };
}

/** Whether a node between `fn` and `top` may bind names (one bindingsOf reads) or is a parameter. */
function scopeBetween(ts: typeof TS, fn: TS.Node, top: TS.Node): boolean {
  for (let p: TS.Node = fn.parent; p !== top; p = p.parent) {
    if (!p || ts.isParameter(p) || ts.isFunctionLike(p) || ts.isClassStaticBlockDeclaration(p) || ts.isBlock(p) || ts.isCaseBlock(p) || ts.isCatchClause(p) || ts.isClassLike(p) || ts.isIterationStatement(p, false)) return true;
  }
  return false;
}

/** Every name declared anywhere in `fn` (its parameters, and those of functions inside, included). */
function declaredIn(ts: typeof TS, fn: TS.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: TS.Node): void => {
    const name = (n as { name?: TS.Node }).name;
    if (name && (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n))) for (const id of boundNames(ts, name as TS.BindingName)) names.add(id.text);
    else if (name && ts.isIdentifier(name) && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassDeclaration(n) || ts.isClassExpression(n))) names.add(name.text);
    ts.forEachChild(n, visit);
  };
  visit(fn);
  return names;
}

/** Names `fn` reads or writes as variables (declarations inside it too: harmless, they only shadow). */
function referencedNames(ts: typeof TS, fn: TS.Node): Set<string> {
  const names = new Set<string>();
  // (The parent kept in a variable, not in a closure per node.)
  let parent: TS.Node = fn;
  const visit = (n: TS.Node): void => {
    if (ts.isIdentifier(n)) {
      if (isReference(ts, n, parent) && n.text !== 'arguments') names.add(n.text);
      return;
    }
    const outer = parent;
    parent = n;
    ts.forEachChild(n, visit);
    parent = outer;
  };
  // (Not its own name as declared: a declaration's binding is the scope's, read only by calls inside.)
  ts.forEachChild(fn, (c) => void (c !== (fn as TS.FunctionLikeDeclaration).name && visit(c)));
  return names;
}

function bindingsOf(ts: typeof TS, scope: TS.Node, memo: CaptureMemo): Map<string, Binding> {
  let m = memo.bindings.get(scope);
  if (m) return m;
  m = new Map();
  const add = (id: TS.Identifier, kind: Kind, end: number): void => {
    const had = m!.get(id.text);
    m!.set(id.text, { kind, end, repeated: !!had });
  };
  const addStatements = (statements: readonly TS.Statement[], kind: Kind | undefined): void => {
    for (const s of statements) {
      if (ts.isVariableStatement(s) && s.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) {
        for (const d of s.declarationList.declarations) for (const id of boundNames(ts, d.name)) add(id, kind ?? 'lexical', s.end);
      } else if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
        add(s.name, kind ?? (ts.isFunctionDeclaration(s) ? 'function' : 'lexical'), s.end);
      }
    }
  };
  if (ts.isFunctionLike(scope) || ts.isClassStaticBlockDeclaration(scope)) {
    if (!ts.isClassStaticBlockDeclaration(scope)) {
      for (const p of (scope as TS.SignatureDeclaration).parameters) for (const id of boundNames(ts, p.name)) add(id, 'param', p.end);
      if (ts.isFunctionExpression(scope) && scope.name) add(scope.name, 'self', scope.pos);
    }
    const body = (scope as { body?: TS.Node }).body;
    if (body && ts.isBlock(body)) {
      addVars(ts, body, (id) => add(id, 'var', id.end));
      addStatements(body.statements, undefined);
    }
  } else if (ts.isBlock(scope) && !(ts.isFunctionLike(scope.parent) || ts.isClassStaticBlockDeclaration(scope.parent))) {
    addStatements(scope.statements, undefined);
  } else if (ts.isCaseBlock(scope)) {
    for (const c of scope.clauses) addStatements(c.statements, 'case');
  } else if ((ts.isForStatement(scope) || ts.isForInStatement(scope) || ts.isForOfStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer) && scope.initializer.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) {
    for (const d of scope.initializer.declarations) for (const id of boundNames(ts, d.name)) add(id, 'lexical', scope.initializer.end);
  } else if (ts.isCatchClause(scope) && scope.variableDeclaration) {
    for (const id of boundNames(ts, scope.variableDeclaration.name)) add(id, 'lexical', scope.variableDeclaration.end);
  } else if (ts.isClassLike(scope) && scope.name) {
    add(scope.name, 'self', scope.pos);
  }
  memo.bindings.set(scope, m);
  return m;
}

/** The `var` names a function body declares (not those of functions inside it). */
function addVars(ts: typeof TS, body: TS.Node, add: (id: TS.Identifier) => void): void {
  const visit = (n: TS.Node): void => {
    if (isFunctionBoundary(ts, n)) return;
    if (ts.isVariableDeclarationList(n) && !(n.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const | ts.NodeFlags.Using))) {
      for (const d of n.declarations) for (const id of boundNames(ts, d.name)) add(id);
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
}

/** Whether `name` is assigned anywhere inside `scope` (by name: a shadowing binding's writes count too). */
function writtenIn(ts: typeof TS, scope: TS.Node, name: string, memo: CaptureMemo): boolean {
  // (By the file's writers of the name, in the order of the source: no walk of the scope, which for every
  // scope around every closure was a walk per level of nesting. Nodes without a place are walked.)
  if (!memo.positioned || scope.pos < 0) {
    let found = false;
    const visit = (n: TS.Node): true | undefined => {
      writesOf(ts, n, (w) => void (found ||= w === name));
      return found || ts.forEachChild(n, visit);
    };
    return visit(scope) === true;
  }
  const writers = memo.writers.get(name);
  if (!writers) return false;
  let lo = 0;
  let hi = writers.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (writers[mid]!.pos < scope.pos) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < writers.length && writers[i]!.pos < scope.end; i++) if (writers[i]!.end <= scope.end) return true;
  return false;
}
