/**
 * Claim alignment: each draft sentence that cites a known source is aligned with the passage (one to
 * three consecutive sentences) of the cited source(s) it most resembles, and its dates, numbers and
 * entities are paired with the passage's by their surrounding words. The claim rules
 * (dateMismatch, numberMismatch, entityMismatch, sourcesDisagree, secondarySource) read the result.
 *
 * A mention is only called different when the passage covers the sentence well (most of its
 * character bigrams) AND a mention of the same kind sits in the same slot — the same words on its
 * left or right. That keeps paraphrases and sentences about things the source does not cover quiet.
 */
import type { CorpusIndex } from "../index/corpusIndex";
import { bigrams } from "../index/textSearch";
import type { DateMention, EntityMention, IndexedSource, NumberMention, PartialDate, Span } from "../model";
import { normalizeForMatch } from "../text/normalize";
import type { DraftAnalysis, PlainMention } from "./draftAnalysis";

export interface AlignedPassage {
  source: IndexedSource;
  first: number;
  last: number;
  span: Span;
  /** Share of the draft sentence's content bigrams found in the passage (0–1). */
  coverage: number;
}

export type MentionKind = "date" | "number" | "entity";

export interface MentionPair<T> {
  kind: MentionKind;
  sentence: number;
  draft: PlainMention<T>;
  /** The passage mention in the same slot, if any. */
  source: T | null;
  /** True when the passage has a mention equal to the draft's. */
  agrees: boolean;
  /** Words shared around the two mentions (0 when no slot match). */
  context: number;
}

export interface ClaimAlignment {
  sentence: number;
  cited: string[];
  passage: AlignedPassage | null;
  dates: MentionPair<DateMention>[];
  numbers: MentionPair<NumberMention>[];
  entities: MentionPair<EntityMention>[];
}

/** Passages must cover at least this share of the sentence before any claim is compared. */
export const MIN_COVERAGE = 0.5;
/** Shared characters around two mentions that make them the same slot. */
export const MIN_CONTEXT = 3;
const CONTEXT_CHARS = 6;

function contentBigrams(s: string): Set<string> {
  // Digits are left out so a changed number or date does not lower the coverage.
  return new Set(bigrams(normalizeForMatch(s)).filter((b) => !/[0-9]/.test(b)));
}

function coverage(draft: Set<string>, passage: string): number {
  if (draft.size === 0) return 0;
  const p = contentBigrams(passage);
  let n = 0;
  for (const b of draft) if (p.has(b)) n++;
  return n / draft.size;
}

