/**
 * Lookup structures the editor features need over a corpus index, built once per index (cached in a
 * WeakMap keyed by the `CorpusIndex`, so a rebuilt corpus gets a fresh catalogue and the old one is
 * collected with its index):
 *
 * - quotes with their kana reading (kuromoji's katakana readings folded to hiragana), so typing
 *   `「けんとう` finds 「検討を重ねたい」; the same words held by many sources are one *phrase* (a newsroom
 *   archive repeats a quote across hundreds of articles), and a bigram → phrase posting list over
 *   both the text and the reading means a keystroke only verifies the phrases that share the typed
 *   text's rarest bigram; phrases carry a precomputed rank order (speech first, reported by more
 *   sources, shorter), so a request ranks a few numbers instead of sorting every matching quote;
 * - events by date, sorted once (date, key), and by participant, for completion, hover and the timeline;
 * - entity names (canonical and spellings) sorted by their folded form for prefix lookup.
 *
 * Nothing here re-tokenises per request: the tokenizer runs once per distinct quote, when the
 * catalogue is built — in the background once an index is ready (`warmCatalog`, in slices between
 * requests), or at the first request that needs it. Sources read from the index snapshot are
 * scanned without keeping their analysis in memory (`peek`).
 */
import { throwIfCancelled, type IsCancelled } from "../cancellation";
import type { CorpusIndex } from "../index/corpusIndex";
import type { EntityType, EventUnit, IndexedSource, QuoteUnit } from "../model";
import { lowerBound } from "../sortedSearch";
import { formatPartialDate } from "../text/dates";
import { normalizeForMatch } from "../text/normalize";
import type { Tokenizer } from "../text/tokenizer";
import { backgroundTurn } from "../backgroundWork";

/** Katakana → hiragana, one char for one char (ヴ and small ヵヶ included). */
export function toHiragana(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c >= 0x30a1 && c <= 0x30f6 ? String.fromCharCode(c - 0x60) : ch;
  }
  return out;
}

/** The form typed text and catalogue entries are compared in: normalised for matching, kana folded to hiragana. */
export function foldForLookup(s: string): string {
  return toHiragana(normalizeForMatch(s));
}

export interface CatalogQuote {
  id: number;
  source: IndexedSource;
  unit: QuoteUnit;
  /** `foldForLookup(text)`. */
  folded: string;
  /** The quote read in hiragana (kanji replaced by their readings). */
  reading: string;
  /** How many times the source holds these words (deduplicated entries). */
  occurrences: number;
  /** The words as every source holding them (`folded`) shares them. */
  phrase: CatalogPhrase;
}

/** Words quoted by one or more sources: the unit quote completion ranks. */
export interface CatalogPhrase {
  id: number;
  /** `foldForLookup` of the words. */
  folded: string;
  /** The words read in hiragana. */
  reading: string;
  /** A source reports the words as speech (not only as a term). */
  speech: boolean;
  /** The sources' quotes of these words: best first (speech, then by key) once `sorted`. */
  quotes: CatalogQuote[];
  sorted: boolean;
}

export interface CatalogEvent {
  source: IndexedSource;
  event: EventUnit;
  /** `formatPartialDate(event.date)`. */
  date: string;
  /** Position in `CorpusCatalog.eventsByDate` (set when the catalogue is complete). */
  rank: number;
}

export interface CatalogEntity {
  canonical: string;
  /** Spellings seen in the corpus (`ボルコフ大統領`, `ボルコフ氏`…), canonical first. */
  spellings: string[];
  type: EntityType;
  /** Mentions across the corpus. */
  count: number;
  /** Keys of the sources that mention it, in corpus order (sorted where they are shown). */
  keys: string[];
  /** `foldForLookup` of each spelling, parallel to `spellings`. */
  folded: string[];
}

