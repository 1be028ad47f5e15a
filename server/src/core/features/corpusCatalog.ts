/**
 * Lookup structures the editor features need over a corpus index, built once per index (cached in a
 * WeakMap keyed by the `CorpusIndex`, so a rebuilt corpus gets a fresh catalogue and the old one is
 * collected with its index):
 *
 * - quotes with their kana reading (kuromoji's katakana readings folded to hiragana), so typing
 *   `「けんとう` finds 「検討が必要」; a bigram → quote posting list over both the text and the reading,
 *   so a keystroke only verifies the quotes that share the typed text's rarest bigram;
 * - events by date, and every event with its source, for completion, hover and the timeline;
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
import { formatPartialDate } from "../text/dates";
import { normalizeForMatch } from "../text/normalize";
import type { Tokenizer } from "../text/tokenizer";

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
}

export interface CatalogEvent {
  source: IndexedSource;
  event: EventUnit;
  /** `formatPartialDate(event.date)`. */
  date: string;
}

export interface CatalogEntity {
  canonical: string;
  /** Spellings seen in the corpus (`プーチン大統領`, `プーチン氏`…), canonical first. */
  spellings: string[];
  type: EntityType;
  /** Mentions across the corpus. */
  count: number;
  /** Keys of the sources that mention it. */
  keys: string[];
  /** `foldForLookup` of each spelling, parallel to `spellings`. */
  folded: string[];
}

export interface CorpusCatalog {
  quotes: CatalogQuote[];
  events: CatalogEvent[];
  entities: CatalogEntity[];
  /** bigram of `folded` or `reading` → ids of quotes holding it (ascending). */
  quoteBigrams: Map<string, number[]>;
  /** single character → ids, for one-character queries. */
  quoteChars: Map<string, number[]>;
  /** Events by the month-day part of their date (`03-18`), the form a writer types most. */
  eventsByMonthDay: Map<string, CatalogEvent[]>;
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
      setImmediate(step);
    };
    setImmediate(step);
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

class CatalogBuilder {
  private readonly quotes: CatalogQuote[] = [];
  private readonly quoteBigrams = new Map<string, number[]>();
  private readonly quoteChars = new Map<string, number[]>();
  private readonly entityMap = new Map<string, CatalogEntity & { spellingSet: Set<string>; keySet: Set<string> }>();
  private readonly events: CatalogEvent[] = [];
  private readonly eventsByMonthDay = new Map<string, CatalogEvent[]>();
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
      const entry: CatalogQuote = { id: this.quotes.length, source, unit: q.unit, folded: q.folded, reading: q.reading, occurrences: q.occurrences };
      this.quotes.push(entry);
      for (const s of [q.folded, q.reading]) {
        for (let i = 0; i + 1 < s.length; i++) addPosting(this.quoteBigrams, s.slice(i, i + 2), entry.id);
        for (const ch of s) addPosting(this.quoteChars, ch, entry.id);
      }
    }
    for (const event of source.events) {
      const e: CatalogEvent = { source, event, date: formatPartialDate(event.date) };
      this.events.push(e);
      if (event.date.month !== null && event.date.day !== null) {
        const md = `${String(event.date.month).padStart(2, "0")}-${String(event.date.day).padStart(2, "0")}`;
        let list = this.eventsByMonthDay.get(md);
        if (!list) this.eventsByMonthDay.set(md, (list = []));
        list.push(e);
      }
    }
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
        return { ...e, spellings, folded: spellings.map(foldForLookup), keys: [...keySet].sort() };
      })
      .sort((a, b) => b.count - a.count || a.canonical.localeCompare(b.canonical));
    this.result = { quotes: this.quotes, events: this.events, entities, quoteBigrams: this.quoteBigrams, quoteChars: this.quoteChars, eventsByMonthDay: this.eventsByMonthDay };
    this.entityMap.clear();
    readingMemos.delete(this.tokenizer);
  }
}

export interface QuoteHit {
  quote: CatalogQuote;
  /** Lower is better: 0 text prefix, 1 reading prefix, 2 text substring, 3 reading substring. */
  rank: number;
}

/**
 * Quotes matching what the writer typed after 「 (kanji, kana or a mix the reading covers), best
 * first, at most `limit`. Speech quotes rank before terms; then quotes reported by more sources;
 * then shorter quotes (a closer completion of what is typed).
 */
export function searchQuotes(catalog: CorpusCatalog, typed: string, limit = 50): QuoteHit[] {
  const q = foldForLookup(typed);
  let candidates: Iterable<number>;
  if (q.length === 0) {
    candidates = catalog.quotes.map((x) => x.id);
  } else if (q.length === 1) {
    candidates = catalog.quoteChars.get(q) ?? [];
  } else {
    // The rarest bigram's postings bound the candidates; `includes` then verifies each.
    let best: number[] | undefined;
    for (let i = 0; i + 1 < q.length; i++) {
      const list = catalog.quoteBigrams.get(q.slice(i, i + 2));
      if (!list) return [];
      if (!best || list.length < best.length) best = list;
    }
    candidates = best ?? [];
  }
  const hits: QuoteHit[] = [];
  for (const id of candidates) {
    const quote = catalog.quotes[id];
    let rank = -1;
    if (q.length === 0) rank = 0;
    else if (quote.folded.startsWith(q)) rank = 0;
    else if (quote.reading.startsWith(q)) rank = 1;
    else if (quote.folded.includes(q)) rank = 2;
    else if (quote.reading.includes(q)) rank = 3;
    if (rank >= 0) hits.push({ quote, rank });
  }
  const reported = new Map<string, number>();
  for (const h of hits) reported.set(h.quote.folded, (reported.get(h.quote.folded) ?? 0) + 1);
  hits.sort(
    (a, b) =>
      a.rank - b.rank ||
      (a.quote.unit.kind === "speech" ? 0 : 1) - (b.quote.unit.kind === "speech" ? 0 : 1) ||
      (reported.get(b.quote.folded) ?? 0) - (reported.get(a.quote.folded) ?? 0) ||
      a.quote.folded.length - b.quote.folded.length ||
      a.quote.source.meta.key.localeCompare(b.quote.source.meta.key) ||
      a.quote.id - b.quote.id,
  );
  return hits.slice(0, limit);
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

/** Writer-typed month-day (`3月18日`, `3/18`, `03-18`) → `MM-DD`, or a month alone → `MM-`. */
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

/** Events on a typed date (`3月18日`) or month (`3月`), or with a participant whose name starts with `typed`. */
export function searchEvents(catalog: CorpusCatalog, typed: string, limit = 50): CatalogEvent[] {
  const md = monthDayKey(typed);
  let out: CatalogEvent[];
  if (md && !md.endsWith("-")) out = [...(catalog.eventsByMonthDay.get(md) ?? [])];
  else if (md) out = catalog.events.filter((e) => e.event.date.month === Number(md.slice(0, 2)));
  else {
    const q = foldForLookup(typed);
    if (q.length < 2) return [];
    out = catalog.events.filter((e) => e.event.participants.some((p) => foldForLookup(p).startsWith(q)));
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.source.meta.key.localeCompare(b.source.meta.key)).slice(0, limit);
}
