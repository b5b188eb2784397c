// On-disk cache of the Node loader's transforms. transform() runs at a fraction of a MB/s (TypeScript
// parses and prints every file, and the output is several times the input), so without a cache every start
// of an app paid for all its files again. An entry is keyed by everything the output depends on: the
// transformer's own code, the TypeScript it runs on, the instrument mode, the file's path and its text.
// Entries are written under a temporary name and renamed, so a concurrent start never reads half of one.

import { createHash } from 'node:crypto';
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

let transformerId: string | undefined;
/** A hash of this transformer's compiled files and of the TypeScript version it uses (once per process). */
function transformerIdentity(): string {
  if (transformerId !== undefined) return transformerId;
  const h = createHash('sha256');
  for (const f of readdirSync(__dirname).sort()) {
    if (f.endsWith('.js')) h.update(f).update(readFileSync(join(__dirname, f)));
  }
  h.update((require('typescript/package.json') as { version: string }).version);
  transformerId = h.digest('hex');
  return transformerId;
}

export class TransformCache {
  private warned = false;
  constructor(readonly dir: string) {}

  private fileFor(file: string, source: string, instrument: string): string {
    const key = createHash('sha256').update(transformerIdentity()).update('\0').update(instrument).update('\0').update(file).update('\0').update(source);
    return join(this.dir, `${key.digest('hex')}.json`);
  }

  get(file: string, source: string, instrument: string): CachedTransform | undefined {
    let text: string;
    try {
      text = readFileSync(this.fileFor(file, source, instrument), 'utf8');
    } catch {
      return undefined; // not cached yet
    }
    try {
      return JSON.parse(text) as CachedTransform;
    } catch {
      return undefined; // damaged (e.g. a full disk): transformed again and rewritten
    }
  }

  set(file: string, source: string, instrument: string, entry: CachedTransform): void {
    const target = this.fileFor(file, source, instrument);
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
      if (!this.warned) {
        this.warned = true;
        process.emitWarning(`preemptible/register: cannot write the transform cache in ${this.dir} (${(e as Error).message}); set PREEMPTIBLE_CACHE to another directory, or to 0 to turn it off`, {
          code: 'PREEMPTIBLE_CACHE',
        });
      }
    }
  }
}
