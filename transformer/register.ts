// Node loader front-end (`node --import preemptible/register app.ts`): module customization hooks for
// ESM (module.registerHooks in-thread where Node has it, module.register off-thread on Node 20) and a
// require() hook for CommonJS. Both call transform(); TS files get their types stripped by it.
//
// Configuration: package.json `"preemptible": { "instrument": "all", "include": ["src/"], "nodeModules": ["pkg"],
// "cache": true, "copiesAtRunTime": true }` (include: path prefixes relative to the directory of that
// package.json, or /regex/ strings; cache: true, false or a directory; copiesAtRunTime: transform()'s
// option: unset by default), or the environment: PREEMPTIBLE_INSTRUMENT, PREEMPTIBLE_INCLUDE (comma-separated),
// PREEMPTIBLE_NODE_MODULES, PREEMPTIBLE_CACHE (0 or a directory), PREEMPTIBLE_COPIES_AT_RUN_TIME (1 or 0).

import { existsSync, readFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PreemptibleArgumentError } from '../runtime/errors';
import { useVersionCache } from '../runtime/version-cache';
import { createFileFilter, FileTest } from './file-filter';
import type * as Transformer from './index';
import { isNote, type InstrumentMode } from './options';
import { TransformCache, type CachedTransform } from './transform-cache';

export interface RegisterConfig {
  instrument: InstrumentMode;
  /** Path prefixes (absolute) or regular-expression sources written as /.../ */
  include: string[];
  nodeModules: boolean | string[];
  /** Directory of the transform cache (transform-cache.ts), or null: transform every file at every start. */
  cache: string | null;
  /** transform()'s option copiesAtRunTime (undefined: its default). */
  copiesAtRunTime: boolean | undefined;
}

const list = (v: string | undefined): string[] | undefined => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

/** Reads the config from the nearest package.json with a "preemptible" field (from `cwd` up), then env vars. */
export function loadConfig(cwd: string, env: NodeJS.ProcessEnv = process.env): RegisterConfig {
  let fromPackage: Partial<RegisterConfig> & { [key: string]: unknown } = {};
  let base = cwd;
  for (let dir = cwd; ; dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      const field = (JSON.parse(readFileSync(pj, 'utf8')) as { preemptible?: unknown }).preemptible;
      if (field !== undefined) {
        if (typeof field !== 'object' || field === null) throw new PreemptibleArgumentError(`${pj}: "preemptible" must be an object`);
        fromPackage = field as typeof fromPackage;
        base = dir;
        break;
      }
    }
    if (dirname(dir) === dir) break;
  }
  for (const key of Object.keys(fromPackage)) {
    if (!['instrument', 'include', 'nodeModules', 'cache', 'copiesAtRunTime'].includes(key)) {
      throw new PreemptibleArgumentError(`package.json "preemptible": unknown key '${key}' (known: instrument, include, nodeModules, cache, copiesAtRunTime)`);
    }
  }
  const instrument = (env.PREEMPTIBLE_INSTRUMENT ?? fromPackage.instrument ?? 'all') as InstrumentMode;
  if (instrument !== 'all' && instrument !== 'annotated') {
    throw new PreemptibleArgumentError(`preemptible/register: instrument must be 'all' or 'annotated', got ${JSON.stringify(instrument)}`);
  }
  const include = (list(env.PREEMPTIBLE_INCLUDE) ?? fromPackage.include ?? []).map((p) =>
    p.startsWith('/') && p.endsWith('/') && p.length > 1 ? p : isAbsolute(p) ? p : resolvePath(base, p),
  );
  const nmEnv = env.PREEMPTIBLE_NODE_MODULES;
  const nodeModules = nmEnv === 'true' ? true : (list(nmEnv) ?? fromPackage.nodeModules ?? false);
  return { instrument, include, nodeModules, cache: cacheDir(env.PREEMPTIBLE_CACHE, fromPackage.cache, base, env), copiesAtRunTime: copiesAtRunTime(env.PREEMPTIBLE_COPIES_AT_RUN_TIME, fromPackage.copiesAtRunTime) };
}

