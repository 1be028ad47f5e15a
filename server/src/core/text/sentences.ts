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
import { onFirstCall } from "../warmUp";

const OPENERS: Record<string, string> = { "「": "」", "『": "』", "“": "”", "（": "）", "(": ")" };
/** `OPENERS` as a Map: a record read by many different keys deoptimises optimised code. */
const CLOSER_OF = new Map(Object.entries(OPENERS));
const CLOSERS = new Set(["」", "』", "”", "）", ")"]);
const TERMINATORS = new Set(["。", "！", "？", "!", "?", "｡"]);
/** What each char code is: 0 none (changes no state), 1 opener, 2 closer, 3 terminator. */
const MARK_CODES = new Uint8Array(0x10000);
for (const c of TERMINATORS) MARK_CODES[c.charCodeAt(0)] = 3;
for (const c of CLOSERS) MARK_CODES[c.charCodeAt(0)] = 2;
for (const c of Object.keys(OPENERS)) MARK_CODES[c.charCodeAt(0)] = 1;
/** Whitespace as `/[\s\u3000]/` sees it, by code unit. */
const SPACE_CODES = new Uint8Array(0x10000);
for (const c of [9, 10, 11, 12, 13, 0x20, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) SPACE_CODES[c] = 1;
for (let c = 0x2000; c <= 0x200a; c++) SPACE_CODES[c] = 1;
const TRAILING = new Set(["」", "』", "”", "）", ")", "。", "！", "？", "!", "?", "…", "‥"]);
/** How far ahead (chars) a quote left open at a line end may close and still join the lines. */
const QUOTE_LOOKAHEAD = 400;

/** Leading bullets, emoji, markers and whitespace that are not part of a sentence. */
// `*`, so it always matches (the empty match adds 0): no branch first taken in optimised code.
const LEADING_JUNK = /^[\s\u3000\p{Extended_Pictographic}\uFE0F\u200D\u20E3•・●○◆◇■□▶►▷▸‣⁃※＊*\-–—✓✔☑➡→⇒]*/u;

/** Strips bullets from `[start, end)` and trims whitespace; returns null when nothing is left. */
function trimSpan(text: string, start: number, end: number): Span | null {
  start += LEADING_JUNK.exec(text.slice(start, end))![0].length;
  while (end > start && SPACE_CODES[text.charCodeAt(end - 1)] === 1) end--;
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
    let k = pos;
    while (k < end && SPACE_CODES[text.charCodeAt(k)] === 1) k++;
    lines.push({ start: pos, end, blank: k === end });
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
  warmUp();
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
        const code = text.charCodeAt(i);
        if (sentStart < 0) {
          if (SPACE_CODES[code] === 1) continue;
          sentStart = i;
        }
        const mark = MARK_CODES[code];
        if (mark === 0) continue;
        const ch = text[i];
        if (mark === 1) {
          stack.push(CLOSER_OF.get(ch)!);
        } else if (mark === 2) {
          const at = stack.lastIndexOf(ch);
          if (at >= 0) stack.length = at;
        } else if (stack.length === 0) {
          let j = i + 1;
          while (j < line.end && TRAILING.has(text[j])) j++;
          emit(j);
          i = j - 1;
        }
      }
      // Line end: the sentence ends unless a quote is open and closes on the next lines.
      let closer = "";
      for (let k = stack.length - 1; k >= 0 && closer === ""; k--) if (stack[k] === "」" || stack[k] === "』" || stack[k] === "”") closer = stack[k];
      if (closer !== "" && closesSoon(text, line.end, region.end, closer)) continue;
      emit(line.end);
      stack.length = 0;
    }
    emit(region.end);
  }
  return out;
}

/**
 * A made-up text that takes the rarer paths of `splitSentences` (a quote left open at a line end, one
 * that does not close, a bracket, a bullet, a blank line), run on its first call: a path first taken
 * after V8 has optimised it deoptimises it, one more compile (dates.ts does the same).
 */
const warmUp = onFirstCall(() => {
  const text = "・「あ\nい」と。（う\n「え\n\nお」！\r\n";
  // Several times: V8 records no feedback for a function until it has run for a while.
  for (let i = 0; i < 10; i++) splitSentences(text, [{ start: 0, end: text.length }]);
});
