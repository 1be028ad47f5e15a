/**
 * Finds what the writer is typing or pointing at: a citation key being typed after `[@`/`@` (also
 * straight after Japanese text, `本文@`), a quote being opened after `「`, or the citation/quote
 * under the cursor. Plain offsets only.
 */
import type { Citation, CitationItem, DraftQuote, ParsedDraft } from "../draft/draftModel";
import type { Span } from "../model";

/** Characters a Pandoc key may contain after its first one. */
const KEY_CHAR = /[\p{L}\p{N}_:.#$%&\-+?<>~/]/u;

export interface KeyPrefix {
  /** What is typed of the key so far. */
  prefix: string;
  /** Span of what is typed of the key (after `@`, or after `@{`). */
  span: Span;
  /** Inside brackets (`[@`), so no brackets need adding. */
  bracketed: boolean;
  /** Offset of the `@` (or of the full-width `＠` the IME typed). */
  at: number;
  /** The writer typed `＠` (and maybe `［`): what is inserted writes it again in ASCII. */
  fullWidth: boolean;
  /** The writer typed `@{`: the key goes inside braces. */
  braced: boolean;
}

/**
 * The key being typed at `offset`: `@` (or the IME's full-width `＠`, or `@{`) preceded by `[`,
 * `;`, whitespace, the start of the line, or any non-ASCII text (Japanese has no spaces, so `本文@`
 * must work), never an e-mail address.
 */
export function keyPrefixAt(text: string, offset: number): KeyPrefix | null {
  let i = offset;
  while (i > 0 && KEY_CHAR.test(text[i - 1]) && text[i - 1] !== "@") i--;
  let braced = false;
  if (i > 1 && text[i - 1] === "{" && (text[i - 2] === "@" || text[i - 2] === "＠")) braced = true;
  const at = braced ? i - 2 : i - 1;
  if (at < 0 || (text[at] !== "@" && text[at] !== "＠")) return null;
  const fullWidth = text[at] === "＠";
  const before = at > 0 ? text[at - 1] : "\n";
  const beforeNonDash = before === "-" && at > 1 ? text[at - 2] : before;
  const asciiWord = /[A-Za-z0-9._%+]/.test(before);
  if (asciiWord) return null; // e-mail address or a word, not a citation
  const lineStart = text.lastIndexOf("\n", at - 1) + 1;
  const lineBefore = text.slice(lineStart, at);
  const bracketed = /[\[［][^\]］]*$/.test(lineBefore) || beforeNonDash === "[" || beforeNonDash === "［";
  return { prefix: text.slice(i, offset), span: { start: i, end: offset }, bracketed, at, fullWidth, braced };
}

/** The text typed after an unclosed 「 or 『 on the current line, if the cursor is in an open quote. */
export function openQuoteAt(text: string, offset: number): { typed: string; span: Span; mark: string } | null {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const line = text.slice(lineStart, offset);
  let depth = 0;
  let open = -1;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "「" || ch === "『") {
      if (depth === 0) open = i;
      depth++;
    } else if ((ch === "」" || ch === "』") && depth > 0) {
      depth--;
      if (depth === 0) open = -1;
    }
  }
  if (open < 0) return null;
  return { typed: line.slice(open + 1), span: { start: lineStart + open + 1, end: offset }, mark: line[open] };
}

export function citationItemAt(draft: ParsedDraft, offset: number): { citation: Citation; item: CitationItem } | null {
  for (const citation of draft.citations) {
    if (offset < citation.span.start || offset > citation.span.end) continue;
    for (const item of citation.items) if (offset >= item.span.start && offset <= item.span.end) return { citation, item };
  }
  return null;
}

export function quoteAt(draft: ParsedDraft, offset: number): { quote: DraftQuote; index: number } | null {
  const index = draft.quotes.findIndex((q) => offset >= q.span.start - 1 && offset <= q.span.end + 1);
  return index >= 0 ? { quote: draft.quotes[index], index } : null;
}
