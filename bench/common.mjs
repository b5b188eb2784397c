// Helpers shared by bench/compare.mjs, bench/memory.mjs and bench/transform.mjs (same conventions as
// bench/run.mjs: Markdown tables on stdout, JSON under bench/results/, written atomically).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const root = resolve(benchDir, '..');
export const outDir = join(root, '.test-out', 'bench');
export const now = performance.now.bind(performance);

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
export const sortNum = (xs) => [...xs].sort((a, b) => a - b);
/** Rounds to 4 significant digits (keeps JSON diffs readable). */
export const sig = (x) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);
export const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));
export const fmtRatio = (x) => (x >= 100 ? `${Math.round(x).toLocaleString('en-US')}×` : `${fmt(x, x < 10 ? 2 : 1)}×`);
/** A duration in µs with a unit that keeps 3-4 significant digits. */
export function fmtTime(us) {
  if (!Number.isFinite(us)) return String(us);
  if (us < 10) return `${us.toFixed(3)} µs`;
  if (us < 1000) return `${us.toFixed(1)} µs`;
  return `${(us / 1000).toFixed(2)} ms`;
}
export const mb = (bytes) => bytes / (1024 * 1024);

export function table(headers, rows, align) {
  const a = align ?? headers.map((_, i) => (i === 0 ? 'l' : 'r'));
  return [
    `| ${headers.join(' | ')} |`,
    `|${a.map((x) => (x === 'l' ? ':---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** Transforms a bench source file into .test-out/bench/<subdir>/ and imports it. */
export async function importInstrumented(sourceFile, subdir) {
  const { transform } = await import('preemptible/transform');
  const { code } = transform(readFileSync(sourceFile, 'utf8'), { filename: basename(sourceFile) });
  const dir = join(outDir, subdir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, basename(sourceFile));
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

export function machine() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    // not a git checkout
  }
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    commit,
    loadAverage1mAtStart: Number(os.loadavg()[0].toFixed(2)),
  };
}

export function writeResults(name, data) {
  const file = join(benchDir, 'results', name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file + '.tmp', JSON.stringify(data, null, 2) + '\n');
  renameSync(file + '.tmp', file);
  return relative(root, file);
}
