// A small printer for the small expressions the rewrite adds most often (a function's registration,
// `$pe.later(f, $f => $pe.lazyText($f, [$pe_open, "<facts>"]))`, and the like), which TypeScript's printer
// writes at ~30 µs each, whatever their size: a few thousand per megabyte of source, a tenth of a transform's
// time. Only kinds that print the same wherever they stand are written here, and only as TypeScript's factory
// made them (it adds the parentheses precedence needs when a node is made); anything else, or a node with
// synthetic comments, gives undefined and TypeScript's printer prints the whole node instead.

import type * as TS from 'typescript';

/**
 * `node` as JavaScript, or undefined when it holds a kind this printer leaves to TypeScript's. `leaf` is
 * asked first about every node: the text to write in its place (a placeholder for a node of the source,
 * a generated name's text), or undefined to print it here.
 */
export function printSimple(ts: typeof TS, node: TS.Node, leaf: (n: TS.Node) => string | undefined): string | undefined {
  const K = ts.SyntaxKind;
  const parts: string[] = [];
  /** The nodes being written, outermost first. */
  const parents: TS.Node[] = [];
  const isComma = (n: TS.Node | undefined): boolean => !!n && ts.isBinaryExpression(n) && n.operatorToken.kind === K.CommaToken;
  /** The node being written is inside parentheses (through comma expressions only): no more are needed. */
  const inParens = (): boolean => {
    let i = parents.length - 2;
    while (i >= 0 && isComma(parents[i])) i--;
    return parents[i]?.kind === K.ParenthesizedExpression;
  };
  const list = (items: readonly TS.Node[], open: string, close: string, commas = false): boolean => {
    parts.push(open);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) parts.push(', ');
      // (An element that is a comma expression would need parentheses TypeScript adds only when printing.)
      const item = items[i]!;
      if (!commas && (item.kind === K.CommaListExpression || isComma(item))) return false;
      if (!write(item)) return false;
    }
    parts.push(close);
    return true;
  };
  const write = (n: TS.Node): boolean => {
    parents.push(n);
    const ok = writeNode(n);
    parents.pop();
    return ok;
  };
  const writeNode = (n: TS.Node): boolean => {
    const replaced = leaf(n);
    if (replaced !== undefined) {
      parts.push(replaced);
      return true;
    }
    if (ts.getSyntheticLeadingComments(n) || ts.getSyntheticTrailingComments(n)) return false;
    switch (n.kind) {
      case K.Identifier:
        parts.push(ts.idText(n as TS.Identifier));
        return true;
      case K.StringLiteral:
        parts.push(JSON.stringify((n as TS.StringLiteral).text));
        return true;
      case K.NumericLiteral:
        parts.push((n as TS.NumericLiteral).text);
        return true;
      case K.TrueKeyword:
      case K.FalseKeyword:
      case K.NullKeyword:
      case K.ThisKeyword:
        parts.push(ts.tokenToString(n.kind)!);
        return true;
      case K.PropertyAccessExpression: {
        const p = n as TS.PropertyAccessExpression;
        if (!write(p.expression)) return false;
        parts.push(p.questionDotToken ? '?.' : '.');
        return write(p.name);
      }
      case K.ElementAccessExpression: {
        const e = n as TS.ElementAccessExpression;
        if (!write(e.expression)) return false;
        parts.push(e.questionDotToken ? '?.[' : '[');
        if (!write(e.argumentExpression)) return false;
        parts.push(']');
        return true;
      }
      case K.CallExpression: {
        const c = n as TS.CallExpression;
        if (c.typeArguments || !write(c.expression)) return false;
        if (c.questionDotToken) parts.push('?.');
        return list(c.arguments, '(', ')');
      }
      case K.ArrayLiteralExpression:
        return list((n as TS.ArrayLiteralExpression).elements, '[', ']');
      case K.ObjectLiteralExpression: {
        const props = (n as TS.ObjectLiteralExpression).properties;
        if (props.length === 0) {
          parts.push('{}');
          return true;
        }
        parts.push('{ ');
        for (let i = 0; i < props.length; i++) {
          const p = props[i]!;
          if (i > 0) parts.push(', ');
          if (!p.name || !(ts.isStringLiteral(p.name) || ts.isIdentifier(p.name))) return false;
          if (ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
            // (The accessors of a closure's box: `get x() { return x; }`, `set x(v) { x = v; }`.)
            const only = p.body?.statements.length === 1 ? p.body.statements[0]! : undefined;
            const param = p.parameters[0];
            if (p.modifiers?.length || p.parameters.length > 1 || (param && (param.dotDotDotToken || param.initializer || !ts.isIdentifier(param.name)))) return false;
            const returned = only && ts.isReturnStatement(only) ? only.expression : undefined;
            const assigned = only && ts.isExpressionStatement(only) && ts.isBinaryExpression(only.expression) ? only.expression : undefined;
            if (!returned && !assigned) return false;
            parts.push(ts.isGetAccessorDeclaration(p) ? 'get ' : 'set ');
            if (!write(p.name) || !list(param ? [param.name] : [], '(', ') { ')) return false;
            if (returned) parts.push('return ');
            if (!write((returned ?? assigned)!)) return false;
            parts.push('; }');
            continue;
          }
          if (!ts.isPropertyAssignment(p)) return false;
          if (!write(p.name)) return false;
          parts.push(': ');
          if (isComma(p.initializer) || !write(p.initializer)) return false;
        }
        parts.push(' }');
        return true;
      }
      case K.VoidExpression:
        parts.push('void ');
        return write((n as TS.VoidExpression).expression);
      case K.TypeOfExpression:
        parts.push('typeof ');
        return write((n as TS.TypeOfExpression).expression);
      case K.BinaryExpression: {
        // (A comma expression only directly inside parentheses: see list.)
        const b = n as TS.BinaryExpression;
        const comma = isComma(b);
        if ((comma && !inParens()) || !write(b.left)) return false;
        parts.push(comma ? ', ' : ` ${ts.tokenToString(b.operatorToken.kind)} `);
        return write(b.right);
      }
      case K.CommaListExpression:
        return inParens() && list((n as TS.CommaListExpression).elements, '', '', true);
      case K.ConditionalExpression: {
        const c = n as TS.ConditionalExpression;
        if (!write(c.condition)) return false;
        parts.push(' ? ');
        if (!write(c.whenTrue)) return false;
        parts.push(' : ');
        return write(c.whenFalse);
      }
      case K.YieldExpression: {
        const y = n as TS.YieldExpression;
        parts.push(y.asteriskToken ? 'yield* ' : y.expression ? 'yield ' : 'yield');
        return !y.expression || write(y.expression);
      }
      case K.PrefixUnaryExpression: {
        const u = n as TS.PrefixUnaryExpression;
        if (u.operator !== K.ExclamationToken) return false;
        parts.push('!');
        return write(u.operand);
      }
      case K.ParenthesizedExpression:
        parts.push('(');
        if (!write((n as TS.ParenthesizedExpression).expression)) return false;
        parts.push(')');
        return true;
      case K.ArrowFunction: {
        const a = n as TS.ArrowFunction;
        if (a.modifiers?.length || a.typeParameters || a.type || !ts.isExpression(a.body)) return false;
        const params = a.parameters;
        for (const p of params) if (p.dotDotDotToken || p.initializer || p.type || p.questionToken || !ts.isIdentifier(p.name)) return false;
        if (params.length === 1) {
          if (!write(params[0]!.name)) return false;
        } else if (!list(params.map((p) => p.name), '(', ')')) return false;
        parts.push(' => ');
        // (A body that is an object literal: TypeScript's factory parenthesizes it, but not one made otherwise.)
        if (ts.isObjectLiteralExpression(a.body)) return false;
        return write(a.body);
      }
      case K.ExpressionStatement: {
        const e = (n as TS.ExpressionStatement).expression;
        // (One that would begin with `{`, `function`, `class` or `let [` is parenthesized by the factory: printed
        // by TypeScript, not judged here.)
        if (!ts.isCallExpression(e)) return false;
        if (!write(e)) return false;
        parts.push(';');
        return true;
      }
      default:
        return false;
    }
  };
  return write(node) ? parts.join('') : undefined;
}
