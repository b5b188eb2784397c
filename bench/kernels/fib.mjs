// Call-heavy recursion: every call is an instrumented call (entry checkpoint, dispatch, yield*).
export const meta = { title: 'fib (call-heavy recursion)', n: 34 };

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function run(n) {
  return fib(n);
}
