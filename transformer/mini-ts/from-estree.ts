// A function's text, parsed by acorn, as nodes shaped like TypeScript's (nodes.ts): what the core rewrite
// would have been handed had TypeScript parsed the file. Positions are offsets into the text parsed (the
// function's text inside a small wrapper that makes it an expression), every node has its parent, and the
// root is a SourceFile holding that text (print.ts writes untouched nodes as slices of it).

import * as acorn from 'acorn';
import { NodeFlags, SyntaxKind as K } from './enums';
import { CHILDREN, Node } from './nodes';

// ESTree nodes as acorn gives them (loosely typed: only the fields read here).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type E = any;

const BINARY: Record<string, number> = {
  '+': K.PlusToken, '-': K.MinusToken, '*': K.AsteriskToken, '/': K.SlashToken, '%': K.PercentToken, '**': K.AsteriskAsteriskToken,
  '<<': K.LessThanLessThanToken, '>>': K.GreaterThanGreaterThanToken, '>>>': K.GreaterThanGreaterThanGreaterThanToken,
  '&': K.AmpersandToken, '|': K.BarToken, '^': K.CaretToken, '&&': K.AmpersandAmpersandToken, '||': K.BarBarToken, '??': K.QuestionQuestionToken,
  '==': K.EqualsEqualsToken, '!=': K.ExclamationEqualsToken, '===': K.EqualsEqualsEqualsToken, '!==': K.ExclamationEqualsEqualsToken,
  '<': K.LessThanToken, '>': K.GreaterThanToken, '<=': K.LessThanEqualsToken, '>=': K.GreaterThanEqualsToken,
  instanceof: K.InstanceOfKeyword, in: K.InKeyword,
  '=': K.EqualsToken, '+=': K.PlusEqualsToken, '-=': K.MinusEqualsToken, '*=': K.AsteriskEqualsToken, '/=': K.SlashEqualsToken,
  '%=': K.PercentEqualsToken, '**=': K.AsteriskAsteriskEqualsToken, '<<=': K.LessThanLessThanEqualsToken, '>>=': K.GreaterThanGreaterThanEqualsToken,
  '>>>=': K.GreaterThanGreaterThanGreaterThanEqualsToken, '&=': K.AmpersandEqualsToken, '|=': K.BarEqualsToken, '^=': K.CaretEqualsToken,
  '&&=': K.AmpersandAmpersandEqualsToken, '||=': K.BarBarEqualsToken, '??=': K.QuestionQuestionEqualsToken,
};
const PREFIX: Record<string, number> = { '!': K.ExclamationToken, '-': K.MinusToken, '+': K.PlusToken, '~': K.TildeToken, '++': K.PlusPlusToken, '--': K.MinusMinusToken };

export class UnsupportedSyntaxError extends Error {
  override name = 'UnsupportedSyntaxError';
}

/** The parsed function, in a SourceFile of its own. */
export interface ParsedFunction {
  sourceFile: Node;
  fn: Node;
  /** Where the function's text starts in the source file's text (after the wrapper written before it). */
  offset: number;
}

/**
 * Parses the text of one function as `Function.prototype.toString` gives it: a declaration or expression
 * (`function f() {}`, `async function* g() {}`), an arrow (parsed inside a method, where `super` and
 * `new.target` mean what they mean in the method around it), or, with `method`, a class's or an object
 * literal's method (`m() {}`, `get x() {}`, `async m() {}`), parsed inside a class (`static` for a static
 * method) or a literal.
 * `module`: the text is from an ES module (`import.meta` is allowed, `await` is reserved).
 */
export function parseFunction(text: string, options: ParseOptions = {}): ParsedFunction {
  const { program, wrapped, isArrow, offset } = parseWrapped(text, options);
  const sourceFile = convert(program, undefined, wrapped);
  const outer = sourceFile.statements[0].expression.expression; // inside the wrapper's parentheses
  const fn =
    options.method === 'class' || options.method === 'static' ? outer.members[0]
    : options.method === 'object' ? outer.properties[0]
    : isArrow ? outer.properties[0].body.statements[0].expression.expression
    : outer;
  if (!fn) throw new UnsupportedSyntaxError('no function in the text');
  return { sourceFile, fn, offset };
}

export interface ParseOptions {
  method?: 'class' | 'static' | 'object';
  module?: boolean;
}

