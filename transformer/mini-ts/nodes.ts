// Nodes shaped like TypeScript's, and the part of TypeScript's API the core rewrite uses on them: kind
// tests, the node factory, forEachChild / visitEachChild. So the rewrite (lazy.ts and its helpers), written
// against TypeScript's API and handed its `ts` as a parameter, can run where TypeScript is not loaded: at
// run time, on a function's own text (parsed by from-estree.ts, printed by print.ts).
//
// A node is a plain object: `kind`, `pos`/`end` (source offsets; -1 for made ones), `flags` (NodeFlags:
// Synthesized marks every node the factory made, including updated copies of parsed ones) and the child
// properties TypeScript gives that kind, listed in CHILDREN (source order).

import { NodeFlags, SyntaxKind as K } from './enums';

/** A node of the mini TypeScript AST (its properties are those of TypeScript's node of the same kind). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = { kind: number; pos: number; end: number; flags: number; parent?: Node; original?: Node; emitFlags?: number; [key: string]: any };

/** The child properties of each kind, in source order (arrays are node lists). */
export const CHILDREN: Record<number, readonly string[]> = {
  [K.SourceFile]: ['statements'],
  [K.Block]: ['statements'],
  [K.VariableStatement]: ['modifiers', 'declarationList'],
  [K.VariableDeclarationList]: ['declarations'],
  [K.VariableDeclaration]: ['name', 'initializer'],
  [K.ExpressionStatement]: ['expression'],
  [K.IfStatement]: ['expression', 'thenStatement', 'elseStatement'],
  [K.DoStatement]: ['statement', 'expression'],
  [K.WhileStatement]: ['expression', 'statement'],
  [K.ForStatement]: ['initializer', 'condition', 'incrementor', 'statement'],
  [K.ForInStatement]: ['initializer', 'expression', 'statement'],
  [K.ForOfStatement]: ['awaitModifier', 'initializer', 'expression', 'statement'],
  [K.ContinueStatement]: ['label'],
  [K.BreakStatement]: ['label'],
  [K.ReturnStatement]: ['expression'],
  [K.ThrowStatement]: ['expression'],
  [K.WithStatement]: ['expression', 'statement'],
  [K.SwitchStatement]: ['expression', 'caseBlock'],
  [K.CaseBlock]: ['clauses'],
  [K.CaseClause]: ['expression', 'statements'],
  [K.DefaultClause]: ['statements'],
  [K.LabeledStatement]: ['label', 'statement'],
  [K.TryStatement]: ['tryBlock', 'catchClause', 'finallyBlock'],
  [K.CatchClause]: ['variableDeclaration', 'block'],
  [K.FunctionDeclaration]: ['modifiers', 'asteriskToken', 'name', 'parameters', 'body'],
  [K.FunctionExpression]: ['modifiers', 'asteriskToken', 'name', 'parameters', 'body'],
  [K.ArrowFunction]: ['modifiers', 'parameters', 'equalsGreaterThanToken', 'body'],
  [K.MethodDeclaration]: ['modifiers', 'asteriskToken', 'name', 'parameters', 'body'],
  [K.GetAccessor]: ['modifiers', 'name', 'parameters', 'body'],
  [K.SetAccessor]: ['modifiers', 'name', 'parameters', 'body'],
  [K.Constructor]: ['modifiers', 'parameters', 'body'],
  [K.ClassDeclaration]: ['modifiers', 'name', 'heritageClauses', 'members'],
  [K.ClassExpression]: ['modifiers', 'name', 'heritageClauses', 'members'],
  [K.HeritageClause]: ['types'],
  [K.ExpressionWithTypeArguments]: ['expression'],
  [K.PropertyDeclaration]: ['modifiers', 'name', 'initializer'],
  [K.ClassStaticBlockDeclaration]: ['body'],
  [K.Parameter]: ['modifiers', 'dotDotDotToken', 'name', 'initializer'],
  [K.ObjectBindingPattern]: ['elements'],
  [K.ArrayBindingPattern]: ['elements'],
  [K.BindingElement]: ['dotDotDotToken', 'propertyName', 'name', 'initializer'],
  [K.PropertyAccessExpression]: ['expression', 'questionDotToken', 'name'],
  [K.ElementAccessExpression]: ['expression', 'questionDotToken', 'argumentExpression'],
  [K.CallExpression]: ['expression', 'questionDotToken', 'arguments'],
  [K.NewExpression]: ['expression', 'arguments'],
  [K.TaggedTemplateExpression]: ['tag', 'template'],
  [K.ParenthesizedExpression]: ['expression'],
  [K.TypeOfExpression]: ['expression'],
  [K.VoidExpression]: ['expression'],
  [K.DeleteExpression]: ['expression'],
  [K.AwaitExpression]: ['expression'],
  [K.SpreadElement]: ['expression'],
  [K.SpreadAssignment]: ['expression'],
  [K.PrefixUnaryExpression]: ['operand'],
  [K.PostfixUnaryExpression]: ['operand'],
  [K.BinaryExpression]: ['left', 'operatorToken', 'right'],
  [K.ConditionalExpression]: ['condition', 'questionToken', 'whenTrue', 'colonToken', 'whenFalse'],
  [K.TemplateExpression]: ['head', 'templateSpans'],
  [K.TemplateSpan]: ['expression', 'literal'],
  [K.YieldExpression]: ['asteriskToken', 'expression'],
  [K.ArrayLiteralExpression]: ['elements'],
  [K.ObjectLiteralExpression]: ['properties'],
  [K.PropertyAssignment]: ['name', 'initializer'],
  [K.ShorthandPropertyAssignment]: ['name', 'equalsToken', 'objectAssignmentInitializer'],
  [K.ComputedPropertyName]: ['expression'],
  [K.MetaProperty]: ['name'],
  [K.CommaListExpression]: ['elements'],
  [K.ImportKeyword]: [],
};

