/**
 * Japanese sentence splitting over the kept body regions of a text.
 *
 * A sentence ends at 。！？!? (with any closing brackets that follow) outside quotes, and at the end of
 * each non-empty line (scraped text puts one paragraph, headline or list item per line), unless a
 * quote opened on that line closes on one of the next lines of the same paragraph. Unbalanced
 * marks — a closing 」 with no opener, an opener never closed — are tolerated and never extend a
 * sentence beyond its paragraph. Bullets (✅ 💡 • …) are stripped from the start of a sentence.
 */
import type { Sentence, Span } from "../model";

const OPENERS: Record<string, string> = { "「": "」", "『": "』", "“": "”", "（": "）", "(": ")" };
const CLOSERS = new Set(["」", "』", "”", "）", ")"]);
const TERMINATORS = new Set(["。", "！", "？", "!", "?", "｡"]);
/** Char codes of every opener, closer and terminator: any other char changes no state. */
const MARK_CODES = new Uint8Array(0x10000);
for (const c of [...Object.keys(OPENERS), ...CLOSERS, ...TERMINATORS]) MARK_CODES[c.charCodeAt(0)] = 1;
const TRAILING = new Set(["」", "』", "”", "）", ")", "。", "！", "？", "!", "?", "…", "‥"]);
/** How far ahead (chars) a quote left open at a line end may close and still join the lines. */
const QUOTE_LOOKAHEAD = 400;

/** Leading bullets, emoji, markers and whitespace that are not part of a sentence. */
const LEADING_JUNK = /^[\s\u3000\p{Extended_Pictographic}\uFE0F\u200D\u20E3•・●○◆◇■□▶►▷▸‣⁃※＊*\-–—✓✔☑➡→⇒]+/u;

/** Strips bullets from `[start, end)` and trims whitespace; returns null when nothing is left. */
function trimSpan(text: string, start: number, end: number): Span | null {
  const lead = LEADING_JUNK.exec(text.slice(start, end));
  if (lead) start += lead[0].length;
  while (end > start && /[\s\u3000]/.test(text[end - 1])) end--;
  return end > start ? { start, end } : null;
}

interface Line {
  start: number;
  end: number;
  blank: boolean;
}

function linesOf(text: string, region: Span): Line[] {
  const lines: Line[] = [];
  let pos = region.start;
  while (pos < region.end) {
    let nl = text.indexOf("\n", pos);
    if (nl < 0 || nl >= region.end) nl = region.end;
    let end = nl;
    if (end > pos && text[end - 1] === "\r") end--;
    lines.push({ start: pos, end, blank: text.slice(pos, end).trim() === "" });
    pos = nl + 1;
  }
  return lines;
}

/** True when a quote opened before `from` closes within the lookahead, before a blank line. */
function closesSoon(text: string, from: number, limit: number, closer: string): boolean {
  const stop = Math.min(limit, from + QUOTE_LOOKAHEAD);
  const opener = Object.keys(OPENERS).find((k) => OPENERS[k] === closer);
  for (let i = from; i < stop; i++) {
    const ch = text[i];
    if (ch === closer) return true;
    if (ch === opener) return false;
    if (ch === "\n" && /^[ \t\u3000\r]*(\n|$)/.test(text.slice(i + 1, Math.min(stop, i + 40)))) return false;
  }
  return false;
}

/**
 * Splits the regions of `text` into sentences. Spans index `text`; `paragraph` counts blocks
 * separated by blank lines (a gap between regions that holds a blank line also starts a paragraph).
 */
export function splitSentences(text: string, regions: Span[]): Sentence[] {
  const out: Sentence[] = [];
  let paragraph = -1;
  let lastContentEnd = -1;
  const sorted = [...regions].sort((a, b) => a.start - b.start);
  for (const region of sorted) {
    const lines = linesOf(text, region);
    let sentStart = -1;
    const stack: string[] = [];
    const emit = (end: number): void => {
      if (sentStart < 0) return;
      const span = trimSpan(text, sentStart, end);
      sentStart = -1;
      if (!span) return;
      if (lastContentEnd < 0 || /\n[ \t\u3000\r]*\n/.test(text.slice(lastContentEnd, span.start)) || paragraph < 0) {
        paragraph++;
      }
      out.push({ start: span.start, end: span.end, text: text.slice(span.start, span.end), paragraph });
      lastContentEnd = span.end;
    };
    for (const line of lines) {
      if (line.blank) {
        emit(line.start);
        stack.length = 0;
        continue;
      }
      for (let i = line.start; i < line.end; i++) {
        if (sentStart < 0) {
          if (/[\s\u3000]/.test(text[i])) continue;
          sentStart = i;
        }
        if (MARK_CODES[text.charCodeAt(i)] !== 1) continue;
        const ch = text[i];
        if (ch in OPENERS) {
          stack.push(OPENERS[ch]);
        } else if (CLOSERS.has(ch)) {
          const at = stack.lastIndexOf(ch);
          if (at >= 0) stack.length = at;
        } else if (TERMINATORS.has(ch) && stack.length === 0) {
          let j = i + 1;
          while (j < line.end && TRAILING.has(text[j])) j++;
          emit(j);
          i = j - 1;
        }
      }
      // Line end: the sentence ends unless a quote is open and closes on the next lines.
      const open = stack.filter((c) => c === "」" || c === "』" || c === "”");
      if (open.length > 0 && closesSoon(text, line.end, region.end, open[open.length - 1])) continue;
      emit(line.end);
      stack.length = 0;
    }
    emit(region.end);
  }
  return out;
}
