// tsc front-end: a ts-patch "program" transformer.
//   "plugins": [{ "transform": "preemptible/tsc", "instrument": "all" }]
// Works with `tspc` and with a `ts-patch install`-ed tsc. The rewrite is the core's; this file only
// reads the plugin config, picks the import form from the compiler options and reports diagnostics.

import type * as TS from 'typescript';
import { PreemptibleArgumentError } from '../runtime/errors';
import { hasModuleSyntax } from './module-format';
import { DEFAULT_RUNTIME, Diagnostic, INSTRUMENT_MODES, InstrumentMode, isNote, ModuleFormat } from './options';
import { createCoreTransformer } from './rewrite';

export interface TscPluginConfig {
  instrument?: InstrumentMode;
  runtime?: string;
  /**
   * Where notes about constructs left uninstrumented go: 'stderr' (default; the build's exit code is
   * unaffected), 'diagnostics' (tsc warnings; note that tsc then exits with status 2) or 'off'.
   * Async and generator functions, which are common and simply run to completion, are only listed with 'diagnostics'.
   */
  warnings?: 'stderr' | 'diagnostics' | 'off';
}

interface TransformerExtras {
  ts: typeof TS;
  addDiagnostic?: (diag: TS.Diagnostic) => number;
}

const KNOWN = new Set(['transform', 'instrument', 'runtime', 'warnings', 'type', 'import', 'after', 'afterDeclarations', 'transformProgram', 'isEsm', 'name']);

function formatFor(ts: typeof TS, options: TS.CompilerOptions, sf: TS.SourceFile): ModuleFormat {
  if (hasModuleSyntax(ts, sf)) return 'esm'; // tsc lowers the import to require() when emitting CommonJS
  const kind = options.module;
  if (kind === ts.ModuleKind.Node16 || kind === ts.ModuleKind.NodeNext) {
    return sf.impliedNodeFormat === ts.ModuleKind.ESNext ? 'esm' : 'cjs';
  }
  return kind === undefined || kind === ts.ModuleKind.CommonJS || kind === ts.ModuleKind.UMD || kind === ts.ModuleKind.AMD ? 'cjs' : 'esm';
}

export default function preemptibleTscPlugin(
  program: TS.Program | undefined,
  config: TscPluginConfig = {},
  extras?: TransformerExtras,
): TS.TransformerFactory<TS.SourceFile> {
  for (const key of Object.keys(config)) {
    if (!KNOWN.has(key)) throw new PreemptibleArgumentError(`preemptible/tsc: unknown plugin option '${key}'`);
  }
  if (config.instrument !== undefined && !INSTRUMENT_MODES.includes(config.instrument)) {
    throw new PreemptibleArgumentError(`preemptible/tsc: instrument must be 'all' or 'annotated', got ${JSON.stringify(config.instrument)}`);
  }
  // Use the compiler instance ts-patch runs (nodes from another copy of TypeScript must not be mixed in).
  const ts: typeof TS = extras?.ts ?? (require('typescript') as typeof TS);
  const compilerOptions = program?.getCompilerOptions() ?? {};
  const mode = config.warnings ?? 'stderr';
  if (!['stderr', 'diagnostics', 'off'].includes(mode)) {
    throw new PreemptibleArgumentError(`preemptible/tsc: warnings must be 'stderr', 'diagnostics' or 'off', got ${JSON.stringify(mode)}`);
  }
  const report = (d: Diagnostic, sf: TS.SourceFile | undefined): void => {
    if (mode === 'off') return;
    if (mode === 'diagnostics' && extras?.addDiagnostic && sf) {
      const start = sf.getPositionOfLineAndCharacter(d.line - 1, d.column - 1);
      extras.addDiagnostic({
        category: ts.DiagnosticCategory.Warning,
        code: 9001,
        file: sf,
        start,
        length: 1,
        messageText: `preemptible: ${d.message} [${d.code}]`,
        source: 'preemptible',
      });
    } else if (!isNote(d)) {
      process.stderr.write(`${d.file}:${d.line}:${d.column} - preemptible: ${d.message} [${d.code}]\n`);
    }
  };
  let current: TS.SourceFile | undefined;
  const core = createCoreTransformer(
    ts,
    { instrument: config.instrument ?? 'all', runtime: config.runtime ?? DEFAULT_RUNTIME },
    { moduleFormat: (sf) => formatFor(ts, compilerOptions, sf), report: (d) => report(d, current) },
  );
  return (ctx) => {
    const perFile = core(ctx);
    return (sf) => {
      if (sf.isDeclarationFile) return sf;
      current = program?.getSourceFile(sf.fileName) ?? sf;
      return perFile(sf);
    };
  };
}