/** The function's text inside its wrapper (see parseFunction), parsed by acorn; `offset`: where the text starts in it. */
export function parseWrapped(text: string, options: ParseOptions): { program: E; wrapped: string; offset: number; isArrow: boolean } {
  const isArrow = !options.method && !/^(async\s+)?function\b/.test(text);
  // (A static method's text does not say `static`, which its home object depends on: written here.)
  const [before, after] = options.method === 'class' ? ['(class { ', ' })'] : options.method === 'static' ? ['(class { static ', ' })'] : options.method === 'object' ? ['({ ', ' })'] : isArrow ? ['({ m() { return (', '); } })'] : ['(', ')'];
  const wrapped = `${before}${text}${after}`;
  // (A method's `#x` is its class's, which the wrapper does not declare: the engine checks it where the
  // versions are compiled, in that class's static block.)
  const program = acorn.parse(wrapped, { ecmaVersion: 'latest', sourceType: options.module ? 'module' : 'script', preserveParens: true, allowReturnOutsideFunction: true, checkPrivateFields: false }) as E;
  return { program, wrapped, offset: before.length, isArrow };
}

function convert(root: E, parent: Node | undefined, text: string): Node {
  const node = (e: E, kind: number, props: Record<string, unknown>, flags = 0): Node => {
    const n: Node = { kind, pos: e.start, end: e.end, flags, ...props };
    return n;
  };
  const at = (pos: number, end: number, kind: number, props: Record<string, unknown> = {}): Node => ({ kind, pos, end, flags: 0, ...props });
  const names = new Set<string>();
  const runtimeNodes: Node[] = [];
  // (The transform's own `$pe...` names, in registrations of closures, mean the runtime's values, which the
  // versions use under the same names: not taken. A function's own text has none: the transform checks.)
  const ident = (e: E): Node => (e.name.startsWith('$pe') || names.add(e.name), node(e, K.Identifier, { text: e.name, escapedText: e.name }));
  // Tokens have a position in TypeScript (a parsed node has no negative pos): their own is not needed here.
  const tok = (kind: number): Node => ({ kind, pos: 0, end: 0, flags: 0 });

  const propertyName = (key: E, computed: boolean): Node => {
    if (computed) return node(key, K.ComputedPropertyName, { expression: expr(key) });
    if (key.type === 'Identifier') return ident(key);
    if (key.type === 'PrivateIdentifier') return node(key, K.PrivateIdentifier, { text: `#${key.name}`, escapedText: `#${key.name}` });
    return expr(key); // string or numeric literal
  };

  const varList = (d: E): Node => {
    const flags = d.kind === 'let' ? NodeFlags.Let : d.kind === 'const' ? NodeFlags.Const : d.kind === 'using' ? NodeFlags.Using : d.kind === 'await using' ? NodeFlags.AwaitUsing : 0;
    return node(d, K.VariableDeclarationList, { declarations: d.declarations.map((v: E) => node(v, K.VariableDeclaration, { name: binding(v.id), initializer: v.init ? expr(v.init) : undefined })) }, flags);
  };

  // Declaration names and parameters: patterns as binding patterns.
  const binding = (e: E): Node => {
    switch (e.type) {
      case 'Identifier':
        return ident(e);
      case 'ObjectPattern':
        return node(e, K.ObjectBindingPattern, {
          elements: e.properties.map((p: E) => {
            if (p.type === 'RestElement') return node(p, K.BindingElement, { dotDotDotToken: tok(K.DotDotDotToken), name: binding(p.argument) });
            const { target, init } = withDefault(p.value);
            const short = p.shorthand;
            return node(p, K.BindingElement, { propertyName: short ? undefined : propertyName(p.key, p.computed), name: binding(target), initializer: init });
          }),
        });
      case 'ArrayPattern':
        return node(e, K.ArrayBindingPattern, {
          elements: e.elements.map((x: E, i: number) => {
            if (x === null) return at(0, 0, K.OmittedExpression, { index: i });
            if (x.type === 'RestElement') return node(x, K.BindingElement, { dotDotDotToken: tok(K.DotDotDotToken), name: binding(x.argument) });
            const { target, init } = withDefault(x);
            return node(x, K.BindingElement, { name: binding(target), initializer: init });
          }),
        });
      default:
        throw new UnsupportedSyntaxError(`binding ${e.type}`);
    }
  };
  const withDefault = (e: E): { target: E; init: Node | undefined } => (e.type === 'AssignmentPattern' ? { target: e.left, init: expr(e.right) } : { target: e, init: undefined });

  const params = (ps: E[]): Node[] =>
    ps.map((p) => {
      if (p.type === 'RestElement') return node(p, K.Parameter, { dotDotDotToken: tok(K.DotDotDotToken), name: binding(p.argument) });
      const { target, init } = withDefault(p);
      return node(p, K.Parameter, { name: binding(target), initializer: init });
    });

  const modifiers = (e: E, isStatic = false): Node[] | undefined => {
    const m: Node[] = [];
    if (isStatic) m.push(tok(K.StaticKeyword));
    if (e.async) m.push(tok(K.AsyncKeyword));
    return m.length > 0 ? m : undefined;
  };

  const fnLike = (e: E, kind: number, extra: Record<string, unknown> = {}): Node => {
    const isArrow = e.type === 'ArrowFunctionExpression';
    const body = isArrow && e.expression ? expr(e.body) : stmt(e.body);
    return node(e, kind, {
      modifiers: modifiers(e),
      asteriskToken: e.generator ? tok(K.AsteriskToken) : undefined,
      name: !isArrow && e.id ? ident(e.id) : undefined,
      parameters: params(e.params),
      body,
      ...(isArrow ? { equalsGreaterThanToken: tok(K.EqualsGreaterThanToken) } : {}),
      ...extra,
    });
  };

  // Assignment targets in expressions are literals, as TypeScript parses them (`({ a, b: [c] } = o)`).
  const target = (e: E): Node => {
    switch (e.type) {
      case 'ObjectPattern':
        return node(e, K.ObjectLiteralExpression, {
          properties: e.properties.map((p: E) => {
            if (p.type === 'RestElement') return node(p, K.SpreadAssignment, { expression: target(p.argument) });
            if (p.shorthand) {
              const v = p.value;
              return v.type === 'AssignmentPattern'
                ? node(p, K.ShorthandPropertyAssignment, { name: ident(v.left), equalsToken: tok(K.EqualsToken), objectAssignmentInitializer: expr(v.right) })
                : node(p, K.ShorthandPropertyAssignment, { name: ident(v) });
            }
            return node(p, K.PropertyAssignment, { name: propertyName(p.key, p.computed), initializer: target(p.value) });
          }),
        });
      case 'ArrayPattern':
        return node(e, K.ArrayLiteralExpression, {
          elements: e.elements.map((x: E) => (x === null ? at(0, 0, K.OmittedExpression) : x.type === 'RestElement' ? node(x, K.SpreadElement, { expression: target(x.argument) }) : target(x))),
        });
      case 'AssignmentPattern':
        return node(e, K.BinaryExpression, { left: target(e.left), operatorToken: tok(K.EqualsToken), right: expr(e.right) });
      default:
        return expr(e);
    }
  };

  const template = (e: E): Node => {
    const q = e.quasis;
    if (e.expressions.length === 0) return node(e, K.NoSubstitutionTemplateLiteral, { text: q[0].value.cooked, rawText: q[0].value.raw });
    const part = (i: number, kind: number): Node => at(q[i].start, q[i].end, kind, { text: q[i].value.cooked, rawText: q[i].value.raw });
    return node(e, K.TemplateExpression, {
      head: part(0, K.TemplateHead),
      templateSpans: e.expressions.map((x: E, i: number) =>
        at(x.start, q[i + 1].end, K.TemplateSpan, { expression: expr(x), literal: part(i + 1, i + 1 === e.expressions.length ? K.TemplateTail : K.TemplateMiddle) }),
      ),
    });
  };

  const expr = (e: E): Node => {
    switch (e.type) {
      case 'Identifier':
        return ident(e);
      case 'PrivateIdentifier':
        return node(e, K.PrivateIdentifier, { text: `#${e.name}`, escapedText: `#${e.name}` });
      case 'ThisExpression':
        return node(e, K.ThisKeyword, {});
      case 'Super':
        return node(e, K.SuperKeyword, {});
      case 'Literal':
        if (e.regex) return node(e, K.RegularExpressionLiteral, { text: e.raw });
        if (e.bigint !== undefined) return node(e, K.BigIntLiteral, { text: e.raw });
        if (e.value === null) return node(e, K.NullKeyword, {});
        if (e.value === true) return node(e, K.TrueKeyword, {});
        if (e.value === false) return node(e, K.FalseKeyword, {});
        if (typeof e.value === 'number') return node(e, K.NumericLiteral, { text: e.raw });
        return node(e, K.StringLiteral, { text: e.value });
      case 'TemplateLiteral':
        return template(e);
      case 'TaggedTemplateExpression':
        return node(e, K.TaggedTemplateExpression, { tag: expr(e.tag), template: template(e.quasi) });
      case 'ParenthesizedExpression':
        return node(e, K.ParenthesizedExpression, { expression: expr(e.expression) });
      case 'ArrayExpression':
        return node(e, K.ArrayLiteralExpression, { elements: e.elements.map((x: E) => (x === null ? at(0, 0, K.OmittedExpression) : expr(x))) });
      case 'ObjectExpression':
        return node(e, K.ObjectLiteralExpression, {
          properties: e.properties.map((p: E) => {
            if (p.type === 'SpreadElement') return node(p, K.SpreadAssignment, { expression: expr(p.argument) });
            if (p.kind === 'get' || p.kind === 'set') return fnLike(p.value, p.kind === 'get' ? K.GetAccessor : K.SetAccessor, { name: propertyName(p.key, p.computed), pos: p.start });
            if (p.method) return fnLike(p.value, K.MethodDeclaration, { name: propertyName(p.key, p.computed), pos: p.start });
            if (p.shorthand) return node(p, K.ShorthandPropertyAssignment, { name: ident(p.value) });
            return node(p, K.PropertyAssignment, { name: propertyName(p.key, p.computed), initializer: expr(p.value) });
          }),
        });
      case 'SpreadElement':
        return node(e, K.SpreadElement, { expression: expr(e.argument) });
      case 'FunctionExpression':
        return fnLike(e, K.FunctionExpression);
      case 'ArrowFunctionExpression':
        return fnLike(e, K.ArrowFunction);
      case 'ClassExpression':
        return classLike(e, K.ClassExpression);
      case 'UnaryExpression':
        if (e.operator === 'typeof') return node(e, K.TypeOfExpression, { expression: expr(e.argument) });
        if (e.operator === 'void') return node(e, K.VoidExpression, { expression: expr(e.argument) });
        if (e.operator === 'delete') return node(e, K.DeleteExpression, { expression: expr(e.argument) });
        return node(e, K.PrefixUnaryExpression, { operator: PREFIX[e.operator], operand: expr(e.argument) });
      case 'UpdateExpression':
        return node(e, e.prefix ? K.PrefixUnaryExpression : K.PostfixUnaryExpression, { operator: PREFIX[e.operator], operand: target(e.argument) });
      case 'BinaryExpression':
      case 'LogicalExpression':
        return node(e, K.BinaryExpression, { left: expr(e.left), operatorToken: tok(BINARY[e.operator]!), right: expr(e.right) });
      case 'AssignmentExpression':
        return node(e, K.BinaryExpression, { left: target(e.left), operatorToken: tok(BINARY[e.operator]!), right: expr(e.right) });
      case 'SequenceExpression':
        // `a, b, c` is ((a, b), c) to TypeScript.
        return e.expressions.map(expr).reduce((l: Node, r: Node) => at(l.pos, r.end, K.BinaryExpression, { left: l, operatorToken: tok(K.CommaToken), right: r }));
      case 'ConditionalExpression':
        return node(e, K.ConditionalExpression, { condition: expr(e.test), questionToken: tok(K.QuestionToken), whenTrue: expr(e.consequent), colonToken: tok(K.ColonToken), whenFalse: expr(e.alternate) });
      case 'ChainExpression':
        return chain(e.expression);
      case 'MemberExpression':
      case 'CallExpression':
        return member(e, false);
      case 'NewExpression':
        return node(e, K.NewExpression, { expression: expr(e.callee), arguments: e.arguments.map(expr) });
      case 'MetaProperty':
        return node(e, K.MetaProperty, { keywordToken: e.meta.name === 'new' ? K.NewKeyword : K.ImportKeyword, name: ident(e.property) });
      case 'ImportExpression':
        return node(e, K.CallExpression, { expression: at(e.start, e.start + 6, K.ImportKeyword), arguments: [expr(e.source), ...(e.options ? [expr(e.options)] : [])] });
      case 'AwaitExpression':
        return node(e, K.AwaitExpression, { expression: expr(e.argument) });
      case 'YieldExpression':
        return node(e, K.YieldExpression, { asteriskToken: e.delegate ? tok(K.AsteriskToken) : undefined, expression: e.argument ? expr(e.argument) : undefined });
      default:
        throw new UnsupportedSyntaxError(`expression ${e.type}`);
    }
  };

  // Optional chains: every member of the chain from its outermost node down to the last `?.` is flagged
  // OptionalChain (TypeScript's isOptionalChain); the node at a `?.` carries the questionDotToken.
  const chain = (e: E): Node => {
    let depth = 0;
    let lastOptional = -1;
    for (let c = e; c.type === 'MemberExpression' || c.type === 'CallExpression'; c = c.type === 'MemberExpression' ? c.object : c.callee, depth++) {
      if (c.optional) lastOptional = depth;
    }
    return member(e, true, lastOptional);
  };
  /**
   * A closure's registration as the transform writes it in the function's text, `$pe.later(<closure>,
   * ($f) => ...)` (the closure perhaps named by `({ "name": <closure> })["name"]`): the closure, as the
   * transform's rewrite saw it when it made the function's versions, spanning the whole registration, which
   * is what its versions hold where the closure was (the transform's rewrite takes it from visitedOf). The
   * names in it are taken (names made must differ from them), but for the transform's own.
   */
  const registered = (e: E): Node | undefined => {
    const f = namedRegistration(e) ?? laterRegistration(e);
    if (!f) return undefined;
    const closure = expr(f);
    takeNames(e);
    closure.pos = e.start;
    closure.end = e.end;
    return closure;
  };
  const takeNames = (e: E): void => {
    if (Array.isArray(e)) e.forEach(takeNames);
    else if (e && typeof e === 'object') {
      if (e.type === 'Identifier' && !e.name.startsWith('$pe')) names.add(e.name);
      for (const v of Object.values(e)) if (v && typeof v === 'object') takeNames(v);
    }
  };

  const member = (e: E, inChain: boolean, chainDepth = -1, depth = 0): Node => {
    if (e.type === 'CallExpression') {
      const closure = registered(e);
      if (closure) return closure;
    }
    const flagged = inChain && depth <= chainDepth ? NodeFlags.OptionalChain : 0;
    const q = e.optional ? tok(K.QuestionDotToken) : undefined;
    const inner = (c: E): Node => (c.type === 'MemberExpression' || c.type === 'CallExpression' ? member(c, inChain, chainDepth, depth + 1) : expr(c));
    if (e.type === 'CallExpression') {
      const call = node(e, K.CallExpression, { expression: inner(e.callee), questionDotToken: q, arguments: e.arguments.map(expr) }, flagged);
      // `$pe.obj(<literal>, <generator versions>, <fast table>)`, `$pe.genEntry(...)`, ...: calls the
      // transform wrote (runtime nodes there too).
      if (isRuntimeCall(e)) runtimeNodes.push(call);
      return call;
    }
    if (e.computed) return node(e, K.ElementAccessExpression, { expression: inner(e.object), questionDotToken: q, argumentExpression: expr(e.property) }, flagged);
    return node(e, K.PropertyAccessExpression, { expression: inner(e.object), questionDotToken: q, name: e.property.type === 'PrivateIdentifier' ? expr(e.property) : ident(e.property) }, flagged);
  };

  const classLike = (e: E, kind: number): Node =>
    node(e, kind, {
      name: e.id ? ident(e.id) : undefined,
      heritageClauses: e.superClass ? [node(e.superClass, K.HeritageClause, { token: K.ExtendsKeyword, types: [node(e.superClass, K.ExpressionWithTypeArguments, { expression: expr(e.superClass) })] })] : undefined,
      members: e.body.body.map((m: E) => {
        if (m.type === 'StaticBlock') return node(m, K.ClassStaticBlockDeclaration, { body: node(m, K.Block, { statements: m.body.map(stmt) }) });
        if (m.type === 'PropertyDefinition') return node(m, K.PropertyDeclaration, { modifiers: modifiers({}, m.static), name: propertyName(m.key, m.computed), initializer: m.value ? expr(m.value) : undefined });
        const kindOf = m.kind === 'constructor' ? K.Constructor : m.kind === 'get' ? K.GetAccessor : m.kind === 'set' ? K.SetAccessor : K.MethodDeclaration;
        const fn = fnLike(m.value, kindOf, { name: m.kind === 'constructor' ? undefined : propertyName(m.key, m.computed), pos: m.start });
        if (m.static) fn.modifiers = [tok(K.StaticKeyword), ...(fn.modifiers ?? [])];
        return fn;
      }),
    });

  const block = (e: E): Node => node(e, K.Block, { statements: e.body.map(stmt) });

  const stmt = (e: E): Node => {
    switch (e.type) {
      case 'BlockStatement':
        return block(e);
      case 'EmptyStatement':
        return node(e, K.EmptyStatement, {});
      case 'DebuggerStatement':
        return node(e, K.DebuggerStatement, {});
      case 'ExpressionStatement': {
        const statement = node(e, K.ExpressionStatement, { expression: expr(e.expression) });
        // `$pe.later(inner, ($f) => ...);`: a nested function declaration's registration, which the
        // transform put first in its scope as a statement of its own (rewrite.ts runtimeNodes).
        if (isDeclarationRegistration(e.expression)) runtimeNodes.push(statement);
        return statement;
      }
      case 'VariableDeclaration':
        return node(e, K.VariableStatement, { declarationList: varList(e) });
      case 'FunctionDeclaration':
        return fnLike(e, K.FunctionDeclaration);
      case 'ClassDeclaration':
        return classLike(e, K.ClassDeclaration);
      case 'ReturnStatement':
        return node(e, K.ReturnStatement, { expression: e.argument ? expr(e.argument) : undefined });
      case 'ThrowStatement':
        return node(e, K.ThrowStatement, { expression: expr(e.argument) });
      case 'BreakStatement':
        return node(e, K.BreakStatement, { label: e.label ? ident(e.label) : undefined });
      case 'ContinueStatement':
        return node(e, K.ContinueStatement, { label: e.label ? ident(e.label) : undefined });
      case 'IfStatement':
        return node(e, K.IfStatement, { expression: expr(e.test), thenStatement: stmt(e.consequent), elseStatement: e.alternate ? stmt(e.alternate) : undefined });
      case 'WhileStatement':
        return node(e, K.WhileStatement, { expression: expr(e.test), statement: stmt(e.body) });
      case 'DoWhileStatement':
        return node(e, K.DoStatement, { statement: stmt(e.body), expression: expr(e.test) });
      case 'ForStatement':
        return node(e, K.ForStatement, {
          initializer: e.init ? (e.init.type === 'VariableDeclaration' ? varList(e.init) : expr(e.init)) : undefined,
          condition: e.test ? expr(e.test) : undefined,
          incrementor: e.update ? expr(e.update) : undefined,
          statement: stmt(e.body),
        });
      case 'ForInStatement':
      case 'ForOfStatement':
        return node(e, e.type === 'ForInStatement' ? K.ForInStatement : K.ForOfStatement, {
          awaitModifier: e.await ? tok(K.AwaitKeyword) : undefined,
          initializer: e.left.type === 'VariableDeclaration' ? varList(e.left) : target(e.left),
          expression: expr(e.right),
          statement: stmt(e.body),
        });
      case 'LabeledStatement':
        return node(e, K.LabeledStatement, { label: ident(e.label), statement: stmt(e.body) });
      case 'SwitchStatement':
        return node(e, K.SwitchStatement, {
          expression: expr(e.discriminant),
          caseBlock: at(e.cases[0]?.start ?? e.end, e.end, K.CaseBlock, {
            clauses: e.cases.map((c: E) => (c.test ? node(c, K.CaseClause, { expression: expr(c.test), statements: c.consequent.map(stmt) }) : node(c, K.DefaultClause, { statements: c.consequent.map(stmt) }))),
          }),
        });
      case 'TryStatement':
        return node(e, K.TryStatement, {
          tryBlock: block(e.block),
          catchClause: e.handler
            ? node(e.handler, K.CatchClause, { variableDeclaration: e.handler.param ? node(e.handler.param, K.VariableDeclaration, { name: binding(e.handler.param) }) : undefined, block: block(e.handler.body) })
            : undefined,
          finallyBlock: e.finalizer ? block(e.finalizer) : undefined,
        });
      case 'WithStatement':
        return node(e, K.WithStatement, { expression: expr(e.object), statement: stmt(e.body) });
      default:
        throw new UnsupportedSyntaxError(`statement ${e.type}`);
    }
  };

  const sf: Node = { kind: K.SourceFile, pos: 0, end: text.length, flags: 0, text, statements: root.body.map(stmt) };
  sf.identifiers = names; // every name written in the text (made names must differ from all of them)
  sf.runtimeNodes = runtimeNodes; // what the transform wrote itself (registrations of nested declarations)
  setParents(sf, parent);
  return sf;
}

