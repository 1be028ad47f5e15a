/**
 * Claim alignment: each draft sentence that cites a known source is aligned with the passage (one to
 * three consecutive sentences) of the cited source(s) it most resembles, and its dates, numbers and
 * entities are paired with the passage's by their surrounding words. The claim rules
 * (dateMismatch, numberMismatch, entityMismatch, sourcesDisagree, secondarySource) read the result.
 *
 * A mention is only called different when the passage covers the sentence well AND a mention of
 * the same kind sits in the same slot — the same words on its left or right, or the only one of its
 * kind that plays the same part. Coverage counts the draft's character bigrams found in the passage,
 * each weighted by its rarity in the corpus, leaving out digits and the words of the mentions being
 * checked: a paraphrase keeps the rare words (names, topic nouns) and rewords the common ones, and a
 * changed name or number must not make its own passage look unrelated. That keeps paraphrases of
 * what the source says checkable and sentences about things it does not cover quiet.
 */
import type { CorpusIndex } from "../index/corpusIndex";
import { bigrams, editDistance } from "../index/textSearch";
import type { DateMention, EntityMention, IndexedSource, NumberMention, PartialDate, Span } from "../model";
import { PERSON_TITLES } from "../text/entities";
import { normalizeForMatch } from "../text/normalize";
import type { DraftAnalysis, PlainMention } from "./draftAnalysis";
import type { MemoScope } from "./draftMemo";

export interface AlignedPassage {
  source: IndexedSource;
  first: number;
  last: number;
  span: Span;
  /** Share of the draft sentence's content bigrams found in the passage (0–1). */
  coverage: number;
}

export type MentionKind = "date" | "number" | "entity";

/**
 * The title of a work — a film, programme, song, book, product — as a term quote in 『』 or 「」:
 * compared like a name (the award went to 『夜明けの港』, not 『風の手紙』). The span and `text`
 * include the marks, so the words around it are the sentence's and a fix keeps the title quoted;
 * `canonical` is the title alone, normalised.
 */
export interface WorkMention extends Span {
  text: string;
  type: "work";
  canonical: string;
}

/** What the name rules compare: people, places, organisations and titles of works. */
export type NameMention = EntityMention | WorkMention;

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
  entities: MentionPair<NameMention>[];
}

/** Passages must cover at least this (rarity-weighted) share of the sentence before any claim is compared. */
export const MIN_COVERAGE = 0.4;
/** Shared characters around two mentions that make them the same slot. */
export const MIN_CONTEXT = 3;
const CONTEXT_CHARS = 6;

function contentBigrams(s: string): Set<string> {
  return new Set(bigrams(normalizeForMatch(s)));
}

const hasDigit = (b: string) => /[0-9]/.test(b);

/**
 * What a draft sentence is matched by: all its bigrams (for ranking: a passage with the same dates
 * and numbers is the better match); its content bigrams, each weighted by how rare it is in the
 * corpus; and its evidence-only bigrams — digits, and the words of the mentions being checked — which
 * count when the passage has them and are left out when it does not. A paraphrase keeps the rare
 * words (names, topic nouns) and rewords the common ones; the same number or name is evidence that
 * a passage holds the claim, while a changed one must not make that passage look unrelated.
 */
interface DraftTerms {
  all: Set<string>;
  content: Map<string, number>;
  contentTotal: number;
  evidence: Map<string, number>;
}

function draftTerms(plain: string, masked: Span[], index: CorpusIndex): DraftTerms {
  const all = contentBigrams(plain);
  let maskedPlain = plain;
  if (masked.length) {
    // Offsets are UTF-16 code units; a punctuation mark in their place breaks every bigram they touch.
    const units = plain.split("");
    for (const m of masked) for (let i = Math.max(0, m.start); i < Math.min(units.length, m.end); i++) units[i] = "、";
    maskedPlain = units.join("");
  }
  const content = new Map<string, number>();
  let contentTotal = 0;
  for (const b of contentBigrams(maskedPlain)) {
    if (hasDigit(b)) continue;
    const w = index.bigramWeight(b);
    content.set(b, w);
    contentTotal += w;
  }
  const evidence = new Map<string, number>();
  for (const b of all) if (!content.has(b)) evidence.set(b, index.bigramWeight(b));
  return { all, content, contentTotal, evidence };
}

