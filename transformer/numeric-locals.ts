// Which block-scoped locals of a fast-copy function provably always hold a Number once initialized.
//
// Why: the re-entry copy restores its locals from the captured record (`zr = $rec[11]`). V8 types such a
// load as "anything", and a loop variable that merges it with float arithmetic is kept boxed: each
// iteration of a float loop then allocates a heap number (the numeric kernel ran 6x plain after its first
// pause, mostly in allocation and GC). Restoring a provably numeric local as `+$rec[11]` gives V8 a Number
// to merge with, and the loop stays unboxed. `+` is the identity on a Number, so this is exact -- for the
// locals found here, and only for let/const: their uses all come after their declaration (lazy.ts checks
// it), so the `undefined` a not-yet-initialized one holds in the record (restored as NaN) is never read.
//
// A write keeps a local numeric when its value is a Number or the write throws. Every operator below that
// yields a BigInt for BigInt operands throws when one operand is a Number, which is what makes
// "one operand is a Number" enough for `- * / % ** & | ^ << >> >>>`; `+` needs both (strings concatenate).

import type * as TS from 'typescript';
import { skipOuter } from './analyze';

type Write = (numeric: ReadonlySet<string>) => boolean;

/** The names among `candidates` (the function's let/const locals) that only ever hold Numbers. */
export function numericLocals(ts: typeof TS, body: TS.Block, candidates: Iterable<string>): Set<string> {
  const S = ts.SyntaxKind;
  const numeric = new Set(candidates);
  const writes: Array<[string, Write]> = [];
  const never = (): boolean => false;

  const isNumber = (e: TS.Expression, num: ReadonlySet<string>): boolean => {
    const x = skipOuter(ts, e);
    if (ts.isNumericLiteral(x)) return true;
    if (ts.isIdentifier(x)) return num.has(x.text);
    if (ts.isPrefixUnaryExpression(x)) {
      if (x.operator === S.PlusToken) return true; // ToNumber: a Number or a throw
      if (x.operator === S.ExclamationToken) return false;
      return isNumber(x.operand, num); // - ~ ++ --
    }
    if (ts.isPostfixUnaryExpression(x)) return isNumber(x.operand, num);
    if (ts.isConditionalExpression(x)) return isNumber(x.whenTrue, num) && isNumber(x.whenFalse, num);
    if (ts.isBinaryExpression(x)) return binaryIsNumber(x.operatorToken.kind, x.left, x.right, num);
    return false;
  };

  const binaryIsNumber = (op: TS.SyntaxKind, left: TS.Expression, right: TS.Expression, num: ReadonlySet<string>): boolean => {
    switch (op) {
      case S.CommaToken:
      case S.EqualsToken:
        return isNumber(right, num);
      case S.PlusToken:
      case S.PlusEqualsToken:
      case S.AmpersandAmpersandToken:
      case S.BarBarToken:
      case S.QuestionQuestionToken:
      case S.AmpersandAmpersandEqualsToken:
      case S.BarBarEqualsToken:
      case S.QuestionQuestionEqualsToken:
        return isNumber(left, num) && isNumber(right, num);
      case S.MinusToken:
      case S.AsteriskToken:
      case S.SlashToken:
      case S.PercentToken:
      case S.AsteriskAsteriskToken:
      case S.AmpersandToken:
      case S.BarToken:
      case S.CaretToken:
      case S.LessThanLessThanToken:
      case S.GreaterThanGreaterThanToken:
      case S.GreaterThanGreaterThanGreaterThanToken:
      case S.MinusEqualsToken:
      case S.AsteriskEqualsToken:
      case S.SlashEqualsToken:
      case S.PercentEqualsToken:
      case S.AsteriskAsteriskEqualsToken:
      case S.AmpersandEqualsToken:
      case S.BarEqualsToken:
      case S.CaretEqualsToken:
      case S.LessThanLessThanEqualsToken:
      case S.GreaterThanGreaterThanEqualsToken:
      case S.GreaterThanGreaterThanGreaterThanEqualsToken:
        return isNumber(left, num) || isNumber(right, num);
      default:
        return false; // comparisons, in, instanceof: booleans
    }
  };

  /** Every name a destructuring target writes: such writes are never known to be numeric. */
  const patternNames = (t: TS.Node): void => {
    if (ts.isIdentifier(t)) writes.push([t.text, never]);
    else ts.forEachChild(t, patternNames);
  };

  const visit = (node: TS.Node): void => {
    // Closures cannot write these locals (lazy.ts rejects closures over let and assigned names).
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      const init = node.initializer;
      writes.push([node.name.text, init ? (num) => isNumber(init, num) : never]);
    } else if (ts.isVariableDeclaration(node)) {
      patternNames(node.name); // destructured: anything
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= S.FirstAssignment && node.operatorToken.kind <= S.LastAssignment) {
      const target = skipOuter(ts, node.left);
      const { kind } = node.operatorToken;
      if (ts.isIdentifier(target)) writes.push([target.text, (num) => binaryIsNumber(kind, target, node.right, num)]);
      else patternNames(target);
    } else if ((ts.isForOfStatement(node) || ts.isForInStatement(node)) && !ts.isVariableDeclarationList(node.initializer)) {
      patternNames(node.initializer); // `for (x of ...)` writes x with whatever the iterator gives
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === S.PlusPlusToken || node.operator === S.MinusMinusToken)) {
      const target = skipOuter(ts, node.operand);
      if (ts.isIdentifier(target)) writes.push([target.text, (num) => num.has(target.text)]);
    }
    ts.forEachChild(node, visit);
  };
  visit(body);

  // Greatest fixpoint: assume every candidate numeric, drop those with a write that is not, repeat.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, isNumeric] of writes) {
      if (numeric.has(name) && !isNumeric(numeric)) {
        numeric.delete(name);
        changed = true;
      }
    }
  }
  return numeric;
}
