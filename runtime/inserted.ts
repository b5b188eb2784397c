// What the transform writes around what it adds inside the source's text (transformer/splice-print.ts),
// and the runtime's toString takes out of a function's text (source-text.ts). A module of its own: the
// transform reads these without loading the runtime.
export const INSERTED_START = '/*$pe<*/';
export const INSERTED_END = '/*$pe>*/';

// Taken at load: a program changing these later does not change what toString does.
const indexOf = String.prototype.indexOf;
const apply = Reflect.apply;

/**
 * The runs of `text` outside what is written between INSERTED_START and INSERTED_END (nested too), as
 * start and end offsets one after the other; undefined when the delimiters do not balance. (toString takes
 * the additions out by them; the maker of versions maps positions through them, lazy-from-text.ts.)
 */
export function keptRuns(text: string): number[] | undefined {
  const runs: number[] = [];
  let depth = 0;
  let at = 0;
  for (;;) {
    const start = apply(indexOf, text, [INSERTED_START, at]) as number;
    if (depth === 0) {
      runs[runs.length] = at;
      runs[runs.length] = start < 0 ? text.length : start;
      if (start < 0) return runs;
      depth = 1;
      at = start + INSERTED_START.length;
      continue;
    }
    const end = apply(indexOf, text, [INSERTED_END, at]) as number;
    if (end < 0) return undefined;
    if (start >= 0 && start < end) {
      depth++;
      at = start + INSERTED_START.length;
    } else {
      depth--;
      at = end + INSERTED_END.length;
    }
  }
}