/** Aligns a draft sentence with the best passage of the cited sources. */
export function alignSentence(plain: string, cited: string[], index: CorpusIndex): AlignedPassage | null {
  const draftBigrams = contentBigrams(plain);
  if (draftBigrams.size < 4) return null;
  const hits = index.similarSentences(plain, 12, cited);
  let best: AlignedPassage | null = null;
  for (const hit of hits) {
    const n = hit.source.sentences.length;
    for (const [a, b] of [
      [hit.index, hit.index],
      [hit.index - 1, hit.index],
      [hit.index, hit.index + 1],
      [hit.index - 1, hit.index + 1],
    ]) {
      if (a < 0 || b >= n) continue;
      const span = { start: hit.source.sentences[a].start, end: hit.source.sentences[b].end };
      const text = hit.source.sentences.slice(a, b + 1).map((s) => s.text).join("");
      // A longer window must earn its place: a small bonus to single sentences breaks near-ties.
      const c = coverage(draftBigrams, text) - 0.04 * (b - a);
      if (!best || c > best.coverage) best = { source: hit.source, first: a, last: b, span, coverage: c };
    }
  }
  if (best) best.coverage = Math.min(1, best.coverage + 0.04 * (best.last - best.first));
  return best;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function commonSuffix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

function contextOf(text: string, start: number, end: number, lo: number, hi: number): { left: string; right: string } {
  const left = normalizeForMatch(text.slice(Math.max(lo, start - CONTEXT_CHARS * 2), start)).slice(-CONTEXT_CHARS);
  const right = normalizeForMatch(text.slice(end, Math.min(hi, end + CONTEXT_CHARS * 2))).slice(0, CONTEXT_CHARS);
  return { left, right };
}

function contextScore(a: { left: string; right: string }, b: { left: string; right: string }): number {
  return commonSuffix(a.left, b.left) + commonPrefix(a.right, b.right);
}

/** Whether two dates can be compared at all: they give at least one part in common. */
export function datesComparable(a: PartialDate, b: PartialDate): boolean {
  return (a.day !== null && b.day !== null) || (a.month !== null && b.month !== null) || (a.year !== null && b.year !== null);
}

/** Dates agree when they are comparable and every part both give is the same. */
export function datesAgree(a: PartialDate, b: PartialDate): boolean {
  if (a.day !== null && b.day !== null && a.day !== b.day) return false;
  if (a.month !== null && b.month !== null && a.month !== b.month) return false;
  if (a.year !== null && b.year !== null && a.year !== b.year) return false;
  return datesComparable(a, b);
}

export function formatDate(d: PartialDate): string {
  const parts: string[] = [];
  if (d.year !== null) parts.push(`${d.year}年`);
  if (d.month !== null) parts.push(`${d.month}月`);
  if (d.day !== null) parts.push(`${d.day}日`);
  return parts.join("");
}

function pairMentions<T extends Span>(
  kind: MentionKind,
  sentence: number,
  plain: string,
  draftMentions: PlainMention<T>[],
  source: IndexedSource,
  passage: AlignedPassage,
  sourceMentions: T[],
  comparable: (d: T, s: T) => boolean,
  equal: (d: T, s: T) => boolean,
): MentionPair<T>[] {
  const inPassage = sourceMentions.filter((m) => m.start >= passage.span.start && m.end <= passage.span.end);
  return draftMentions.map((d) => {
    const candidates = inPassage.filter((s) => comparable(d.mention, s));
    if (candidates.some((s) => equal(d.mention, s))) return { kind, sentence, draft: d, source: null, agrees: true, context: 0 };
    const dc = contextOf(plain, d.start, d.end, 0, plain.length);
    let best: T | null = null;
    let bestScore = 0;
    for (const s of candidates) {
      const score = contextScore(dc, contextOf(source.text, s.start, s.end, passage.span.start, passage.span.end));
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return { kind, sentence, draft: d, source: best, agrees: false, context: bestScore };
  });
}

/** Aligns every cited sentence of the draft and pairs its mentions with the passage's. */
export function alignClaims(analysis: DraftAnalysis, index: CorpusIndex, sameEntity: (a: string, b: string) => boolean = (a, b) => a === b): ClaimAlignment[] {
  const { draft } = analysis;
  const out: ClaimAlignment[] = [];
  draft.sentences.forEach((sentence, i) => {
    const keys = sentence.citations.flatMap((c) => draft.citations[c].items.map((it) => it.key));
    const cited = [...new Set(keys.filter((k) => index.has(k)))];
    if (cited.length === 0) return;
    const passage = alignSentence(sentence.plain, cited, index);
    const result: ClaimAlignment = { sentence: i, cited, passage, dates: [], numbers: [], entities: [] };
    out.push(result);
    if (!passage || passage.coverage < MIN_COVERAGE) return;
    // Mentions inside the sentence's quotes are the quote rules' business.
    const quoteRanges = sentence.quotes.map((q) => draft.quotes[q].span);
    const outsideQuotes = <T>(list: PlainMention<T>[]) =>
      list.filter((m) => {
        const at = sentence.offsets[m.start];
        return !quoteRanges.some((r) => at >= r.start && at < r.end);
      });
    const m = analysis.mentions[i];
    const src = passage.source;
    result.dates = pairMentions(
      "date", i, sentence.plain, outsideQuotes(m.dates), src, passage, src.dates,
      (d, s) => datesComparable(d.date, s.date),
      (d, s) => datesAgree(d.date, s.date),
    );
    result.numbers = pairMentions(
      "number", i, sentence.plain, outsideQuotes(m.numbers), src, passage, src.numbers,
      (d, s) => d.counter === s.counter,
      (d, s) => d.value === s.value,
    );
    const draftCanon = m.entities.map((e) => e.mention.canonical);
    const passageText = normalizeForMatch(src.text.slice(passage.span.start, passage.span.end));
    result.entities = pairMentions(
      "entity", i, sentence.plain, outsideQuotes(m.entities), src, passage, src.entities,
      (d, s) => d.type === s.type && !draftCanon.some((c) => sameEntity(c, s.canonical)),
      (d, s) => sameEntity(d.canonical, s.canonical),
    ).map((p) =>
      // The passage may spell the name in a way the analysis did not tag; its words settle it.
      !p.agrees && (passageText.includes(normalizeForMatch(p.draft.mention.canonical)) || passageText.includes(normalizeForMatch(p.draft.mention.text)))
        ? { ...p, agrees: true, source: null }
        : p,
    );
  });
  return out;
}
