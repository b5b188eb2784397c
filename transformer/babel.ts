// Babel front-end: `plugins: ['preemptible/babel']` (options: { instrument, include, exclude, nodeModules,
// compilerOptions, warnings }). Babel parses the output of the core rewrite (through `parserOverride`,
// so no second implementation of it), and the rewrite's source map becomes Babel's input map, so the
// final map still points at the original source.

import { PreemptibleArgumentError, PreemptibleSyntaxError } from '../runtime/errors';
import { createFileFilter, FileFilterOptions } from './file-filter';
import { transform, type SemanticCompilerOptions, type SourceMap } from './index';
import { COPIES_NOT_HERE, isNote, type InstrumentMode } from './options';

export interface BabelPluginOptions extends FileFilterOptions {
  instrument?: InstrumentMode;
  compilerOptions?: SemanticCompilerOptions;
  /** Print notes about constructs left uninstrumented with console.warn (default true). */
  warnings?: boolean;
}

interface BabelFile {
  code: string;
  opts: { filename?: string | null };
  inputMap: { toObject(): SourceMap } | null;
}

const KNOWN = new Set(['include', 'exclude', 'nodeModules', 'instrument', 'compilerOptions', 'warnings']);

export default function preemptibleBabel(api: { assertVersion?(range: number | string): void }, options: BabelPluginOptions = {}) {
  api.assertVersion?.(7);
  for (const key of Object.keys(options)) {
    if (key === 'copiesAtRunTime') throw new PreemptibleArgumentError(COPIES_NOT_HERE('preemptible/babel'));
    if (!KNOWN.has(key)) throw new PreemptibleArgumentError(`preemptible/babel: unknown option '${key}'`);
  }
  const wanted = createFileFilter(options);
  // parserOverride sees the source, pre() sees the File: hand the rewrite's map across by source text.
  const maps = new Map<string, SourceMap>();
  return {
    name: 'preemptible',
    parserOverride(code: string, parserOpts: { sourceFileName?: string; sourceFilename?: string }, parse: (code: string, opts: unknown) => unknown) {
      const filename = parserOpts.sourceFileName ?? parserOpts.sourceFilename;
      if (!filename || !wanted(filename)) return undefined;
      let result;
      try {
        result = transform(code, {
          filename,
          instrument: options.instrument ?? 'all',
          sourceMap: true,
          compilerOptions: options.compilerOptions,
          copiesAtRunTime: false, // (see COPIES_NOT_HERE)
        });
      } catch (e) {
        if (e instanceof PreemptibleSyntaxError) {
          const err = Object.assign(new SyntaxError(`${e.detail} (${e.line}:${e.column - 1})`), {
            loc: { line: e.line, column: e.column - 1 },
            code: 'BABEL_PARSE_ERROR',
          });
          throw err;
        }
        throw e;
      }
      if (options.warnings !== false) {
        for (const d of result.diagnostics) {
          if (!isNote(d)) {
            console.warn(`${d.file}:${d.line}:${d.column}: preemptible: ${d.message} [${d.code}]`);
          }
        }
      }
      if (result.map) maps.set(code, result.map);
      return parse(result.code, parserOpts);
    },
    pre(this: unknown, file: BabelFile) {
      const map = maps.get(file.code);
      if (map) {
        maps.delete(file.code);
        file.inputMap = { toObject: () => map };
      }
    },
    visitor: {},
  };
}
