// Prints mini-ts nodes as JavaScript, on one line: nodes the parser made and nothing changed are written as
// their source text; made and updated ones from their parts, parenthesized where precedence needs it
// (TypeScript's factory adds those parentheses when a node is made; here the printer does).

import { NodeFlags, SyntaxKind as K } from './enums';
import { Node } from './nodes';

export const TOKEN_TEXT: Record<number, string> = {
  [K.PlusToken]: '+', [K.MinusToken]: '-', [K.AsteriskToken]: '*', [K.SlashToken]: '/', [K.PercentToken]: '%', [K.AsteriskAsteriskToken]: '**',
  [K.LessThanLessThanToken]: '<<', [K.GreaterThanGreaterThanToken]: '>>', [K.GreaterThanGreaterThanGreaterThanToken]: '>>>',
  [K.AmpersandToken]: '&', [K.BarToken]: '|', [K.CaretToken]: '^', [K.AmpersandAmpersandToken]: '&&', [K.BarBarToken]: '||', [K.QuestionQuestionToken]: '??',
  [K.EqualsEqualsToken]: '==', [K.ExclamationEqualsToken]: '!=', [K.EqualsEqualsEqualsToken]: '===', [K.ExclamationEqualsEqualsToken]: '!==',
  [K.LessThanToken]: '<', [K.GreaterThanToken]: '>', [K.LessThanEqualsToken]: '<=', [K.GreaterThanEqualsToken]: '>=',
  [K.InstanceOfKeyword]: 'instanceof', [K.InKeyword]: 'in', [K.CommaToken]: ',',
  [K.EqualsToken]: '=', [K.PlusEqualsToken]: '+=', [K.MinusEqualsToken]: '-=', [K.AsteriskEqualsToken]: '*=', [K.SlashEqualsToken]: '/=',
  [K.PercentEqualsToken]: '%=', [K.AsteriskAsteriskEqualsToken]: '**=', [K.LessThanLessThanEqualsToken]: '<<=', [K.GreaterThanGreaterThanEqualsToken]: '>>=',
  [K.GreaterThanGreaterThanGreaterThanEqualsToken]: '>>>=', [K.AmpersandEqualsToken]: '&=', [K.BarEqualsToken]: '|=', [K.CaretEqualsToken]: '^=',
  [K.AmpersandAmpersandEqualsToken]: '&&=', [K.BarBarEqualsToken]: '||=', [K.QuestionQuestionEqualsToken]: '??=',
  [K.ExclamationToken]: '!', [K.TildeToken]: '~', [K.PlusPlusToken]: '++', [K.MinusMinusToken]: '--',
  [K.QuestionDotToken]: '?.', [K.DotDotDotToken]: '...', [K.AsyncKeyword]: 'async', [K.StaticKeyword]: 'static',
};

// Precedence (higher binds tighter), as in the grammar.
const COMMA = 0, ASSIGN = 2, CONDITIONAL = 3, COALESCE = 4, UNARY = 16, POSTFIX = 17, LHS = 18, MEMBER = 19, PRIMARY = 20;
const BINARY_PREC: Record<number, number> = {
  [K.CommaToken]: COMMA, [K.QuestionQuestionToken]: COALESCE, [K.BarBarToken]: 5, [K.AmpersandAmpersandToken]: 6, [K.BarToken]: 7, [K.CaretToken]: 8, [K.AmpersandToken]: 9,
  [K.EqualsEqualsToken]: 10, [K.ExclamationEqualsToken]: 10, [K.EqualsEqualsEqualsToken]: 10, [K.ExclamationEqualsEqualsToken]: 10,
  [K.LessThanToken]: 11, [K.GreaterThanToken]: 11, [K.LessThanEqualsToken]: 11, [K.GreaterThanEqualsToken]: 11, [K.InstanceOfKeyword]: 11, [K.InKeyword]: 11,
  [K.LessThanLessThanToken]: 12, [K.GreaterThanGreaterThanToken]: 12, [K.GreaterThanGreaterThanGreaterThanToken]: 12,
  [K.PlusToken]: 13, [K.MinusToken]: 13, [K.AsteriskToken]: 14, [K.SlashToken]: 14, [K.PercentToken]: 14, [K.AsteriskAsteriskToken]: 15,
};
const isAssignmentOp = (op: number): boolean => op >= K.FirstAssignment && op <= K.LastAssignment;

