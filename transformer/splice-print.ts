// Prints the rewritten file as the original text with the rewrite's additions put into it.
//
// TypeScript's visitors return a node itself when nothing under it changed, and an updated node (its
// `original` the parse-tree node) when only something under it did. So the output tree is the source's,
// except where the rewrite added something. This printer writes:
//   - a parse-tree node: its text in the source;
//   - an updated node of the same shape: the source's text between its children (tokens, whitespace,
//     comments), each child printed the same way; statements or class members the rewrite added to a list
//     go between the source's, on lines of their own;
//   - a node the rewrite made (a registration, a closure's wrapper): TypeScript's printer, with each node
//     of the source inside it printed as above.
// So printing what was kept costs nothing, and the file keeps its layout and comments.
//
// Everything added inside the source's text is written between `/*$pe<*/` and `/*$pe>*/`. A function whose
// text is the source's with only such additions in it (its closures wrapped, registrations added to its
// body, a class's static block) is, with them taken out, its original text: the runtime's toString takes
// them out (runtime/source-text.ts), and such a function needs no span mark (source-text.ts) nor its text
// registered. A function where the rewrite changed the source's text (a rewritten constructor, say) keeps
// its mark, and `$pe.sources(...)` registers the spans of the marks left in the output.

import type * as TS from 'typescript';
import { INSERTED_END, INSERTED_START } from '../runtime/inserted';
import { withPlainExports } from './plain-exports';
import { printSimple } from './simple-print';
import { isWordCode, MappingsWriter } from './source-map';
import { sourceStart } from './source-text';

/** Marks a placeholder; a file whose text contains it or the delimiters is not printed this way (see canSplice). */
const TOKEN = '$pe_verbatim_';

/** Whether `text` can be printed with splicePrint (its placeholders, delimiters and marks cannot occur in it). */
export function canSplice(text: string): boolean {
  return !text.includes(TOKEN) && !text.includes('/*$pe');
}

/** A function or class of the source being printed: whether its text stays the source's, and its marks. */
interface Frame {
  start: number;
  end: number;
  pure: boolean;
  /** Its span mark, written into its text at its end if it is not the source's (see updated). */
  mark: string | undefined;
  /** Where its pieces begin. */
  piece: number;
}

/**
 * Text printed in pieces, with where each begins in the source (-1: added), from which its source map is
 * made: a piece of the source's text maps to itself, character for character.
 */
interface Run {
  texts: string[];
  at: number[];
}

/**
 * `out` (the rewrite of `original`) printed as the source's text with the rewrite's additions; its
 * `$pe.sources(...)` statement, if any, written again for the span marks left in the output. With
 * `sourceMap`, the mappings of the output to the source.
 */
export function splicePrint(ts: typeof TS, out: TS.SourceFile, original: TS.SourceFile, sourceMap = false, sourcePosition?: (pos: number) => TS.LineAndCharacter): { code: string; mappings: string | undefined } {
  const run = new Splicer(withPlainExports(ts), original).file(out);
  return { code: run.texts.join(''), mappings: sourceMap ? mappingsOf(run, original, sourcePosition) : undefined };
}

/**
 * The mappings of the pieces of the source in `run`: one segment where each word or run of punctuation
 * begins (where the engine's positions in a stack trace fall), so a position inside one maps exactly.
 * `sourcePosition`: where a position of sf's text is in the source, when they differ (code inserted).
 */
function mappingsOf(run: Run, sf: TS.SourceFile, sourcePosition?: (pos: number) => TS.LineAndCharacter): string {
  const writer = new MappingsWriter();
  const starts = sf.getLineStarts();
  // The generated position; the source's line of the last position mapped.
  let line = 0;
  let column = 0;
  let sourceLine = 0;
  for (let i = 0; i < run.texts.length; i++) {
    const text = run.texts[i]!;
    const from = run.at[i]!;
    if (from >= 0) while (sourceLine > 0 && starts[sourceLine]! > from) sourceLine--;
    let previous = SPACE;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
        if (!(c === 13 && text.charCodeAt(k + 1) === 10)) {
          line++;
          column = 0;
        }
        previous = SPACE;
        continue;
      }
      const kind = c === 32 || c === 9 ? SPACE : isWordCode(c) ? WORD_CHAR : PUNCTUATION;
      if (from >= 0 && kind !== SPACE && kind !== previous) {
        const p = from + k;
        if (sourcePosition) {
          const at = sourcePosition(p);
          writer.add(line, column, at.line, at.character);
        } else {
          while (sourceLine + 1 < starts.length && starts[sourceLine + 1]! <= p) sourceLine++;
          writer.add(line, column, sourceLine, p - starts[sourceLine]!);
        }
      }
      previous = kind;
      column++;
    }
  }
  return writer.toString();
}

