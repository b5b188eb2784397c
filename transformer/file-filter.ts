// Which files a build-tool front-end instruments: the app's own sources by default, node_modules packages
// only when the user lists them (or says `nodeModules: true`). Shared by the esbuild plugin and the loader.

import { join, resolve, sep } from 'node:path';

/** This package's own code (runtime, transformer, build output) is never instrumented. */
const OWN = ['dist', 'runtime', 'transformer', 'native'].map((d) => join(resolve(__dirname, '..', '..'), d) + sep);

export type FileTest = RegExp | ((file: string) => boolean);

export interface FileFilterOptions {
  /** Only files matching one of these (default: every .ts/.tsx/.mts/.cts/.js/.jsx/.mjs/.cjs file). */
  include?: FileTest | FileTest[];
  /** Never these. */
  exclude?: FileTest | FileTest[];
  /** node_modules: false (default), true, or the package names to instrument. */
  nodeModules?: boolean | string[];
}

export const SOURCE_EXTENSIONS = /\.(?:[cm]?[jt]s|[jt]sx)$/;

const asList = (t: FileTest | FileTest[] | undefined): FileTest[] => (t === undefined ? [] : Array.isArray(t) ? t : [t]);
const test = (t: FileTest, file: string): boolean => (typeof t === 'function' ? t(file) : t.test(file));

/** The package a node_modules file belongs to ('pkg' or '@scope/pkg'), if any. */
export function packageOf(file: string): string | undefined {
  const parts = file.split(sep);
  const i = parts.lastIndexOf('node_modules');
  if (i < 0 || i + 1 >= parts.length) return undefined;
  const first = parts[i + 1]!;
  return first.startsWith('@') && i + 2 < parts.length ? `${first}/${parts[i + 2]}` : first;
}

export function createFileFilter(options: FileFilterOptions): (file: string) => boolean {
  const include = asList(options.include);
  const exclude = asList(options.exclude);
  const nm = options.nodeModules ?? false;
  return (file) => {
    if (!SOURCE_EXTENSIONS.test(file) || file.endsWith('.d.ts')) return false;
    if (OWN.some((dir) => file.startsWith(dir))) return false;
    const pkg = packageOf(file);
    if (pkg !== undefined) {
      if (pkg === 'preemptible') return false; // never the runtime itself
      if (nm === false || (Array.isArray(nm) && !nm.includes(pkg))) return false;
    }
    if (include.length > 0 && !include.some((t) => test(t, file))) return false;
    return !exclude.some((t) => test(t, file));
  };
}
