// A function's text with its references to some names read through an accessor object instead, `$pe_box`:
// the versions of a closure made at run time in another scope reach the bindings of the functions around it
// that may change once it can run that way (captures.ts). Every mention of such a name in the function
// means that binding (the transform made sure it declares none like it), so the rewrite is by name:
// `x` -> `$pe_box.x`, a callee `x(...)` -> `(0, $pe_box.x)(...)` (called without a receiver, as before),
// `{ x }` -> `{ x: $pe_box.x }` (in a pattern too: `{ x = 1 } = o` -> `{ x: $pe_box.x = 1 } = o`).

import { parseWrapped, type ParseOptions } from './from-estree';

/** The name of the accessor object (the runtime's wrapper around the versions takes it as a parameter). */
export const BOX = '$pe_box';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type E = any;

export function boxReferences(text: string, names: readonly string[], options: ParseOptions = {}): string {
  return boxedText(text, names, options).text;
}

/**
 * boxReferences, with the edits made (ascending, in `text`'s offsets: [start, end, length written]), so that
 * offsets in the result can be taken back to `text`'s (sourceOffset).
 */
export function boxedText(text: string, names: readonly string[], options: ParseOptions = {}): { text: string; edits: number[][] } {
  const boxed = new Set(names);
  const { program, offset } = parseWrapped(text, options);
  const edits = new Map<number, { end: number; text: string }>();
  const visit = (e: E, parent: E, key: string): void => {
    if (Array.isArray(e)) {
      for (const c of e) visit(c, parent, key);
      return;
    }
    if (!e || typeof e.type !== 'string') return;
    if (e.type === 'Identifier' && boxed.has(e.name) && isReference(parent, key)) {
      const shorthand = parent?.type === 'Property' && parent.shorthand;
      const callee = parent?.type === 'CallExpression' && key === 'callee';
      const inPattern = parent?.type === 'AssignmentPattern' && key === 'left' && edits.has(e.start - offset);
      if (!inPattern) {
        const ref = `${BOX}.${e.name}`;
        edits.set(e.start - offset, { end: e.end - offset, text: shorthand ? `${e.name}: ${ref}` : callee ? `(0, ${ref})` : ref });
      }
      return;
    }
    for (const [k, v] of Object.entries(e)) if (k !== 'type' && v && typeof v === 'object') visit(v, e, k);
  };
  visit(program, undefined, '');
  let out = text;
  const starts = [...edits.keys()].sort((a, b) => a - b);
  for (let i = starts.length - 1; i >= 0; i--) {
    const edit = edits.get(starts[i]!)!;
    out = out.slice(0, starts[i]) + edit.text + out.slice(edit.end);
  }
  return { text: out, edits: starts.map((start) => [start, edits.get(start)!.end, edits.get(start)!.text.length]) };
}

/** The offset in the text before boxedText's `edits` of `offset` in the text after them (an edit's start for inside one). */
export function sourceOffset(offset: number, edits: readonly number[][]): number {
  let delta = 0;
  for (const [start, end, written] of edits) {
    const at = start! + delta; // where the edit begins in the edited text
    if (offset < at) break;
    if (offset < at + written!) return start!;
    delta += written! - (end! - start!);
  }
  return offset - delta;
}

/** An identifier read or written as a variable (not a property name, a label, a key). */
function isReference(parent: E, key: string): boolean {
  if (!parent) return true;
  if ((parent.type === 'MemberExpression' && key === 'property' && !parent.computed)) return false;
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && key === 'key' && !parent.computed && !parent.shorthand) return false;
  if (parent.type === 'Property' && parent.shorthand && key === 'value') return false; // (the key, at the same place, is the one rewritten)
  if (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement' || parent.type === 'MetaProperty') return false;
  return true;
}