const [SPACE, WORD_CHAR, PUNCTUATION] = [0, 1, 2];


/** Properties of a node that are not its children (a file's module indicator is one of its statements). */
const NOT_CHILDREN = new Set(['parent', 'original', 'emitNode', 'symbol', 'localSymbol', 'locals', 'nextContainer', 'flowNode', 'endFlowNode', 'returnFlowNode', 'jsDoc', 'jsDocCache', 'externalModuleIndicator', 'commonJsModuleIndicator', 'imports', 'moduleAugmentations']);

class Splicer {
  private readonly text: string;
  private readonly pieces: string[] = [];
  /** Where each piece begins in the source, -1 if it is added (see Run). */
  private readonly origins: number[] = [];
  /**
   * Whether each piece begins what one call wrote (a slice of the source, a node TypeScript's printer
   * printed, the statements added at one place): a span mark goes before the last such unit (see updated).
   */
  private readonly units: boolean[] = [];
  private readonly frames: Frame[] = [];
  /** Inside text added: what is printed there does not make the source's functions impure. */
  private inserting = 0;
  private readonly printer: TS.Printer;
  /** Nodes the printer found inside a node it prints, to be printed here (by placeholder number). */
  private pending: TS.Node[] = [];
  /** The node TypeScript's printer is printing (not replaced by a placeholder itself). */
  private root: TS.Node | undefined;
  /** The key of the file's span marks (from its `$pe.sources(...)` statement). */
  private sourcesKey: string | undefined;
  /** Names the rewrite had made unique (createUniqueName), each made so once for the whole file, and all those taken. */
  private readonly uniqueNames = new Map<number, string>();
  private readonly takenNames = new Set<string>();

  constructor(private readonly ts: typeof TS, private readonly sf: TS.SourceFile) {
    this.text = sf.text;
    this.printer = ts.createPrinter(
      { newLine: ts.NewLineKind.LineFeed },
      {
        substituteNode: (_hint, node) => {
          const text = this.substitute(node);
          return text === undefined ? node : ts.factory.createIdentifier(text);
        },
      },
    );
  }

  file(out: TS.SourceFile): Run {
    const sources = out.statements.find((s) => this.isSources(s));
    if (!this.updated(out, this.sf, sources)) {
      // (Not of the same shape: the whole file printed by TypeScript, the source's nodes in it as they are.)
      this.truncate(0);
      return this.viaPrinter(out, undefined);
    }
    if (sources) {
      // (In the piece added with it: a piece of the source is never changed.)
      const i = this.pieces.findIndex((p) => p.includes(`${TOKEN}sources_`));
      if (i >= 0) this.pieces[i] = this.pieces[i]!.replace(`${TOKEN}sources_`, () => this.sourcesText(sources));
    }
    return { texts: this.pieces, at: this.origins };
  }

  // ---- the three ways a node is printed ----------------------------------------------------------------

  /** `node` printed into pieces; `old`: the source's node it stands in place of (if any). */
  private node(node: TS.Node, old: TS.Node | undefined): void {
    const ts = this.ts;
    this.comments(ts.getSyntheticLeadingComments(node));
    if (this.isParseNode(node)) {
      if (node !== old) this.impure();
      const start = node.getStart(this.sf);
      this.emit(this.text.slice(start, node.end), start);
    } else {
      const o = this.originalOf(node);
      const at = this.pieces.length;
      if (o && old && o !== old) this.impure();
      if (!(o && this.updated(node, o, undefined))) {
        this.truncate(at);
        // (Its comments written above: a span mark is gone if its function stays the source's text.)
        const [leading, trailing] = [ts.getSyntheticLeadingComments(node), ts.getSyntheticTrailingComments(node)];
        ts.setSyntheticLeadingComments(node, undefined);
        ts.setSyntheticTrailingComments(node, undefined);
        this.append(this.viaPrinter(node, old));
        ts.setSyntheticLeadingComments(node, leading);
        ts.setSyntheticTrailingComments(node, trailing);
      }
    }
    this.comments(ts.getSyntheticTrailingComments(node));
  }