/** `$pe.later(<closure>, ($f) => ...)`, the closure perhaps named by `({ "name": <closure> })["name"]`: the closure. */
function laterRegistration(e: E): E | undefined {
  if (!isRuntimeCall(e, 'later') || e.callee.optional || e.arguments.length !== 2 || e.arguments[1].type !== 'ArrowFunctionExpression') return undefined;
  let f = e.arguments[0];
  const o = f.type === 'MemberExpression' && f.computed && f.object.type === 'ParenthesizedExpression' ? f.object.expression : undefined;
  if (o?.type === 'ObjectExpression' && o.properties.length === 1) f = o.properties[0].value;
  return f.type === 'ArrowFunctionExpression' || (f.type === 'FunctionExpression' && !f.id) ? f : undefined;
}

/**
 * `(($fn) => { const f = $fn; return $pe.later(f, ($f) => ...); })(function f() {...})`: the registration
 * of a named function expression (its versions see its name as a constant); the function expression.
 */
function namedRegistration(e: E): E | undefined {
  let callee = e.callee;
  while (callee.type === 'ParenthesizedExpression') callee = callee.expression;
  const fn = e.arguments[0];
  if (e.optional || e.arguments.length !== 1 || fn.type !== 'FunctionExpression' || !fn.id) return undefined;
  if (callee.type !== 'ArrowFunctionExpression' || callee.params.length !== 1 || callee.params[0].type !== 'Identifier' || callee.body.type !== 'BlockStatement') return undefined;
  const [decl, ret] = callee.body.body;
  if (callee.body.body.length !== 2 || decl.type !== 'VariableDeclaration' || decl.kind !== 'const' || ret.type !== 'ReturnStatement' || !ret.argument) return undefined;
  const d = decl.declarations[0];
  const binds = decl.declarations.length === 1 && d.id.type === 'Identifier' && d.id.name === fn.id.name && d.init?.type === 'Identifier' && d.init.name === callee.params[0].name;
  return binds && isDeclarationRegistration(ret.argument) && ret.argument.arguments[0].name === fn.id.name ? fn : undefined;
}

