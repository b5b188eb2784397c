// Decides how emitted code imports the runtime, so that ESM stays ESM and CJS stays CJS.

import type * as TS from 'typescript';
import type { ModuleFormat } from './options';

/** Import/export syntax (or top-level await) makes a file an ES module. */
export function hasModuleSyntax(ts: typeof TS, sf: TS.SourceFile): boolean {
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s)) {
      if (ts.isExportAssignment(s) && s.isExportEquals) continue; // `export =` is CommonJS
      return true;
    }
    if (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return true;
  }
  return false;
}

/** For the programmatic API: the extension decides, then the file's own syntax. */
export function formatFromSource(ts: typeof TS, sf: TS.SourceFile): ModuleFormat {
  if (/\.m[jt]sx?$/.test(sf.fileName)) return 'esm';
  if (/\.c[jt]sx?$/.test(sf.fileName)) return 'cjs';
  return hasModuleSyntax(ts, sf) ? 'esm' : 'cjs';
}
