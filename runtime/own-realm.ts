// Loads CommonJS modules into a realm of their own (a `vm` context: its own Array.prototype, Object, ...),
// for code the runtime runs inside a task at a moment the task chose: the rewrite that makes versions at
// run time (lazy-text.ts) parses and rewrites with ordinary arrays and objects, and a task may have changed
// the builtins of its own realm at that moment (an indexed setter on Array.prototype, a property on
// Object.prototype), which must neither break the rewrite nor see its work. Only strings cross.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createContext, runInContext, Script } from 'node:vm';

interface Module { exports: Record<string, unknown> }

/**
 * `entry` (an absolute path to a .js file) and the modules it requires, loaded into a new realm: relative
 * paths from the files themselves, packages as Node resolves them from this file.
 */
export function loadInOwnRealm(entry: string): Record<string, unknown> {
  const context = createContext({});
  const modules = new Map<string, Module>();
  const load = (file: string): Record<string, unknown> => {
    const known = modules.get(file);
    if (known) return known.exports;
    const module = runInContext('({ exports: {} })', context) as Module;
    modules.set(file, module);
    const wrapper = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, { filename: file });
    const fn = wrapper.runInContext(context) as (...args: unknown[]) => void;
    const requireHere = (spec: string): Record<string, unknown> => load(resolveFrom(file, spec));
    fn.call(module.exports, module.exports, requireHere, module, file, dirname(file));
    return module.exports;
  };
  return load(entry);
}

function resolveFrom(file: string, spec: string): string {
  if (!spec.startsWith('.')) return require.resolve(spec);
  const base = resolve(dirname(file), spec);
  for (const candidate of [base, `${base}.js`, `${base}/index.js`]) {
    if (candidate.endsWith('.js') && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`preemptible: cannot find module '${spec}' from ${file}`);
}
