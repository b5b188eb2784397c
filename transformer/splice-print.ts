// Prints the rewritten file as the original text wherever the rewrite left a node as it was.
//
// TypeScript's visitors return a node itself when nothing under it changed, so every parse-tree node in the
// output tree stands for a subtree that is exactly the source's. The printer prints the rest (what the
// rewrite made or updated) and, through its substitution hook, a placeholder for each such node, which is
// then replaced by the node's source text: printing what was not changed costs nothing, the file keeps its
// own layout and comments, and a function kept verbatim is, for the engine's toString, its original text
// (so it needs no span mark: source-text.ts).
//
// Leading comments go with statements and class members (their text from the end of the whitespace before
// them); an expression is its own text. Parentheses an original expression needs where the rewrite put it
// are the rewrite's (TypeScript's factory adds them when a node is made), as when the whole file is printed.

import type * as TS from 'typescript';

/** Marks a placeholder; a file whose text contains it is not printed this way (see canSplice). */
const TOKEN = '$pe_verbatim_';

/** Whether `text` can be printed with splicePrint (its placeholders cannot occur in it). */
export function canSplice(text: string): boolean {
  return !text.includes(TOKEN);
}

/** `out` (the rewrite of `original`) printed with the text of `original` for every node of it left as it was. */
export function splicePrint(ts: typeof TS, out: TS.SourceFile, original: TS.SourceFile): string {
  const text = original.text;
  const slices: string[] = [];
  const listed = (n: TS.Node): boolean => ts.isStatement(n) || ts.isClassElement(n) || ts.isCaseOrDefaultClause(n);
  const verbatim = (node: TS.Node): boolean =>
    node.pos >= 0 && (node.flags & ts.NodeFlags.Synthesized) === 0 && node.kind !== ts.SyntaxKind.SourceFile && node.kind !== ts.SyntaxKind.EndOfFileToken && node.getSourceFile() === original;
  const printer = ts.createPrinter(
    { newLine: ts.NewLineKind.LineFeed },
    {
      substituteNode(_hint, node) {
        if (!verbatim(node)) return node;
        let start = listed(node) ? node.pos : node.getStart(original);
        while (start < node.end && /\s/.test(text[start]!)) start++;
        const id = ts.factory.createIdentifier(`${TOKEN}${slices.length}_`);
        slices.push(text.slice(start, node.end));
        // (A mark the rewrite put on a node it kept: printed before the node's text.)
        const comments = ts.getSyntheticLeadingComments(node);
        if (comments) ts.setSyntheticLeadingComments(id, comments);
        return id;
      },
    },
  );
  const printed = printer.printFile(out);
  // (A node printed writes the space before it itself in places, e.g. a class's `extends` clause: one is
  // put wherever two tokens would otherwise run together.)
  return printed.replace(/\$pe_verbatim_(\d+)_/g, (placeholder, i: string, at: number) => {
    const slice = slices[Number(i)]!;
    const before = joins(printed[at - 1], slice[0]) ? ' ' : '';
    const next = at + placeholder.length;
    // (Before another placeholder: that one's own check puts the space.)
    const after = !printed.startsWith(TOKEN, next) && joins(slice[slice.length - 1], printed[next]) ? ' ' : '';
    return before + slice + after;
  });
}

/** Whether characters `a` and `b` written next to each other would make one token of two. */
function joins(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const word = (c: string): boolean => /[\w$\u0080-\uffff\\]/.test(c);
  return (word(a) && word(b)) || ((a === '+' || a === '-') && a === b) || (a === '/' && (b === '/' || b === '*'));
}
