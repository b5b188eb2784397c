// A generator-based pipeline: user generator functions chained lazily (source -> map -> filter -> window
// -> take) and consumed by for-of in an ordinary function. Self-check: the result equals the same
// computation as a plain loop.
export const meta = { title: 'generator pipeline', n: 30 };

function* range(from, to) {
  for (let i = from; i < to; i++) yield i;
}

function* map(src, f) {
  for (const x of src) yield f(x);
}

function* filter(src, p) {
  for (const x of src) if (p(x)) yield x;
}

function* windows(src, size) {
  let buf = [];
  for (const x of src) {
    buf.push(x);
    if (buf.length === size) {
      yield buf;
      buf = [];
    }
  }
  if (buf.length > 0) yield buf;
}

function* take(src, k) {
  if (k <= 0) return;
  for (const x of src) {
    yield x;
    if (--k === 0) return;
  }
}

function consume(limit) {
  const src = take(
    windows(
      filter(
        map(range(0, 1e9), (x) => (x * 2654435761) % 1000),
        (x) => x % 3 !== 0,
      ),
      4,
    ),
    limit,
  );
  let sum = 0;
  for (const w of src) {
    let m = 0;
    for (const x of w) m = Math.max(m, x);
    sum = (sum + m * w.length) % 1000000007;
  }
  return sum;
}

function reference(limit) {
  let sum = 0;
  let buf = [];
  let windowsOut = 0;
  for (let i = 0; windowsOut < limit; i++) {
    const x = (i * 2654435761) % 1000;
    if (x % 3 === 0) continue;
    buf.push(x);
    if (buf.length === 4) {
      sum = (sum + Math.max(...buf) * 4) % 1000000007;
      buf = [];
      windowsOut++;
    }
  }
  return sum;
}

export function run(n) {
  let checksum = 0;
  for (let r = 0; r < n; r++) {
    const got = consume(2000 + r);
    if (r % 8 === 0 && got !== reference(2000 + r)) throw new Error('pipeline: generator result differs from loop');
    checksum = (checksum * 31 + got) >>> 0;
  }
  return checksum;
}
