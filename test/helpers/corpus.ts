// Runs one corpus of test/harness/corpus.mjs in a child process (a fresh heap, its own module cache) and
// checks that every instrumented mode produced exactly the plain run's output.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { root } from './instrument';

export function expectCorpusAgrees(name: string): void {
  const out = execFileSync(process.execPath, [join(root, 'test', 'harness', 'corpus.mjs'), name], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const r = JSON.parse(out);
  expect(r.plain.error).toBeUndefined();
  expect(r.plain.hash).toMatch(/^[0-9a-f]{16,64}$/);
  for (const mode of ['direct', 'complete', 'stress', 'slices']) {
    expect({ mode, hash: r[mode].hash, error: r[mode].error }).toEqual({ mode, hash: r.plain.hash, error: undefined });
  }
  expect(r.stress.pauses).toBeGreaterThan(1000);
}