export interface CorpusCatalog {
  quotes: CatalogQuote[];
  /** Distinct quoted words, by id. */
  phrases: CatalogPhrase[];
  /** Each phrase's place in the ranking when nothing tells phrases apart (index by phrase id). */
  phraseOrder: Int32Array;
  /** Phrase ids in that order. */
  phrasesRanked: Int32Array;
  /** bigram of a phrase's `folded` or `reading` → ids of phrases holding it (ascending). */
  phraseBigrams: Map<string, number[]>;
  /** single character → phrase ids, for one-character queries. */
  phraseChars: Map<string, number[]>;
  /** Every event, in corpus order. */
  events: CatalogEvent[];
  /** Every event, sorted by date, then key, then corpus order. */
  eventsByDate: CatalogEvent[];
  entities: CatalogEntity[];
  /** Events by the month-day part of their date (`03-18`), the form a writer types most; each list sorted as `eventsByDate`. */
  eventsByMonthDay: Map<string, CatalogEvent[]>;
  /** Events by the folded name of a participant, each list sorted as `eventsByDate`; `participantNames` sorted. */
  eventsByParticipant: Map<string, CatalogEvent[]>;
  participantNames: string[];
}

const builders = new WeakMap<CorpusIndex, CatalogBuilder>();

/** The catalogue of an index, built on first use (about a millisecond per quote, for its reading). */
export function catalogFor(index: CorpusIndex, tokenizer: Tokenizer): CorpusCatalog {
  return builderFor(index, tokenizer).finish();
}

/**
 * Builds an index's catalogue in the background, a slice of sources at a time between other work,
 * so the first completion finds it ready; `catalogFor` finishes what is left if asked before.
 * Resolves when the catalogue is complete (or the index is no longer wanted: `stillWanted`); waits
 * while `paused` says so.
 */
export function warmCatalog(index: CorpusIndex, tokenizer: Tokenizer, stillWanted: () => boolean = () => true, sliceMs = 15, paused: () => boolean = () => false): Promise<void> {
  const b = builderFor(index, tokenizer);
  return new Promise((resolve) => {
    const step = () => {
      if (b.done || !stillWanted()) return resolve();
      // Work the writer is waiting for (a draft's diagnostics) goes first: the catalogue waits.
      if (paused()) return void setTimeout(step, 50);
      b.step(performance.now() + sliceMs);
      void backgroundTurn().then(step);
    };
    void backgroundTurn().then(step);
  });
}

/**
 * The catalogue of an index for a request: what is left to build is built in slices that yield to
 * the event loop, so the request can be cancelled meanwhile (`Cancelled` is thrown at the next slice).
 */
