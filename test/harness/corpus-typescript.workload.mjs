// Workload of the 'typescript' corpus (test/harness/corpus.mjs): compiles fixtures/ts-corpus-project in memory
// with the TypeScript compiler API, under several compiler configurations, and returns every emitted file
// (JS, .d.ts, maps) and every diagnostic as one string. The harness points the import below at the
// original node_modules/typescript/lib/typescript.js (plain run) or its instrumented copy. The host serves the
// lib .d.ts files from memory (passed in by the harness), so the compiler never looks for them next to itself.
import ts from '__LIB__';

function dirsOf(files) {
  const dirs = new Set(['/']);
  for (const f of Object.keys(files)) {
    for (let d = f.slice(0, f.lastIndexOf('/')); d; d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
  }
  return dirs;
}

function createHost(files, dirs, written) {
  return {
    getSourceFile(fileName, languageVersionOrOptions, onError) {
      const text = files[fileName];
      if (text === undefined) {
        if (onError) onError('not found: ' + fileName);
        return undefined;
      }
      return ts.createSourceFile(fileName, text, languageVersionOrOptions, false);
    },
    getDefaultLibFileName: (options) => '/lib/' + ts.getDefaultLibFileName(options),
    getDefaultLibLocation: () => '/lib',
    writeFile(fileName, text, writeByteOrderMark) {
      written.push([fileName, (writeByteOrderMark ? '\uFEFF' : '') + text]);
    },
    getCurrentDirectory: () => '/proj',
    getDirectories: (d) => {
      const prefix = d.endsWith('/') ? d : d + '/';
      return [...dirs].filter((x) => x.startsWith(prefix) && x.length > prefix.length && !x.slice(prefix.length).includes('/')).map((x) => x.slice(prefix.length));
    },
    fileExists: (f) => Object.hasOwn(files, f),
    readFile: (f) => files[f],
    directoryExists: (d) => dirs.has(d.length > 1 && d.endsWith('/') ? d.slice(0, -1) : d),
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    realpath: (p) => p,
  };
}

const formatHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => '/proj', getNewLine: () => '\n' };

function describeDiagnostics(diags) {
  // Both the human format and the raw fields (file, start, length, category, code, full message chain).
  const raw = diags.map((d) =>
    [d.file ? d.file.fileName : '-', d.start, d.length, d.category, d.code, ts.flattenDiagnosticMessageText(d.messageText, '|')].join(':'));
  return ts.formatDiagnostics(diags, formatHost) + raw.join('\n');
}

function compile(label, files, rootNames, options) {
  const written = [];
  const host = createHost(files, dirsOf(files), written);
  const program = ts.createProgram({ rootNames, options, host });
  const emit = program.emit();
  const diags = ts.sortAndDeduplicateDiagnostics([
    ...program.getConfigFileParsingDiagnostics(),
    ...program.getOptionsDiagnostics(),
    ...program.getSyntacticDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSemanticDiagnostics(),
    ...program.getDeclarationDiagnostics(),
    ...emit.diagnostics,
  ]);
  written.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const checker = program.getTypeChecker();
  const out = ['=== ' + label + ': ' + program.getSourceFiles().length + ' source files, emitSkipped=' + emit.emitSkipped +
    ', types=' + checker.getTypeCount() + ', symbols=' + checker.getSymbolCount()];
  for (const [name, text] of written) out.push('--- ' + name + '\n' + text);
  out.push('--- diagnostics\n' + describeDiagnostics(diags));
  return out.join('\n');
}

export function main(project, libs) {
  const files = Object.assign({}, libs);
  const roots = [];
  const brokenRoots = [];
  for (const [name, text] of Object.entries(project)) {
    files['/proj/' + name] = text;
    if (name.startsWith('src/')) roots.push('/proj/' + name);
    if (name.startsWith('broken/')) brokenRoots.push('/proj/' + name);
  }
  const base = { strict: true, types: [], lib: ['lib.es2022.d.ts'], rootDir: '/proj/src', outDir: '/proj/out', newLine: ts.NewLineKind.LineFeed };
  const out = [];
  out.push(compile('es2022-commonjs', files, roots, {
    ...base, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    declaration: true, declarationMap: true, sourceMap: true,
  }));
  out.push(compile('es2015-esnext', files, roots, {
    ...base, target: ts.ScriptTarget.ES2015, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    declaration: true, removeComments: true, useDefineForClassFields: false,
  }));
  // ES5 rejects #private and accessor fields (diagnostics) but still emits: generators, async, classes lowered.
  out.push(compile('es5-system-outFile', files, roots, {
    ...base, target: ts.ScriptTarget.ES5, module: ts.ModuleKind.System, moduleResolution: ts.ModuleResolutionKind.Node10,
    downlevelIteration: true, outDir: undefined, outFile: '/proj/out/bundle.js', inlineSourceMap: true,
  }));
  out.push(compile('broken', files, brokenRoots, {
    ...base, rootDir: '/proj/broken', target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.React, declaration: true,
  }));
  for (const [name, text] of Object.entries(project)) {
    if (name.endsWith('.d.ts')) continue;
    const r = ts.transpileModule(text, {
      fileName: name,
      reportDiagnostics: true,
      compilerOptions: { target: ts.ScriptTarget.ES5, module: ts.ModuleKind.CommonJS, downlevelIteration: true, experimentalDecorators: true },
    });
    out.push('=== transpileModule ' + name + '\n' + r.outputText + '\n' + describeDiagnostics(r.diagnostics));
  }
  return out.join('\n');
}
