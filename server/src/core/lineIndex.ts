/**
 * Converts between UTF-16 offsets and `{ line, character }` positions (0-based, UTF-16 code units,
 * as LSP counts them). Line breaks are `\n`, `\r\n` and a lone `\r`, like LSP and VS Code.
 *
 * Plain data in, plain data out: the LSP layer turns these positions into its own `Position`.
 */

import { lastAtOrBefore } from "./sortedSearch";

export interface LinePosition {
  line: number;
  character: number;
}

export interface LineRange {
  start: LinePosition;
  end: LinePosition;
}

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[];

  constructor(private readonly text: string) {
    const starts = [0];
    // Most texts have no \r: jumping from \n to \n (native indexOf) is many times faster on large files.
    if (text.indexOf("\r") < 0) {
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.starts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 /* \n */) {
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the first character of `line` (clamped to the text). */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    if (line >= this.starts.length) return this.text.length;
    return this.starts[line];
  }

  /** Offset just past the last character of `line`, before its line break. */
  lineEnd(line: number): number {
    if (line < 0) return 0;
    if (line >= this.starts.length - 1) return this.text.length;
    let end = this.starts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > this.starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The line holding `offset` (an offset inside a `\r\n` pair belongs to the line it ends). */
  lineAt(offset: number): number {
    return lastAtOrBefore(this.starts, Math.max(0, Math.min(offset, this.text.length)));
  }

  /** Position of `offset`; offsets inside a line break are clamped to the end of the line's content. */
  positionAt(offset: number): LinePosition {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(o);
    const character = Math.min(o, this.lineEnd(line)) - this.starts[line];
    return { line, character };
  }

  /** Offset of `position`; a character past the end of its line is clamped to the line's end. */
  offsetAt(position: LinePosition): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line];
    return Math.max(start, Math.min(start + Math.max(0, position.character), this.lineEnd(position.line)));
  }

  rangeOf(span: { start: number; end: number }): LineRange {
    return { start: this.positionAt(span.start), end: this.positionAt(span.end) };
  }
}