  /**
   * `node`, an update of `o`, printed as o's text with its children printed in place; false (pieces
   * written may be dropped) when their shapes differ.
   */
  private updated(node: TS.Node, o: TS.Node, skip: TS.Node | undefined): boolean {
    const ts = this.ts;
    const slots = this.slots(node, o);
    if (!slots) return false;
    const frame: Frame | undefined = ts.isFunctionLike(o) || ts.isClassLike(o) ? { start: sourceStart(ts, o), end: o.end, pure: true, mark: undefined, piece: this.pieces.length } : undefined;
    if (frame) this.frames.push(frame);
    let cursor = o === this.sf ? 0 : o.getStart(this.sf);
    let ok = true;
    for (const slot of slots) {
      if ('list' in slot) {
        const next = this.list(slot.list, slot.now, cursor, slot.statements, skip);
        if (next === undefined) {
          ok = false;
          break;
        }
        cursor = next;
        continue;
      }
      const start = slot.old.getStart(this.sf);
      if (start < cursor) {
        ok = false;
        break;
      }
      this.emit(this.text.slice(cursor, start), cursor);
      this.node(slot.now, slot.old);
      cursor = slot.old.end;
    }
    if (ok) this.emit(this.text.slice(cursor, o.end), cursor);
    if (frame) {
      this.frames.pop();
      if (!ok || !frame.pure) {
        // (Before its last piece, its closing token: inside its text, and never inside text added, which
        // toString takes out before it looks for marks.)
        const last = this.units.lastIndexOf(true);
        if (ok && frame.mark && last >= frame.piece) {
          this.pieces.splice(last, 0, frame.mark);
          this.origins.splice(last, 0, -1);
          this.units.splice(last, 0, true);
        }
        this.impure();
      }
    }
    return ok;
  }

  /**
   * A node the rewrite made, by TypeScript's printer, each node of the source in it printed here. In place
   * of `old`, when old is printed in it once: the rest written as added; else the text is not the
   * source's (impure). With no `old`, all of it is added.
   */
  private viaPrinter(node: TS.Node, old: TS.Node | undefined): Run {
    const [outer, outerRoot] = [this.pending, this.root];
    this.pending = [];
    this.root = node;
    const printed = this.ts.isSourceFile(node) ? this.printer.printFile(node) : (this.simpleText(node) ?? this.printer.printNode(this.ts.EmitHint.Unspecified, node, this.sf));
    const found = this.pending;
    [this.pending, this.root] = [outer, outerRoot];
    const parts = printed.split(/\$pe_verbatim_(\d+)_/);
    // parts: printed text, placeholder number, printed text, ...
    const keeps = old ? found.filter((n) => n === old || this.originalOf(n) === old).length : 0;
    if (old && keeps !== 1) this.impure();
    const inserted = (r: Run): Run => (r.texts.length === 0 ? r : { texts: [INSERTED_START, ...r.texts, INSERTED_END], at: [-1, ...r.at, -1] });
    // (In arrays, the last character kept apart: reading one of a string being built flattens it.)
    const result: Run = { texts: [], at: [] };
    let run: Run = { texts: [], at: [] };
    let last: string | undefined;
    const add = (r: Run): void => {
      if (r.texts.length === 0) return;
      if (joins(last, r.texts[0]![0])) push(run, { texts: [' '], at: [-1] });
      push(run, r);
      const end = r.texts[r.texts.length - 1]!;
      last = end[end.length - 1];
    };
    for (let i = 0; i < parts.length; i++) {
      if (i % 2 === 0) {
        if (parts[i] !== '') add({ texts: [parts[i]!], at: [-1] });
        continue;
      }
      const n = found[Number(parts[i])]!;
      const kept = old !== undefined && keeps === 1 && (n === old || this.originalOf(n) === old);
      // (Printed again elsewhere than in its place, a node of the source is part of what was added.)
      const text = this.separately(() => this.node(n, kept ? old : undefined), !kept);
      if (kept) {
        push(result, inserted(run));
        push(result, text);
        run = { texts: [], at: [] };
        last = undefined; // (what follows starts with a delimiter)
      } else add(text);
    }
    push(result, old && keeps !== 1 ? run : inserted(run));
    return result;
  }

