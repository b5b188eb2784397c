// The `ts` the core rewrite is handed when it runs without TypeScript (at run time, on one function's text):
// the members of TypeScript's API that lazy.ts and the helpers it calls use, over mini-ts nodes. The enums
// are TypeScript's own numbers; the rest is nodes.ts (shapes, traversal), factory.ts and print.ts.

import type * as TS from 'typescript';
import { EmitFlags, GeneratedIdentifierFlags, ModifierFlags, NodeFlags, SyntaxKind as K } from './enums';
import { factory } from './factory';
import { forEachChild, getOriginalNode, Node, setTextRange, visitEachChild, visitNode } from './nodes';
import { TOKEN_TEXT } from './print';

export { parseFunction, UnsupportedSyntaxError } from './from-estree';
export { createPrinter } from './print';
export type { Node } from './nodes';

const is = (kind: number) => (n: Node | undefined): boolean => n !== undefined && n.kind === kind;
const isAny = (...kinds: number[]) => (n: Node | undefined): boolean => n !== undefined && kinds.includes(n.kind);

const FUNCTION_LIKE: readonly number[] = [K.FunctionDeclaration, K.FunctionExpression, K.ArrowFunction, K.MethodDeclaration, K.GetAccessor, K.SetAccessor, K.Constructor];
const ITERATION: readonly number[] = [K.ForStatement, K.ForInStatement, K.ForOfStatement, K.WhileStatement, K.DoStatement];
const STATEMENTS: readonly number[] = [
  K.VariableStatement, K.EmptyStatement, K.ExpressionStatement, K.IfStatement, K.DoStatement, K.WhileStatement, K.ForStatement, K.ForInStatement,
  K.ForOfStatement, K.ContinueStatement, K.BreakStatement, K.ReturnStatement, K.WithStatement, K.SwitchStatement, K.LabeledStatement,
  K.ThrowStatement, K.TryStatement, K.DebuggerStatement, K.FunctionDeclaration, K.ClassDeclaration,
];

const MODIFIER_FLAG: Record<number, number> = { [K.StaticKeyword]: ModifierFlags.Static, [K.AsyncKeyword]: ModifierFlags.Async, [K.ExportKeyword]: ModifierFlags.Export };

const api = {
  SyntaxKind: K,
  NodeFlags,
  ModifierFlags,
  EmitFlags,
  GeneratedIdentifierFlags,
  factory,
  forEachChild,
  visitEachChild: (node: Node, visitor: (n: Node) => Node | Node[] | undefined) => visitEachChild(node, visitor),
  visitNode: (node: Node | undefined, visitor: (n: Node) => Node | Node[] | undefined) => visitNode(node, visitor),
  setTextRange,
  getOriginalNode,
  getEmitFlags: (n: Node): number => n.emitFlags ?? 0,
  setEmitFlags: <T extends Node>(n: T, flags: number): T => ((n.emitFlags = flags), n),
  tokenToString: (kind: number): string | undefined => TOKEN_TEXT[kind],
  getCombinedModifierFlags: (n: Node): number => (n.modifiers ?? []).reduce((f: number, m: Node) => f | (MODIFIER_FLAG[m.kind] ?? 0), 0),

  isStatement: (n: Node): boolean =>
    STATEMENTS.includes(n.kind) ||
    // A block is a statement unless it is a function's body or a try's, catch's or finally's block.
    (n.kind === K.Block && !(n.parent && (FUNCTION_LIKE.includes(n.parent.kind) || n.parent.kind === K.TryStatement || n.parent.kind === K.CatchClause))),
  isTypeNode: (n: Node): boolean => n.kind >= K.FirstTypeNode && n.kind <= K.LastTypeNode,
  isFunctionLike: (n: Node | undefined): boolean => n !== undefined && FUNCTION_LIKE.includes(n.kind),
  isClassLike: isAny(K.ClassDeclaration, K.ClassExpression),
  isIterationStatement: (n: Node, lookInLabeled: boolean): boolean => {
    let s = n;
    while (lookInLabeled && s.kind === K.LabeledStatement) s = s.statement;
    return ITERATION.includes(s.kind);
  },
  isBreakOrContinueStatement: isAny(K.BreakStatement, K.ContinueStatement),
  isOptionalChain: (n: Node): boolean =>
    (n.flags & NodeFlags.OptionalChain) !== 0 && ([K.PropertyAccessExpression, K.ElementAccessExpression, K.CallExpression, K.NonNullExpression] as number[]).includes(n.kind),
  isParameter: is(K.Parameter),
  isTypeAssertionExpression: is(K.TypeAssertionExpression),
};

// Every other `isX` the rewrite uses is a test of one kind of the same name.
const SIMPLE_KINDS = [
  'ArrayBindingPattern', 'ArrayLiteralExpression', 'ArrowFunction', 'AsExpression', 'BinaryExpression', 'BindingElement', 'Block', 'BreakStatement',
  'CallExpression', 'CaseBlock', 'CaseClause', 'ComputedPropertyName', 'ConditionalExpression', 'ContinueStatement', 'DefaultClause', 'DeleteExpression',
  'DoStatement', 'ElementAccessExpression', 'ExpressionStatement', 'ForInStatement', 'ForOfStatement', 'ForStatement', 'FunctionDeclaration',
  'FunctionExpression', 'Identifier', 'IfStatement', 'LabeledStatement', 'MetaProperty', 'MethodDeclaration', 'NewExpression',
  'NoSubstitutionTemplateLiteral', 'NonNullExpression', 'NumericLiteral', 'ObjectBindingPattern', 'ObjectLiteralExpression', 'OmittedExpression',
  'ParenthesizedExpression', 'PartiallyEmittedExpression', 'PostfixUnaryExpression', 'PrefixUnaryExpression', 'PrivateIdentifier',
  'PropertyAccessExpression', 'PropertyAssignment', 'RegularExpressionLiteral', 'ReturnStatement', 'SatisfiesExpression',
  'ShorthandPropertyAssignment', 'SourceFile', 'SpreadAssignment', 'SpreadElement', 'StringLiteral', 'SwitchStatement', 'TaggedTemplateExpression',
  'TemplateExpression', 'TemplateSpan', 'ThrowStatement', 'TryStatement', 'TypeOfExpression', 'VariableDeclaration', 'VariableDeclarationList',
  'VariableStatement', 'VoidExpression', 'WhileStatement', 'GetAccessor', 'SetAccessor', 'ClassDeclaration', 'ClassExpression', 'AwaitExpression',
  'YieldExpression', 'CommaListExpression',
] as const;
for (const name of SIMPLE_KINDS) (api as Record<string, unknown>)[`is${name}`] = is(K[name]);

/** The mini-ts API, typed as TypeScript's for the rewrite that takes it (only the members above exist). */
export const miniTs = api as unknown as typeof TS;
