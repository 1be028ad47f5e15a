/**
 * Runs the same Japanese analysis the corpus gets over the prose of a draft, so a draft's quotes get
 * a kind (speech/term) and a speaker by the same grammar, and its sentences get dates, numbers and
 * entities to compare with the sources. The analysis sees the draft's plain text (markup and
 * citations removed, soft breaks joined), block by block, and every result is mapped back to draft
 * offsets.
 */
import type { DraftSentence, ParsedDraft } from "../draft/draftModel";
import type { AnalyzedText, DateMention, EntityMention, EventUnit, NumberMention, PartialDate, QuoteKind } from "../model";
import { analyzeText } from "../text/analyze";
import type { Tokenizer } from "../text/tokenizer";
import { AliasTable } from "../text/entities";

/** A mention inside one draft sentence, with its offsets in that sentence's `plain`. */
export interface PlainMention<T> {
  mention: T;
  /** Offsets in `DraftSentence.plain`. */
  start: number;
  end: number;
}

export interface SentenceMentions {
  /** Events the sentence reports, positioned at their date. */
  events: PlainMention<EventUnit>[];
  dates: PlainMention<DateMention>[];
  numbers: PlainMention<NumberMention>[];
  entities: PlainMention<EntityMention>[];
}

export interface DraftAnalysis {
  draft: ParsedDraft;
  /** Per draft quote (same index as `draft.quotes`): kind and canonical speaker as the draft's grammar says. */
  quotes: { kind: QuoteKind; speaker: string | null }[];
  /** Per draft sentence. */
  mentions: SentenceMentions[];
  /** The alias clusters the draft was analysed with (the corpus's, plus the draft's own spellings). */
  aliases: AliasTable;
}

export interface DraftAnalysisOptions {
  tokenizer: Tokenizer;
  aliases?: AliasTable;
  /** Reference date for relative dates in the draft (front matter `date`), if any. */
  reference?: PartialDate | null;
}

export function analyzeDraft(draft: ParsedDraft, options: DraftAnalysisOptions): DraftAnalysis {
  // Join the sentences' plain text, a blank line between blocks so paragraph logic applies.
  let doc = "";
  const sentenceStart: number[] = [];
  let lastBlock = -1;
  draft.sentences.forEach((s) => {
    if (doc.length && s.block !== lastBlock) doc += "\n\n";
    lastBlock = s.block;
    sentenceStart.push(doc.length);
    doc += s.plain;
  });
  const aliases = options.aliases ? options.aliases.clone() : new AliasTable();
  const analysis: AnalyzedText = doc.length
    ? analyzeText(doc, [{ start: 0, end: doc.length }], { published: options.reference ?? null, tokenizer: options.tokenizer, aliases })
    : { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };

  const sentenceOf = (docOffset: number): number => {
    let lo = 0;
    let hi = sentenceStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sentenceStart[mid] <= docOffset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  const mentions: SentenceMentions[] = draft.sentences.map(() => ({ events: [], dates: [], numbers: [], entities: [] }));
  const place = <T extends { start: number; end: number }>(list: T[], pick: (m: SentenceMentions) => PlainMention<T>[]) => {
    for (const m of list) {
      const i = sentenceOf(m.start);
      const s: DraftSentence = draft.sentences[i];
      const start = m.start - sentenceStart[i];
      const end = Math.min(m.end - sentenceStart[i], s.plain.length);
      if (start < 0 || start >= s.plain.length) continue;
      pick(mentions[i]).push({ mention: m, start, end });
    }
  };
  place(analysis.dates, (m) => m.dates);
  place(analysis.events.map((e) => ({ ...e, start: e.dateSpan.start, end: e.dateSpan.end })), (m) => m.events);
  place(analysis.numbers, (m) => m.numbers);
  place(analysis.entities, (m) => m.entities);

  // Draft quotes ↔ analysed quotes, by where their inner text starts.
  const quotes = draft.quotes.map((q) => {
    const s = draft.sentences[q.sentence];
    const plainStart = s ? s.offsets.indexOf(q.span.start) : -1;
    const docStart = plainStart >= 0 ? sentenceStart[q.sentence] + plainStart : -1;
    const hit = analysis.quotes.find((a) => a.start === docStart) ?? analysis.quotes.find((a) => a.start <= docStart && docStart < a.end);
    return { kind: hit?.kind ?? guessKind(q.text), speaker: hit?.speaker ?? null };
  });
  return { draft, quotes, mentions, aliases };
}

/** Fallback when the analysis did not see a quote (e.g. unbalanced marks): long quotes are speech. */
function guessKind(text: string): QuoteKind {
  return text.length > 12 ? "speech" : "term";
}
