/**
 * Runs the same Japanese analysis the corpus gets over the prose of a draft, so a draft's quotes get
 * a kind (speech/term) and a speaker by the same grammar, and its sentences get dates, numbers and
 * entities to compare with the sources. The analysis sees the draft's plain text (markup and
 * citations removed, soft breaks joined), block by block, and every result is mapped back to draft
 * offsets.
 *
 * Each block is analysed with the block before it as context (a speaker named in the previous
 * paragraph carries over), and the result is memoised by those two texts: after an edit only the
 * edited block and the one after it are analysed again. Blocks are a natural unit to yield at, so
 * the language server's async variant never holds the event loop for long on a huge draft.
 */
import type { DraftSentence, ParsedDraft } from "../draft/draftModel";
import type { AnalyzedText, DateMention, EntityMention, EventUnit, NumberMention, PartialDate, QuoteKind, QuoteUnit } from "../model";
import { analyzeText } from "../text/analyze";
import { lastAtOrBefore } from "../sortedSearch";
import type { Tokenizer } from "../text/tokenizer";
import { AliasTable } from "../text/entities";
import type { MemoScope } from "./draftMemo";
import { backgroundTurn } from "../backgroundWork";

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
  /** The draft's own memo (an open document's): block analyses are reused from its previous check. */
  memo?: MemoScope;
}

/** Memoised block analyses per corpus alias table (a rebuilt corpus starts afresh). */
const blockMemo = new WeakMap<AliasTable | Tokenizer, Map<string, AnalyzedText>>();
/** The draft-side alias table per corpus table: drafts' spellings never leak into the corpus's. */
const draftAliases = new WeakMap<AliasTable, AliasTable>();
const MEMO_LIMIT = 4000;
const EMPTY: AnalyzedText = { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };

interface Block {
  /** Indexes of the draft sentences in the block, in order. */
  sentences: number[];
  /** Their plain texts joined. */
  text: string;
  /** Offset in `text` where each of those sentences starts. */
  starts: number[];
}

function blocksOf(draft: ParsedDraft): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  let lastBlock = -1;
  draft.sentences.forEach((s, i) => {
    if (!current || s.block !== lastBlock) blocks.push((current = { sentences: [], text: "", starts: [] }));
    lastBlock = s.block;
    current.sentences.push(i);
    current.starts.push(current.text.length);
    current.text += s.plain;
  });
  return blocks;
}