  /**
   * What either printer writes in place of `node`: a generated name's text, or for a node of the source (not
   * the one being printed) a placeholder, the node kept to be printed here; undefined: print it there.
   */
  private substitute(node: TS.Node): string | undefined {
    const name = this.ts.isIdentifier(node) ? this.generated(node) : undefined;
    if (name !== undefined) return name;
    if (node === this.root || !this.ofSource(node)) return undefined;
    this.pending.push(node);
    return `${TOKEN}${this.pending.length - 1}_`;
  }

  /** `node` by the small printer (simple-print.ts), or undefined (placeholders it took back). */
  private simpleText(node: TS.Node): string | undefined {
    const mark = this.pending.length;
    const text = printSimple(this.ts, node, (n) => this.substitute(n));
    if (text === undefined) this.pending.length = mark;
    return text;
  }

  // ---- children and lists ------------------------------------------------------------------------------

  /** The children of `node` paired with `o`'s by property, in o's source order; undefined if they differ. */
  private slots(node: TS.Node, o: TS.Node): ({ old: TS.Node; now: TS.Node } | { list: TS.NodeArray<TS.Node>; now: readonly TS.Node[]; statements: boolean })[] | undefined {
    if (node.kind !== o.kind) return undefined;
    const slots: ({ old: TS.Node; now: TS.Node; at: number } | { list: TS.NodeArray<TS.Node>; now: readonly TS.Node[]; statements: boolean; at: number })[] = [];
    const n = node as unknown as Record<string, unknown>;
    const p = o as unknown as Record<string, unknown>;
    for (const key of Object.keys(p)) {
      if (NOT_CHILDREN.has(key)) continue;
      const v = p[key];
      if (this.isChild(v, o)) {
        // (The end of the file: its comments are the text after the last statement.)
        if (v.kind === this.ts.SyntaxKind.EndOfFileToken) continue;
        const now = n[key];
        if (!this.isNode(now)) return undefined;
        slots.push({ old: v, now, at: v.getStart(this.sf) });
      } else if (this.isList(v)) {
        const now = n[key];
        if (!Array.isArray(now)) return undefined;
        const statements = key === 'statements' || key === 'members' || key === 'clauses';
        slots.push({ list: v, now, statements, at: v.length > 0 ? v[0]!.getStart(this.sf) : v.pos });
      }
    }
    // (A child the update has where the source has none: not this shape.)
    for (const key of Object.keys(n)) {
      if (NOT_CHILDREN.has(key) || key in p) continue;
      if (this.isNode(n[key]) || Array.isArray(n[key])) return undefined;
    }
    for (const key of Object.keys(n)) {
      if (NOT_CHILDREN.has(key)) continue;
      if ((this.isNode(n[key]) || Array.isArray(n[key])) && p[key] === undefined) return undefined;
    }
    return slots.sort((a, b) => a.at - b.at);
  }

