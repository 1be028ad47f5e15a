/**
 * The verdict on each quote of a draft, against the citations of its sentence. Deterministic and
 * explained: the quote rules (quoteMismatch, quoteWrongSource, quoteNotFound, speakerMismatch,
 * uncitedQuote) only read these verdicts.
 *
 *   exact (after normalisation) in a cited source  → "exact"   (then the speaker is compared)
 *   exact elsewhere in the corpus                   → "elsewhere"
 *   near match in a cited source                    → "near"    (the source's words are offered)
 *   near match elsewhere                            → "elsewhere"
 *   nowhere                                         → "missing" (reported for speech quotes only)
 *   no citation in the sentence, found in corpus    → "uncited"
 */
import type { DraftQuote } from "../draft/draftModel";
import type { CorpusIndex, SourceMatch } from "../index/corpusIndex";
import type { QuoteKind } from "../model";
import { diffChars, editDistance } from "../index/textSearch";
import { normalizeQuote } from "../text/normalize";
import type { DraftAnalysis } from "./draftAnalysis";
import type { MemoScope } from "./draftMemo";

export type QuoteVerdictKind = "exact" | "near" | "elsewhere" | "missing" | "uncited" | "skipped";

export interface QuoteVerdict {
  quote: DraftQuote;
  index: number;
  kind: QuoteKind;
  /** Canonical speaker the draft gives, if its grammar names one. */
  draftSpeaker: string | null;
  verdict: QuoteVerdictKind;
  /** Known keys cited in the quote's sentence. */
  cited: string[];
  /** Matches backing the verdict (in cited sources for exact/near, elsewhere for elsewhere/uncited). */
  matches: NearMatch[];
}

/**
 * A match; for a near match, `phrase` is the source's words on phrase boundaries that a fix may
 * write back (see `phraseMatch`), or null when there are none close enough.
 */
export interface NearMatch extends SourceMatch {
  phrase?: SourceMatch | null;
}

/** Near matches must keep at least this share of the quote's characters. */
export const NEAR_SIMILARITY = 0.7;
/**
 * A looser floor for short quotes whose first and last words match a source quote's exactly
 * (「合意への一歩」 against 「合意に向けた一歩」): a reworded middle is still a misquote of
 * that quote, not an invented one.
 */
export const LOOSE_SIMILARITY = 0.5;
const ANCHOR = 2;

/**
 * The source quote a loose match falls in, when the draft quote keeps its first and last words and
 * most of its characters: the match is then widened to that whole quote, so the fix offers it.
 */
function anchoredInQuote(index: CorpusIndex, m: SourceMatch, normalized: string): SourceMatch | null {
  if (normalized.length < ANCHOR * 2 + 1) return null;
  const unit = m.source.quotes.find((q) => q.start < m.span.end && m.span.start < q.end);
  if (!unit) return null;
  const words = normalizeQuote(unit.text);
  if (!words.startsWith(normalized.slice(0, ANCHOR)) || !words.endsWith(normalized.slice(-ANCHOR))) return null;
  const distance = editDistance(normalized, words);
  const similarity = 1 - distance / Math.max(normalized.length, words.length);
  if (similarity < LOOSE_SIMILARITY) return null;
  const sentence = m.source.sentences.findIndex((x) => x.start <= unit.start && unit.start < x.end);
  return { source: m.source, span: { start: unit.start, end: unit.end }, text: unit.text, sentence: Math.max(0, sentence), distance, similarity };
}

/** Marks that end a phrase inside a quote: sentence stops and commas (full and half width). */
const PHRASE_END = /[。．！？!?、，,\n]/u;

/**
 * The source's words for a near match, on phrase boundaries. An edit-distance alignment can start
 * or end mid-phrase (after a clause the writer dropped, or one character short of the quote's end),
 * and those words, written back by the quick fix, would corrupt the quote. The candidates start and
 * end at phrase boundaries near the alignment's ends — the edges of the source quote holding the
 * match (else of its sentence), sentence stops and commas inside it — and the one kept loses the
 * fewest of the writer's characters and then adds the fewest. Returns null when none keeps most of
 * what the writer wrote and is close enough to be the quote they meant: no fix then.
 */