/** Analyses `block` with `previous` as context; results are offsets into `block.text`. */
function analyzeBlock(previous: string, block: string, options: DraftAnalysisOptions, aliases: AliasTable): AnalyzedText {
  const ref = options.reference ? `${options.reference.year}-${options.reference.month}-${options.reference.day}` : "";
  const key = `${ref}\u0000${previous}\u0000${block}`;
  if (options.memo) return options.memo.get(`block\u0000${key}`, () => analyzeBlockUncached(previous, block, options, aliases));
  // Without a draft's own memo (the CLI, one-off checks): one bounded memo per corpus alias table.
  const memoOwner = options.aliases ?? options.tokenizer;
  let memo = blockMemo.get(memoOwner);
  if (!memo) blockMemo.set(memoOwner, (memo = new Map()));
  const hit = memo.get(key);
  if (hit) {
    memo.delete(key); // most recently used last
    memo.set(key, hit);
    return hit;
  }
  const result = analyzeBlockUncached(previous, block, options, aliases);
  memo.set(key, result);
  if (memo.size > MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
  return result;
}

function analyzeBlockUncached(previous: string, block: string, options: DraftAnalysisOptions, aliases: AliasTable): AnalyzedText {
  const prefix = previous ? previous + "\n\n" : "";
  const doc = prefix + block;
  const a = analyzeText(doc, [{ start: 0, end: doc.length }], { published: options.reference ?? null, tokenizer: options.tokenizer, aliases });
  const shift = <T extends { start: number; end: number }>(list: T[]) =>
    list.filter((x) => x.start >= prefix.length).map((x) => ({ ...x, start: x.start - prefix.length, end: x.end - prefix.length }));
  const result: AnalyzedText = {
    sentences: [],
    quotes: shift(a.quotes),
    entities: shift(a.entities),
    dates: shift(a.dates),
    numbers: shift(a.numbers),
    events: a.events
      .filter((e) => e.dateSpan.start >= prefix.length)
      .map((e) => ({ ...e, start: e.start - prefix.length, end: e.end - prefix.length, dateSpan: { start: e.dateSpan.start - prefix.length, end: e.dateSpan.end - prefix.length } })),
  };
  return result;
}

/**
 * The analysis as a sequence of steps, one per block; `analyzeDraft` runs them at once,
 * `analyzeDraftAsync` yields to the event loop between them.
 */
function* analysisSteps(draft: ParsedDraft, options: DraftAnalysisOptions): Generator<void, DraftAnalysis> {
  let aliases = options.aliases ? draftAliases.get(options.aliases) : undefined;
  if (!aliases) {
    // (A copy of a real corpus's table is tens of thousands of names: made in steps, between requests.)
    const copy = options.aliases ? yield* options.aliases.copySteps() : new AliasTable();
    aliases = (options.aliases && draftAliases.get(options.aliases)) || copy;
    if (options.aliases) draftAliases.set(options.aliases, aliases);
  }
  const mentions: SentenceMentions[] = draft.sentences.map(() => ({ events: [], dates: [], numbers: [], entities: [] }));
  const quoteAt = new Map<string, QuoteUnit>(); // "sentence:plain index" of a quote's first character → analysed quote
  const blocks = blocksOf(draft);
  let previous = "";
  for (const block of blocks) {
    const a = block.text ? analyzeBlock(previous, block.text, options, aliases) : EMPTY;
    previous = block.text;
    const sentenceOf = (offset: number): number => lastAtOrBefore(block.starts, offset);
    const place = <T extends { start: number; end: number }>(list: T[], pick: (m: SentenceMentions) => PlainMention<T>[]) => {
      for (const m of list) {
        const k = sentenceOf(m.start);
        const i = block.sentences[k];
        const s: DraftSentence = draft.sentences[i];
        const start = m.start - block.starts[k];
        const end = Math.min(m.end - block.starts[k], s.plain.length);
        if (start < 0 || start >= s.plain.length) continue;
        pick(mentions[i]).push({ mention: m, start, end });
      }
    };
    place(a.dates, (m) => m.dates);
    place(a.events.map((e) => ({ ...e, start: e.dateSpan.start, end: e.dateSpan.end })), (m) => m.events);
    place(a.numbers, (m) => m.numbers);
    place(a.entities, (m) => m.entities);
    for (const q of a.quotes) {
      const k = sentenceOf(q.start);
      const at = `${block.sentences[k]}:${q.start - block.starts[k]}`;
      if (!quoteAt.has(at)) quoteAt.set(at, q);
    }
    yield;
  }
  // Draft quotes ↔ analysed quotes, by where their inner text starts.
  const quotes = draft.quotes.map((q) => {
    const offsets = draft.sentences[q.sentence]?.offsets ?? [];
    let first = 0;
    while (first < offsets.length - 1 && offsets[first] < q.span.start) first++;
    const hit = quoteAt.get(`${q.sentence}:${first}`);
    return { kind: hit?.kind ?? guessKind(q.text), speaker: hit?.speaker ?? null };
  });
  return { draft, quotes, mentions, aliases };
}

export function analyzeDraft(draft: ParsedDraft, options: DraftAnalysisOptions): DraftAnalysis {
  const steps = analysisSteps(draft, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same analysis, giving the event loop a turn every `sliceMs` of work so requests (completion,
 * hover) are answered while a long draft is analysed. `checkpoint` may throw to abandon the work.
 */
export async function analyzeDraftAsync(draft: ParsedDraft, options: DraftAnalysisOptions, sliceMs = 15, checkpoint: () => void = () => {}): Promise<DraftAnalysis> {
  const steps = analysisSteps(draft, options);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await backgroundTurn();
      checkpoint();
      sliceStart = performance.now();
    }
  }
}

/** Fallback when the analysis did not see a quote (e.g. unbalanced marks): long quotes are speech. */
function guessKind(text: string): QuoteKind {
  return text.length > 12 ? "speech" : "term";
}
