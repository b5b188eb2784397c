// esbuild front-end: `plugins: [preemptible({ include, instrument, nodeModules })]`.
// Loads matching files, runs the core rewrite (types stripped by it, so esbuild sees JS) and hands esbuild
// an inline source map so that its final map points at the original source.

import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Loader, OnLoadResult, PartialMessage, Plugin } from 'esbuild';
import { PreemptibleArgumentError, PreemptibleSyntaxError } from '../runtime/errors';
import { createFileFilter, FileFilterOptions } from './file-filter';
import { transform, type SemanticCompilerOptions } from './index';
import { COPIES_NOT_HERE, isNote, type InstrumentMode } from './options';

export interface EsbuildPluginOptions extends FileFilterOptions {
  instrument?: InstrumentMode;
  /** TS options that change the meaning of TS input (e.g. experimentalDecorators from your tsconfig). */
  compilerOptions?: SemanticCompilerOptions;
  /**
   * Keep `preemptible` imports external (default true for platform 'node'): the runtime must be one shared
   * copy and finds its native addon next to itself.
   */
  externalRuntime?: boolean;
  /** Called once per build with what was transformed (for throughput reports). */
  onStats?: (stats: TransformStats) => void;
}

export interface TransformStats {
  /** Files transformed in this build, their bytes of source and the time it took. */
  files: number;
  bytes: number;
  ms: number;
  /** Files whose transform an earlier build of the same context had made (unchanged since): not redone. */
  reused: number;
}

const KNOWN = new Set(['include', 'exclude', 'nodeModules', 'instrument', 'compilerOptions', 'externalRuntime', 'onStats']);

export default function preemptibleEsbuild(options: EsbuildPluginOptions = {}): Plugin {
  for (const key of Object.keys(options)) {
    if (key === 'copiesAtRunTime') throw new PreemptibleArgumentError(COPIES_NOT_HERE('preemptible/esbuild'));
    if (!KNOWN.has(key)) throw new PreemptibleArgumentError(`preemptible/esbuild: unknown option '${key}'`);
  }
  const wanted = createFileFilter(options);
  return {
    name: 'preemptible',
    setup(build) {
      let stats: TransformStats = { files: 0, bytes: 0, ms: 0, reused: 0 };
      // esbuild calls onLoad for every file on every rebuild of a context (watch, serve, rebuild()); a file
      // whose text has not changed gets the result of its last transform (esbuild's "caching your plugin").
      const last = new Map<string, { source: string; result: OnLoadResult }>();
      build.onStart(() => {
        stats = { files: 0, bytes: 0, ms: 0, reused: 0 };
      });
      const external = options.externalRuntime ?? (build.initialOptions.platform ?? 'browser') === 'node';
      if (external) {
        build.onResolve({ filter: /^preemptible(?:\/|$)/ }, (args) => ({ path: args.path, external: true }));
      }
      build.onLoad({ filter: /\.(?:[cm]?[jt]s|[jt]sx)$/ }, async (args) => {
        if (args.namespace !== 'file' || !wanted(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const previous = last.get(args.path);
        if (previous !== undefined && previous.source === source) {
          stats.reused++;
          return previous.result;
        }
        const started = performance.now();
        let result;
        try {
          result = transform(source, {
            filename: args.path,
            instrument: options.instrument ?? 'all',
            sourceMap: true,
            compilerOptions: options.compilerOptions,
            // esbuild keeps no comments: the marks would be lost, the registered text dead weight.
            originalText: false,
            copiesAtRunTime: false, // (see COPIES_NOT_HERE)
          });
        } catch (e) {
          if (e instanceof PreemptibleSyntaxError) {
            return { errors: [{ text: e.detail, location: { file: e.file, line: e.line, column: e.column - 1 } }] };
          }
          throw e;
        }
        stats.files++;
        stats.bytes += source.length;
        stats.ms += performance.now() - started;
        const map = Buffer.from(JSON.stringify(result.map)).toString('base64');
        const warnings: PartialMessage[] = result.diagnostics.filter((d) => !isNote(d)).map((d) => ({
          text: `preemptible: ${d.message} [${d.code}]`,
          location: { file: d.file, line: d.line, column: d.column - 1 },
        }));
        const loader: Loader = /\.[jt]sx$/.test(args.path) ? 'jsx' : 'js';
        const loaded: OnLoadResult = {
          contents: `${result.code}\n//# sourceMappingURL=data:application/json;base64,${map}\n`,
          loader,
          resolveDir: dirname(args.path),
          warnings,
        };
        last.set(args.path, { source, result: loaded });
        return loaded;
      });
      build.onEnd(() => {
        options.onStats?.(stats);
      });
    },
  };
}