/** A node made by the factory (Synthesized, no position). */
export function make(kind: number, props: Record<string, unknown> = {}, flags = 0): Node {
  return { kind, pos: -1, end: -1, flags: flags | NodeFlags.Synthesized, ...props };
}

/** The children of `node`, in source order (nodes and node lists), skipping absent ones. */
export function forEachChild<T>(node: Node, cb: (n: Node) => T | undefined, cbList?: (ns: Node[]) => T | undefined): T | undefined {
  for (const key of CHILDREN[node.kind] ?? []) {
    const v = node[key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      if (cbList) {
        const r = cbList(v);
        if (r) return r;
      } else {
        for (const c of v) {
          const r = cb(c);
          if (r) return r;
        }
      }
    } else {
      const r = cb(v);
      if (r) return r;
    }
  }
  return undefined;
}

/** TypeScript's visitEachChild: the same node when no child changed, else an updated copy (Synthesized). */
export function visitEachChild(node: Node, visitor: (n: Node) => Node | Node[] | undefined): Node {
  if (!node) return node;
  let changed: Record<string, unknown> | undefined;
  for (const key of CHILDREN[node.kind] ?? []) {
    const v = node[key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      const out = visitNodes(v, visitor);
      if (out !== v) (changed ??= {})[key] = out;
    } else {
      const out = visitNode(v, visitor);
      if (out !== v) (changed ??= {})[key] = out;
    }
  }
  return changed ? update(node, changed) : node;
}

export function visitNode(node: Node | undefined, visitor: (n: Node) => Node | Node[] | undefined): Node | undefined {
  if (!node) return node;
  const out = visitor(node);
  if (Array.isArray(out)) return out.length === 1 ? out[0] : out.length === 0 ? undefined : make(K.Block, { statements: out });
  return out;
}

function visitNodes(list: Node[], visitor: (n: Node) => Node | Node[] | undefined): Node[] {
  let out: Node[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const r = visitor(list[i]!);
    const same = r === list[i];
    if (!same && !out) out = list.slice(0, i);
    if (out) {
      if (Array.isArray(r)) out.push(...r);
      else if (r) out.push(r);
    }
  }
  return out ?? list;
}

/** An updated copy of `node` (TypeScript's update functions): keeps its range and remembers the original. */
export function update(node: Node, props: Record<string, unknown>): Node {
  return { ...node, ...props, flags: node.flags | NodeFlags.Synthesized, original: node, parent: undefined };
}

export function setTextRange<T extends Node>(node: T, range: { pos: number; end: number } | undefined): T {
  if (range) {
    node.pos = range.pos;
    node.end = range.end;
  }
  return node;
}

export function getOriginalNode(node: Node, test?: (n: Node) => boolean): Node {
  let n = node;
  while (n.original) n = n.original;
  return !test || test(n) ? n : (undefined as unknown as Node);
}
