// Closures and array higher-order functions: map/filter/reduce/some with arrow callbacks (called by
// builtins), closures created in loops, a hand-written compose/pipeline of closures.
export const meta = { title: 'closures + array HOFs', n: 3000 };

function makeAdder(k) {
  return (x) => x + k;
}

function compose(...fns) {
  return (x) => {
    let v = x;
    for (const f of fns) v = f(v);
    return v;
  };
}

function counter() {
  let c = 0;
  return { inc: () => ++c, get: () => c };
}

export function run(n) {
  const base = [];
  for (let i = 0; i < 500; i++) base.push((i * 7919) % 1000);
  const ctr = counter();
  let total = 0;
  for (let r = 0; r < n; r++) {
    const add = makeAdder(r & 15);
    const pipeline = compose(add, (x) => x * 3, (x) => x ^ r);
    const mapped = base.map(pipeline);
    const kept = mapped.filter((x) => (x & 3) !== 0);
    total += kept.reduce((a, b) => (a + b) | 0, 0);
    if (kept.some((x) => x === r)) ctr.inc();
    total = (total + kept.length) | 0;
  }
  return total + ctr.get();
}