  /**
   * The elements of `now` (the update of `list`) printed from `cursor`: each of the source's in its place
   * (itself, an update of it, or what the rewrite put there instead: a wrapper around it), those added
   * (statements and class members only) between them; the end of the list's last text, or undefined when
   * the source's elements are not all there in their order.
   */
  private list(list: TS.NodeArray<TS.Node>, now: readonly TS.Node[], cursor: number, statements: boolean, skip: TS.Node | undefined): number | undefined {
    const index = new Map<TS.Node, number>(list.map((n, i) => [n, i]));
    const mapped = now.map((n) => (index.has(n) ? n : this.originalOf(n))).map((o) => (o !== undefined && index.has(o) ? o : undefined));
    const taken = new Set(mapped);
    // Each element of `now` with the source's element it stands in place of, or undefined (added).
    const olds: (TS.Node | undefined)[] = [];
    let j = 0;
    for (let k = 0; k < now.length; k++) {
      const o = mapped[k];
      if (o !== undefined) {
        if (index.get(o) !== j) return undefined;
        olds.push(o);
        j++;
      } else if (j < list.length && !taken.has(list[j]) && now[k] !== skip) {
        olds.push(list[j]); // (in its place: a wrapper around it, or a replacement)
        j++;
      } else {
        if (!statements) return undefined;
        olds.push(undefined);
      }
    }
    if (j !== list.length) return undefined;
    let added: Run[] = [];
    const flush = (before: TS.Node | undefined): void => {
      if (added.length === 0) return;
      const gapStart = this.text.lastIndexOf('\n', before ? before.getStart(this.sf) : cursor);
      const indent = before && gapStart >= cursor ? /^[ \t]*/.exec(this.text.slice(gapStart + 1))![0] : '';
      const sep = before ? (gapStart >= cursor ? '\n' + indent : ' ') : '';
      const [open, between, close] = before ? ['', sep, sep] : [list.length > 0 ? '\n' : ' ', '\n', list.length > 0 ? '' : ' '];
      // (After a statement of the source that ends without a semicolon, a statement starting so would
      // continue it.)
      const begins = open + (added.map((r) => r.texts.join('')).find((t) => t.replace(/^(?:\s|\/\*\$pe[<>]\*\/)+/, '') !== '') ?? '');
      const guard = statements && /^[([`+\-/]/.test(begins.replace(/^(?:\s|\/\*\$pe[<>]\*\/)+/, '')) ? ';' : '';
      const run: Run = { texts: [INSERTED_START + guard + open], at: [-1] };
      added.forEach((r, k) => {
        if (k > 0) push(run, { texts: [between], at: [-1] });
        push(run, r);
      });
      push(run, { texts: [close + INSERTED_END], at: [-1] });
      this.append(run);
      added = [];
    };
    if (list.length === 0) {
      this.emit(this.text.slice(cursor, list.pos), cursor);
      cursor = list.pos;
    }
    for (let k = 0; k < now.length; k++) {
      const n = now[k]!;
      if (n === skip) {
        added.push({ texts: [`${TOKEN}sources_`], at: [-1] });
        continue;
      }
      const o = olds[k];
      if (!o) {
        added.push(this.separately(() => this.node(n, undefined), true));
        continue;
      }
      this.emit(this.text.slice(cursor, o.getStart(this.sf)), cursor);
      flush(o);
      this.node(n, o);
      cursor = o.end;
    }
    flush(undefined);
    return cursor;
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  /** What `write` adds to the pieces (taken back); `added`: text added (see inserting). */
  private separately(write: () => void, added: boolean): Run {
    const at = this.pieces.length;
    if (added) this.inserting++;
    write();
    if (added) this.inserting--;
    const run = { texts: this.pieces.slice(at), at: this.origins.slice(at) };
    this.truncate(at);
    return run;
  }

  /** Synthetic comments of a node: a span mark goes to its function (see Frame), the others are written here. */
  private comments(comments: readonly TS.SynthesizedComment[] | undefined): void {
    for (const c of comments ?? []) {
      const m = /^\$pe:[0-9a-f]{16}:(\d+):(\d+)$/.exec(c.text);
      let frame: Frame | undefined;
      for (let i = this.frames.length - 1; m && i >= 0 && !frame; i--) if (this.frames[i]!.start === +m[1]! && this.frames[i]!.end === +m[2]!) frame = this.frames[i];
      const text = c.kind === this.ts.SyntaxKind.SingleLineCommentTrivia ? `//${c.text}\n` : `/*${c.text}*/ `;
      if (frame) frame.mark = `/*${c.text}*/`;
      else this.emit(text);
    }
  }

  /** The functions being printed are not their source text (a change that is not an addition). */
  private impure(): void {
    if (this.inserting === 0) for (const f of this.frames) f.pure = false;
  }

  /** `s` written; `at`: where it is in the source, if it is the source's text. */
  private emit(s: string, at = -1): void {
    if (s === '') return;
    this.pieces.push(s);
    this.origins.push(at);
    this.units.push(true);
  }

  /** `run` written as one unit. */
  private append(run: Run): void {
    let first = true;
    for (let i = 0; i < run.texts.length; i++) {
      if (run.texts[i] === '') continue;
      this.pieces.push(run.texts[i]!);
      this.origins.push(run.at[i]!);
      this.units.push(first);
      first = false;
    }
  }

  private truncate(length: number): void {
    this.pieces.length = length;
    this.origins.length = length;
    this.units.length = length;
  }

  /**
   * The text of a name the rewrite made unique, as TypeScript's printer makes it (its base if free when
   * optimistic, else `base_1`, `base_2`, ...: free of the file's identifiers and of the names made before),
   * but for the whole file: TypeScript's printer makes them afresh at each node it is given.
   */
  private generated(id: TS.Identifier): string | undefined {
    const auto = (id as unknown as { emitNode?: { autoGenerate?: { flags: number; id: number } } }).emitNode?.autoGenerate;
    if (!auto) return undefined;
    let text = this.uniqueNames.get(auto.id);
    if (text !== undefined) return text;
    const ts = this.ts;
    const base = id.escapedText as string;
    const free = (name: string): boolean => !this.takenNames.has(name) && !(this.sf as unknown as { identifiers: Map<string, string> }).identifiers.has(name);
    if (auto.flags & ts.GeneratedIdentifierFlags.Optimistic && free(base)) text = base;
    else {
      const stem = base.endsWith('_') ? base : base + '_';
      for (let i = 1; text === undefined; i++) if (free(stem + i)) text = stem + i;
    }
    this.takenNames.add(text);
    this.uniqueNames.set(auto.id, text);
    return text;
  }

  private isNode(v: unknown): v is TS.Node {
    return typeof v === 'object' && v !== null && typeof (v as TS.Node).kind === 'number' && typeof (v as TS.Node).pos === 'number' && !Array.isArray(v);
  }

  private isChild(v: unknown, parent: TS.Node): v is TS.Node {
    return this.isNode(v) && v.parent === parent;
  }

  private isList(v: unknown): v is TS.NodeArray<TS.Node> {
    return Array.isArray(v) && typeof (v as unknown as TS.NodeArray<TS.Node>).pos === 'number';
  }

  private isParseNode(node: TS.Node): boolean {
    return node.pos >= 0 && (node.flags & this.ts.NodeFlags.Synthesized) === 0 && node.kind !== this.ts.SyntaxKind.EndOfFileToken && node.getSourceFile() === this.sf;
  }

  /** The source's node `node` is an update of, if any. */
  private originalOf(node: TS.Node): TS.Node | undefined {
    const o = this.ts.getOriginalNode(node);
    return o !== node && o.kind === node.kind && this.isParseNode(o) ? o : undefined;
  }

  /** Printed by this printer rather than TypeScript's: a node of the source, or an update of one. */
  private ofSource(node: TS.Node): boolean {
    return node.kind !== this.ts.SyntaxKind.SourceFile && (this.isParseNode(node) || this.originalOf(node) !== undefined);
  }

  /** The rewrite's `$pe.sources("<key>", ...)` statement (a statement it made, at the top of the file). */
  private isSources(s: TS.Statement): boolean {
    const ts = this.ts;
    if (this.isParseNode(s) || !ts.isExpressionStatement(s) || !ts.isCallExpression(s.expression)) return false;
    const call = s.expression;
    const key = call.arguments[0];
    if (!(ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'sources' && key && ts.isStringLiteral(key) && /^[0-9a-f]{16}$/.test(key.text))) return false;
    this.sourcesKey = key.text;
    return true;
  }

  /**
   * `$pe.sources(KEY, "<spans>", [start, end, ...])` for the span marks left in the pieces, or nothing. (A
   * mark is never split between pieces: the source's text holds none, see canSplice.)
   */
  private sourcesText(statement: TS.Statement): string {
    const spans: [number, number][] = [];
    const pattern = new RegExp(`/\\*\\$pe:${this.sourcesKey}:(\\d+):(\\d+)\\*/`, 'g');
    for (const piece of this.pieces) {
      if (piece.includes('/*$pe:')) for (const m of piece.matchAll(pattern)) spans.push([+m[1]!, +m[2]!]);
    }
    if (spans.length === 0) return '';
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [s, e] of spans) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    const call = (statement as TS.ExpressionStatement).expression as TS.CallExpression;
    const peId = (call.expression as TS.PropertyAccessExpression).expression as TS.Identifier;
    const pe = this.generated(peId) ?? peId.text;
    const slices = merged.map(([s, e]) => this.text.slice(s, e)).join('');
    return `${pe}.sources(${JSON.stringify(this.sourcesKey)}, ${JSON.stringify(slices)}, [${merged.flat().join(', ')}]);`;
  }
}

/** `run` appended to `to`. */
function push(to: Run, run: Run): void {
  for (let i = 0; i < run.texts.length; i++) {
    to.texts.push(run.texts[i]!);
    to.at.push(run.at[i]!);
  }
}

/** Whether characters `a` and `b` written next to each other would make one token of two. */
function joins(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return (WORD.test(a) && WORD.test(b)) || ((a === '+' || a === '-') && a === b) || (a === '/' && (b === '/' || b === '*'));
}

const WORD = /[\w$\u0080-\uffff\\]/;