export async function catalogReady(index: CorpusIndex, tokenizer: Tokenizer, isCancelled?: IsCancelled, sliceMs = 15): Promise<CorpusCatalog> {
  const b = builderFor(index, tokenizer);
  while (!b.done) {
    throwIfCancelled(isCancelled);
    b.step(performance.now() + sliceMs);
    if (!b.done) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throwIfCancelled(isCancelled);
  return b.finish();
}

/** The catalogue of an index when it is complete already, else null (nothing is built here). */
export function catalogIfReady(index: CorpusIndex): CorpusCatalog | null {
  const b = builders.get(index);
  return b?.done ? b.finish() : null;
}

function builderFor(index: CorpusIndex, tokenizer: Tokenizer): CatalogBuilder {
  let b = builders.get(index);
  if (!b) builders.set(index, (b = new CatalogBuilder(index, tokenizer)));
  return b;
}

/** `text` read in hiragana: kanji replaced by kuromoji's readings (also used for reference titles and names). */
export function readingOf(text: string, tokenizer: Tokenizer): string {
  try {
    return toHiragana(
      tokenizer
        .tokenize(normalizeForMatch(text))
        .map((t) => (t.reading && t.reading !== "*" ? t.reading : t.surface))
        .join(""),
    );
  } catch {
    return "";
  }
}

function addPosting(map: Map<string, number[]>, gram: string, id: number): void {
  let list = map.get(gram);
  if (!list) map.set(gram, (list = []));
  if (list[list.length - 1] !== id) list.push(id);
}

/** A source's units without keeping a snapshot-backed source's whole analysis in memory. */
function unitsOf(source: IndexedSource): Pick<IndexedSource, "quotes" | "entities"> {
  const peek = (source as { peek?: () => { analysis: Pick<IndexedSource, "quotes" | "entities"> } }).peek;
  return typeof peek === "function" ? peek.call(source).analysis : source;
}

/**
 * What one source adds to a catalogue, kept per source object (weakly) so that the catalogue of a
 * changed index — the same sources but the few changed ones — re-reads only those: a
 * snapshot-backed source is otherwise decoded whole again (most of a warm server's allocations).
 */
interface SourceContribution {
  /** Distinct quotes (by normalised text), in order of first occurrence. */
  quotes: { unit: QuoteUnit; folded: string; reading: string; occurrences: number }[];
  /**
   * Entities flattened, in order of first mention: canonical, type of its first mention, mentions,
   * n, then its n distinct trimmed spellings in order of first appearance.
   */
  entities: (string | number)[];
  /** The tokenizer the readings came from. */
  tokenizer: Tokenizer;
}

const contributions = new WeakMap<IndexedSource, SourceContribution>();
/** Entity names and types repeat across thousands of sources: one copy of each. */
const names = new Map<string, string>();
const intern = (s: string): string => {
  const known = names.get(s);
  if (known !== undefined) return known;
  if (names.size > 200_000) names.clear();
  names.set(s, s);
  return s;
};

function contributionOf(source: IndexedSource, tokenizer: Tokenizer): SourceContribution {
  const done = contributions.get(source);
  if (done && done.tokenizer === tokenizer) return done;
  const { quotes: units, entities } = unitsOf(source);
  const seen = new Map<string, SourceContribution["quotes"][number]>();
  const quotes: SourceContribution["quotes"] = [];
  for (const unit of units) {
    if (unit.normalized.length < 2) continue;
    const prior = seen.get(unit.normalized);
    if (prior) {
      prior.occurrences++;
      // Prefer the occurrence that names a speaker.
      if (!prior.unit.speaker && unit.speaker) prior.unit = unit;
      continue;
    }
    const q = { unit, folded: toHiragana(unit.normalized), reading: readingFor(unit.text, tokenizer), occurrences: 1 };
    seen.set(unit.normalized, q);
    quotes.push(q);
  }
  const byName = new Map<string, { type: EntityType; count: number; spellings: Set<string> }>();
  for (const m of entities) {
    let e = byName.get(m.canonical);
    if (!e) byName.set(m.canonical, (e = { type: m.type, count: 0, spellings: new Set() }));
    e.count++;
    e.spellings.add(m.text.trim());
  }
  const flat: (string | number)[] = [];
  for (const [canonical, e] of byName) flat.push(intern(canonical), intern(e.type), e.count, e.spellings.size, ...[...e.spellings].map(intern));
  const c = { quotes, entities: flat, tokenizer };
  contributions.set(source, c);
  return c;
}

/** Readings of recent quote texts, per tokenizer (the same words quoted by many sources are read once). */
const readingMemos = new WeakMap<Tokenizer, Map<string, string>>();
function readingFor(text: string, tokenizer: Tokenizer): string {
  let readings = readingMemos.get(tokenizer);
  if (!readings) readingMemos.set(tokenizer, (readings = new Map()));
  let r = readings.get(text);
  if (r === undefined) {
    if (readings.size >= 50_000) readings.clear();
    readings.set(text, (r = readingOf(text, tokenizer)));
  }
  return r;
}

/** Keys compare as citation managers list them (locale order); one collator for every comparison. */
const keyCollator = new Intl.Collator();
export const compareKeys = keyCollator.compare;

class CatalogBuilder {
  private readonly quotes: CatalogQuote[] = [];
  private readonly phrases: CatalogPhrase[] = [];
  private readonly phraseByText = new Map<string, CatalogPhrase>();
  private readonly phraseBigrams = new Map<string, number[]>();
  private readonly phraseChars = new Map<string, number[]>();
  private readonly entityMap = new Map<string, CatalogEntity & { spellingSet: Set<string>; keySet: Set<string> }>();
  private readonly events: CatalogEvent[] = [];
  private next = 0;
  private result: CorpusCatalog | undefined;

  constructor(
    private readonly index: CorpusIndex,
    private readonly tokenizer: Tokenizer,
  ) {}

  get done(): boolean {
    return this.result !== undefined;
  }

  /** Adds sources until `deadline` (performance.now()); completes the catalogue after the last. */
  step(deadline = Infinity): void {
    const sources = this.index.sources;
    while (this.next < sources.length) {
      this.add(sources[this.next++]);
      if (performance.now() >= deadline) break;
    }
    if (this.next >= sources.length && !this.result) this.complete();
  }

  finish(): CorpusCatalog {
    if (!this.result) this.step();
    return this.result!;
  }

  private add(source: IndexedSource): void {
    const c = contributionOf(source, this.tokenizer);
    for (const q of c.quotes) {
      let phrase = this.phraseByText.get(q.folded);
      if (!phrase) {
        phrase = { id: this.phrases.length, folded: q.folded, reading: q.reading, speech: false, quotes: [], sorted: true };
        this.phrases.push(phrase);
        this.phraseByText.set(q.folded, phrase);
        for (const s of [q.folded, q.reading]) {
          for (let i = 0; i + 1 < s.length; i++) addPosting(this.phraseBigrams, s.slice(i, i + 2), phrase.id);
          for (const ch of s) addPosting(this.phraseChars, ch, phrase.id);
        }
      }
      const entry: CatalogQuote = { id: this.quotes.length, source, unit: q.unit, folded: q.folded, reading: q.reading, occurrences: q.occurrences, phrase };
      this.quotes.push(entry);
      if (phrase.quotes.length) phrase.sorted = false;
      phrase.quotes.push(entry);
      if (q.unit.kind === "speech") phrase.speech = true;
    }
    for (const event of source.events) this.events.push({ source, event, date: formatPartialDate(event.date), rank: 0 });
    const ents = c.entities;
    for (let i = 0; i < ents.length; ) {
      const canonical = ents[i] as string;
      const type = ents[i + 1] as EntityType;
      const count = ents[i + 2] as number;
      const n = ents[i + 3] as number;
      let e = this.entityMap.get(canonical);
      if (!e) {
        e = { canonical, spellings: [], folded: [], type, count: 0, keys: [], spellingSet: new Set([canonical]), keySet: new Set() };
        this.entityMap.set(canonical, e);
      }
      e.count += count;
      for (let k = 0; k < n; k++) e.spellingSet.add(ents[i + 4 + k] as string);
      e.keySet.add(source.meta.key);
      i += 4 + n;
    }
  }

  private complete(): void {
    const entities: CatalogEntity[] = [...this.entityMap.values()]
      .map(({ spellingSet, keySet, ...e }) => {
        const spellings = [...spellingSet].filter((s) => s.length > 0);
        // Keys in corpus order: sorting every entity's keys (hundreds of thousands in all at 10,000
        // articles) held the thread; the one entity a completion documents sorts its own.
        return { ...e, spellings, folded: spellings.map(foldForLookup), keys: [...keySet] };
      })
      .sort((a, b) => b.count - a.count || a.canonical.localeCompare(b.canonical));
    // Phrases in the order a query ranks them when the match itself does not tell them apart:
    // speech before terms, words more sources report, shorter words (a closer completion), corpus order.
    const ranked = Int32Array.from(this.phrases, (p) => p.id).sort((a, b) => {
      const x = this.phrases[a];
      const y = this.phrases[b];
      return (x.speech ? 0 : 1) - (y.speech ? 0 : 1) || y.quotes.length - x.quotes.length || x.folded.length - y.folded.length || a - b;
    });
    const phraseOrder = new Int32Array(this.phrases.length);
    ranked.forEach((id, i) => (phraseOrder[id] = i));
    const { eventsByDate, eventsByMonthDay, eventsByParticipant, participantNames } = eventTables(this.events);
    this.result = {
      quotes: this.quotes,
      phrases: this.phrases,
      phraseOrder,
      phrasesRanked: ranked,
      phraseBigrams: this.phraseBigrams,
      phraseChars: this.phraseChars,
      events: this.events,
      eventsByDate,
      entities,
      eventsByMonthDay,
      eventsByParticipant,
      participantNames,
    };
    this.entityMap.clear();
    this.phraseByText.clear();
    readingMemos.delete(this.tokenizer);
  }
}

/** Events sorted by date then key (keys compared once per source, not once per comparison), by month-day and by participant. */
function eventTables(events: CatalogEvent[]): Pick<CorpusCatalog, "eventsByDate" | "eventsByMonthDay" | "eventsByParticipant" | "participantNames"> {
  // Order: date, then the source's key, then corpus order. Tens of thousands of events sorted with
  // a comparator took the server's thread for half a second at 10,000 articles: each event gets one
  // number instead (date rank, key rank, position), and the numbers sort natively.
  const keyRank = new Map<IndexedSource, number>();
  for (const e of events) keyRank.set(e.source, 0);
  [...keyRank.keys()].sort((a, b) => compareKeys(a.meta.key, b.meta.key)).forEach((s, i) => keyRank.set(s, i));
  const dateRank = new Map<string, number>();
  for (const e of events) dateRank.set(e.date, 0);
  [...dateRank.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).forEach((d, i) => dateRank.set(d, i));
  const n = events.length;
  const sources = keyRank.size;
  const order = new Float64Array(n);
  // Exact while dates × sources × events < 2^53 (10,000 dates × 100,000 sources × 1,000,000 events is 10^15).
  for (let i = 0; i < n; i++) order[i] = (dateRank.get(events[i].date)! * sources + keyRank.get(events[i].source)!) * n + i;
  order.sort();
  const eventsByDate = Array.from(order, (x) => events[x % n]);
  eventsByDate.forEach((e, i) => (e.rank = i));
  const eventsByMonthDay = new Map<string, CatalogEvent[]>();
  const eventsByParticipant = new Map<string, CatalogEvent[]>();
  const push = (map: Map<string, CatalogEvent[]>, k: string, e: CatalogEvent) => {
    const list = map.get(k);
    if (list) {
      if (list[list.length - 1] !== e) list.push(e);
    } else map.set(k, [e]);
  };
  // Participants repeat across events: each name is folded once.
  const folded = new Map<string, string>();
  const foldOnce = (p: string) => {
    let f = folded.get(p);
    if (f === undefined) folded.set(p, (f = foldForLookup(p)));
    return f;
  };
  for (const e of eventsByDate) {
    const { month, day } = e.event.date;
    if (month !== null && day !== null) push(eventsByMonthDay, `${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`, e);
    for (const p of e.event.participants) push(eventsByParticipant, foldOnce(p), e);
  }
  const participantNames = [...eventsByParticipant.keys()].sort();
  return { eventsByDate, eventsByMonthDay, eventsByParticipant, participantNames };
}

export interface QuoteHit {
  quote: CatalogQuote;
  /** Lower is better: 0 text prefix, 1 reading prefix, 2 text substring, 3 reading substring. */
  rank: number;
}

/** How a phrase matches the folded typed text (see `QuoteHit.rank`), or -1. */
function matchRank(p: CatalogPhrase, q: string): number {
  if (p.folded.startsWith(q)) return 0;
  if (p.reading.startsWith(q)) return 1;
  if (p.folded.includes(q)) return 2;
  if (p.reading.includes(q)) return 3;
  return -1;
}

/** The phrase's quotes, best first: speech before terms, then by key (sorted once, when first asked for). */
function quotesOf(p: CatalogPhrase): CatalogQuote[] {
  if (!p.sorted) {
    p.quotes.sort((a, b) => (a.unit.kind === "speech" ? 0 : 1) - (b.unit.kind === "speech" ? 0 : 1) || compareKeys(a.source.meta.key, b.source.meta.key) || a.id - b.id);
    p.sorted = true;
  }
  return p.quotes;
}

/** Sources of one phrase listed before the next phrase's, while other phrases match: variety first. */
export const SOURCES_PER_PHRASE = 3;

/**
 * Quotes matching what the writer typed after 「 (kanji, kana or a mix the reading covers), best
 * first, at most `limit`. Phrases rank by how they match (text prefix, reading prefix, inside),
 * then speech before terms, words reported by more sources, shorter words. Each phrase first offers
 * up to `SOURCES_PER_PHRASE` of its sources, so a quote repeated by hundreds of articles does not
 * crowd out every other; when the list has room, the other sources of the phrases of the same rank
 * follow, in the same order (so the list stays sorted by rank).
 * The work is bounded by the phrases sharing the typed text's rarest bigram, never the whole corpus.
 */
export function searchQuotes(catalog: CorpusCatalog, typed: string, limit = 50): QuoteHit[] {
  if (limit <= 0) return [];
  const q = foldForLookup(typed);
  let top: { phrase: CatalogPhrase; rank: number }[];
  if (q.length === 0) {
    top = [];
    for (let i = 0; i < catalog.phrasesRanked.length && top.length < limit; i++) top.push({ phrase: catalog.phrases[catalog.phrasesRanked[i]], rank: 0 });
  } else {
    let candidates: number[];
    if (q.length === 1) candidates = catalog.phraseChars.get(q) ?? [];
    else {
      // The rarest bigram's postings bound the candidates; `matchRank` then verifies each.
      let best: number[] | undefined;
      for (let i = 0; i + 1 < q.length; i++) {
        const list = catalog.phraseBigrams.get(q.slice(i, i + 2));
        if (!list) return [];
        if (!best || list.length < best.length) best = list;
      }
      candidates = best ?? [];
    }
    // One number per match: its rank, then the phrase's precomputed order; a numeric sort of those.
    const scale = catalog.phrases.length + 1;
    const scored = new Float64Array(candidates.length);
    let n = 0;
    for (const id of candidates) {
      const rank = matchRank(catalog.phrases[id], q);
      if (rank >= 0) scored[n++] = rank * scale + catalog.phraseOrder[id];
    }
    const sorted = scored.subarray(0, n).sort();
    top = [];
    for (let i = 0; i < sorted.length && top.length < limit; i++) {
      const rank = Math.floor(sorted[i] / scale);
      top.push({ phrase: catalog.phrases[catalog.phrasesRanked[sorted[i] - rank * scale]], rank });
    }
  }
  // Within each rank (the list stays sorted by rank): the first sources of every phrase, then the others.
  const hits: QuoteHit[] = [];
  for (let from = 0; from < top.length && hits.length < limit; ) {
    let to = from;
    while (to < top.length && top[to].rank === top[from].rank) to++;
    for (let p = from; p < to; p++) {
      const quotes = quotesOf(top[p].phrase);
      for (let i = 0; i < quotes.length && i < SOURCES_PER_PHRASE && hits.length < limit; i++) hits.push({ quote: quotes[i], rank: top[p].rank });
    }
    for (let p = from; p < to; p++) {
      const quotes = top[p].phrase.quotes;
      for (let i = SOURCES_PER_PHRASE; i < quotes.length && hits.length < limit; i++) hits.push({ quote: quotes[i], rank: top[p].rank });
    }
    from = to;
  }
  return hits;
}

/** Entities whose canonical name or a spelling starts with `typed` (folded), most mentioned first. */
export function searchEntities(catalog: CorpusCatalog, typed: string, limit = 50): CatalogEntity[] {
  const q = foldForLookup(typed);
  if (!q) return [];
  const out: CatalogEntity[] = [];
  for (const e of catalog.entities) {
    if (e.folded.some((f) => f.startsWith(q) && f !== q)) out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

/** Writer-typed month-day (`6月18日`, `6/18`, `06-18`) → `MM-DD`, or a month alone → `MM-`. */
export function monthDayKey(typed: string): string | null {
  const s = typed.normalize("NFKC");
  let m = /(?:(\d{4})[年/-])?(\d{1,2})[月/-](?:(\d{1,2})日?)?$/.exec(s);
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  const mm = String(month).padStart(2, "0");
  if (!m[3]) return `${mm}-`;
  const day = Number(m[3]);
  if (day < 1 || day > 31) return null;
  return `${mm}-${String(day).padStart(2, "0")}`;
}

/** Events on a typed date (`6月18日`) or month (`6月`), or with a participant whose name starts with `typed`; by date, then key. */
export function searchEvents(catalog: CorpusCatalog, typed: string, limit = 50): CatalogEvent[] {
  if (limit <= 0) return [];
  const md = monthDayKey(typed);
  if (md && !md.endsWith("-")) return (catalog.eventsByMonthDay.get(md) ?? []).slice(0, limit);
  const out: CatalogEvent[] = [];
  if (md) {
    const month = Number(md.slice(0, 2));
    for (const e of catalog.eventsByDate) {
      if (e.event.date.month === month) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }
  const q = foldForLookup(typed);
  if (q.length < 2) return [];
  // Participants whose folded name starts with `q`: a range of the sorted names; their events merged in date order.
  const names = catalog.participantNames;
  const lists: CatalogEvent[][] = [];
  for (let i = lowerBound(names, q); i < names.length && names[i].startsWith(q); i++) lists.push(catalog.eventsByParticipant.get(names[i])!);
  if (lists.length === 1) return lists[0].slice(0, limit);
  // The first `limit` of the merged lists are among the first `limit` of each.
  const wanted = new Set<CatalogEvent>();
  for (const list of lists) for (let i = 0; i < list.length && i < limit; i++) wanted.add(list[i]);
  return [...wanted].sort((a, b) => a.rank - b.rank).slice(0, limit);
}
