// Source map mappings (the "mappings" field of a version 3 map): base64 VLQ, one `;` per generated line,
// segments of [generated column, source, source line, source column], each relative to the one before.
// One source per map here (the file transformed), so the source field is always 0 after the first.

/** A character of a word (identifier, keyword, number): source maps here map where a word or a run of punctuation begins. */
export function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A map's mappings, written segment by segment in generated order. */
export class MappingsWriter {
  private readonly parts: string[] = [];
  private line = 0;
  private column = 0;
  private sourceLine = 0;
  private sourceColumn = 0;
  private lineHasSegment = false;

  /** Generated (line, column) comes from source (line, column); lines and columns from 0, in order. */
  add(line: number, column: number, sourceLine: number, sourceColumn: number): void {
    if (line > this.line) {
      this.parts.push(';'.repeat(line - this.line));
      this.line = line;
      this.column = 0;
      this.lineHasSegment = false;
    }
    if (this.lineHasSegment) this.parts.push(',');
    // (The source field: 'A', 0, the one source, relative to itself.)
    this.parts.push(vlq(column - this.column) + 'A' + vlq(sourceLine - this.sourceLine) + vlq(sourceColumn - this.sourceColumn));
    this.lineHasSegment = true;
    this.column = column;
    this.sourceLine = sourceLine;
    this.sourceColumn = sourceColumn;
  }

  toString(): string {
    return this.parts.join('');
  }
}

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += BASE64[digit];
  } while (v > 0);
  return out;
}

/** A map's mappings: per generated line, [generated column, source line, source column] segments. */
export function decodeMappings(mappings: string): [number, number, number][][] {
  const lines: [number, number, number][][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: [number, number, number][] = [];
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of segment) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0]!;
      if (fields.length >= 4) {
        sourceLine += fields[2]!;
        sourceColumn += fields[3]!;
        segments.push([column, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}
