/**
 * The Japanese analysis of one text: sentences, quotes with speakers, entities, dates, numbers and
 * events over the kept body regions. Plain data, deterministic, no editor or LSP types.
 */
import { SpanSet } from "../sortedSearch";
import type { AnalyzedText, DateMention, EntityMention, NumberMention, PartialDate, QuoteUnit, Span } from "../model";
import { extractDates, parsePartialDate } from "./dates";
import { AliasTable, extractEntities } from "./entities";
import { extractEvents } from "./events";
import { extractNumbers } from "./numbers";
import { extractQuotes } from "./quotes";
import { splitSentences } from "./sentences";
import type { AppendingTokenizer } from "./entityTokenizer";
import type { Token, Tokenizer } from "./tokenizer";

export interface AnalyzeContext {
  /** The article's date, for `11日`, `今月2日`, `昨年`. */
  published: PartialDate | null;
  tokenizer: Tokenizer;
  /** Corpus-wide alias clusters; a fresh table per text when absent. */
  aliases?: AliasTable;
  /**
   * Reference dates for parts of the text (a curation blog quoting several articles, each with its
   * own date). When absent, `公開日:YYYY/MM/DD` lines are detected: each opens a block that ends at
   * the next `出典`/`さらに読む` line or `公開日` line.
   */
  references?: { span: Span; reference: PartialDate }[];
}

const PUBLISHED_LINE = /公開日[\s\u3000]*[:：][\s\u3000]*(\d{4})[/\-年.](\d{1,2})[/\-月.](\d{1,2})/gu;
const BLOCK_END = /出典|画像元|さらに読む|続きを読む|引用元/u;

/** Blocks of a text governed by a `公開日:` line (see `AnalyzeContext.references`). */
export function detectReferenceBlocks(text: string): { span: Span; reference: PartialDate }[] {
  const out: { span: Span; reference: PartialDate }[] = [];
  // (Every match holds 公開日: most texts need no search.)
  if (!text.includes("公開日")) return out;
  for (const m of text.matchAll(PUBLISHED_LINE)) {
    const lineStart = text.lastIndexOf("\n", m.index ?? 0) + 1;
    const reference = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    let pos = text.indexOf("\n", m.index ?? 0);
    let end = text.length;
    while (pos >= 0) {
      const next = text.indexOf("\n", pos + 1);
      const line = text.slice(pos + 1, next < 0 ? text.length : next);
      if (PUBLISHED_LINE.test(line)) {
        PUBLISHED_LINE.lastIndex = 0;
        end = pos;
        break;
      }
      PUBLISHED_LINE.lastIndex = 0;
      if (BLOCK_END.test(line)) {
        end = next < 0 ? text.length : next;
        break;
      }
      pos = next;
    }
    out.push({ span: { start: lineStart, end }, reference });
  }
  return out;
}

/**
 * Version of the analysis, part of the cache key: bump it whenever a change here or in the modules
 * it calls changes what `analyzeText` returns, so cached analyses from older code are not reused.
 */
export const ANALYSIS_VERSION = "31";

/** Analyses `text` over `regions` (offsets into `text`). */
export function analyzeText(text: string, regions: Span[], context: AnalyzeContext): AnalyzedText {
  const aliases = context.aliases ?? new AliasTable();
  const sentences = splitSentences(text, regions);
  // Only extractEntities reads tokens, and only what selectEntityTokens keeps of each clause: a
  // tokenizer may return just that (the corpus workers do, see ingest/ingestWorker.ts).
  const tokens: Token[] = [];
  const appending = (context.tokenizer as Partial<AppendingTokenizer>).tokenizeInto;
  if (appending !== undefined) for (const s of sentences) appending(s.text, s.start, tokens);
  else {
    for (const s of sentences) {
      for (const t of context.tokenizer.tokenize(s.text)) tokens.push({ ...t, start: t.start + s.start });
    }
  }
  const entities = extractEntities(text, sentences, tokens, aliases, context.tokenizer.entityTokensOnly === true);
  // Arrays handed on are built by push: optimised code's inlined filter/map make arrays of another
  // elements kind than the builtins do, and the functions reading both deoptimise ("wrong map").
  const persons: EntityMention[] = [];
  for (const e of entities) if (e.type === "person") persons.push(e);
  const quotes = extractQuotes(text, sentences, { persons, entities });

  const blocks = context.references ?? detectReferenceBlocks(text);
  const referenceAt = (offset: number): PartialDate | null => {
    const b = blocks.find((x) => offset >= x.span.start && offset < x.span.end);
    return b ? b.reference : context.published;
  };
  const dates: DateMention[] = [];
  const numbers: NumberMention[] = [];
  let previous: PartialDate | null = null;
  for (let i = 0; i < sentences.length; i++) {
    const s = sentences[i];
    for (const d of extractDates(s.text, referenceAt(s.start), previous)) {
      dates.push({ start: d.start + s.start, end: d.end + s.start, text: d.text, date: d.date, sentence: i });
      previous = d.date;
    }
    for (const n of extractNumbers(s.text)) {
      numbers.push({ start: n.start + s.start, end: n.end + s.start, text: n.text, value: n.value, counter: n.counter, sentence: i });
    }
  }
  // Numbers that are part of a date (`6月18日`) were skipped by the parser; drop any overlap left.
  const dateSpans = new SpanSet(dates);
  const filteredNumbers: NumberMention[] = [];
  for (const n of numbers) if (!dateSpans.overlaps(n.start, n.end)) filteredNumbers.push(n);
  const quoteSpans: { start: number; end: number; kind: QuoteUnit["kind"] }[] = [];
  for (const q of quotes) quoteSpans.push({ start: q.start, end: q.end, kind: q.kind });
  const events = extractEvents(text, { sentences, dates, entities, quotes: quoteSpans });
  return { sentences, quotes, entities, events, numbers: filteredNumbers, dates };
}

/**
 * Re-resolves canonical names after the alias table has seen the whole corpus, so every source
 * uses the same display name for a cluster.
 */
export function applyAliases(a: AnalyzedText, aliases: AliasTable): AnalyzedText {
  return {
    ...a,
    quotes: a.quotes.map((q) => ({ ...q, speaker: q.speaker === null ? null : aliases.canonical(q.speaker) })),
    entities: a.entities.map((e) => (e.type === "person" ? { ...e, canonical: aliases.canonical(e.canonical) } : e)),
    events: a.events.map((ev) => ({ ...ev, participants: [...new Set(ev.participants.map((p) => aliases.canonical(p)))] })),
  };
}

export { parsePartialDate };
