// The core rewrite run without TypeScript (transformer/lazy-from-text.ts, transformer/mini-ts/): a function's
// copies made from its own text must be the ones the transform makes from the whole file, and they must
// work when compiled at run time in the function's scope.
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { launch, resume } from 'preemptible';
import * as runtime from 'preemptible/runtime';
import { root } from './helpers/instrument';

const require = createRequire(import.meta.url);
const { lazyVersionsFromText } = require(join(root, 'dist/transformer/lazy-from-text.js')) as typeof import('../transformer/lazy-from-text');
const enums = require(join(root, 'dist/transformer/mini-ts/enums.js')) as Record<string, Record<string, number>>;

describe('mini-ts', () => {
  it("has TypeScript's own numbers for every kind and flag the rewrite compares", () => {
    for (const name of ['SyntaxKind', 'NodeFlags', 'ModifierFlags', 'EmitFlags', 'GeneratedIdentifierFlags']) {
      const theirs = (ts as unknown as Record<string, Record<string, number>>)[name]!;
      const ours = enums[name]!;
      for (const key of Object.keys(theirs).filter((k) => Number.isNaN(Number(k)))) expect(ours[key], `${name}.${key}`).toBe(theirs[key]);
    }
  });
});

describe('lazyVersionsFromText', () => {
  it('makes the copies the transform makes, and leaves out the functions it leaves out, over the fixtures and kernels', async () => {
    const { compareFile } = (await import(join(root, 'test/harness/lazy-from-text.mjs'))) as {
      compareFile(file: string): { same: number; rejectedBoth: number; differ: { name?: string; text: string; why?: string }[]; failed: { error: string }[]; skipped: Record<string, number> };
    };
    let same = 0;
    let rejected = 0;
    const differ: string[] = [];
    for (const dir of ['fixtures/programs', 'bench/kernels']) {
      for (const f of readdirSync(join(root, dir)).sort()) {
        if (!/\.(mjs|cjs|js)$/.test(f)) continue;
        const r = compareFile(join(root, dir, f));
        same += r.same;
        rejected += r.rejectedBoth;
        differ.push(...r.differ.map((d) => `${f} ${d.name}: ${d.why ?? 'copies differ'}: ${d.text}`), ...r.failed.map((e) => `${f}: ${e.error}`));
      }
    }
    expect(differ).toEqual([]);
    // Nearly 2,000 functions compared (those with closures or #private calls inside are not yet: see the harness).
    expect(same).toBeGreaterThan(1500);
    expect(rejected).toBeGreaterThan(200); // outside the lazy subset both ways (try, generators, large, ...)
  }, 300_000);

  it('gives undefined for a function outside the lazy subset', () => {
    const facts = { strict: true, declared: [], plain: [], plainClasses: [], fixed: [] };
    expect(lazyVersionsFromText('function f(a) { try { return g(a); } finally { h(); } }', facts, 'f')).toBeUndefined();
    expect(lazyVersionsFromText('function* f(a) { yield a; }', facts, 'f')).toBeUndefined();
  });

  it('makes copies that pause and resume when compiled at run time in the function\'s own scope', () => {
    // A scope like a transformed module's: the runtime's hot names, two functions, and an opener there.
    const scope = new Function(
      '$pe',
      `"use strict";
      const $pe_rt = $pe.rt, $pe_FAST = $pe.FAST, $pe_OWNER = $pe.OWNER, $pe_apply = $pe.apply, $pe_callable = $pe.callable;
      function spin(n) { let x = 0; for (let i = 0; i < n; i++) x = (x + i * 7) % 1009; return x; }
      function walk(items) {
        let total = 0;
        for (let i = 0; i < items.length; i++) total += spin(items[i]) + items.indexOf(items[i]);
        const o = { sum: total };
        return o.sum * 2 + spin(total % 50);
      }
      const open = (text) => eval(text);
      return { spin, walk, open };`,
    )(runtime) as { spin: (n: number) => number; walk: (a: number[]) => number; open: (text: string) => (...a: unknown[]) => unknown };
    const facts = { strict: true, declared: ['spin', 'walk'], plain: [], plainClasses: [], fixed: [] };
    let made = 0;
    for (const [name, fn] of [['spin', scope.spin], ['walk', scope.walk]] as const) {
      const copies = lazyVersionsFromText(Function.prototype.toString.call(fn), facts, name);
      expect(copies, name).toBeDefined();
      runtime.lazy(fn, scope.open(copies!));
      made++;
    }
    expect(made).toBe(2);
    const items = Array.from({ length: 200 }, (_, i) => (i * 37) % 300);
    const plain = scope.walk(items);
    // Budget 0: every checkpoint pauses, so every frame is captured and re-entered through its re-entry copy.
    const task = launch(scope.walk, 0, items);
    let pauses = 0;
    while (task.status === 'paused') {
      resume(task, 0);
      pauses++;
    }
    expect(task.value).toBe(plain);
    expect(pauses).toBeGreaterThan(1000);
  });
});