export function phraseMatch(m: SourceMatch, normalized: string): SourceMatch | null {
  const text = m.source.text;
  const unit = m.source.quotes.find((q) => q.start < m.span.end && m.span.start < q.end);
  const sentence = m.source.sentences[m.sentence];
  const lo = unit ? unit.start : sentence ? sentence.start : m.span.start;
  const hi = unit ? unit.end : sentence ? sentence.end : m.span.end;
  const start = Math.max(lo, Math.min(m.span.start, hi));
  const end = Math.min(hi, Math.max(m.span.end, start));
  const isStart = (i: number) => i === lo || (i > lo && PHRASE_END.test(text[i - 1]));
  const isEnd = (i: number) => i === hi || (i < hi && PHRASE_END.test(text[i]));
  const skipSpace = (i: number) => {
    while (i < hi && /\s/u.test(text[i])) i++;
    return i;
  };
  /** Up to `n` boundaries on each side of `at` (and the region's edge). */
  const near = (at: number, test: (i: number) => boolean, edge: number, n = 2): Set<number> => {
    const out = new Set<number>([edge]);
    for (let i = at, k = 0; i >= lo && k < n; i--) if (test(i)) (out.add(i), k++);
    for (let i = at, k = 0; i <= hi && k < n; i++) if (test(i)) (out.add(i), k++);
    return out;
  };
  let best: (SourceMatch & { score: number; kept: number }) | null = null;
  for (const a0 of near(start, isStart, lo)) {
    const a = skipSpace(a0);
    for (const b of near(end, isEnd, hi)) {
      if (b <= a) continue;
      const words = text.slice(a, b);
      const norm = normalizeQuote(words);
      let kept = 0;
      for (const r of diffChars(normalized, norm)) if (r.kind === "equal") kept += r.text.length;
      const dropped = normalized.length - kept;
      const distance = editDistance(normalized, norm);
      const score = 2 * dropped + (norm.length - kept);
      if (!best || score < best.score || (score === best.score && distance < best.distance)) {
        const similarity = 1 - distance / Math.max(normalized.length, norm.length, 1);
        best = { source: m.source, span: { start: a, end: b }, text: words, sentence: m.sentence, distance, similarity, score, kept };
      }
    }
  }
  if (!best || best.kept < 0.7 * normalized.length || best.similarity < LOOSE_SIMILARITY) return null;
  const { score: _score, kept: _kept, ...match } = best;
  return match;
}

/** An uncited quote is only worth a note when it is speech (in the draft or the source) or this long. */
const UNCITED_MIN_LENGTH = 12;
/** Quotes shorter than this (normalised) are never looked up: single characters, symbols. */
const MIN_QUOTE_LENGTH = 2;

/** Ellipses a writer uses to elide part of a quote; each piece must then be found in order. */
const ELISION = /…+|\.{3,}|‥+|（中略）|\(中略\)|〔中略〕|\[中略\]/;

function findExactWithElision(index: CorpusIndex, text: string, keys?: string[]): SourceMatch[] {
  const pieces = text.split(ELISION).map(normalizeQuote).filter((p) => p.length > 0);
  if (pieces.length === 0) return [];
  if (pieces.length === 1) return index.findExact(pieces[0], keys);
  // Every piece must occur, in order, in one source.
  const first = index.findExact(pieces[0], keys);
  return first.filter((m) => {
    const key = m.source.meta.key;
    let from = m.span.end;
    for (const piece of pieces.slice(1)) {
      const next = index.findExact(piece, [key]).find((x) => x.span.start >= from);
      if (!next) return false;
      from = next.span.end;
    }
    return true;
  });
}

const HALF_WIDTH_KANA = /[\uff66-\uff9f]/;

