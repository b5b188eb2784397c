// Function.prototype.toString of instrumented code returns the original source text (runtime/source-text.ts).
//
// The emitted file is TypeScript's reprint of the original with the runtime's machinery inside it: a function
// whose closures were wrapped in `$pe.later(...)`, a class with the static block that links its methods'
// versions, print as that, and such text would not even run elsewhere (a function serialised by its text for a
// worker or a browser). So each function and class of an instrumented JavaScript file carries a comment
// naming its span in the original text, `/*$pe:KEY:start:end*/` (before its body's first statement or
// expression, or a class's first member: inside the text the engine gives for it), and the file registers that text once under KEY. The
// runtime's toString finds the widest such span in what the engine returns (a function's own; the others are
// nested in it) and answers with that slice: exactly what the plain file's function gives.
//
// In a TypeScript file the plain function's text is TypeScript's emit of it (types gone), not the source:
// the registered text is then the file as TypeScript alone emits it, and the spans are found through that
// emit's source map (a function whose start the map does not name keeps the emitted text). A TypeScript file
// transform() writes with its types blanked (blank-types.ts) is JavaScript by then: its functions print as
// that text, as under Node's --experimental-strip-types.

import { createHash } from 'node:crypto';
import type * as TS from 'typescript';
import { parsedAsTypeScript } from './blank-types';
import { decodeMappings } from './source-map';

export interface SourceMarks {
  /** Registers the file's text under its key: `$pe.sources(KEY, "<text>")`. */
  readonly key: string;
  readonly text: string;
  /** Puts the span comment of `original` (a function or class of the file) into `visited`, its emitted node. */
  mark(original: TS.Node, visited: TS.Node): void;
  /** Whether any mark was made. */
  readonly used: boolean;
}

export function sourceMarks(ts: typeof TS, sf: TS.SourceFile, options: TS.CompilerOptions): SourceMarks | undefined {
  // A TypeScript file's functions print as TypeScript emits them: spans of that emit, found by its map.
  const plain = parsedAsTypeScript(ts, sf) ? plainEmit(ts, sf, options) : undefined;
  if (plain === null) return undefined;
  const text = plain ? plain.text : sf.text;
  const spanOf = (node: TS.Node): readonly [number, number] | undefined => (plain ? plain.spans.get(node.getStart()) : [sourceStart(ts, node), node.end]);
  // The file name and the text: two files with one text register the same slices, so sharing a key is harmless.
  const key = createHash('sha1').update(sf.fileName).update('\0').update(text).digest('hex').slice(0, 16);
  let used = false;
  const set = (target: TS.Node, node: TS.Node, trailing = false): void => {
    const span = spanOf(node);
    if (!span) return;
    // Replacing an earlier mark: a SourceFile kept by a watching compiler is transformed again.
    const [get, put] = trailing ? [ts.getSyntheticTrailingComments, ts.setSyntheticTrailingComments] : [ts.getSyntheticLeadingComments, ts.setSyntheticLeadingComments];
    const others = (get(target) ?? []).filter((c) => !c.text.startsWith('$pe:'));
    const mark: TS.SynthesizedComment = { kind: ts.SyntaxKind.MultiLineCommentTrivia, text: `$pe:${key}:${span[0]}:${span[1]}`, hasTrailingNewLine: false, pos: -1, end: -1 };
    put(target, [...others, mark]);
    used = true;
  };
  return {
    key,
    text,
    get used() {
      return used;
    },

    mark(original, visited) {
      if (original.pos < 0 || original.getSourceFile() !== sf) return;
      if (ts.isClassLike(visited)) {
        const first = visited.members[0];
        if (first) set(first, original);
        return;
      }
      // The printer writes no comment of a function's body block itself: the mark goes before its first
      // statement, else (an empty body) before its first parameter or after its name. `() => {}` has none of
      // these: its text stays as TypeScript prints it (`() => { }`).
      const fn = visited as TS.FunctionLikeDeclaration;
      if (!fn.body) return;
      const first = ts.isBlock(fn.body) ? fn.body.statements[0] ?? fn.parameters[0] : fn.body;
      if (first) set(first, original);
      else if (fn.name) set(fn.name, original, true);
    },
  };
}

/**
 * Where the engine's text of a function or class starts: at `async`, else after the other modifiers and
 * decorators (`export`, `default`, `static`, ...), at the keyword, `*`, `get`/`set` or the name.
 */
export function sourceStart(ts: typeof TS, node: TS.Node): number {
  const modifiers = ts.canHaveModifiers(node) || ts.canHaveDecorators(node) ? (node as TS.HasModifiers).modifiers : undefined;
  if (!modifiers || modifiers.length === 0) return node.getStart();
  const asyncKeyword = modifiers.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  if (asyncKeyword) return asyncKeyword.getStart();
  const last = modifiers[modifiers.length - 1]!;
  // The first token after the modifiers (the children are the modifier list, then the tokens).
  const next = node.getChildren().find((c) => c.pos >= last.end && c.kind !== ts.SyntaxKind.SyntaxList);
  return next ? next.getStart() : node.getStart();
}

/**
 * The file as TypeScript emits it without this transform, with the span of each function and class in it by
 * the start of the original node (its modifiers included); null when there is no map to find them by.
 */
function plainEmit(ts: typeof TS, sf: TS.SourceFile, options: TS.CompilerOptions): { text: string; spans: Map<number, [number, number]> } | null {
  const out = ts.transpileModule(sf.text, {
    fileName: sf.fileName,
    compilerOptions: {
      ...options,
      // Without `plugins`: a compiler patched by ts-patch would run this transform inside this emit again.
      plugins: undefined,
      sourceMap: true,
      inlineSourceMap: false,
      inlineSources: false,
      declaration: false,
      declarationMap: false,
      noEmit: false,
      outFile: undefined,
    },
  });
  if (!out.sourceMapText) return null;
  const lines = decodeMappings((JSON.parse(out.sourceMapText) as { mappings: string }).mappings);
  const text = out.outputText;
  const emitted = ts.createSourceFile('plain.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const spans = new Map<number, [number, number]>();
  const visit = (node: TS.Node): void => {
    if ((ts.isFunctionLike(node) && (node as TS.FunctionLikeDeclaration).body) || ts.isClassLike(node)) {
      const at = emitted.getLineAndCharacterOfPosition(node.getStart(emitted));
      const segment = lines[at.line]?.find((g) => g[0] === at.character);
      if (segment) spans.set(sf.getPositionOfLineAndCharacter(segment[1], segment[2]), [sourceStart(ts, node), node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(emitted);
  return { text, spans };
}
