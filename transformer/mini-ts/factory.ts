// TypeScript's node factory, the functions the core rewrite calls. Nodes come out shaped as TypeScript's
// (nodes.ts); parentheses the printer needs for precedence are added when printing (print.ts), not here.

import { NodeFlags, SyntaxKind as K } from './enums';
import { make, Node, update } from './nodes';

type Name = string | Node;
type List = readonly Node[] | undefined;

let uniqueIds = 0;
const id = (name: Name): Node => (typeof name === 'string' ? createIdentifier(name) : name);
const list = (nodes: List): Node[] | undefined => (nodes ? [...nodes] : undefined);
const token = (kind: number): Node => make(kind);
const operatorToken = (op: number | Node): Node => (typeof op === 'number' ? token(op) : op);

export function createIdentifier(text: string): Node {
  return make(K.Identifier, { text, escapedText: text });
}

/** A name the printer makes unique (TypeScript's createUniqueName): `base`, or `base_1`, ... if taken. */
export function createUniqueName(base: string, flags = 0): Node {
  return make(K.Identifier, { text: base, escapedText: base, autoGenerate: { base, flags, id: ++uniqueIds } });
}

const binary = (left: Node, op: number | Node, right: Node): Node => make(K.BinaryExpression, { left, operatorToken: operatorToken(op), right });
const prefix = (operator: number, operand: Node): Node => make(K.PrefixUnaryExpression, { operator, operand });

/**
 * TypeScript's `updateX(node, ...parts)`: the same node when every part is the one it has, else an updated
 * copy. `keys` names the parts in the order of the function's parameters (null: a type-only parameter).
 */
function updaters(table: Record<string, readonly (string | null)[]>): Record<string, (node: Node, ...parts: unknown[]) => Node> {
  const out: Record<string, (node: Node, ...parts: unknown[]) => Node> = {};
  for (const [fn, keys] of Object.entries(table)) {
    out[fn] = (node, ...parts) => {
      const props: Record<string, unknown> = {};
      let changed = false;
      keys.forEach((k, i) => {
        if (k === null) return;
        const v = Array.isArray(parts[i]) ? [...(parts[i] as Node[])] : parts[i];
        props[k] = v;
        if (Array.isArray(v) ? !sameList(v, node[k]) : v !== node[k]) changed = true;
      });
      return changed ? update(node, props) : node;
    };
  }
  return out;
}
const sameList = (a: readonly unknown[], b: unknown): boolean => Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);

