// Test helper: transform a source string, write it under .test-out/ (inside the package, so that
// 'preemptible/runtime' resolves by self-reference) and import it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform, type TransformOptions } from 'preemptible/transform';

export const root = resolve(__dirname, '../..');
const outDir = join(root, '.test-out', 'unit');
let counter = 0;

export async function instrument<T = Record<string, any>>(source: string, options: TransformOptions = {}): Promise<T> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `m${process.pid}_${counter++}.mjs`);
  const { code } = transform(source, { filename: 'test.mjs', ...options });
  writeFileSync(file, code);
  return (await import(pathToFileURL(file).href)) as T;
}