function precedence(n: Node): number {
  switch (n.kind) {
    case K.CommaListExpression:
      return COMMA;
    case K.BinaryExpression: {
      const op = n.operatorToken.kind;
      return isAssignmentOp(op) ? ASSIGN : BINARY_PREC[op]!;
    }
    case K.ArrowFunction: case K.YieldExpression: case K.SpreadElement:
      return ASSIGN;
    case K.ConditionalExpression:
      return CONDITIONAL;
    case K.PrefixUnaryExpression: case K.TypeOfExpression: case K.VoidExpression: case K.DeleteExpression: case K.AwaitExpression:
      return UNARY;
    case K.PostfixUnaryExpression:
      return POSTFIX;
    case K.NewExpression:
      return n.arguments ? MEMBER : LHS;
    case K.CallExpression: case K.PropertyAccessExpression: case K.ElementAccessExpression: case K.TaggedTemplateExpression:
      return MEMBER;
    default:
      return PRIMARY;
  }
}

/** Statements that end with `;` in the source (or may have left it to ASI). */
const SEMICOLON_STATEMENTS = new Set<number>([
  K.ExpressionStatement, K.VariableStatement, K.ReturnStatement, K.ThrowStatement, K.BreakStatement, K.ContinueStatement, K.DoStatement, K.DebuggerStatement,
]);

// Marks (createPrinter's `marks`): where a piece of the output comes from, `MARK_START <pos in base 36>
// MARK_END` written before it, for a source map (takeMarks). Private-use characters: a function whose text
// holds one is printed without marks (lazy-from-text.ts).
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';
const LEADING_MARKS = /^(?:\uE000[0-9a-z]*\uE001)+/;
/** `s` without the marks it starts with (for the checks below that read its first characters). */
const bare = (s: string): string => (s.charCodeAt(0) === 0xe000 ? s.replace(LEADING_MARKS, '') : s);

/** The printed text without its marks, and each mark as [offset in that text, position in the parsed text]. */
export function takeMarks(printed: string): { text: string; marks: number[][] } {
  const parts = printed.split(MARK_START);
  const marks: number[][] = [];
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const end = part.indexOf(MARK_END);
    marks.push([text.length, parseInt(part.slice(0, end), 36)]);
    text += part.slice(end + 1);
  }
  return { text, marks };
}

/**
 * Prints nodes of one parsed function: `sourceFile` is its root (from-estree.ts), with the text and its names.
 * `marks`: pieces written from the text (nodes kept, names of the source, nodes updated from one) are
 * preceded by a mark of their position in it (see takeMarks).
 */
