// On-disk cache of the Node loader's transforms. transform() runs at a fraction of a MB/s (TypeScript
// parses and prints every file, and the output is several times the input), so without a cache every start
// of an app paid for all its files again. An entry is keyed by everything the output depends on: the
// transformer's own code, the TypeScript it runs on, the options (instrument mode, copiesAtRunTime), the
// Entries are written under a temporary name and renamed, so a concurrent start never reads half of one.
// An entry's name starts with a hash of the file's path and options, so writing a file's new
// transform removes the ones it replaces (older texts of the file, older builds of the transformer): the
// cache holds one entry per file.

import { createHash, type Hash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, ModuleFormat } from './options';

export interface CachedTransform {
  /** The emitted code, source map included. */
  code: string;
  format: ModuleFormat;
  /** Diagnostics to report again on every load (a hit must warn as a miss does). */
  diagnostics: Diagnostic[];
}

/** A hash of the compiled files in `dirs` (their names and contents): a build's identity, to key caches by. */
export function buildHash(dirs: readonly string[]): Hash {
  const h = createHash('sha256');
  for (const dir of dirs) {
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.js')) h.update(f).update(readFileSync(join(dir, f)));
  }
  return h;
}

let transformerId: string | undefined;
/** A hash of this transformer's compiled files and of the TypeScript version it uses (once per process). */
function transformerIdentity(): string {
  if (transformerId !== undefined) return transformerId;
  const h = buildHash([__dirname]);
  h.update((require('typescript/package.json') as { version: string }).version);
  transformerId = h.digest('hex');
  return transformerId;
}

export class TransformCache {
  private warned = false;
  constructor(readonly dir: string) {}

  /** `<hash of options and path>-<hash of transformer and text>.json`; `variant`: the options, as a string. */
  private nameFor(file: string, source: string, variant: string): { prefix: string; name: string } {
    const prefix = `${createHash('sha256').update(variant).update('\0').update(file).digest('hex').slice(0, 32)}-`;
    const content = createHash('sha256').update(transformerIdentity()).update('\0').update(source).digest('hex');
    return { prefix, name: `${prefix}${content}.json` };
  }

  get(file: string, source: string, variant: string): CachedTransform | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.dir, this.nameFor(file, source, variant).name), 'utf8');
    } catch {
      return undefined; // not cached yet
    }
    try {
      return JSON.parse(text) as CachedTransform;
    } catch {
      return undefined; // damaged (e.g. a full disk): transformed again and rewritten
    }
  }

  set(file: string, source: string, variant: string, entry: CachedTransform): void {
    const { prefix, name } = this.nameFor(file, source, variant);
    const target = join(this.dir, name);
    const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      writeFileSync(temp, JSON.stringify(entry));
      renameSync(temp, target);
    } catch (e) {
      try {
        rmSync(temp, { force: true }); // written but not renamed: leave nothing behind
      } catch {
        // never written (the directory could not be made)
      }
      // The app still runs (from the transform just made); say once why nothing is cached.
      this.warnOnce(`cannot write the transform cache in ${this.dir} (${(e as Error).message}); set PREEMPTIBLE_CACHE to another directory, or to 0 to turn it off`);
      return;
    }
    try {
      this.removeReplaced(prefix, name);
    } catch (e) {
      // The new entry is in place; the old ones only take room.
      this.warnOnce(`cannot remove replaced entries of the transform cache in ${this.dir} (${(e as Error).message})`);
    }
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    process.emitWarning(`preemptible/register: ${message}`, { code: 'PREEMPTIBLE_CACHE' });
  }

  /**
   * Removes the entries this file's new one replaces. (A miss costs a transform, so one directory listing
   * on it is nothing.) Temporary files are left alone: another start may be writing one.
   */
  private removeReplaced(prefix: string, keep: string): void {
    for (const f of readdirSync(this.dir)) {
      if (f.startsWith(prefix) && f.endsWith('.json') && f !== keep) rmSync(join(this.dir, f), { force: true });
    }
  }
}
