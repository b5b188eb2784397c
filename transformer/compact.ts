// The versions the transform adds are printed on one line each. They are never read by people (stack traces
// and debuggers go through source maps to the original), and indentation was a third of the output: the
// copies nest deeply (bundle wrapper, maker, copy, dual-mode blocks), at four spaces a level.

import type * as TS from 'typescript';
import { isFunctionBoundary } from './analyze';

/**
 * Marks the statements the transform created inside `root` (a copy's body) to print on one line. Nodes
 * from the user's code (they have a source position) keep their layout, as do functions and classes
 * nested in the copy: those are the user's closures, printed the same wherever they appear.
 */
export function printOnOneLine(ts: typeof TS, root: TS.Node): void {
  // getEmitFlags is not in the public typings; keep any flag TypeScript's factory may have set.
  const flagsOf = (ts as unknown as { getEmitFlags?(node: TS.Node): number }).getEmitFlags ?? (() => 0);
  const mark = (node: TS.Node): void => {
    if (node.pos === -1 && isStatementHolder(ts, node)) ts.setEmitFlags(node, flagsOf(node) | ts.EmitFlags.SingleLine);
  };
  const visit = (node: TS.Node): void => {
    if (isFunctionBoundary(ts, node)) return;
    mark(node);
    ts.forEachChild(node, visit);
  };
  mark(root);
  ts.forEachChild(root, visit);
}

/** Nodes whose statements the printer puts on lines of their own unless told otherwise. */
function isStatementHolder(ts: typeof TS, node: TS.Node): boolean {
  return (
    ts.isBlock(node) ||
    ts.isIfStatement(node) ||
    ts.isIterationStatement(node, false) ||
    ts.isLabeledStatement(node) ||
    ts.isTryStatement(node)
  );
}
