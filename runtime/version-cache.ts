// On-disk cache of the versions made at run time (lazy-text.ts), for processes started through the Node
// loader with its transform cache on (it shares the directory: transformer/register.ts), or, without the
// loader, with PREEMPTIBLE_CACHE naming a directory (code transformed ahead of time). Making a function's
// versions costs ~1-2 ms; a workload's first run in a fresh process made hundreds (acorn parsing marked's
// source: ~510 ms, against ~120 ms with printed versions); read from here, ~140 ms (bench/README.md).
//
// One file per source file (its versions made at run time), keyed by the maker's own build and the file's
// name; an entry per version, keyed by what it is made from (kind, facts, the function's text), so an edited
// file's old entries are never read. Read once when the file's first version is asked for; written whole
// (a temporary file renamed) when the process exits, if it made any.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildHash } from '../transformer/transform-cache';

/** What a version is made of (lazy-from-text.ts versionFromText). */
export interface MadeVersion {
  code: string;
  mappings?: string;
  shared?: string;
}

/** Set by the loader: the directory, or null (its cache off). Shared by every copy of the package. */
const DIRECTORY = Symbol.for('preemptible.versionCache.v1');

/** Entries kept per file: the used ones, then others up to this many. */
const MAX_ENTRIES = 4096;

interface FileEntries {
  path: string;
  entries: Map<string, MadeVersion>;
  used: Set<string>;
  added: boolean;
}

const files = new Map<string, FileEntries | null>();
let makerId: string | undefined;
let warned = false;
let exitHooked = false;

/** Called by the loader: versions made at run time are kept in `dir` (null: not kept). */
export function useVersionCache(dir: string | null): void {
  (globalThis as Record<symbol, unknown>)[DIRECTORY] = dir;
}

/** The directory versions are kept in: the loader's, else PREEMPTIBLE_CACHE's (not `0` or `false`), else none. */
function directory(): string | undefined {
  const set = (globalThis as Record<symbol, unknown>)[DIRECTORY] as string | null | undefined;
  if (set !== undefined) return set ?? undefined;
  const env = process.env.PREEMPTIBLE_CACHE;
  return env && env !== '0' && env !== 'false' ? join(resolve(env), 'versions') : undefined;
}

/** The key of one version: what it is made from. */
function versionKey(parts: readonly (string | number)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p)).update('\0');
  return h.digest('hex').slice(0, 40);
}

/**
 * The cache of `file`'s versions, or undefined when there is none (not started through the loader, or its
 * cache off). A version is found and kept by what it is made from (`parts`).
 */
export function versionCacheOf(file: string): { find(parts: readonly (string | number)[]): MadeVersion | undefined; keep(parts: readonly (string | number)[], version: MadeVersion): void } | undefined {
  const f = entriesOf(file);
  if (!f) return undefined;
  return {
    find(parts) {
      const key = versionKey(parts);
      const v = f.entries.get(key);
      if (v) f.used.add(key);
      return v;
    },
    keep(parts, version) {
      const key = versionKey(parts);
      f.entries.set(key, version);
      f.used.add(key);
      f.added = true;
      if (!exitHooked) {
        exitHooked = true;
        process.once('exit', writeAll);
      }
    },
  };
}


function entriesOf(file: string): FileEntries | null {
  let f = files.get(file);
  if (f !== undefined) return f;
  const dir = directory();
  if (dir === undefined) {
    files.set(file, null);
    return null;
  }
  const path = join(dir, `${versionKey([identity(), file])}.json`);
  const entries = new Map<string, MadeVersion>();
  try {
    for (const [k, v] of JSON.parse(readFileSync(path, 'utf8')) as [string, MadeVersion][]) entries.set(k, v);
  } catch {
    // none yet, or damaged (a full disk): made again and written whole
  }
  f = { path, entries, used: new Set(), added: false };
  files.set(file, f);
  return f;
}

/** The maker's build: its compiled files (this package's transformer/), so a new build never reads old entries. */
function identity(): string {
  if (makerId !== undefined) return makerId;
  const dir = join(__dirname, '..', 'transformer');
  return (makerId = buildHash([dir, join(dir, 'mini-ts')]).digest('hex'));
}

function writeAll(): void {
  for (const f of files.values()) {
    if (!f?.added) continue;
    // The entries used by this process first, then the others read, up to MAX_ENTRIES.
    const kept = [...f.used].map((k) => [k, f.entries.get(k)!] as const);
    for (const [k, v] of f.entries) if (kept.length < MAX_ENTRIES && !f.used.has(k)) kept.push([k, v]);
    const temp = `${f.path}.${process.pid}.tmp`;
    try {
      mkdirSync(join(f.path, '..'), { recursive: true, mode: 0o700 });
      writeFileSync(temp, JSON.stringify(kept));
      renameSync(temp, f.path);
    } catch (e) {
      try {
        rmSync(temp, { force: true });
      } catch {
        // never written
      }
      if (!warned) {
        warned = true;
        // (On exit: a warning emitted now would never be printed.)
        process.stderr.write(`preemptible: cannot write the cache of versions made at run time in ${join(f.path, '..')} (${(e as Error).message}); set PREEMPTIBLE_CACHE to another directory, or to 0 to turn it off\n`);
      }
    }
  }
}