export function createPrinter(sourceFile: Node, marks = false): { expression(n: Node): string; statement(n: Node): string } {
  const text: string = sourceFile.text;
  const taken = new Set<string>(sourceFile.identifiers as Set<string>);
  const generated = new Map<number, string>();
  const isOriginal = (n: Node): boolean => (n.flags & NodeFlags.Synthesized) === 0 && n.pos >= 0;
  const mark = (pos: number): string => (marks && pos >= 0 ? `${MARK_START}${pos.toString(36)}${MARK_END}` : '');
  const slice = (n: Node): string => mark(n.pos) + text.slice(n.pos, n.end);

  const name = (n: Node): string => {
    if (!n.autoGenerate) return mark(n.pos) + n.text;
    let s = generated.get(n.autoGenerate.id);
    if (s === undefined) {
      const base: string = n.autoGenerate.base;
      s = base;
      for (let i = 1; taken.has(s); i++) s = `${base}_${i}`;
      taken.add(s);
      generated.set(n.autoGenerate.id, s);
    }
    return s;
  };

  const expr = (n: Node, min = COMMA): string => {
    const s = isOriginal(n) ? slice(n) : n.kind === K.Identifier ? exprParts(n) : mark(n.pos) + exprParts(n);
    return precedence(n) < min ? `(${s})` : s;
  };

  /** A callee or object of a member access (`new X` without arguments is parenthesized there by precedence). */
  const lhs = (n: Node, forNew = false): string => (forNew && containsCall(n) ? `(${expr(n)})` : expr(n, MEMBER));

  const binaryChild = (child: Node, parentOp: number, min: number): string => {
    const op = child.kind === K.BinaryExpression ? child.operatorToken.kind : -1;
    const mixes = (parentOp === K.QuestionQuestionToken && (op === K.BarBarToken || op === K.AmpersandAmpersandToken)) || (op === K.QuestionQuestionToken && (parentOp === K.BarBarToken || parentOp === K.AmpersandAmpersandToken));
    // `-x ** 2` is a syntax error: a unary operand on the left of ** needs parentheses.
    const unaryBase = parentOp === K.AsteriskAsteriskToken && min > 15 && precedence(child) === UNARY;
    return mixes || unaryBase ? `(${expr(child)})` : expr(child, min);
  };

  const params = (ps: Node[]): string => ps.map((p) => `${p.dotDotDotToken ? '...' : ''}${bindingName(p.name)}${p.initializer ? ` = ${expr(p.initializer, ASSIGN)}` : ''}`).join(', ');
  const bindingName = (n: Node): string => {
    if (isOriginal(n) || n.kind === K.Identifier) return n.kind === K.Identifier ? name(n) : slice(n);
    if (n.kind === K.ObjectBindingPattern) {
      return `{ ${n.elements.map((e: Node) => `${e.dotDotDotToken ? '...' : ''}${e.propertyName ? `${propName(e.propertyName)}: ` : ''}${bindingName(e.name)}${e.initializer ? ` = ${expr(e.initializer, ASSIGN)}` : ''}`).join(', ')} }`;
    }
    if (n.kind === K.ArrayBindingPattern) {
      const els = n.elements.map((e: Node) => (e.kind === K.OmittedExpression ? '' : `${e.dotDotDotToken ? '...' : ''}${bindingName(e.name)}${e.initializer ? ` = ${expr(e.initializer, ASSIGN)}` : ''}`));
      return `[${els.join(', ')}${n.elements.at(-1)?.kind === K.OmittedExpression ? ',' : ''}]`;
    }
    return expr(n);
  };
  const propName = (n: Node): string => {
    // (A parsed computed name spans its expression only, as acorn gives it: its brackets are written here.)
    if (n.kind === K.ComputedPropertyName) return `[${expr(n.expression, ASSIGN)}]`;
    if (isOriginal(n)) return slice(n);
    if (n.kind === K.Identifier || n.kind === K.PrivateIdentifier) return name(n);
    if (n.kind === K.StringLiteral) return JSON.stringify(n.text);
    return expr(n);
  };
  const fnBody = (n: Node): string => (n.kind === K.Block ? statement(n) : startsLikeBlock(expr(n, ASSIGN)));
  const modifiersOf = (n: Node): string => (n.modifiers ?? []).map((m: Node) => `${TOKEN_TEXT[m.kind]} `).join('');

  const exprParts = (n: Node): string => {
    switch (n.kind) {
      case K.Identifier: case K.PrivateIdentifier:
        return name(n);
      case K.ThisKeyword: return 'this';
      case K.SuperKeyword: return 'super';
      case K.TrueKeyword: return 'true';
      case K.FalseKeyword: return 'false';
      case K.NullKeyword: return 'null';
      case K.NumericLiteral: case K.BigIntLiteral: case K.RegularExpressionLiteral:
        return n.text;
      case K.StringLiteral:
        return JSON.stringify(n.text);
      case K.NoSubstitutionTemplateLiteral:
        return `\`${n.rawText}\``;
      case K.TemplateExpression:
        return `\`${n.head.rawText}${n.templateSpans.map((s: Node) => `\${${expr(s.expression)}}${s.literal.rawText}`).join('')}\``;
      case K.ParenthesizedExpression:
        return `(${expr(n.expression)})`;
      case K.CommaListExpression:
        return n.elements.map((e: Node) => expr(e, ASSIGN)).join(', ');
      case K.BinaryExpression: {
        const op = n.operatorToken.kind;
        const p = precedence(n);
        if (isAssignmentOp(op)) return `${expr(n.left, LHS)} ${TOKEN_TEXT[op]} ${expr(n.right, ASSIGN)}`;
        if (op === K.CommaToken) return `${expr(n.left, COMMA)}, ${expr(n.right, ASSIGN)}`;
        const rightAssoc = op === K.AsteriskAsteriskToken;
        return `${binaryChild(n.left, op, rightAssoc ? p + 1 : p)} ${TOKEN_TEXT[op]} ${binaryChild(n.right, op, rightAssoc ? p : p + 1)}`;
      }
      case K.ConditionalExpression:
        return `${expr(n.condition, COALESCE)} ? ${expr(n.whenTrue, ASSIGN)} : ${expr(n.whenFalse, ASSIGN)}`;
      case K.PrefixUnaryExpression: {
        const op = TOKEN_TEXT[n.operator]!;
        const operand = expr(n.operand, UNARY);
        // `- -x`, `+ +x`, `- --x`: a space keeps two tokens apart.
        return (op === '-' || op === '+') && bare(operand).startsWith(op) ? `${op} ${operand}` : `${op}${operand}`;
      }
      case K.PostfixUnaryExpression:
        return `${expr(n.operand, LHS)}${TOKEN_TEXT[n.operator]}`;
      case K.TypeOfExpression: return `typeof ${expr(n.expression, UNARY)}`;
      case K.VoidExpression: return `void ${expr(n.expression, UNARY)}`;
      case K.DeleteExpression: return `delete ${expr(n.expression, UNARY)}`;
      case K.AwaitExpression: return `await ${expr(n.expression, UNARY)}`;
      case K.YieldExpression: return `yield${n.asteriskToken ? '*' : ''}${n.expression ? ` ${expr(n.expression, ASSIGN)}` : ''}`;
      case K.SpreadElement: case K.SpreadAssignment:
        return `...${expr(n.expression, ASSIGN)}`;
      case K.PropertyAccessExpression: {
        const object = lhs(n.expression);
        // `1.x` would read as a number: `1..x`, or parentheses.
        const numeric = n.expression.kind === K.NumericLiteral && /^\d+$/.test(bare(object));
        return `${numeric ? `(${object})` : object}${n.questionDotToken ? '?.' : '.'}${name(n.name)}`;
      }
      case K.ElementAccessExpression:
        return `${lhs(n.expression)}${n.questionDotToken ? '?.' : ''}[${expr(n.argumentExpression)}]`;
      case K.CallExpression:
        return `${n.expression.kind === K.ImportKeyword ? 'import' : lhs(n.expression)}${n.questionDotToken ? '?.' : ''}(${n.arguments.map((a: Node) => expr(a, ASSIGN)).join(', ')})`;
      case K.NewExpression:
        return `new ${lhs(n.expression, true)}${n.arguments ? `(${n.arguments.map((a: Node) => expr(a, ASSIGN)).join(', ')})` : ''}`;
      case K.TaggedTemplateExpression:
        return `${lhs(n.tag)}${expr(n.template)}`;
      case K.MetaProperty:
        return `${n.keywordToken === K.NewKeyword ? 'new' : 'import'}.${name(n.name)}`;
      case K.ArrayLiteralExpression: {
        const els = n.elements.map((e: Node) => (e.kind === K.OmittedExpression ? '' : expr(e, ASSIGN)));
        return `[${els.join(', ')}${n.elements.at(-1)?.kind === K.OmittedExpression ? ',' : ''}]`;
      }
      case K.ObjectLiteralExpression:
        return n.properties.length === 0 ? '{}' : `{ ${n.properties.map(property).join(', ')} }`;
      case K.FunctionExpression:
        return `${modifiersOf(n)}function${n.asteriskToken ? '*' : ''}${n.name ? ` ${name(n.name)}` : ''} (${params(n.parameters)}) ${statement(n.body)}`;
      case K.ArrowFunction:
        return `${modifiersOf(n)}(${params(n.parameters)}) => ${fnBody(n.body)}`;
      case K.OmittedExpression:
        return '';
      default:
        throw new Error(`mini-ts printer: no form for kind ${n.kind}`);
    }
  };

  const property = (p: Node): string => {
    if (isOriginal(p)) return slice(p);
    switch (p.kind) {
      case K.PropertyAssignment: return `${propName(p.name)}: ${expr(p.initializer, ASSIGN)}`;
      case K.ShorthandPropertyAssignment: return `${name(p.name)}${p.objectAssignmentInitializer ? ` = ${expr(p.objectAssignmentInitializer, ASSIGN)}` : ''}`;
      case K.SpreadAssignment: return `...${expr(p.expression, ASSIGN)}`;
      default: throw new Error(`mini-ts printer: no form for property kind ${p.kind}`);
    }
  };

  const block = (stmts: Node[]): string => (stmts.length === 0 ? '{ }' : `{ ${stmts.map(statement).join(' ')} }`);
  const declarationList = (l: Node): string => {
    const keyword = l.flags & NodeFlags.Const ? 'const' : l.flags & NodeFlags.Let ? 'let' : 'var';
    return `${keyword} ${l.declarations.map((d: Node) => `${bindingName(d.name)}${d.initializer ? ` = ${expr(d.initializer, ASSIGN)}` : ''}`).join(', ')}`;
  };
  const forInit = (i: Node | undefined): string => (!i ? '' : i.kind === K.VariableDeclarationList ? (isOriginal(i) ? slice(i) : declarationList(i)) : expr(i));

  function statement(n: Node): string {
    if (isOriginal(n)) {
      const s = slice(n);
      return SEMICOLON_STATEMENTS.has(n.kind) && !s.endsWith(';') ? `${s};` : s;
    }
    switch (n.kind) {
      case K.Block: return block(n.statements);
      case K.EmptyStatement: return ';';
      case K.ExpressionStatement: return `${startsLikeStatement(expr(n.expression))};`;
      case K.VariableStatement: return `${declarationList(n.declarationList)};`;
      case K.ReturnStatement: return n.expression ? `return ${expr(n.expression)};` : 'return;';
      case K.ThrowStatement: return `throw ${expr(n.expression)};`;
      case K.BreakStatement: return n.label ? `break ${name(n.label)};` : 'break;';
      case K.ContinueStatement: return n.label ? `continue ${name(n.label)};` : 'continue;';
      case K.LabeledStatement: return `${name(n.label)}: ${statement(n.statement)}`;
      case K.IfStatement: {
        // With an else, a then-statement ending in an `if` without one is braced (that `if` would take the else).
        const then = n.elseStatement && takesElse(n.thenStatement) ? `{ ${statement(n.thenStatement)} }` : statement(n.thenStatement);
        return `if (${expr(n.expression)}) ${then}${n.elseStatement ? ` else ${statement(n.elseStatement)}` : ''}`;
      }
      case K.WhileStatement: return `while (${expr(n.expression)}) ${statement(n.statement)}`;
      case K.DoStatement: return `do ${statement(n.statement)} while (${expr(n.expression)});`;
      case K.ForStatement:
        return `for (${forInit(n.initializer)}; ${n.condition ? expr(n.condition) : ''}; ${n.incrementor ? expr(n.incrementor) : ''}) ${statement(n.statement)}`;
      case K.ForOfStatement: case K.ForInStatement:
        return `for${n.awaitModifier ? ' await' : ''} (${forInit(n.initializer)} ${n.kind === K.ForOfStatement ? 'of' : 'in'} ${expr(n.expression, ASSIGN)}) ${statement(n.statement)}`;
      case K.SwitchStatement:
        return `switch (${expr(n.expression)}) { ${n.caseBlock.clauses.map((c: Node) => `${c.kind === K.DefaultClause ? 'default:' : `case ${expr(c.expression)}:`} ${c.statements.map(statement).join(' ')}`).join(' ')} }`;
      case K.TryStatement:
        return `try ${statement(n.tryBlock)}${n.catchClause ? ` catch${n.catchClause.variableDeclaration ? ` (${bindingName(n.catchClause.variableDeclaration.name)})` : ''} ${statement(n.catchClause.block)}` : ''}${n.finallyBlock ? ` finally ${statement(n.finallyBlock)}` : ''}`;
      default:
        throw new Error(`mini-ts printer: no statement form for ${n.kind}`);
    }
  }

  return { expression: (n) => expr(n), statement };
}

/** Does `s` end in an `if` without an else (which an `else` written after `s` would belong to)? */
function takesElse(s: Node): boolean {
  switch (s.kind) {
    case K.IfStatement: return s.elseStatement ? takesElse(s.elseStatement) : true;
    case K.LabeledStatement: case K.WhileStatement: case K.ForStatement: case K.ForInStatement: case K.ForOfStatement: case K.WithStatement:
      return takesElse(s.statement);
    default: return false;
  }
}

/** A `new` callee holding a call must be parenthesized (`new (f())()`, `new (a.b())`). */
function containsCall(n: Node): boolean {
  for (let c = n; ; c = c.expression) {
    if (c.kind === K.CallExpression) return true;
    if (c.kind !== K.PropertyAccessExpression && c.kind !== K.ElementAccessExpression) return false;
  }
}

/** An expression statement must not start like a block, a function or class declaration, or `let [`. */
function startsLikeStatement(s: string): string {
  return /^(\{|function\b|class\b|let\s*\[|async\s+function\b)/.test(bare(s)) ? `(${s})` : s;
}
function startsLikeBlock(s: string): string {
  return bare(s).startsWith('{') ? `(${s})` : s;
}
