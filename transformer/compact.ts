// The versions the transform adds are printed on one line each. They are never read by people (stack traces
// and debuggers go through source maps to the original), and indentation was a third of the output: the
// copies nest deeply (bundle wrapper, maker, copy, dual-mode blocks), at four spaces a level.

import type * as TS from 'typescript';

/**
 * Marks the statements the transform created inside `root` (a copy's body) to print on one line. Nodes
 * from the user's code (they have a source position) keep their layout, as do functions and classes
 * nested in the copy: those are the user's closures, printed the same wherever they appear.
 */
export function printOnOneLine(ts: typeof TS, root: TS.Block): void {
  // getEmitFlags is not in the public typings; keep any flag TypeScript's factory may have set.
  const flagsOf = (ts as unknown as { getEmitFlags?(node: TS.Node): number }).getEmitFlags ?? (() => 0);
  // Statements only: expressions hold no statements but in functions, which keep their layout anyway.
  const visit = (node: TS.Node | undefined): void => {
    if (!node) return;
    const holds = ts.isBlock(node) || ts.isIfStatement(node) || ts.isIterationStatement(node, false) || ts.isLabeledStatement(node) || ts.isTryStatement(node);
    if (holds && node.pos === -1) ts.setEmitFlags(node, flagsOf(node) | ts.EmitFlags.SingleLine);
    if (ts.isBlock(node)) node.statements.forEach(visit);
    else if (ts.isIfStatement(node)) (visit(node.thenStatement), visit(node.elseStatement));
    else if (ts.isIterationStatement(node, false) || ts.isLabeledStatement(node)) visit(node.statement);
    else if (ts.isTryStatement(node)) (visit(node.tryBlock), visit(node.catchClause?.block), visit(node.finallyBlock));
    else if (ts.isSwitchStatement(node)) node.caseBlock.clauses.forEach((c) => c.statements.forEach(visit));
  };
  visit(root);
}
