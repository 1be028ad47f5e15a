/**
 * The core's data model: plain data shared by ingestion, the index, the draft parser and the rules.
 *
 * Architecture invariant: nothing in `server/src/core/` imports LSP or VS Code types. Positions in
 * the core are UTF-16 code-unit offsets into a decoded text (a JS string); the LSP layer converts
 * them to line/character with `LineIndex`.
 */

/** A half-open range of UTF-16 offsets `[start, end)` into some text. */
export interface Span {
  start: number;
  end: number;
}

/** A date where any part may be unknown (`--03-18`, `2025-03`, …). */
export interface PartialDate {
  year: number | null;
  month: number | null;
  day: number | null;
}

/** Metadata of one corpus source, after the precedence front matter > sources.yaml > inference > file name. */
export interface SourceMetadata {
  /** Pandoc-style citation key, unique in the corpus (see corpus/citationKeys.ts). */
  key: string;
  /**
   * The key the file claims (its front matter, `sources.yaml`, or inferred), when `key` had to be
   * disambiguated from another file's (`key` is then this with a suffix).
   */
  claimedKey?: string;
  title: string | null;
  outlet: string | null;
  /** ISO 8601 date or date-time, `null` when neither metadata nor text gives one. */
  published: string | null;
  url: string | null;
  /** URLs of original outlets the article quotes (`出典/画像元: https://…`). */
  originals: string[];
  /** Absolute path of the file. */
  path: string;
  /** Where each field came from, for `inspect` and hover ("front-matter", "catalogue", "text", "file-name"). */
  provenance?: Partial<Record<"key" | "title" | "outlet" | "published" | "url", string>>;
}

/** A sentence of the article body. `text` is the original slice `[start, end)` of the source text. */
export interface Sentence extends Span {
  text: string;
  /** Index of the paragraph (block separated by blank lines) the sentence belongs to. */
  paragraph: number;
}

export type QuoteKind = "speech" | "term";

/** A quotation in a source, `start/end` covering the inner text (without the quote marks). */
export interface QuoteUnit extends Span {
  /** Inner text exactly as in the file. */
  text: string;
  /** `normalizeForMatch(text)`. */
  normalized: string;
  kind: QuoteKind;
  /** Canonical name of the person the source attributes the quote to, `null` when unknown. */
  speaker: string | null;
  /** Where the speaker is named (may be in the previous sentence). */
  speakerSpan?: Span;
  /** Index into `AnalyzedText.sentences`. */
  sentence: number;
  /** The opening mark: 「 『 “ or ". */
  mark: string;
}

export type EntityType = "person" | "place" | "organization";

export interface EntityMention extends Span {
  text: string;
  type: EntityType;
  /** The alias cluster's canonical name (titles and honorifics stripped, spelling variants joined). */
  canonical: string;
}

export interface DateMention extends Span {
  text: string;
  date: PartialDate;
  sentence: number;
}

/** A number with its counter (`30日間`, `4時間`, `3回目`, `1カ月以内`), value normalised from any numeral form. */
export interface NumberMention extends Span {
  text: string;
  value: number;
  /** The counter, normalised (`日間`, `時間`, `回目`, `カ月`…). */
  counter: string;
  sentence: number;
}

/** A dated happening: date, predicate (会談, 電話会談, 合意, 警告, 発表…), participants, place. */
export interface EventUnit extends Span {
  date: PartialDate;
  dateSpan: Span;
  predicate: string;
  /** Canonical names of the participants. */
  participants: string[];
  place: string | null;
  sentence: number;
  /** The happening's own name when the text gives it (「北浜盆踊り」 in `「北浜盆踊り」を開催した`). */
  name?: string;
}

/** Everything the Japanese analysis extracts from one text. All spans index the text given to it. */
export interface AnalyzedText {
  sentences: Sentence[];
  quotes: QuoteUnit[];
  entities: EntityMention[];
  events: EventUnit[];
  numbers: NumberMention[];
  dates: DateMention[];
}

/** A corpus source after ingestion and analysis. */
export interface IndexedSource extends AnalyzedText {
  meta: SourceMetadata;
  /** The whole decoded file text (front matter and boilerplate included), so offsets map to the file. */
  text: string;
  /** The regions of `text` kept as article body after cleaning, in order, non-overlapping. */
  body: Span[];
  /** Encoding the file was decoded from (utf-8, utf-16le, shift_jis, euc-jp…). */
  encoding: string;
  /** Content hash of the file's bytes (the cache key with the tool version). */
  hash: string;
  /**
   * How the file was read. For `html`, `text` is a masked view of the page source (markup blanked
   * with spaces, character references decoded and padded): same length and line breaks as the file,
   * so offsets, lines and columns are still the file's own.
   */
  format?: "text" | "markdown" | "html";
}

export type Severity = "error" | "warning" | "information" | "hint";

/** A problem found while loading the corpus (undecodable file, duplicate key, broken front matter…). */
export interface CorpusProblem {
  path: string;
  message: string;
  severity: Severity;
  /** Offsets into the file text when known. */
  span?: Span;
  code?: string;
}

/** A pointer into the corpus, for related information and navigation. */
export interface SourceLocation {
  key: string;
  path: string;
  span: Span;
  /** The text at that span (or the sentence around it), for messages. */
  text: string;
}