/** Katakana as hiragana (ヴ and the small ヵヶ have no hiragana of their own and stay). */
function foldKana(s: string): string {
  return s.replace(/[\u30a1-\u30f4]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/**
 * A source written in half-width katakana (legacy systems, ｽﾏｰﾄﾌｫﾝﾃﾞ ｹﾝｻｸ) has no hiragana to
 * write: a quote that transcribes it with hiragana (スマートフォンで) has the same words.
 */
function sameWordsInKana(normalized: string, m: SourceMatch): boolean {
  const original = m.source.text.slice(m.span.start, m.span.end);
  if (!HALF_WIDTH_KANA.test(original)) return false;
  return foldKana(normalizeQuote(original)).includes(foldKana(normalized)) || foldKana(normalized) === foldKana(normalizeQuote(m.text));
}

/**
 * Every quote's verdict. With a draft memo, a quote whose words, kind and cited keys are those of the
 * previous check keeps its verdict (the corpus lookups behind it are not repeated).
 */
export function quoteVerdicts(analysis: DraftAnalysis, index: CorpusIndex, memo?: MemoScope): QuoteVerdict[] {
  return analysis.draft.quotes.map((_, i) => quoteVerdict(analysis, index, i, memo));
}

/** The verdict of the draft's quote `i` (the server judges them one at a time, yielding between). */
export function quoteVerdict(analysis: DraftAnalysis, index: CorpusIndex, i: number, memo?: MemoScope): QuoteVerdict {
  const { draft } = analysis;
  const quote = draft.quotes[i];
  const { kind, speaker } = analysis.quotes[i];
  const sentence = draft.sentences[quote.sentence];
  const keys = sentence ? sentence.citations.flatMap((c) => draft.citations[c].items.map((it) => it.key)) : [];
  const cited = [...new Set(keys.filter((k) => index.has(k)))];
  const base = { quote, index: i, kind, draftSpeaker: speaker, cited };
  const judge = () => judgeQuote(quote.text, kind, keys.length > 0, cited, index);
  const found = memo ? memo.get(`verdict\u0000${kind}\u0000${keys.length > 0}\u0000${cited.join("\u0000")}\u0000\u0001${quote.text}`, judge) : judge();
  return { ...base, ...found };
}

/** A quote's verdict and the matches behind it, from its words, its kind and the known keys its sentence cites. */
function judgeQuote(text: string, kind: QuoteKind, citesAny: boolean, cited: string[], index: CorpusIndex): Pick<QuoteVerdict, "verdict" | "matches"> {
  const normalized = normalizeQuote(text);
  if (normalized.length < MIN_QUOTE_LENGTH) return { verdict: "skipped", matches: [] };

  if (!citesAny) {
    const found = findExactWithElision(index, text);
    // A scare quote of a short term the corpus happens to use is the writer's own word choice;
    // someone's words, or a long passage, needs its source.
    const worthIt = found.filter((m) => kind === "speech" || normalized.length >= UNCITED_MIN_LENGTH || index.quoteAt(m.source, m.span)?.kind === "speech");
    return { verdict: worthIt.length ? "uncited" : "skipped", matches: worthIt };
  }
  // Citations whose keys are all unknown: `unknown-source` says it; the quote cannot be judged.
  if (cited.length === 0) return { verdict: "skipped", matches: [] };

  const exact = findExactWithElision(index, text, cited);
  if (exact.length) return { verdict: "exact", matches: exact };

  const others = index.keys().filter((k) => !cited.includes(k));
  const exactElsewhere = others.length ? findExactWithElision(index, text, others) : [];
  if (exactElsewhere.length) return { verdict: "elsewhere", matches: exactElsewhere };

  const near = index
    .findNear(normalized, LOOSE_SIMILARITY, cited)
    .map((m) => (m.similarity >= NEAR_SIMILARITY ? m : anchoredInQuote(index, m, normalized)))
    .filter((m): m is SourceMatch => m !== null);
  const transcribed = near.filter((m) => sameWordsInKana(normalized, m));
  if (transcribed.length) return { verdict: "exact", matches: transcribed };
  if (near.length) return { verdict: "near", matches: near.map((m) => ({ ...m, phrase: phraseMatch(m, normalized) })) };

  const nearElsewhere = others.length ? index.findNear(normalized, Math.max(NEAR_SIMILARITY, 0.85), others) : [];
  if (nearElsewhere.length) return { verdict: "elsewhere", matches: nearElsewhere };

  return { verdict: "missing", matches: [] };
}
