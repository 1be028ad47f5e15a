/**
 * What the draft parser extracts from a Markdown draft. All spans are UTF-16 offsets into the
 * draft's full text (front matter included), so the LSP layer can convert them to positions.
 */
import type { Span } from "../model";

/** One cited item inside a citation: `@key`, with its Pandoc prefix, locator and suffix. */
export interface CitationItem {
  key: string;
  /** Span of `@key` (or `-@key`) including the `@` (and the `-`). */
  span: Span;
  /** Span of the key alone, without `@` — what rename and completion replace. */
  keySpan: Span;
  prefix: string;
  /** Locator text (`p. 3`, `第3段落`), `null` when none. */
  locator: string | null;
  suffix: string;
  /** `[-@key]`: author suppressed. */
  suppressAuthor: boolean;
  /** Pandoc's citation mode; items after `;` in `@key [p. 3; @b]` are `NormalCitation`. */
  mode?: "NormalCitation" | "AuthorInText" | "SuppressAuthor";
}

/** A citation: bracketed `[@a; @b, p. 3]` or in-text `@key`. */
export interface Citation {
  /** Whole citation: from `[` to `]`, or the in-text `@key`. */
  span: Span;
  items: CitationItem[];
  /** True for in-text `@key` (Pandoc AuthorInText). */
  inText: boolean;
  /**
   * Written with the IME's full-width `＠` or `［］` (`［＠key］`): Pandoc reads text, not a
   * citation, and a `citation-fullwidth` problem says so — but the writer meant this citation, so
   * the draft is checked as if it were one.
   */
  lookalike?: boolean;
}

/** A problem with the draft itself, found by the parser. */
export interface DraftProblem {
  span: Span;
  message: string;
  code: string;
  /** The replacement that fixes it (`[@key]` for `［＠key］`), when there is one. */
  fix?: string;
  /** Report only when this key is a corpus key (a bare `＠name` may be a handle, not a citation). */
  ifKnownKey?: string;
}

/** A quotation in the draft, `span` covering its inner text. */
export interface DraftQuote {
  /** Inner text with soft line breaks and their indentation removed. */
  text: string;
  span: Span;
  /** The opening mark: 「 『 “ or ". */
  mark: string;
  /** Index of the sentence holding it. */
  sentence: number;
}

/**
 * A sentence of prose in the draft. `plain` is its text with Markdown markup, citations and soft line
 * breaks removed; `offsets[i]` is the draft offset of `plain[i]` (length `plain.length + 1`, the last
 * entry being the offset just past the end), so any match found in `plain` maps back exactly.
 */
export interface DraftSentence {
  span: Span;
  plain: string;
  offsets: number[];
  /**
   * `ends[i]`: the draft offset just past `plain[i]`'s source (an entity `&amp;` spans 5 units).
   * Use with `offsets` (or `plainRangeToSpan`) to map a match in `plain` to an exact span.
   */
  ends?: number[];
  /** Indexes into `ParsedDraft.citations` of the citations inside this sentence. */
  citations: number[];
  /** Indexes into `ParsedDraft.quotes`. */
  quotes: number[];
  /** Index of the Markdown block (paragraph, list item, heading, table cell…) it belongs to. */
  block: number;
}

export interface ParsedDraft {
  text: string;
  sentences: DraftSentence[];
  citations: Citation[];
  quotes: DraftQuote[];
  /** Parsed YAML front matter, `null` when absent or broken. */
  frontMatter: Record<string, unknown> | null;
  /** Problems with the draft itself (broken front matter, a citation with no key, unbalanced 「). */
  problems: DraftProblem[];
}