/**
 * Share of the draft found in the passage: `ranking` over all bigrams, `content` the weighted share
 * of its content bigrams, with the evidence-only bigrams the passage has (see `DraftTerms`).
 */
function coverage(draft: DraftTerms, passage: string): { ranking: number; content: number } {
  if (draft.all.size === 0) return { ranking: 0, content: 0 };
  const p = contentBigrams(passage);
  let all = 0;
  for (const b of draft.all) if (p.has(b)) all++;
  let content = 0;
  for (const [b, w] of draft.content) if (p.has(b)) content += w;
  let evidence = 0;
  for (const [b, w] of draft.evidence) if (p.has(b)) evidence += w;
  const total = draft.contentTotal + evidence;
  return { ranking: all / draft.all.size, content: total ? (content + evidence) / total : 0 };
}

const WINDOW_PENALTY = 0.04;
const PARAGRAPH_PENALTY = 0.08;

/**
 * Candidate passages of the cited sources for a draft sentence, best first: windows of one to three
 * consecutive sentences around the BM25 hits, scored by bigram coverage of the draft sentence.
 * `masked` (offsets in `plain`) are the mentions being checked, left out of the content coverage.
 */
export function candidatePassages(plain: string, cited: string[], index: CorpusIndex, masked: Span[] = [], draftMemo?: MemoScope): AlignedPassage[] {
  const key = `${plain}\u0000${cited.join("\u0000")}\u0000${masked.map((m) => `${m.start}-${m.end}`).join(",")}`;
  // In the draft's own memo (an open document's): re-checking an edited draft re-aligns only changed sentences.
  if (draftMemo) return draftMemo.get(`passages\u0000${key}`, () => candidatePassagesUncached(plain, cited, index, masked)).map((p) => ({ ...p }));
  // Else memoised per (immutable) index, bounded (hover, one-off checks).
  let memo = passageMemo.get(index);
  if (!memo) passageMemo.set(index, (memo = new Map()));
  let hit = memo.get(key);
  if (!hit) {
    if (memo.size >= 20_000) memo.clear();
    memo.set(key, (hit = candidatePassagesUncached(plain, cited, index, masked)));
  }
  return hit.map((p) => ({ ...p }));
}

const passageMemo = new WeakMap<CorpusIndex, Map<string, AlignedPassage[]>>();

