// Real programs nobody here wrote (marked, acorn, @babel/parser, json5, parse5, chai), transformed whole and run plain vs instrumented.
// The TypeScript compiler corpus (minutes) is in corpus-typescript.test.ts.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/instrument';

describe('differential: npm corpora', () => {
  for (const name of ['marked', 'acorn', 'babel-parser', 'json5', 'parse5', 'chai']) {
    it(name, () => {
      const out = execFileSync(process.execPath, [join(root, 'test', 'harness', 'corpus.mjs'), name], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      const r = JSON.parse(out);
      const result = Array.isArray(r) ? r[0] : (r[name] ?? r);
      expect(result.plain.error).toBeUndefined();
      expect(result.plain.hash).toMatch(/^[0-9a-f]{16,64}$/);
      for (const mode of ['direct', 'complete', 'stress', 'slices']) {
        expect({ mode, hash: result[mode].hash, error: result[mode].error }).toEqual({ mode, hash: result.plain.hash, error: undefined });
      }
      expect(result.stress.pauses).toBeGreaterThan(1000);
    });
  }
});