/** PREEMPTIBLE_COPIES_AT_RUN_TIME (1/true, 0/false), else package.json's "copiesAtRunTime" (a boolean), else undefined (transform()'s default). */
function copiesAtRunTime(fromEnv: string | undefined, fromPackage: unknown): boolean | undefined {
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv === '1' || fromEnv === 'true') return true;
    if (fromEnv === '0' || fromEnv === 'false') return false;
    throw new PreemptibleArgumentError(`PREEMPTIBLE_COPIES_AT_RUN_TIME must be 1, true, 0 or false, got ${JSON.stringify(fromEnv)}`);
  }
  if (fromPackage === undefined) return undefined;
  if (typeof fromPackage !== 'boolean') {
    throw new PreemptibleArgumentError(`package.json "preemptible": copiesAtRunTime must be true or false, got ${JSON.stringify(fromPackage)}`);
  }
  return fromPackage;
}

/**
 * Where transforms are cached: PREEMPTIBLE_CACHE (0/false: off, else a directory), else package.json's
 * "cache" (false: off, a string: a directory relative to it), else node_modules/.cache/preemptible beside the
 * package.json (the convention of babel-loader and friends), else the user's cache directory. Never a shared
 * temporary directory: whoever can write an entry there chooses the code this process runs.
 */
function cacheDir(fromEnv: string | undefined, fromPackage: unknown, base: string, env: NodeJS.ProcessEnv): string | null {
  if (fromEnv !== undefined && fromEnv !== '') {
    return fromEnv === '0' || fromEnv === 'false' ? null : resolvePath(base, fromEnv);
  }
  if (fromPackage === false) return null;
  if (typeof fromPackage === 'string') return resolvePath(base, fromPackage);
  if (fromPackage !== undefined && fromPackage !== true) {
    throw new PreemptibleArgumentError(`package.json "preemptible": cache must be true, false or a directory, got ${JSON.stringify(fromPackage)}`);
  }
  const modules = join(base, 'node_modules');
  if (existsSync(modules)) return join(modules, '.cache', 'preemptible');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'preemptible');
}

function filterFor(config: RegisterConfig): (file: string) => boolean {
  const include: FileTest[] = config.include.map((p) =>
    p.startsWith('/') && p.endsWith('/') && p.length > 1 && !existsSync(p) ? new RegExp(p.slice(1, -1)) : (f: string) => f.startsWith(p),
  );
  return createFileFilter({ include: include.length ? include : undefined, nodeModules: config.nodeModules });
}

const caches = new Map<string, TransformCache>();

/** Transformed source with an inline source map, so `--enable-source-maps` reports original positions. */
function instrumentSource(source: string, file: string, config: RegisterConfig): CachedTransform {
  let cache: TransformCache | undefined;
  if (config.cache !== null) {
    cache = caches.get(config.cache) ?? new TransformCache(config.cache);
    caches.set(config.cache, cache);
  }
  // (The options the output depends on, for the cache.)
  const variant = config.copiesAtRunTime === undefined ? config.instrument : `${config.instrument} copiesAtRunTime=${config.copiesAtRunTime}`;
  let entry = cache?.get(file, source, variant);
  if (entry === undefined) {
    // Loaded on the first miss: the transformer brings TypeScript (~0.3 s to load), which a start whose
    // files are all cached never needs.
    const { transform } = require('./index') as typeof Transformer;
    const r = transform(source, { filename: file, instrument: config.instrument, sourceMap: true, copiesAtRunTime: config.copiesAtRunTime });
    const map = Buffer.from(JSON.stringify(r.map)).toString('base64');
    entry = { code: `${r.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`, format: r.format, diagnostics: r.diagnostics };
    cache?.set(file, source, variant, entry);
  }
  for (const d of entry.diagnostics) {
    if (!isNote(d)) {
      process.emitWarning(`${d.file}:${d.line}:${d.column}: ${d.message}`, { code: `PREEMPTIBLE_${d.code.toUpperCase().replace(/-/g, '_')}` });
    }
  }
  return entry;
}