export const factory = {
  createIdentifier,
  createUniqueName,
  createToken: token,
  createTrue: (): Node => token(K.TrueKeyword),
  createFalse: (): Node => token(K.FalseKeyword),
  createNull: (): Node => token(K.NullKeyword),
  createThis: (): Node => token(K.ThisKeyword),
  createVoidZero: (): Node => make(K.VoidExpression, { expression: make(K.NumericLiteral, { text: '0' }) }),
  createStringLiteral: (text: string): Node => make(K.StringLiteral, { text }),
  createNumericLiteral: (value: number | string): Node => make(K.NumericLiteral, { text: String(value) }),

  createYieldExpression: (asteriskToken: Node | undefined, expression: Node | undefined): Node => make(K.YieldExpression, { asteriskToken, expression }),
  createForOfStatement: (awaitModifier: Node | undefined, initializer: Node, expression: Node, statement: Node): Node => make(K.ForOfStatement, { awaitModifier, initializer, expression, statement }),
  createBinaryExpression: binary,
  createAssignment: (l: Node, r: Node): Node => binary(l, K.EqualsToken, r),
  createLogicalAnd: (l: Node, r: Node): Node => binary(l, K.AmpersandAmpersandToken, r),
  createLogicalOr: (l: Node, r: Node): Node => binary(l, K.BarBarToken, r),
  createStrictEquality: (l: Node, r: Node): Node => binary(l, K.EqualsEqualsEqualsToken, r),
  createStrictInequality: (l: Node, r: Node): Node => binary(l, K.ExclamationEqualsEqualsToken, r),
  createLessThan: (l: Node, r: Node): Node => binary(l, K.LessThanToken, r),
  createLessThanEquals: (l: Node, r: Node): Node => binary(l, K.LessThanEqualsToken, r),
  createGreaterThanEquals: (l: Node, r: Node): Node => binary(l, K.GreaterThanEqualsToken, r),
  createLogicalNot: (e: Node): Node => prefix(K.ExclamationToken, e),
  createPrefixDecrement: (e: Node): Node => prefix(K.MinusMinusToken, e),
  createPrefixUnaryExpression: prefix,
  createPostfixIncrement: (e: Node): Node => make(K.PostfixUnaryExpression, { operator: K.PlusPlusToken, operand: e }),
  createCommaListExpression: (elements: List): Node => make(K.CommaListExpression, { elements: list(elements) }),
  createConditionalExpression: (condition: Node, _q: Node | undefined, whenTrue: Node, _c: Node | undefined, whenFalse: Node): Node =>
    make(K.ConditionalExpression, { condition, whenTrue, whenFalse }),
  createTypeOfExpression: (expression: Node): Node => make(K.TypeOfExpression, { expression }),
  createVoidExpression: (expression: Node): Node => make(K.VoidExpression, { expression }),
  createParenthesizedExpression: (expression: Node): Node => make(K.ParenthesizedExpression, { expression }),

  createCallExpression: (expression: Node, _t: unknown, args: List): Node => make(K.CallExpression, { expression, arguments: list(args) ?? [] }),
  createNewExpression: (expression: Node, _t: unknown, args: List): Node => make(K.NewExpression, { expression, arguments: list(args) }),
  createPropertyAccessExpression: (expression: Node, name: Name): Node => make(K.PropertyAccessExpression, { expression, name: id(name) }),
  createElementAccessExpression: (expression: Node, index: number | Node): Node =>
    make(K.ElementAccessExpression, { expression, argumentExpression: typeof index === 'number' ? factory.createNumericLiteral(index) : index }),
  createElementAccessChain: (expression: Node, questionDotToken: Node | undefined, index: number | Node): Node =>
    make(K.ElementAccessExpression, { expression, questionDotToken, argumentExpression: typeof index === 'number' ? factory.createNumericLiteral(index) : index }, NodeFlags.OptionalChain),

  createArrayLiteralExpression: (elements: List): Node => make(K.ArrayLiteralExpression, { elements: list(elements) ?? [] }),
  createObjectLiteralExpression: (properties: List): Node => make(K.ObjectLiteralExpression, { properties: list(properties) ?? [] }),
  createPropertyAssignment: (name: Name, initializer: Node): Node => make(K.PropertyAssignment, { name: id(name), initializer }),
  createShorthandPropertyAssignment: (name: Name, objectAssignmentInitializer?: Node): Node => make(K.ShorthandPropertyAssignment, { name: id(name), objectAssignmentInitializer }),
  createSpreadAssignment: (expression: Node): Node => make(K.SpreadAssignment, { expression }),
  createSpreadElement: (expression: Node): Node => make(K.SpreadElement, { expression }),
  createComputedPropertyName: (expression: Node): Node => make(K.ComputedPropertyName, { expression }),
  createTemplateExpression: (head: Node, templateSpans: List): Node => make(K.TemplateExpression, { head, templateSpans: list(templateSpans) }),
  createTemplateHead: (text: string): Node => make(K.TemplateHead, { text, rawText: text }),
  createTemplateTail: (text: string): Node => make(K.TemplateTail, { text, rawText: text }),
  createTemplateSpan: (expression: Node, literal: Node): Node => make(K.TemplateSpan, { expression, literal }),

  createBlock: (statements: List, multiLine?: boolean): Node => make(K.Block, { statements: list(statements) ?? [], multiLine }),
  createEmptyStatement: (): Node => make(K.EmptyStatement),
  createExpressionStatement: (expression: Node): Node => make(K.ExpressionStatement, { expression }),
  createIfStatement: (expression: Node, thenStatement: Node, elseStatement?: Node): Node => make(K.IfStatement, { expression, thenStatement, elseStatement }),
  createReturnStatement: (expression?: Node): Node => make(K.ReturnStatement, { expression }),
  createThrowStatement: (expression: Node): Node => make(K.ThrowStatement, { expression }),
  createBreakStatement: (label?: Name): Node => make(K.BreakStatement, { label: label === undefined ? undefined : id(label) }),
  createContinueStatement: (label?: Name): Node => make(K.ContinueStatement, { label: label === undefined ? undefined : id(label) }),
  createLabeledStatement: (label: Name, statement: Node): Node => make(K.LabeledStatement, { label: id(label), statement }),
  createForStatement: (initializer: Node | undefined, condition: Node | undefined, incrementor: Node | undefined, statement: Node): Node =>
    make(K.ForStatement, { initializer, condition, incrementor, statement }),
  createWhileStatement: (expression: Node, statement: Node): Node => make(K.WhileStatement, { expression, statement }),
  createDoStatement: (statement: Node, expression: Node): Node => make(K.DoStatement, { statement, expression }),
  createSwitchStatement: (expression: Node, caseBlock: Node): Node => make(K.SwitchStatement, { expression, caseBlock }),
  createCaseBlock: (clauses: List): Node => make(K.CaseBlock, { clauses: list(clauses) }),
  createCaseClause: (expression: Node, statements: List): Node => make(K.CaseClause, { expression, statements: list(statements) }),
  createDefaultClause: (statements: List): Node => make(K.DefaultClause, { statements: list(statements) }),
  createTryStatement: (tryBlock: Node, catchClause: Node | undefined, finallyBlock: Node | undefined): Node => make(K.TryStatement, { tryBlock, catchClause, finallyBlock }),
  createCatchClause: (variable: Name | undefined, block: Node): Node =>
    make(K.CatchClause, { variableDeclaration: variable === undefined ? undefined : typeof variable !== 'string' && variable.kind === K.VariableDeclaration ? variable : factory.createVariableDeclaration(variable), block }),
  createVariableStatement: (modifiers: List, declarationList: Node | List): Node =>
    make(K.VariableStatement, { modifiers: list(modifiers), declarationList: Array.isArray(declarationList) ? factory.createVariableDeclarationList(declarationList) : declarationList }),
  createVariableDeclarationList: (declarations: List, flags = 0): Node => make(K.VariableDeclarationList, { declarations: list(declarations) }, flags),
  createVariableDeclaration: (name: Name, _excl?: unknown, _type?: unknown, initializer?: Node): Node => make(K.VariableDeclaration, { name: id(name), initializer }),

  createFunctionExpression: (modifiers: List, asteriskToken: Node | undefined, name: Name | undefined, _tp: unknown, parameters: List, _type: unknown, body: Node): Node =>
    make(K.FunctionExpression, { modifiers: list(modifiers), asteriskToken, name: name === undefined ? undefined : id(name), parameters: list(parameters) ?? [], body }),
  createArrowFunction: (modifiers: List, _tp: unknown, parameters: List, _type: unknown, _arrow: unknown, body: Node): Node =>
    make(K.ArrowFunction, { modifiers: list(modifiers), parameters: list(parameters) ?? [], equalsGreaterThanToken: token(K.EqualsGreaterThanToken), body }),
  createParameterDeclaration: (modifiers: List, dotDotDotToken: Node | undefined, name: Name, _q?: unknown, _type?: unknown, initializer?: Node): Node =>
    make(K.Parameter, { modifiers: list(modifiers), dotDotDotToken, name: id(name), initializer }),
  createBindingElement: (dotDotDotToken: Node | undefined, propertyName: Name | undefined, name: Name, initializer?: Node): Node =>
    make(K.BindingElement, { dotDotDotToken, propertyName: propertyName === undefined ? undefined : id(propertyName), name: id(name), initializer }),
  liftToBlock: (nodes: readonly Node[]): Node => (nodes.length === 1 ? nodes[0]! : factory.createBlock(nodes)),

  ...updaters({
    updateBlock: ['statements'],
    updateCaseBlock: ['clauses'],
    updateCaseClause: ['expression', 'statements'],
    updateDefaultClause: ['statements'],
    updateDoStatement: ['statement', 'expression'],
    updateForInStatement: ['initializer', 'expression', 'statement'],
    updateForOfStatement: ['awaitModifier', 'initializer', 'expression', 'statement'],
    updateForStatement: ['initializer', 'condition', 'incrementor', 'statement'],
    updateSpreadElement: ['expression'],
    updateSwitchStatement: ['expression', 'caseBlock'],
    updateVariableDeclaration: ['name', null, null, 'initializer'],
    updateWhileStatement: ['expression', 'statement'],
    updateYieldExpression: ['asteriskToken', 'expression'],
  }),
  updatePropertyAccessExpression: (node: Node, expression: Node, name: Node): Node => (node.expression === expression && node.name === name ? node : update(node, { expression, name })),
  updateElementAccessExpression: (node: Node, expression: Node, argumentExpression: Node): Node =>
    node.expression === expression && node.argumentExpression === argumentExpression ? node : update(node, { expression, argumentExpression }),
  updatePropertyAssignment: (node: Node, name: Node, initializer: Node): Node => (node.name === name && node.initializer === initializer ? node : update(node, { name, initializer })),
};
