// TypeScript's module object exports through getters (`isIdentifier: () => isIdentifier`): every `ts.isX`
// or `ts.SyntaxKind` read is a call, and the analyses make several for every node of a file (~5% of a
// transform's time went to those getters). A copy holding the values themselves reads faster.

import type * as TS from 'typescript';

const copies = new WeakMap<object, typeof TS>();

/** `ts` with its exports as plain values (one copy per instance; a copy is its own). */
export function withPlainExports(ts: typeof TS): typeof TS {
  let copy = copies.get(ts);
  if (copy === undefined) {
    copy = { ...ts };
    copies.set(ts, copy);
    copies.set(copy, copy);
  }
  return copy;
}
