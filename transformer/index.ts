// Programmatic API: transform(source, options) -> { code, map, diagnostics }.
// Parsing, type stripping (for TS input) and printing are TypeScript's; the rewrite is the core's.

import ts from 'typescript';
import { PreemptibleArgumentError, PreemptibleSyntaxError } from '../runtime/errors';
import { blankTypes } from './blank-types';
import { formatFromSource } from './module-format';
import { DEFAULT_RUNTIME, Diagnostic, INSTRUMENT_MODES, InstrumentMode, ModuleFormat } from './options';
import { createCoreTransformer } from './rewrite';
import { canSplice, splicePrint } from './splice-print';

export type { Diagnostic, InstrumentMode, ModuleFormat } from './options';
export { createCoreTransformer } from './rewrite';

export interface TransformOptions {
  /** Used for diagnostics, source maps and to pick the language (.ts/.tsx/.mts/.cts strip types). Default 'input.js'. */
  filename?: string;
  /** 'all' (default): every function; 'annotated': only `'use preemptible'` and `preemptible(fn)`. */
  instrument?: InstrumentMode;
  /** Produce a source map (returned as `map`). Default false. */
  sourceMap?: boolean;
  /** How to import the runtime. Default: from the extension (.mjs/.cjs), else from import/export syntax. */
  module?: ModuleFormat;
  /** Module specifier for the runtime helpers. Default 'preemptible/runtime'. */
  runtime?: string;
  /**
   * TypeScript options that change what TS input means (front-ends pass the project's tsconfig values):
   * experimentalDecorators, emitDecoratorMetadata, useDefineForClassFields, verbatimModuleSyntax.
   */
  compilerOptions?: SemanticCompilerOptions;
  /**
   * Lazy capture (default true): simple functions run as plain fast copies inside tasks and are captured
   * only when they pause. false gives every instrumented function a generator version only (for comparing).
   */
  lazy?: boolean;
  /**
   * Keep the original text for `Function.prototype.toString` (default true): a comment in each rewritten
   * function and the file's text registered once (the output grows by about the input's size). false: smaller
   * output, and those functions print as the emitted code.
   */
  originalText?: boolean;
  /**
   * Where functions' versions come from. Made at run time, from the function's own text, the first time a
   * task calls it (the file loads the `acorn` parser and the rewrite into the runtime), instead of printed
   * into the output: an output near the input's size, and a one-time cost at the function's first call in a
   * task in each process (see the README). By default (undefined) for the strict functions of a file written
   * out as its own text: JavaScript TypeScript does not change (the common case), and TypeScript whose types
   * can be blanked in place (no namespaces with code, decorators, `export import`, `export =`, nor enums other than
   * top-level ones that depend on nothing around them; its functions' toString is then that text, as under
   * Node's --experimental-strip-types); their versions get a source map to it. true: also for other
   * TypeScript and JavaScript (the text is then what TypeScript emits, to which stack traces through the
   * versions point; TypeScript only where that is the function's own with the types taken out; not JSX);
   * false: every version printed.
   */
  copiesAtRunTime?: boolean;
}

export interface SemanticCompilerOptions {
  experimentalDecorators?: boolean;
  emitDecoratorMetadata?: boolean;
  useDefineForClassFields?: boolean;
  verbatimModuleSyntax?: boolean;
}

const SEMANTIC_OPTIONS = new Set(['experimentalDecorators', 'emitDecoratorMetadata', 'useDefineForClassFields', 'verbatimModuleSyntax']);

export interface SourceMap {
  version: number;
  file?: string;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
}

export interface TransformResult {
  code: string;
  /** The module format of the output (it is the input's): 'esm' or 'cjs'. */
  format: ModuleFormat;
  map: SourceMap | undefined;
  /** Constructs left uninstrumented (each runs to completion), with file:line:column. */
  diagnostics: Diagnostic[];
}

// TypeScript reports legacy octal literals/escapes as errors in every file; in sloppy JS they are valid
// (and in strict code the engine itself rejects them), so they must not stop a JS transform.
const SLOPPY_JS_ONLY = new Set([1121, 1487, 1488, 1489]);

const KNOWN_OPTIONS = new Set(['filename', 'instrument', 'sourceMap', 'module', 'runtime', 'compilerOptions', 'lazy', 'originalText', 'copiesAtRunTime']);

