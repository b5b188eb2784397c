// A tokenizer and recursive-descent parser for arithmetic expressions (precedence climbing, parentheses,
// unary minus, function calls), then an AST evaluator. Expressions are printed from random ASTs, parsed
// back and evaluated. Self-check: the parsed AST evaluates to the same value as the one it was printed from.
export const meta = { title: 'tokenizer + recursive-descent parser', n: 600 };

function tokenize(src) {
  const toks = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 32) {
      i++;
    } else if (c >= 48 && c <= 57) {
      let j = i;
      while (j < src.length && src.charCodeAt(j) >= 48 && src.charCodeAt(j) <= 57) j++;
      toks.push({ t: 'num', v: Number(src.slice(i, j)) });
      i = j;
    } else if (c >= 97 && c <= 122) {
      let j = i;
      while (j < src.length && src.charCodeAt(j) >= 97 && src.charCodeAt(j) <= 122) j++;
      toks.push({ t: 'id', v: src.slice(i, j) });
      i = j;
    } else {
      toks.push({ t: 'op', v: src[i] });
      i++;
    }
  }
  toks.push({ t: 'eof', v: '' });
  return toks;
}

const PREC = { '+': 1, '-': 1, '*': 2, '/': 2, '%': 2 };

class Parser {
  constructor(toks) {
    this.toks = toks;
    this.pos = 0;
  }
  peek() {
    return this.toks[this.pos];
  }
  next() {
    return this.toks[this.pos++];
  }
  expect(v) {
    const t = this.next();
    if (t.v !== v) throw new SyntaxError(`expected ${v}, got ${t.v}`);
  }
  expression(minPrec) {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const p = t.t === 'op' ? PREC[t.v] : undefined;
      if (p === undefined || p < minPrec) return left;
      this.next();
      left = { k: 'bin', op: t.v, a: left, b: this.expression(p + 1) };
    }
  }
  unary() {
    const t = this.peek();
    if (t.t === 'op' && t.v === '-') {
      this.next();
      return { k: 'neg', a: this.unary() };
    }
    return this.primary();
  }
  primary() {
    const t = this.next();
    if (t.t === 'num') return { k: 'num', v: t.v };
    if (t.t === 'id') {
      this.expect('(');
      const args = [this.expression(1)];
      while (this.peek().v === ',') {
        this.next();
        args.push(this.expression(1));
      }
      this.expect(')');
      return { k: 'call', f: t.v, args };
    }
    if (t.v === '(') {
      const e = this.expression(1);
      this.expect(')');
      return e;
    }
    throw new SyntaxError('unexpected ' + t.v);
  }
}

function evaluate(e) {
  switch (e.k) {
    case 'num': return e.v;
    case 'neg': return -evaluate(e.a);
    case 'call': {
      const xs = e.args.map(evaluate);
      return e.f === 'max' ? Math.max(...xs) : Math.min(...xs);
    }
    default: {
      const a = evaluate(e.a);
      const b = evaluate(e.b);
      switch (e.op) {
        case '+': return (a + b) % 1000003;
        case '-': return (a - b) % 1000003;
        case '*': return (a * b) % 1000003;
        case '/': return b === 0 ? a : Math.trunc(a / b);
        default: return b === 0 ? a : a % b;
      }
    }
  }
}

function print(e) {
  switch (e.k) {
    case 'num': return String(e.v);
    case 'neg': return '-(' + print(e.a) + ')';
    case 'call': return e.f + '(' + e.args.map(print).join(', ') + ')';
    default: return '(' + print(e.a) + ' ' + e.op + ' ' + print(e.b) + ')';
  }
}

function randomAst(rnd, depth) {
  const r = rnd() % 10;
  if (depth === 0 || r < 2) return { k: 'num', v: rnd() % 1000 };
  if (r === 2) return { k: 'neg', a: randomAst(rnd, depth - 1) };
  if (r === 3) return { k: 'call', f: rnd() & 1 ? 'max' : 'min', args: [randomAst(rnd, depth - 1), randomAst(rnd, depth - 1)] };
  return { k: 'bin', op: '+-*/%'[rnd() % 5], a: randomAst(rnd, depth - 1), b: randomAst(rnd, depth - 1) };
}

export function run(n) {
  let s = 99;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  let checksum = 0;
  for (let r = 0; r < n; r++) {
    const ast = randomAst(rnd, 9);
    const src = print(ast);
    const parsed = new Parser(tokenize(src)).expression(1);
    const v = evaluate(parsed);
    if (v !== evaluate(ast)) throw new Error('parser: parsed expression evaluates differently');
    checksum = (checksum * 31 + (v | 0) + src.length) >>> 0;
  }
  return checksum;
}