function candidatePassagesUncached(plain: string, cited: string[], index: CorpusIndex, masked: Span[]): AlignedPassage[] {
  const terms = draftTerms(plain, masked, index);
  if ([...terms.all].filter((b) => !hasDigit(b)).length < 4 || terms.content.size < 2) return [];
  const hits = index.similarSentences(plain, 12, cited);
  const seen = new Set<string>();
  const out: (AlignedPassage & { rank: number })[] = [];
  for (const hit of hits) {
    const n = hit.source.sentences.length;
    for (const [a, b] of [
      [hit.index, hit.index],
      [hit.index - 1, hit.index],
      [hit.index, hit.index + 1],
      [hit.index - 1, hit.index + 1],
    ]) {
      if (a < 0 || b >= n) continue;
      const id = `${hit.source.meta.key}:${a}:${b}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const span = { start: hit.source.sentences[a].start, end: hit.source.sentences[b].end };
      const text = hit.source.sentences.slice(a, b + 1).map((s) => s.text).join("");
      const c = coverage(terms, text);
      // A longer window must earn its place: a small penalty per extra sentence breaks near-ties.
      // A window crossing into another paragraph pays more: it is usually another statement.
      const paragraphs = hit.source.sentences[b].paragraph - hit.source.sentences[a].paragraph;
      out.push({ source: hit.source, first: a, last: b, span, coverage: c.content, rank: c.ranking - WINDOW_PENALTY * (b - a) - PARAGRAPH_PENALTY * paragraphs });
    }
  }
  return out.sort((x, y) => y.rank - x.rank).map(({ rank: _rank, ...p }) => p);
}

/** Aligns a draft sentence with the best passage of the cited sources. */
export function alignSentence(plain: string, cited: string[], index: CorpusIndex): AlignedPassage | null {
  return candidatePassages(plain, cited, index)[0] ?? null;
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

/**
 * The words on each side of a mention. Digits are masked: the slot of `1200` in `1920×1200ドット` is the
 * same as that of `1500` in `2400×1500ドット`, whatever the neighbouring number says.
 */
function contextOf(text: string, start: number, end: number, lo: number, hi: number): { left: string; right: string } {
  const mask = (s: string) => normalizeForMatch(s).replace(/[0-9]/g, "0");
  const left = mask(text.slice(Math.max(lo, start - CONTEXT_CHARS * 2), start)).slice(-CONTEXT_CHARS);
  const right = mask(text.slice(end, Math.min(hi, end + CONTEXT_CHARS * 2))).slice(0, CONTEXT_CHARS);
  return { left, right };
}

function contextScore(a: { left: string; right: string }, b: { left: string; right: string }): number {
  return commonSuffix(a.left, b.left) + commonPrefix(a.right, b.right);
}

/** Characters on each side of a mention whose bigrams make up its neighbourhood. */
const WINDOW_CHARS = 10;
/** Shared neighbourhood bigrams that make a slot, and the lead over the runner-up it needs. */
const WINDOW_MIN_SHARED = 3;
const WINDOW_MARGIN = 2;

/** Content bigrams within `WINDOW_CHARS` on each side of a mention (digits masked, the mention left out). */
function windowBigrams(text: string, start: number, end: number, lo: number, hi: number): Set<string> {
  const mask = (x: string) => normalizeForMatch(x).replace(/[0-9]/g, "0");
  const left = mask(text.slice(Math.max(lo, start - WINDOW_CHARS), start));
  const right = mask(text.slice(end, Math.min(hi, end + WINDOW_CHARS)));
  return new Set([...bigrams(left), ...bigrams(right)].filter((b) => !/^0+$/.test(b)));
}

/** Particles, marks and prefixes that may stand between a measured word and its value (は, の, 約, 全). */
const BEFORE_VALUE = /(?:[はがもので、，：:・\s\u3000（(]|約|およそ|全|計|各|最大|最小|合計|総)+$/u;
/** The word a value is of: the run of kanji or katakana (2–6) right before it, past particles and prefixes (null when none). */
function attributeBefore(text: string, start: number, lo: number): string | null {
  const left = normalizeForMatch(text.slice(Math.max(lo, start - 16), start));
  const trimmed = left.replace(BEFORE_VALUE, "");
  // (高さ, 長さ, 重さ: a measure named by an adjective's noun form.)
  const m = /(?:[\p{Script=Han}\p{Script=Katakana}ー]{2,6}|\p{Script=Han}{1,3}さ)$/u.exec(trimmed);
  return m ? m[0] : null;
}

function sharedCount(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n;
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

/** Person titles that may follow a name: skipped so the words after the title are compared. */
const TITLE_RUN = new RegExp(`^[\\p{Script=Han}\\p{Script=Katakana}ー]{0,8}(?:${PERSON_TITLES.join("|")})`, "u");

function rightEdge(text: string, end: number, hi: number, skipTitle: boolean): number {
  if (!skipTitle) return end;
  const m = TITLE_RUN.exec(text.slice(end, Math.min(hi, end + 16)));
  return m ? end + m[0].length : end;
}

interface PairRules<T> {
  kind: MentionKind;
  /** Could the two be about the same slot at all (same counter, comparable dates, same entity type)? */
  comparable: (d: T, s: T) => boolean;
  equal: (d: T, s: T) => boolean;
  /** May a differing passage mention be excluded from competing (it is named in the draft too)? */
  competes?: (s: T) => boolean;
  /**
   * Only mentions from a window sentence that itself covers the draft sentence compete (names: a
   * window may pull in the next paragraph's `Xによると` for a shared phrase; numbers and dates of a
   * merged pair of bullets must still be compared).
   */
  ownSentence?: boolean;
  /** Compare the words after a person's title rather than the title itself. */
  skipTitle?: (m: T) => boolean;
  /**
   * When the draft sentence has a single mention of this class and the passage a single comparable
   * one that plays the same part (`sameRole`), they are the same slot even if the sentence was
   * rephrased around it (`- 6月2日：…と警告` against `…は6月1日、…と警告した`). Needs a passage
   * that covers the sentence well.
   */
  sameRole?: (d: T, s: T, source: IndexedSource, at: PlainMention<T>) => boolean;
  /**
   * Whether the words near the slot may settle it when the words right next to it differ. Right for
   * dates and numbers; names are too often surrounded by the same words as other names.
   */
  byNeighbourhood?: boolean;
  /** For the neighbourhood rule: could the draft mention and this one fill the same kind of slot? */
  sameKindOfSlot?: (plain: string, d: PlainMention<T>, source: IndexedSource, s: T) => boolean;
  /** True when the draft's words appear in the passage though the analysis did not tag them. */
  presentInText?: (d: T, passageText: string) => boolean;
}

/** A source sentence stating the draft's very date or number must cover this much of the claim to support it. */
const STATED_RELEVANCE = 0.25;
/** A sentence of a window must cover this much of the draft sentence for its mentions to compete. */
const RELEVANT_SENTENCE = 0.4;

/** Passages must cover this much of a sentence for the single-mention rule. */
export const SINGLE_SLOT_COVERAGE = 0.45;
/** A slot match this strong overrides the draft's name appearing elsewhere in the passage. */
const STRONG_CONTEXT = MIN_CONTEXT + 2;

function pairMention<T extends Span>(
  rules: PairRules<T>,
  sentence: number,
  plain: string,
  d: PlainMention<T>,
  sameClassInDraft: number,
  passages: AlignedPassage[],
  mentionsOf: (source: IndexedSource) => T[],
  terms: DraftTerms,
): MentionPair<T> {
  const none: MentionPair<T> = { kind: rules.kind, sentence, draft: d, source: null, agrees: false, context: 0 };
  for (const passage of passages) {
    const source = passage.source;
    const relevant = (offset: number): boolean => {
      if (passage.first === passage.last) return true;
      const k = source.sentences.findIndex((x, i) => i >= passage.first && i <= passage.last && x.start <= offset && offset < x.end);
      return k < 0 || coverage(terms, source.sentences[k].text).content >= RELEVANT_SENTENCE;
    };
    const inPassage = mentionsOf(source).filter((m) => m.start >= passage.span.start && m.end <= passage.span.end);
    const candidates = inPassage.filter((s) => rules.comparable(d.mention, s));
    if (candidates.length === 0) continue; // this passage says nothing about the slot; try the next
    if (candidates.some((s) => rules.equal(d.mention, s))) return { ...none, agrees: true };
    // A differing mention from a sentence that is not itself about the claim competes only when its
    // slot is unmistakable (the same words on one side for several characters).
    const competitors = candidates.filter((s) => !rules.competes || rules.competes(s));
    const skipD = rules.skipTitle?.(d.mention) ?? false;
    const dc = contextOf(plain, d.start, rightEdge(plain, d.end, plain.length, skipD), 0, plain.length);
    let best: T | null = null;
    let bestScore = 0;
    for (const s of competitors) {
      const end = rightEdge(source.text, s.end, passage.span.end, rules.skipTitle?.(s) ?? false);
      const score = contextScore(dc, contextOf(source.text, s.start, end, passage.span.start, passage.span.end));
      if (rules.ownSentence && score < STRONG_CONTEXT && !relevant(s.start)) continue;
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    const passageText = normalizeForMatch(source.text.slice(passage.span.start, passage.span.end));
    if (rules.presentInText?.(d.mention, passageText) && bestScore < STRONG_CONTEXT) return { ...none, agrees: true };
    // What the value is of, said right before it (高さ70ミリ / 高さは65ミリ, 会期は…): the one competitor
    // measuring the same thing holds the slot, whatever particle or prefix stands between.
    const attribute = rules.byNeighbourhood ? attributeBefore(plain, d.start, 0) : null;
    if (attribute && bestScore < STRONG_CONTEXT) {
      const same = competitors.filter((s) => (!rules.ownSentence || relevant(s.start)) && attributeBefore(source.text, s.start, passage.span.start) === attribute);
      if (same.length === 1) return { ...none, source: same[0], context: MIN_CONTEXT };
    }
    if (best && bestScore >= MIN_CONTEXT) return { ...none, source: best, context: bestScore };
    // A reworded sentence keeps the words around the slot but not always right next to it
    // (`5月10日に使われた練習場は` / `5月9日の練習場は`): the one competitor that shares clearly
    // more of the nearby words than any other holds the slot.
    const around = windowBigrams(plain, d.start, d.end, 0, plain.length);
    const byWindow = (rules.byNeighbourhood ? competitors : [])
      .filter((s) => (!rules.ownSentence || relevant(s.start)) && (!rules.sameKindOfSlot || rules.sameKindOfSlot(plain, d, source, s)))
      .map((s) => ({ s, shared: sharedCount(around, windowBigrams(source.text, s.start, s.end, passage.span.start, passage.span.end)) }))
      .sort((x, y) => y.shared - x.shared);
    if (byWindow.length && byWindow[0].shared >= WINDOW_MIN_SHARED && (byWindow.length === 1 || byWindow[0].shared - byWindow[1].shared >= WINDOW_MARGIN)) {
      return { ...none, source: byWindow[0].s, context: MIN_CONTEXT };
    }
    if (rules.sameRole && sameClassInDraft === 1 && passage.coverage >= SINGLE_SLOT_COVERAGE) {
      const sameRole = competitors.filter((s) => (!rules.ownSentence || relevant(s.start)) && rules.sameRole!(d.mention, s, source, d));
      if (sameRole.length === 1) return { ...none, source: sameRole[0], context: MIN_CONTEXT };
    }
    // Nothing decided here: a slightly weaker passage may still hold the slot (a dated caption
    // beside an undated body sentence).
  }
  return none;
}

/** Titles are short; a longer term quote is a phrase, not a name. */
const MAX_TITLE = 30;

/** The draft sentence's term quotes in 『』 or 「」, as works at their plain offsets. */
function draftWorks(analysis: DraftAnalysis, sentenceIndex: number): PlainMention<WorkMention>[] {
  const sentence = analysis.draft.sentences[sentenceIndex];
  const out: PlainMention<WorkMention>[] = [];
  for (const qi of sentence.quotes) {
    const q = analysis.draft.quotes[qi];
    if (analysis.quotes[qi]?.kind !== "term" || (q.mark !== "『" && q.mark !== "「")) continue;
    const canonical = normalizeForMatch(q.text);
    if (canonical.length < 2 || canonical.length > MAX_TITLE) continue;
    const inner = sentence.offsets.indexOf(q.span.start);
    const close = sentence.offsets.indexOf(q.span.end, Math.max(0, inner));
    if (inner < 1 || close <= inner || close >= sentence.plain.length) continue;
    const start = inner - 1;
    const end = close + 1;
    out.push({ start, end, mention: { start, end, text: sentence.plain.slice(start, end), type: "work", canonical } });
  }
  return out;
}

/** A source's term quotes as works, once per source object. */
const worksOf = new WeakMap<IndexedSource, WorkMention[]>();
function sourceWorks(source: IndexedSource): WorkMention[] {
  let w = worksOf.get(source);
  if (!w) {
    w = source.quotes
      .filter((q) => q.kind === "term" && (q.mark === "『" || q.mark === "「"))
      .filter((q) => q.start > 0 && q.end < source.text.length)
      .map((q) => ({ start: q.start - 1, end: q.end + 1, text: source.text.slice(q.start - 1, q.end + 1), type: "work" as const, canonical: normalizeForMatch(q.text) }))
      .filter((q) => q.canonical.length >= 2 && q.canonical.length <= MAX_TITLE);
    worksOf.set(source, w);
  }
  return w;
}

/** Case particles that mark what part a name plays in its clause. */
const CASE_PARTICLE = /^[のでにがをはともへや]$/u;

/** Same part in the clause: the same case particle, or no particle on one side (a compound). */
function sameParticle(a: string, b: string): boolean {
  return !CASE_PARTICLE.test(a) || !CASE_PARTICLE.test(b) || a === b;
}

/** One name is a part of the other: a ・-separated part, or its start or end (at least two characters). */
function namePart(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length < 2 || short === long) return short === long;
  return long.split(/[・･\s]/u).includes(short) || long.startsWith(short) || long.endsWith(short);
}

/** Whether a text (normalised) names an entity in the spelling given or its cluster's display name. */
function namedIn(e: EntityMention, normalizedText: string): boolean {
  return normalizedText.includes(normalizeForMatch(e.canonical)) || normalizedText.includes(normalizeForMatch(e.text));
}

/** A source's whole text, normalised for matching, once per source object. */
const sourceTexts = new WeakMap<IndexedSource, string>();
function sourceText(source: IndexedSource): string {
  let t = sourceTexts.get(source);
  if (t === undefined) sourceTexts.set(source, (t = normalizeForMatch(source.text)));
  return t;
}

const RANGE_BOUNDARY = /^(?:以降|以来|から|まで|より|前|後|ごろ|頃)/;

/** Passages within this much coverage of the best one are consulted for a slot the best one lacks. */
const ALTERNATIVE_MARGIN = 0.15;

/** Aligns every cited sentence of the draft and pairs its mentions with the passage's. */
export function alignClaims(analysis: DraftAnalysis, index: CorpusIndex, sameEntity: (a: string, b: string) => boolean = (a, b) => a === b, memo?: MemoScope): ClaimAlignment[] {
  const out: ClaimAlignment[] = [];
  for (let i = 0; i < analysis.draft.sentences.length; i++) {
    const aligned = alignSentenceClaims(analysis, index, i, sameEntity, memo);
    if (aligned) out.push(aligned);
  }
  return out;
}

/**
 * The alignment of the draft's sentence `i` (null when it cites no known source); `alignClaims`
 * over every sentence (the server aligns them one at a time, yielding between).
 */
export function alignSentenceClaims(analysis: DraftAnalysis, index: CorpusIndex, i: number, sameEntity: (a: string, b: string) => boolean = (a, b) => a === b, memo?: MemoScope): ClaimAlignment | null {
  const { draft } = analysis;
  const sentence = draft.sentences[i];
  const keys = sentence.citations.flatMap((c) => draft.citations[c].items.map((it) => it.key));
  const cited = [...new Set(keys.filter((k) => index.has(k)))];
  if (cited.length === 0) return null;
  const m = analysis.mentions[i];
  // The words of the mentions being checked do not count towards how well a passage matches.
  const masked = [...m.dates, ...m.numbers, ...m.entities].map((x) => ({ start: x.start, end: x.end }));
  const candidates = candidatePassages(sentence.plain, cited, index, masked, memo);
  const terms = memo ? memo.get(`terms\u0000${sentence.plain}\u0000${masked.map((x) => `${x.start}-${x.end}`).join(",")}`, () => draftTerms(sentence.plain, masked, index)) : draftTerms(sentence.plain, masked, index);
  const passage = candidates[0] ?? null;
  const result: ClaimAlignment = { sentence: i, cited, passage, dates: [], numbers: [], entities: [] };
  if (!passage || passage.coverage < MIN_COVERAGE) return result;
  const floor = Math.max(MIN_COVERAGE, passage.coverage - ALTERNATIVE_MARGIN);
  const passages = candidates.filter((p) => p.coverage >= floor).slice(0, 4);
  // Mentions inside the sentence's quotes are the quote rules' business.
  const quoteRanges = sentence.quotes.map((q) => draft.quotes[q].span);
  const outsideQuotes = <T>(list: PlainMention<T>[]) =>
    list.filter((m) => {
      const at = sentence.offsets[m.start];
      return !quoteRanges.some((r) => at >= r.start && at < r.end);
    });
  const dates = outsideQuotes(m.dates);
  const numbers = outsideQuotes(m.numbers);
  const entities = outsideQuotes(m.entities);
  // A date plays the same part when it dates the same kind of event (会談, 警告, 発言…).
  const draftEventAt = (d: DateMention) => m.events.find((e) => e.mention.dateSpan.start === d.start)?.mention;
  const dateRules: PairRules<DateMention> = {
    kind: "date",
    byNeighbourhood: true,
    ownSentence: true,
    // `4月1日以降` bounds a period; it is not the date of a happening unless the draft's date bounds one too.
    sameKindOfSlot: (plain, d, source, s) => {
      const theirs = RANGE_BOUNDARY.exec(source.text.slice(s.end, s.end + 3));
      return !theirs || plain.slice(d.end, d.end + 3).startsWith(theirs[0]);
    },
    comparable: (d, s) => datesComparable(d.date, s.date),
    equal: (d, s) => datesAgree(d.date, s.date),
    sameRole: (d, s, source, at) => {
      // `4月1日以降`, `発足後`: a boundary of a period, not the date of the event itself — unless
      // the draft's date bounds it the same way (`7月1日から発売` against `6月30日からは…開始`).
      const bound = RANGE_BOUNDARY.exec(source.text.slice(s.end, s.end + 3));
      if (bound && !sentence.plain.slice(at.end, at.end + 3).startsWith(bound[0])) return false;
      const mine = draftEventAt(d);
      const theirs = source.events.find((e) => e.dateSpan.start === s.start);
      // The same kind of happening, not another one of that kind with other people taking part.
      // (A family name alone is the person its full name names: 梅谷 takes part where 梅谷真 does.)
      const shared = (p: string, q: string) => sameEntity(p, q) || p.startsWith(q) || q.startsWith(p);
      return (
        !!mine &&
        !!theirs &&
        mine.predicate === theirs.predicate &&
        (!mine.participants.length || !theirs.participants.length || mine.participants.some((p) => theirs.participants.some((q) => shared(p, q))))
      );
    },
  };
  // A value the cited source states somewhere (with at least the parts the draft gives) is not
  // called wrong: the passage the alignment found may simply not be the one the writer used.
  const citedSources = cited.map((k) => index.get(k)).filter((x): x is IndexedSource => !!x);
  // Only where the source's sentence shares some of the claim's words: the same date given to a
  // photo caption elsewhere in the article does not support it.
  const statedNear = (src: IndexedSource, x: Span) => {
    const k = src.sentences.findIndex((t) => t.start <= x.start && x.start < t.end);
    return k >= 0 && coverage(terms, src.sentences[k].text).content >= STATED_RELEVANCE;
  };
  const dateStated = (d: DateMention) =>
    citedSources.some((src) =>
      src.dates.some(
        (x) => datesAgree(d.date, x.date) && (d.date.year === null || x.date.year !== null) && (d.date.month === null || x.date.month !== null) && (d.date.day === null || x.date.day !== null) && statedNear(src, x),
      ),
    );
  const numberStated = (d: NumberMention) => citedSources.some((src) => src.numbers.some((x) => x.counter === d.counter && x.value === d.value && statedNear(src, x)));
  const unlessStated = <T extends Span>(pair: MentionPair<T>, stated: (m: T) => boolean): MentionPair<T> =>
    pair.source && !pair.agrees && stated(pair.draft.mention) ? { ...pair, source: null, context: 0 } : pair;
  result.dates = dates.map((d) => unlessStated(pairMention(dateRules, i, sentence.plain, d, dates.length, passages, (s) => s.dates, terms), dateStated));
  const numberRules: PairRules<NumberMention> = {
    kind: "number",
    byNeighbourhood: true,
    comparable: (d, s) => d.counter === s.counter,
    equal: (d, s) => d.value === s.value,
    // The same counter once on each side of a well-aligned passage is the same quantity.
    sameRole: () => true,
  };
  result.numbers = numbers.map((d) =>
    unlessStated(pairMention(numberRules, i, sentence.plain, d, numbers.filter((x) => x.mention.counter === d.mention.counter).length, passages, (s) => s.numbers, terms), numberStated),
  );
  const draftCanon = entities.map((e) => e.mention.canonical);
  const entityRules: PairRules<EntityMention> = {
    kind: "entity",
    comparable: (d, s) => d.type === s.type,
    // An organisation or place named in a longer form is the same one (WBA / ボクシング・WBA,
    // 東京 / 東京都): a part of the name stands for the whole.
    equal: (d, s) => sameEntity(d.canonical, s.canonical) || (d.type !== "person" && namePart(d.canonical, s.canonical)),
    // A passage name the draft also uses elsewhere is not a substitute for this one.
    competes: (s) => !draftCanon.some((c) => sameEntity(c, s.canonical)),
    skipTitle: (e) => e.type === "person",
    ownSentence: true,
    // The passage may spell the name in a way the analysis did not tag; its words settle it.
    presentInText: (d, text) => namedIn(d, text),
    // A name the cited source never uses, in a reworded sentence whose passage names exactly one
    // other of the same kind the draft does not name, stands in that one's place (読売新聞社に入社
    // against 朝日新聞社入社後) — when both play the same grammatical part: the same case particle
    // after them (モスクワで開催 / サンクトペテルブルクで開かれ), unless one is part of a compound.
    sameRole: (d, s, source, at) => !namedIn(d, sourceText(source)) && sameParticle(sentence.plain.charAt(at.end), source.text.charAt(s.end)),
  };
  // How many names of each kind the draft gives that no cited source uses: the single-slot rule
  // applies only when one name of its kind is unaccounted for.
  const cols = cited.map((k) => index.get(k)).filter((x): x is IndexedSource => !!x);
  const absent = entities.filter((e) => !cols.some((src) => namedIn(e.mention, sourceText(src))));
  const works = draftWorks(analysis, i);
  const draftTitles = works.map((w) => w.mention.canonical);
  // One title quoted in part, or with a slip the quote rules report, is the same title.
  const sameTitle = (a: string, b: string) =>
    a === b || (a.length >= 2 && b.length >= 2 && (a.includes(b) || b.includes(a))) || editDistance(a, b) <= Math.floor(0.3 * Math.max(a.length, b.length));
  const workRules: PairRules<WorkMention> = {
    kind: "entity",
    comparable: () => true,
    equal: (d, s) => sameTitle(d.canonical, s.canonical),
    competes: (s) => !draftTitles.some((t) => sameTitle(t, s.canonical)),
    ownSentence: true,
    presentInText: (d, text) => text.includes(d.canonical),
    sameRole: (d, s, source, at) => !sourceText(source).includes(d.canonical) && sameParticle(sentence.plain.charAt(at.end), source.text.charAt(s.end)),
  };
  const worksAbsent = works.filter((w) => !cols.some((src) => sourceText(src).includes(w.mention.canonical)));
  const workPairs = works.map((d) => pairMention(workRules, i, sentence.plain, d, worksAbsent.length, passages, sourceWorks, terms));
  result.entities = [
    ...entities.map((d) => pairMention(entityRules, i, sentence.plain, d, absent.filter((e) => e.mention.type === d.mention.type).length, passages, (s) => s.entities, terms)),
    ...workPairs,
  ];
  return result;
}