/** CommonJS: compile matching files (and .ts/.cts files) through transform(). */
/**
 * Versions made at run time (transform()'s copiesAtRunTime) are kept beside the transforms, so a start
 * makes only those of functions it had not run before (runtime/version-cache.ts).
 */
export function shareVersionCache(config: RegisterConfig): void {
  useVersionCache(config.cache === null ? null : join(config.cache, 'versions'));
}

export function installRequireHook(config: RegisterConfig): void {
  const wanted = filterFor(config);
  const extensions = (Module as unknown as { _extensions: Record<string, (m: unknown, f: string) => void> })._extensions;
  const original = extensions['.js']!;
  for (const ext of ['.js', '.cjs', '.ts', '.cts', '.mts']) {
    const previous = extensions[ext] ?? original;
    extensions[ext] = (mod, filename) => {
      if (!wanted(filename)) return previous(mod, filename);
      const { code } = instrumentSource(readFileSync(filename, 'utf8'), filename, config);
      (mod as { _compile(code: string, file: string): void })._compile(code, filename);
    };
  }
}

type MaybePromise<T> = T | Promise<T>;
const then = <T, U>(v: MaybePromise<T>, f: (t: T) => U): MaybePromise<U> =>
  v instanceof Promise ? v.then(f) : f(v);

interface ResolveResult { url: string; format?: string | null; shortCircuit?: boolean }
interface LoadResult { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }
type NextResolve = (specifier: string, context?: unknown) => MaybePromise<ResolveResult>;
type NextLoad = (url: string, context?: { format?: string | null }) => MaybePromise<LoadResult>;

const TS_FOR_JS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'], '': ['.ts', '.tsx', '.mts', '.js'] };

/** ESM hooks; work both in-thread (registerHooks: sync next*) and off-thread (register: async next*). */
export function createHooks(config: RegisterConfig) {
  const wanted = filterFor(config);
  return {
    resolve(specifier: string, context: { parentURL?: string }, next: NextResolve): MaybePromise<ResolveResult> {
      const fallback = (error: unknown): MaybePromise<ResolveResult> => {
        // TS projects import './x.js' meaning './x.ts' (and sometimes './x' without extension).
        if (!(specifier.startsWith('./') || specifier.startsWith('../')) || !context.parentURL?.startsWith('file:')) throw error;
        const ext = extname(specifier);
        const stem = TS_FOR_JS[ext] ? specifier.slice(0, specifier.length - ext.length) : specifier;
        for (const candidate of TS_FOR_JS[ext] ?? TS_FOR_JS['']!) {
          const file = fileURLToPath(new URL(stem + candidate, context.parentURL));
          if (existsSync(file)) return { url: pathToFileURL(file).href, shortCircuit: true };
        }
        throw error;
      };
      try {
        const r = next(specifier, context);
        return r instanceof Promise ? r.catch(fallback) : r;
      } catch (error) {
        return fallback(error);
      }
    },
    load(url: string, context: { format?: string | null }, next: NextLoad): MaybePromise<LoadResult> {
      if (!url.startsWith('file:')) return next(url, context);
      const file = fileURLToPath(url);
      if (!wanted(file)) return next(url, context);
      const source = readFileSync(file, 'utf8');
      const { code, format } = instrumentSource(source, file, config);
      if (format === 'cjs') {
        // CommonJS goes through require() (and our require hook): hand it back to Node's own loader.
        return then(next(url, { ...context, format: 'commonjs' }), (r) => ({ ...r, format: 'commonjs', source: null }));
      }
      return { format: 'module', source: code, shortCircuit: true };
    },
  };
}