function checkOptions(options: TransformOptions): void {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new PreemptibleArgumentError(`transform: unknown option '${key}'; known options are ${[...KNOWN_OPTIONS].join(', ')}`);
    }
  }
  if (options.instrument !== undefined && !INSTRUMENT_MODES.includes(options.instrument)) {
    throw new PreemptibleArgumentError(`transform: instrument must be 'all' or 'annotated', got ${JSON.stringify(options.instrument)}`);
  }
  for (const key of Object.keys(options.compilerOptions ?? {})) {
    if (!SEMANTIC_OPTIONS.has(key)) {
      throw new PreemptibleArgumentError(`transform: compilerOptions.${key} is not supported; supported: ${[...SEMANTIC_OPTIONS].join(', ')}`);
    }
  }
  if (options.originalText !== undefined && typeof options.originalText !== 'boolean') {
    throw new PreemptibleArgumentError(`transform: originalText must be a boolean, got ${JSON.stringify(options.originalText)}`);
  }
  if (options.copiesAtRunTime !== undefined && typeof options.copiesAtRunTime !== 'boolean') {
    throw new PreemptibleArgumentError(`transform: copiesAtRunTime must be a boolean, got ${JSON.stringify(options.copiesAtRunTime)}`);
  }
  if (options.lazy !== undefined && typeof options.lazy !== 'boolean') {
    throw new PreemptibleArgumentError(`transform: lazy must be a boolean, got ${JSON.stringify(options.lazy)}`);
  }
  if (options.module !== undefined && options.module !== 'esm' && options.module !== 'cjs') {
    throw new PreemptibleArgumentError(`transform: module must be 'esm' or 'cjs', got ${JSON.stringify(options.module)}`);
  }
}

/** The TypeScript options transform() parses and prints with (exported for benchmarks' baselines). */
export function transpileOptions(options: Pick<TransformOptions, 'sourceMap' | 'compilerOptions'> = {}): ts.CompilerOptions {
  return {
    // ES2022: what Node 20 runs. Newer syntax it lacks (decorators, `using`) is lowered by TypeScript.
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve,
    jsx: ts.JsxEmit.Preserve,
    allowJs: true,
    sourceMap: options.sourceMap === true,
    inlineSources: options.sourceMap === true,
    useDefineForClassFields: true,
    newLine: ts.NewLineKind.LineFeed,
    ...options.compilerOptions,
  };
}

/** Throws the first error among `diagnostics` as a PreemptibleSyntaxError with its position. */
function throwFirstError(diagnostics: readonly ts.Diagnostic[], fileName: string): void {
  const isJs = /\.[cm]?jsx?$/.test(fileName);
  const error = diagnostics.find((d) => d.category === ts.DiagnosticCategory.Error && !(isJs && SLOPPY_JS_ONLY.has(d.code)));
  if (!error) return;
  let text = ts.flattenDiagnosticMessageText(error.messageText, '\n');
  if (error.code === 18030) {
    // Valid JavaScript that TypeScript's parser rejects (microsoft/TypeScript#42734).
    text += ' (valid JavaScript, but TypeScript\'s parser, which preemptible uses, rejects it: write `a == null ? undefined : a.#x`)';
  }
  const pos = error.file && error.start !== undefined ? error.file.getLineAndCharacterOfPosition(error.start) : { line: 0, character: 0 };
  throw new PreemptibleSyntaxError(text, fileName, pos.line + 1, pos.character + 1);
}

/**
 * The output without TypeScript's trailing `//# sourceMappingURL=` line (the map is returned instead). Only
 * the tail is searched: a regex anchored at the end still tried every position of a 130 MB output.
 */