/** `$pe.later(name, ($f) => ...)`, the registration of a function declared in a function. */
function isDeclarationRegistration(e: E): boolean {
  return isRuntimeCall(e, 'later') && e.arguments.length === 2 && e.arguments[0].type === 'Identifier' && e.arguments[1].type === 'ArrowFunctionExpression';
}

/** `$pe.<helper>(...)`, a call the transform wrote (the function's own text has no `$pe` names). */
function isRuntimeCall(e: E, helper?: string): boolean {
  const c = e.type === 'CallExpression' && !e.optional ? e.callee : undefined;
  return !!c && c.type === 'MemberExpression' && !c.computed && c.object.type === 'Identifier' && c.object.name.startsWith('$pe') && (helper === undefined || c.property.name === helper);
}

/**
 * Parent links, as TypeScript's parser sets them (setParentNodes). Through each kind's child keys (the same
 * CHILDREN forEachChild reads): an array of every property of every node (Object.values) was ~7% of
 * making a function's versions.
 */
function setParents(node: Node, parent: Node | undefined): void {
  node.parent = parent;
  const keys = CHILDREN[node.kind];
  if (keys === undefined) return;
  for (let i = 0; i < keys.length; i++) {
    const v = node[keys[i]!];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) if (v[j]) setParents(v[j] as Node, node);
    } else setParents(v as Node, node);
  }
}