function withoutMapComment(text: string): string {
  const at = text.lastIndexOf('//# sourceMappingURL=');
  if (at < 0 || !/^\/\/# sourceMappingURL=\S*\s*$/.test(text.slice(at))) return text;
  return text.slice(0, at > 0 && text[at - 1] === '\n' ? at - 1 : at) + '\n';
}

// What TypeScript's own transforms (to ES2022, the module format preserved) would change in a JavaScript
// file, by the TransformFlags its parser computes for every subtree: types (an error there), syntax newer
// than ES2022 (`using`), decorators, auto-accessors (`accessor x`, flagged only as a class field).
const TYPESCRIPT = 1; // ContainsTypeScript
const LOWERED = 4 | 33554432; // ContainsESNext | ContainsDecorators
const CLASS_FIELDS = 16777216; // ContainsClassFields
// Set by a field with a computed name or a static one with an initializer, and with it the TypeScript flag
// on its class: TypeScript moves those out of the class only for targets before ES2022 or without define
// semantics (useDefineForClassFields), not for transform()'s, so they do not count.
const CLASS_SYNTAX = 8192; // ContainsTypeScriptClassSyntax
const flagsOf = (node: ts.Node): number => (node as unknown as { transformFlags: number }).transformFlags;

/**
 * Whether a subtree holds something TypeScript's transforms would change. The flag for TypeScript syntax
 * is also set by the `in` operator's token (`in` is a type parameter's modifier too), the one for class
 * fields by every field, `#name` and static block: such subtrees are searched, down to the nodes that set
 * the flag themselves.
 */
function lowered(node: ts.Node): boolean {
  const flags = flagsOf(node);
  if (flags & LOWERED) return true;
  if ((flags & (TYPESCRIPT | CLASS_FIELDS)) === 0 || node.kind === ts.SyntaxKind.InKeyword) return false;
  if (node.kind === ts.SyntaxKind.AccessorKeyword) return true;
  let fromChildren = 0;
  const found = ts.forEachChild(node, (c) => {
    const f = flagsOf(c) & (TYPESCRIPT | CLASS_FIELDS);
    if (f === 0) return undefined;
    fromChildren |= f;
    return lowered(c) || undefined;
  });
  const ownTypeScript = (flags & TYPESCRIPT) !== 0 && (fromChildren & TYPESCRIPT) === 0;
  return found === true || (ownTypeScript && !(ts.isClassLike(node) && (flags & CLASS_SYNTAX) !== 0 && !(node as ts.ClassLikeDeclaration).typeParameters));
}

/** A file transform() writes as its own text (see splicedSource). */
interface Spliced {
  /** The file parsed as JavaScript: its text, or a TypeScript file's text with the types blanked. */
  sf: ts.SourceFile;
  /** The source itself (a TypeScript file's text, for the source map). */
  code: string;
  /** A TypeScript file's module format, decided by its own text (its `import type` lines are blank in sf). */
  format: ModuleFormat | undefined;
  /** Line and character in the source of a position of sf's text, if code was inserted (blank-types.ts, toSource). */
  sourcePosition: ((pos: number) => ts.LineAndCharacter) | undefined;
}

/**
 * The transform of a file whose versions are made at run time (option copiesAtRunTime), without
 * TypeScript's program, its own transforms (it needs none: see lowered) or its printing of the
 * whole file: the file parsed, the core run on it alone, and printed as its own text wherever the core kept
 * a node (splice-print.ts). A TypeScript file is first written as JavaScript with its types blanked
 * (blank-types.ts): the same positions, so the same source map. This is the file parsed for it; undefined
 * for any other file (not JavaScript or TypeScript, JSX, what TypeScript would change), which
 * transpileModule transforms.
 */
function splicedSource(code: string, fileName: string, options: TransformOptions): Spliced | undefined {
  if (options.compilerOptions || !canSplice(code)) return undefined;
  let text = code;
  let format: ModuleFormat | undefined;
  let sourcePosition: ((pos: number) => ts.LineAndCharacter) | undefined;
  const typeScript = /\.[cm]?ts$/.test(fileName);
  if (typeScript) {
    const typed = ts.createSourceFile(fileName, code, { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, ts.ScriptKind.TS);
    if (hasParseErrors(typed)) return undefined; // (TypeScript reports them)
    setParents(typed);
    const blanked = blankTypes(ts, typed);
    if (!('text' in blanked)) return undefined;
    text = blanked.text;
    const toSource = blanked.toSource;
    // (Through the TypeScript file already parsed, which knows its own lines.)
    if (toSource) sourcePosition = (pos) => typed.getLineAndCharacterOfPosition(toSource(pos));
    format = formatFromSource(ts, typed);
  } else if (!/\.[cm]?js$/.test(fileName)) return undefined;
  const sf = ts.createSourceFile(fileName, text, { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, ts.ScriptKind.JS);
  // (A blanked file that does not parse is one the blanking does not cover, e.g. an arrow's return type
  // with a line break before `=>`: TypeScript's emit handles it.)
  if (lowered(sf) || (typeScript && hasParseErrors(sf))) return undefined;
  setParents(sf);
  return { sf, code, format, sourcePosition };
}

const hasParseErrors = (sf: ts.SourceFile): boolean => ((sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? []).length > 0;

/**
 * Sets every node's `parent` (what createSourceFile's setParentNodes does, at half its cost: its walk keeps a
 * queue and makes a closure per node; no JSDoc nodes here, which it would also visit).
 */
function setParents(sf: ts.SourceFile): void {
  const forEachChild = ts.forEachChild; // (read once: the module object's exports are getters)
  let parent: ts.Node = sf;
  const visit = (node: ts.Node): void => {
    (node as { parent: ts.Node }).parent = parent;
    const outer = parent;
    parent = node;
    forEachChild(node, visit);
    parent = outer;
  };
  forEachChild(sf, visit);
}

/**
 * `sf` (from splicedSource) transformed by `before` alone and printed with its own text where kept; its
 * source map if asked for (the source's text in the output maps to itself; what was added, to nothing).
 */
function splicedTransform({ sf, code: source, sourcePosition }: Spliced, options: TransformOptions, before: ts.TransformerFactory<ts.SourceFile>[]): { code: string; map: SourceMap | undefined } {
  const result = ts.transform(sf, before, transpileOptions(options));
  try {
    const { code, mappings } = splicePrint(ts, result.transformed[0]!, sf, options.sourceMap === true, sourcePosition);
    const map = mappings === undefined ? undefined : { version: 3, sources: [sf.fileName], sourcesContent: [source], names: [], mappings };
    return { code, map };
  } finally {
    result.dispose();
  }
}

export function transform(code: string, options: TransformOptions = {}): TransformResult {
  if (typeof code !== 'string') {
    throw new PreemptibleArgumentError(`transform: the source must be a string, got ${code === null ? 'null' : typeof code}`);
  }
  checkOptions(options);
  const fileName = options.filename ?? 'input.js';
  const diagnostics: Diagnostic[] = [];
  const spliced = options.copiesAtRunTime !== false ? splicedSource(code, fileName, options) : undefined;
  let format: ModuleFormat = options.module ?? spliced?.format ?? 'cjs';
  // (See copiesAtRunTime: by default only where the file is written as its own text.)
  const copiesAtRunTime = spliced !== undefined || options.copiesAtRunTime === true;
  const core = createCoreTransformer(
    ts,
    { instrument: options.instrument ?? 'all', runtime: options.runtime ?? DEFAULT_RUNTIME, lazy: options.lazy ?? true, originalText: options.originalText ?? true, copiesAtRunTime },
    {
      moduleFormat: () => format,
      report: (d) => diagnostics.push(d),
      keptNodesPrintVerbatim: spliced !== undefined,
      sourcePosition: spliced?.sourcePosition,
    },
  );
  const before: ts.TransformerFactory<ts.SourceFile>[] = [
    // Decide the format on the untouched file, before the core adds its import. Syntax errors stop
    // here: a tree with error nodes in it can crash TypeScript's printer later (e.g. `a?.#x`, TS18030).
    () => (sf) => {
      const parseErrors = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
      throwFirstError(parseErrors, fileName);
      format = options.module ?? spliced?.format ?? formatFromSource(ts, sf);
      return sf;
    },
    core,
  ];
  if (spliced) {
    const { code: text, map } = splicedTransform(spliced, options, before);
    diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
    return { code: text, format, map, diagnostics };
  }
  const out = ts.transpileModule(code, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: transpileOptions(options),
    transformers: { before },
  });
  throwFirstError(out.diagnostics ?? [], fileName);
  const outputText = withoutMapComment(out.outputText);
  let map: SourceMap | undefined;
  if (out.sourceMapText) {
    map = JSON.parse(out.sourceMapText) as SourceMap;
    map.sources = [fileName];
    map.sourcesContent = [code];
  }
  // In source order: some are only known once a whole class has been seen.
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
  return { code: outputText, format, map, diagnostics };
}
