/**
 * The corpus index: every source with its analysed units, plus the lookups the rules and the editor
 * features need — exact and near quote matching over normalised text (trigram candidate filtering,
 * then `indexOf` / semi-global alignment only in candidate sources), passage retrieval (BM25 over
 * character bigrams of sentences), and key lookup with nearest-key suggestions.
 *
 * Architecture invariant: the index is immutable once built; a corpus change makes a new one. Because
 * it is immutable, lookups are memoised per index (bounded): re-checking an edited draft repeats no
 * lookup for unchanged text. A new index reuses the old one's base `Segment` (the arrays of the
 * sources that did not change) and its overlays, and builds only a small overlay segment for the
 * sources changed or added since, masking the sources they replace (`withChanges`); every lookup answers as one index
 * rebuilt over the whole corpus would (same candidates, same BM25 statistics and tie order).
 *
 * Storage is compact (10,000 articles, SPEC §7): trigram → sources postings in CSR typed arrays
 * (an open-addressing table maps each trigram to its row), BM25 postings likewise (textSearch.ts);
 * the normalised → source offset map is computed only for the sentence a match lands in. A segment
 * converts to plain arrays and back (`toData` / `Segment.fromData`) for the snapshot.
 */
import type { CorpusProblem, IndexedSource, QuoteUnit, Sentence, Span } from "../model";
import { lastAtOrBefore } from "../sortedSearch";
import { maskParentheticals, normalizeForMatch, normalizeWithMap } from "../text/normalize";
import { alignWithin, bigrams, Bm25, copyIntSteps, editDistance, type Bm25Data } from "./textSearch";

/** Where a normalised match landed in a source. */
export interface SourceMatch {
  source: IndexedSource;
  /** Span of the matched words in the source file's text. */
  span: Span;
  /** The source's exact words at `span`. */
  text: string;
  /** Index of the sentence holding the match start. */
  sentence: number;
  /** Edit distance between the normalised pattern and the normalised match (0 = exact). */
  distance: number;
  /** 1 − distance / pattern length. */
  similarity: number;
}

/** A passage: one or more consecutive sentences of a source. */
export interface Passage {
  source: IndexedSource;
  first: number;
  last: number;
  span: Span;
  score: number;
}

const SEPARATOR = "\u0001";
/** Memoised lookups kept per index before the memo is dropped and refilled. */
const MEMO_LIMIT = 20_000;

/**
 * How far a key may be from a mistyped one to be suggested for it: a third of its length, at least
 * 3 (as the reference library's suggestions).
 */
export function suggestionSlack(key: string): number {
  return Math.max(3, Math.ceil(key.length / 3));
}

/**
 * `editDistance(a, b)` when it is at most `max`, else some value above `max` (the rows stop once
 * every cell is past it).
 */
function boundedEditDistance(a: string, b: string, max: number): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > max) return max + 1;
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[n];
}

/**
 * Edit distance from a pattern of at most 31 UTF-16 units to any text, one text unit per step on
 * bit vectors (Myers 1999): the same values as `editDistance`, in a few operations per character
 * instead of a row of the table. (`max` is ignored: the value is exact.)
 */
function bitParallelDistance(pattern: string): (text: string, max: number) => number {
  const m = pattern.length;
  if (m === 0) return (text) => text.length;
  const peq = new Map<number, number>();
  for (let i = 0; i < m; i++) {
    const c = pattern.charCodeAt(i);
    peq.set(c, (peq.get(c) ?? 0) | (1 << i));
  }
  const all = m === 31 ? 0x7fffffff : (1 << m) - 1;
  const high = 1 << (m - 1);
  return (text) => {
    let pv = all;
    let mv = 0;
    let score = m;
    for (let j = 0; j < text.length; j++) {
      const eq = peq.get(text.charCodeAt(j)) ?? 0;
      const xv = eq | mv;
      const xh = ((((eq & pv) + pv) & all) ^ pv) | eq;
      let ph = mv | (~(xh | pv) & all);
      let mh = pv & xh;
      if (ph & high) score++;
      else if (mh & high) score--;
      ph = ((ph << 1) | 1) & all;
      mh = (mh << 1) & all;
      pv = mh | (~(xv | ph) & all);
      mv = ph & xv;
    }
    return score;
  };
}

function trigramCode(s: string, i: number): number {
  return s.charCodeAt(i) * 4294967296 + s.charCodeAt(i + 1) * 65536 + s.charCodeAt(i + 2);
}

/** The table slot hash of the trigram of UTF-16 units `a b c` (part of the snapshot's layout: keep it). */
function trigramHashOf(a: number, b: number, c: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0;
}

function trigramHash(s: string, i: number): number {
  return trigramHashOf(s.charCodeAt(i), s.charCodeAt(i + 1), s.charCodeAt(i + 2));
}

/** Int32 words per slot of the table a build fills: see `TrigramPostings.slots`. */
const SLOT = 4;
/**
 * Slots of the trigram table re-hashed between two yields of its growth (each a cache miss, and
 * often a page fault, in a fresh table of tens of megabytes: 2^18 of them were a 65 ms step on the
 * livedoor corpus, 2^15 still 40 ms on a loaded machine).
 */
const GROW_SLICE = 1 << 13;
/** The largest build table `expect` makes room for (2^24 slots: 256 MB, and half that for the other). */
const MAX_TABLE_LOG = 24;

/**
 * Trigram → ids of the sources containing it (ascending), exact: an open-addressing table from the
 * trigram's code to a row, rows in CSR typed arrays.
 */
export class TrigramPostings {
  private keys!: Float64Array;
  private rows!: Int32Array;
  private mask!: number;
  private count = 0;
  start: Int32Array = new Int32Array(1);
  docs: Int32Array = new Int32Array(0);

  toData(): TrigramData {
    return { keys: this.keys, rows: this.rows, count: this.count, start: this.start, docs: this.docs };
  }

  static fromData(d: TrigramData): TrigramPostings {
    const t = Object.create(TrigramPostings.prototype) as TrigramPostings;
    t.keys = d.keys;
    t.rows = d.rows;
    t.mask = d.keys.length - 1;
    t.count = d.count;
    t.start = d.start;
    t.docs = d.docs;
    t.slots = t.perDoc = t.docEnd = t.tables = null;
    t.cap = d.keys.length;
    return t;
  }

  constructor(texts: string[] = []) {
    this.mask = this.cap - 1;
    for (const t of texts) this.addDocument(t);
    if (texts.length) this.finish();
  }

  // Pass 1 state (documents added one by one, in id order), dropped by `finish`. The table is
  // built in `slots`, SLOT words a slot — the trigram's last two units, its first unit + 1 (0: empty
  // slot), its row, the last document that had it — so a trigram costs one memory line, not one per
  // array (keys, rows, last document); `finish` writes the `keys`/`rows` arrays from it. Slot
  // placement is the same hash and linear probing as `rowOf` reads, so the finished table is laid
  // out as if built in those arrays directly. `perDoc`: each document's distinct rows in order
  // (a row's document count is counted from it at `finish`: counting here, a load that waits on the
  // slot's, cost as much again as the probe; counting as each document closed cost twice the pass at
  // `finish`, the counts' lines evicted by the table's between documents).
  private cap = 1 << 16;
  private slots: Int32Array | null = new Int32Array((1 << 16) * SLOT);
  private perDoc: Int32Array | null = new Int32Array(1 << 20);
  private perDocLength = 0;
  /**
   * With `expect`: two buffers the table moves between as it doubles (one of `2^tableLog` slots,
   * one of half as many; a table of `2^k` slots goes to the first when k and tableLog have the same
   * parity), so a doubling refills pages already touched instead of faulting in a fresh table each
   * time; the one left over holds the finished keys. The table's contents are the same either way.
   */
  private tables: [Int32Array, Int32Array] | null = null;
  private tableLog = 0;
  /** Values of each of `tables` written so far (past them it is still zero: never touched). */
  private tableUsed = [0, 0];
  private docEnd: number[] | null = [];

  /** Pass 1 for the next document (ids ascending from 0). */
  addDocument(t: string): void {
    this.addPart(t, 0, t.length);
    this.endDocument();
  }

  /**
   * Pass 1 for the trigrams of the current document that start in `[from, to)` of its text `t`:
   * a huge document is added a part at a time (a thread serving requests breathes between), then
   * closed with `endDocument`.
   */
  addPart(t: string, from: number, to: number): void {
    for (let i = this.addUntilFull(t, from, to); i < to && i + 3 <= t.length; i = this.addUntilFull(t, i, to)) {
      for (const _ of this.growSteps());
    }
  }

  /**
   * `addPart` in steps: the table's doublings (a rehash of millions of slots on a real corpus) are
   * done a slice at a time, at the same places `addPart` does them (the same table results).
   */
  *addPartSteps(t: string, from: number, to: number): Generator<void> {
    for (let i = this.addUntilFull(t, from, to); i < to && i + 3 <= t.length; i = this.addUntilFull(t, i, to)) {
      yield* this.growSteps();
    }
  }

  /** Adds the trigrams starting in `[from, to)` until the table must grow first: where it stopped. */
  private addUntilFull(t: string, from: number, to: number): number {
    const end = Math.min(to, t.length - 2);
    if (from >= end) return from;
    const doc = this.docEnd!.length;
    const slots = this.slots!;
    let perDoc = this.perDoc!;
    let perDocLength = this.perDocLength;
    const mask = this.mask;
    let count = this.count;
    let a = 0;
    let b = t.charCodeAt(from);
    let c = t.charCodeAt(from + 1);
    let i = from;
    for (; i < end; i++) {
      // Doubles at 70% full, not 50%: half the slots (the finished table and the snapshot's keys and
      // rows too), and a build ~15% cheaper for fewer lines missed; probes stay short.
      if (count * 10 >= this.cap * 7) break;
      a = b;
      b = c;
      c = t.charCodeAt(i + 2);
      const low = (b << 16) | c;
      const high = a + 1;
      let s = (trigramHashOf(a, b, c) & mask) * SLOT;
      for (;;) {
        const h = slots[s + 1];
        if (h === high && slots[s] === low) {
          if (slots[s + 3] === doc) break;
          slots[s + 3] = doc;
          if (perDocLength === perDoc.length) perDoc = this.perDoc = grown(perDoc);
          perDoc[perDocLength++] = slots[s + 2];
          break;
        }
        if (h === 0) {
          const row = count++;
          slots[s] = low;
          slots[s + 1] = high;
          slots[s + 2] = row;
          slots[s + 3] = doc;
          if (perDocLength === perDoc.length) perDoc = this.perDoc = grown(perDoc);
          perDoc[perDocLength++] = row;
          break;
        }
        s = (s + SLOT) & (mask * SLOT + SLOT - 1);
      }
    }
    this.count = count;
    this.perDocLength = perDocLength;
    return i;
  }

  /**
   * Room, made in steps, for the document rows of `chars` more characters (a document has at most
   * one distinct trigram per character): the list doubling at once held a rebuilding server's
   * thread for tens of milliseconds at 10,000 articles.
   */
  *reserveSteps(chars: number): Generator<void> {
    const perDoc = this.perDoc;
    if (!perDoc || this.perDocLength + chars <= perDoc.length) return;
    const next = new Int32Array(Math.max(perDoc.length * 2, this.perDocLength + chars));
    yield* copyIntSteps(perDoc, this.perDocLength, next);
    this.perDoc = next;
  }

  /** Closes the document `addPart` added to. */
  endDocument(): void {
    this.docEnd!.push(this.perDocLength);
  }

  /**
   * Room for the document rows of `chars` characters in all, made before any is added (a cold build
   * knows its corpus's size from the walk): the list then never doubles. Fresh pages are touched
   * only as they fill, so room to spare costs address space, not memory.
   */
  expect(chars: number): void {
    if (this.perDoc && this.perDocLength === 0 && chars > this.perDoc.length) this.perDoc = new Int32Array(chars);
    if (!this.slots || this.count > 0 || this.tables) return;
    // Distinct trigrams: at most one per character; a quarter leaves room for text far more varied
    // than prose (beyond it the table grows in fresh arrays as without a hint).
    let log = 16;
    while (2 ** log <= chars / 2 && log < MAX_TABLE_LOG) log++;
    if (log <= 17) return;
    try {
      this.tables = [new Int32Array(2 ** log * SLOT), new Int32Array(2 ** (log - 1) * SLOT)];
      this.tableLog = log;
    } catch {
      // (No room for the hint: the table grows as without one.)
    }
  }

  /** Pass 2: the CSR arrays, after the last `addDocument`. */
  finish(): this {
    for (const _ of this.finishSteps());
    return this;
  }

  /** `finish` a slice of documents at a time (yields between); nothing once finished. */
  *finishSteps(): Generator<void> {
    if (!this.slots) return;
    const perDoc = this.perDoc!;
    const docEnd = this.docEnd!;
    const start = new Int32Array(this.count + 1);
    // Documents per row (in start[row + 1]), then their running sum.
    for (let k = 0; k < this.perDocLength; k++) {
      start[perDoc[k] + 1]++;
      if ((k & 0xfffff) === 0xfffff) yield;
    }
    for (let r = 0; r < this.count; r++) start[r + 1] += start[r];
    const fill = start.slice(0, this.count);
    const docs = new Int32Array(this.perDocLength);
    let k = 0;
    for (let doc = 0; doc < docEnd.length; doc++) {
      for (; k < docEnd[doc]; k++) docs[fill[perDoc[k]]++] = doc;
      if ((doc & 255) === 255) yield;
    }
    const slots = this.slots!;
    // The `expect` buffer not holding the table held the one before it: pages already touched, and
    // as many bytes as the keys (every key is written below).
    const spare = this.tables?.find((t) => t.buffer !== slots.buffer && t.byteLength >= this.cap * 8);
    const keys = spare ? new Float64Array(spare.buffer, 0, this.cap) : new Float64Array(this.cap);
    const rows = new Int32Array(this.cap);
    for (let slot = 0; slot < this.cap; slot++) {
      const s = slot * SLOT;
      const high = slots[s + 1];
      if (high === 0) keys[slot] = -1;
      else {
        const low = slots[s];
        keys[slot] = (high - 1) * 4294967296 + (low >>> 16) * 65536 + (low & 0xffff);
        rows[slot] = slots[s + 2];
      }
      if ((slot & 0xffff) === 0xffff) yield;
    }
    this.keys = keys;
    this.rows = rows;
    this.start = start;
    this.docs = docs;
    this.slots = this.perDoc = this.docEnd = this.tables = null;
  }

  /**
   * Doubles the build table, refilled in slot order (the placement `rowOf` expects), yielding every
   * `GROW_SLICE` slots (nothing reads or adds to it meanwhile: it is being built): on a real corpus's
   * million trigrams one doubling in a single block held a rebuilding server's thread ~150 ms.
   */
  private *growSteps(): Generator<void> {
    const cap = this.cap * 2;
    const old = this.slots!;
    let slots = this.tableBuffer(cap);
    if (slots) {
      const which = this.tables![0].buffer === slots.buffer ? 0 : 1;
      const dirty = Math.min(slots.length, this.tableUsed[which]);
      for (let at = 0; at < dirty; at += GROW_SLICE * SLOT * 4) {
        slots.fill(0, at, Math.min(dirty, at + GROW_SLICE * SLOT * 4));
        yield;
      }
      this.tableUsed[which] = Math.max(this.tableUsed[which], slots.length);
    } else slots = new Int32Array(cap * SLOT);
    const mask = cap - 1;
    for (let s = 0, slot = 0; s < old.length; s += SLOT, slot++) {
      if ((slot & (GROW_SLICE - 1)) === GROW_SLICE - 1) yield;
      const high = old[s + 1];
      if (high === 0) continue;
      const low = old[s];
      let h = trigramHashOf(high - 1, low >>> 16, low & 0xffff) & mask;
      while (slots[h * SLOT + 1] !== 0) h = (h + 1) & mask;
      const to = h * SLOT;
      slots[to] = low;
      slots[to + 1] = high;
      slots[to + 2] = old[s + 2];
      slots[to + 3] = old[s + 3];
    }
    this.slots = slots;
    this.mask = mask;
    this.cap = cap;
  }

  /** The part of an `expect` buffer (not the one holding the table now) for a table of `cap` slots; null when none fits. */
  private tableBuffer(cap: number): Int32Array | null {
    if (!this.tables) return null;
    const log = Math.log2(cap);
    const buf = this.tables[(this.tableLog - log) & 1];
    if (buf.length < cap * SLOT || buf.buffer === this.slots!.buffer) return null;
    return buf.subarray(0, cap * SLOT);
  }

  /** The row of the trigram at `s[i..i+3)` in the finished table; -1 when absent. */
  rowOf(s: string, i: number): number {
    const code = trigramCode(s, i);
    let h = trigramHash(s, i) & this.mask;
    for (;;) {
      const k = this.keys[h];
      if (k === code) return this.rows[h];
      if (k < 0) return -1;
      h = (h + 1) & this.mask;
    }
  }
}

function grown(a: Int32Array): Int32Array {
  const n = new Int32Array(a.length * 2);
  n.set(a);
  return n;
}

/** The trigram table as plain arrays (persisted by the index snapshot). */
export interface TrigramData {
  keys: Float64Array;
  rows: Int32Array;
  count: number;
  start: Int32Array;
  docs: Int32Array;
}

/** A segment as plain arrays (persisted by the index snapshot; see snapshot.ts). */
export interface SegmentData {
  /** Every source's normalised text, concatenated; source `i` is `norms[normStart[i] .. normStart[i + 1])`. */
  norms: string;
  normStart: Int32Array;
  /** Start in its source's normalised text of every sentence; source `i`'s are `firstSentence[i] .. firstSentence[i + 1]`. */
  sentenceStarts: Int32Array;
  /** Every sentence's `[start, end)` in its source text (end -1 when its text is not that slice). */
  sentenceSpans: Int32Array;
  firstSentence: Int32Array;
  trigrams: TrigramData;
  bm25: Bm25Data;
}

/**
 * The searchable arrays of a list of sources (local ids `0..n-1`): each source's normalised
 * sentences, trigram → source postings, and BM25 over the sentences (one document per sentence, in
 * source order). Built once from analysed sources, or restored from a snapshot without them.
 */
export class Segment {
  private constructor(
    readonly norms: string[],
    readonly sentenceStarts: Int32Array,
    readonly sentenceSpans: Int32Array,
    readonly firstSentence: Int32Array,
    readonly sentenceSource: Int32Array,
    readonly trigrams: TrigramPostings,
    readonly bm25: Bm25,
  ) {}

  get size(): number {
    return this.norms.length;
  }

  static build(sources: readonly IndexedSource[]): Segment {
    const b = new SegmentBuilder();
    for (const s of sources) b.add(s);
    return b.finish();
  }

  /** @internal (SegmentBuilder) */
  static of(
    norms: string[],
    sentenceStarts: Int32Array,
    sentenceSpans: Int32Array,
    firstSentence: Int32Array,
    sentenceSource: Int32Array,
    trigrams: TrigramPostings,
    bm25: Bm25,
  ): Segment {
    return new Segment(norms, sentenceStarts, sentenceSpans, firstSentence, sentenceSource, trigrams, bm25);
  }

  static fromData(d: SegmentData): Segment {
    const n = d.normStart.length - 1;
    const norms: string[] = new Array(n);
    for (let i = 0; i < n; i++) norms[i] = d.norms.slice(d.normStart[i], d.normStart[i + 1]);
    const sentenceSource = new Int32Array(d.sentenceStarts.length);
    for (let i = 0; i < n; i++) sentenceSource.fill(i, d.firstSentence[i], d.firstSentence[i + 1]);
    return new Segment(norms, d.sentenceStarts, d.sentenceSpans, d.firstSentence, sentenceSource, TrigramPostings.fromData(d.trigrams), Bm25.fromData(d.bm25));
  }

  toData(): SegmentData {
    const normStart = new Int32Array(this.norms.length + 1);
    for (let i = 0; i < this.norms.length; i++) normStart[i + 1] = normStart[i] + this.norms[i].length;
    return {
      norms: this.norms.join(""),
      normStart,
      sentenceStarts: this.sentenceStarts,
      sentenceSpans: this.sentenceSpans,
      firstSentence: this.firstSentence,
      trigrams: this.trigrams.toData(),
      bm25: this.bm25.toData(),
    };
  }
}

/** A growable Int32 array. */
class Ints {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const n = new Int32Array(this.data.length * 2);
      n.set(this.data);
      this.data = n;
    }
    this.data[this.length++] = v;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Builds a `Segment` one source at a time, in local id order: a cold corpus build adds each source
 * as its analysis arrives from the workers, so only the trigram table's last pass is left when the
 * last one comes in. `Segment.build` is the same over a list.
 */
/** How much of one article `SegmentBuilder.addInputSteps` adds between yields. */
const SLICE_CHARS = 32_768;
const SLICE_SENTENCES = 256;
/** The most list room `SegmentBuilder.expect` makes at once (values; 128 MB each). */
const MAX_EXPECT = 1 << 25;

export class SegmentBuilder {
  private readonly norms: string[] = [];
  private readonly sentenceStarts = new Ints();
  private readonly sentenceSpans = new Ints();
  private readonly firstSentence = new Ints();
  private readonly sentenceSource = new Ints();
  private readonly trigrams = new TrigramPostings();
  private readonly bm25 = new Bm25();
  private doc = 0;

  get size(): number {
    return this.norms.length;
  }

  /**
   * Says, before the first source, about how many characters the sources hold in all (at most, as
   * far as it is known: a cold build's file sizes): the big lists are made that long at once
   * instead of doubling (each doubling a copy into fresh pages). A hint only: more still fits.
   */
  expect(chars: number): void {
    if (this.norms.length > 0) return;
    const n = Math.min(Math.max(0, Math.floor(chars)), MAX_EXPECT);
    this.trigrams.expect(n);
    this.bm25.expect(n);
  }

  /** Adds the next source (only its text and sentences are read). */
  add(s: Pick<IndexedSource, "text" | "sentences">): void {
    this.addInput(segmentInput(s));
  }

  /** Adds the next source from its `segmentInput` (made where the source is, e.g. on a worker). */
  addInput(input: SegmentInput): void {
    for (const _ of this.addInputSteps(input));
  }

  /**
   * `addInput` in steps (yields between) for a thread that serves requests: one article of
   * 600,000 characters is seconds of trigrams and sentences, so it yields every `SLICE_CHARS`
   * characters and every `SLICE_SENTENCES` sentences; an ordinary article yields once at most.
   */
  *addInputSteps(input: SegmentInput): Generator<void> {
    const id = this.norms.length;
    const { norm, starts, spans } = input;
    // The big lists grow before this source is added, in steps (never by a doubling inside a step).
    yield* this.bm25.reserveSteps(starts.length, norm.length);
    yield* this.trigrams.reserveSteps(norm.length);
    this.firstSentence.push(this.doc);
    for (let k = 0; k < spans.length; k++) this.sentenceSpans.push(spans[k]);
    for (let k = 0; k < starts.length; k++) {
      const at = starts[k];
      this.sentenceStarts.push(at);
      this.sentenceSource.push(id);
      this.doc++;
      this.bm25.addText(norm, at, k + 1 < starts.length ? starts[k + 1] - SEPARATOR.length : norm.length);
      if (k % SLICE_SENTENCES === SLICE_SENTENCES - 1) yield;
    }
    this.norms.push(norm);
    for (let from = 0; from < norm.length; from += SLICE_CHARS) {
      yield* this.trigrams.addPartSteps(norm, from, from + SLICE_CHARS);
      if (from + SLICE_CHARS < norm.length) yield;
    }
    this.trigrams.endDocument();
  }

  /** The trigram table's last pass in slices (yields between); `finish` then has none left to do. */
  *finishSteps(): Generator<void> {
    yield* this.trigrams.finishSteps();
  }

  /**
   * `finish` for a thread that serves requests: the trigram table's last pass and the BM25
   * postings (otherwise built at the first search) in slices, `breathe` awaited between. Without
   * `postings` (nothing searches while the index is made ready: the CLI) they wait for the first search.
   */
  async finishInSlices(breathe: () => Promise<void>, postings = true): Promise<Segment> {
    for (const _ of this.trigrams.finishSteps()) await breathe();
    if (postings) await this.bm25.preparePostings(breathe);
    return this.finish();
  }

  finish(): Segment {
    this.firstSentence.push(this.doc);
    return Segment.of(
      this.norms,
      this.sentenceStarts.trimmed(),
      this.sentenceSpans.trimmed(),
      this.firstSentence.trimmed(),
      this.sentenceSource.trimmed(),
      this.trigrams.finish(),
      this.bm25,
    );
  }
}

/**
 * What a segment keeps of one source: its sentences normalised for matching and joined by the
 * separator (`norm`), where each starts in it (`starts`), and each sentence's `[start, end)` in the
 * source text, end -1 when the sentence's text is not that slice (`spans`). Pure: a worker makes it
 * beside the analysis, so the thread building the index never needs the source text.
 */
export interface SegmentInput {
  norm: string;
  starts: Int32Array;
  spans: Int32Array;
}

export function segmentInput(s: Pick<IndexedSource, "text" | "sentences">): SegmentInput {
  const text = s.text;
  const spans = new Int32Array(s.sentences.length * 2);
  const starts = new Int32Array(s.sentences.length);
  s.sentences.forEach((sentence, k) => {
    spans[2 * k] = sentence.start;
    spans[2 * k + 1] = sentence.text === text.slice(sentence.start, sentence.end) ? sentence.end : -1;
  });
  let k = 0;
  const t = normalisedText(s, false, (_, at) => (starts[k++] = at));
  return { norm: t.norm, starts, spans };
}

/**
 * A source's sentences normalised for matching (parentheticals masked) and joined by SEPARATOR;
 * with `withMap`, `map[i]` is the offset in `source.text` of the character that produced `norm[i]`.
 */
function normalisedText(source: Pick<IndexedSource, "sentences">, withMap: boolean, onSentence?: (norm: string, at: number) => void): { norm: string; map: Int32Array } {
  const parts: string[] = [];
  let length = 0;
  if (withMap) for (const sentence of source.sentences) length += sentence.text.length + 1;
  const map = new Int32Array(Math.max(0, length * 2));
  let at = 0;
  for (const sentence of source.sentences) {
    if (at > 0) {
      parts.push(SEPARATOR);
      if (withMap) map[at] = sentence.start;
      at++;
    }
    let norm: string;
    if (withMap) {
      const n = normalizeWithMap(maskParentheticals(sentence.text));
      norm = n.text;
      for (let i = 0; i < norm.length; i++) map[at + i] = sentence.start + n.map[i];
    } else norm = normalizeForMatch(maskParentheticals(sentence.text));
    onSentence?.(norm, at);
    parts.push(norm);
    at += norm.length;
  }
  return { norm: parts.join(""), map: withMap ? map.slice(0, at) : map };
}

interface SourceText {
  source: IndexedSource;
  norm: string;
  /** Start offset in `norm` of each sentence. */
  sentenceStarts: Int32Array;
}

/** A set of source ids, as the lookups read it. */
type IdSet = { has(id: number): boolean; readonly size: number; [Symbol.iterator](): Iterator<number> };

/** Every source id below `n` but a few (ascending `excluded`). */
class AllBut implements IdSet {
  private readonly out: Set<number>;
  constructor(
    private readonly n: number,
    readonly excluded: number[],
  ) {
    this.out = new Set(excluded);
  }
  has(id: number): boolean {
    return id >= 0 && id < this.n && !this.out.has(id);
  }
  get size(): number {
    return this.n - this.out.size;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let id = 0; id < this.n; id++) if (!this.out.has(id)) yield id;
  }
}

/** Where a public source id lives: segment and local id. */
interface Placement {
  seg: Uint8Array;
  local: Int32Array;
}

/** Overlay segments an index keeps before a change merges them into one. */
const MAX_OVERLAYS = 8;

export class CorpusIndex {
  readonly sources: readonly IndexedSource[];
  readonly problems: readonly CorpusProblem[];
  private readonly byKey = new Map<string, number>();
  /**
   * segments[0] is the base; the others, when present, overlays of changed and added sources (one
   * per change, merged into one past `MAX_OVERLAYS`).
   */
  private readonly segments: Segment[];
  private readonly placement: Placement;
  /** Per segment: local id → public id, -1 when the local source is masked (changed or removed). */
  private readonly localToPublic: Int32Array[];
  /** Base only, every source in place: the segment's own rankers answer directly. */
  private readonly identity: boolean;
  /** Global sentence numbering (public source order): source `id`'s sentences start at `firstSentence[id]`. */
  private readonly firstSentence: Int32Array;
  /** BM25 statistics over the live sentences of all segments. */
  private readonly stats: { docs: number; total: number; maskedDf: Map<number, number>[] };
  private readonly memo = new Map<string, unknown>();

  /**
   * Indexes analysed sources. `parts` (from `fromSegment` / `withChanges`) reuses segments already
   * built: `sources[i]` is then local source `parts.local[i]` of segment `parts.seg[i]`.
   */
  constructor(sources: IndexedSource[], problems: CorpusProblem[] = [], parts?: { segments: Segment[]; placement: Placement }) {
    this.sources = sources;
    this.problems = problems;
    if (parts) {
      this.segments = parts.segments;
      this.placement = parts.placement;
    } else {
      this.segments = [Segment.build(sources)];
      this.placement = { seg: new Uint8Array(sources.length), local: Int32Array.from(sources.keys()) };
    }
    this.localToPublic = this.segments.map((s) => new Int32Array(s.size).fill(-1));
    this.firstSentence = new Int32Array(sources.length + 1);
    let identity = this.segments.length === 1 && this.segments[0].size === sources.length;
    for (let id = 0; id < sources.length; id++) {
      const seg = this.placement.seg[id];
      const local = this.placement.local[id];
      this.localToPublic[seg][local] = id;
      if (seg !== 0 || local !== id) identity = false;
      this.byKey.set(sources[id].meta.key, id);
      const s = this.segments[seg];
      this.firstSentence[id + 1] = this.firstSentence[id] + (s.firstSentence[local + 1] - s.firstSentence[local]);
    }
    this.identity = identity;
    let docs = 0;
    let total = 0;
    const maskedDf = this.segments.map(() => new Map<number, number>());
    this.segments.forEach((s, k) => {
      const live = this.localToPublic[k];
      docs += s.bm25.size;
      total += s.bm25.total;
      for (let local = 0; local < s.size; local++) {
        if (live[local] >= 0) continue;
        for (let d = s.firstSentence[local]; d < s.firstSentence[local + 1]; d++) {
          docs--;
          total -= s.bm25.docLength(d);
          s.bm25.forEachTerm(d, (tid) => maskedDf[k].set(tid, (maskedDf[k].get(tid) ?? 0) + 1));
        }
      }
    });
    this.stats = { docs, total, maskedDf };
  }

  /** An index over sources whose segment was restored from a snapshot (same order). */
  static fromSegment(sources: IndexedSource[], problems: CorpusProblem[], segment: Segment): CorpusIndex {
    return new CorpusIndex(sources, problems, { segments: [segment], placement: { seg: new Uint8Array(sources.length), local: Int32Array.from(sources.keys()) } });
  }

  /** The base segment and the sources it holds (local id order), for persisting. */
  get baseSegment(): Segment {
    return this.segments[0];
  }

  /** Sources in overlay segments (live or masked): what changes have added since the base. */
  get overlaySize(): number {
    let n = 0;
    for (let k = 1; k < this.segments.length; k++) n += this.segments[k].size;
    return n;
  }

  /**
   * The index of a changed corpus. `sources` are in corpus order; `kept[i]` is the id in this index
   * of a source whose text and sentences `sources[i]` shares (unchanged file), -1 for a changed or
   * added one. Kept sources stay in the segment they are in; the others go to a new overlay segment
   * built now (so one changed file costs one file's indexing however many changes came before),
   * and sources no longer present are masked. Past `MAX_OVERLAYS` overlays, the overlays' live
   * sources are merged into one. Lookups answer as a full rebuild over `sources` would.
   * `inputs[i]`, when given, is source i's segment input made where it was analysed (a worker).
   */
  withChanges(sources: IndexedSource[], problems: CorpusProblem[], kept: Int32Array, inputs?: (SegmentInput | undefined)[]): CorpusIndex {
    const steps = this.changeSteps(sources, problems, kept, inputs);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /** `withChanges` for a thread that serves requests: `breathe` is awaited after each source indexed. */
  async withChangesInSlices(sources: IndexedSource[], problems: CorpusProblem[], kept: Int32Array, inputs: (SegmentInput | undefined)[] | undefined, breathe: () => Promise<void>): Promise<CorpusIndex> {
    const steps = this.changeSteps(sources, problems, kept, inputs);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      await breathe();
    }
  }

  private *changeSteps(sources: IndexedSource[], problems: CorpusProblem[], kept: Int32Array, inputs?: (SegmentInput | undefined)[]): Generator<void, CorpusIndex> {
    const used = new Set<number>();
    let added = 0;
    for (let id = 0; id < sources.length; id++) {
      if (kept[id] >= 0) used.add(this.placement.seg[kept[id]]);
      else added++;
    }
    const overlays = [...used].filter((k) => k > 0).sort((a, b) => a - b);
    const merge = overlays.length + (added ? 1 : 0) > MAX_OVERLAYS;
    // Old segment → its place in the new list (-1: its live sources are indexed again, merged).
    const place = new Int32Array(this.segments.length).fill(-1);
    place[0] = 0;
    const segments = [this.segments[0]];
    if (!merge) {
      for (const k of overlays) {
        place[k] = segments.length;
        segments.push(this.segments[k]);
      }
    }
    const fresh = segments.length;
    const seg = new Uint8Array(sources.length);
    const local = new Int32Array(sources.length);
    const overlay = new SegmentBuilder();
    for (let id = 0; id < sources.length; id++) {
      const old = kept[id];
      if (old >= 0 && place[this.placement.seg[old]] >= 0) {
        seg[id] = place[this.placement.seg[old]];
        local[id] = this.placement.local[old];
        continue;
      }
      seg[id] = fresh;
      local[id] = overlay.size;
      // A segment input made where the source was analysed (a worker) spares this thread the normalising.
      const input = inputs?.[id];
      if (input) yield* overlay.addInputSteps(input);
      else overlay.add(sources[id]);
      yield;
    }
    if (overlay.size) {
      yield* overlay.finishSteps();
      segments.push(overlay.finish());
    }
    return new CorpusIndex(sources, problems, { segments, placement: { seg, local } });
  }

  private textOf(id: number): SourceText {
    const s = this.segments[this.placement.seg[id]];
    const local = this.placement.local[id];
    return { source: this.sources[id], norm: s.norms[local], sentenceStarts: s.sentenceStarts.subarray(s.firstSentence[local], s.firstSentence[local + 1]) };
  }

  /** A memoised lookup (the index is immutable; the memo is bounded). */
  private memoized<T>(key: string, compute: () => T[]): T[] {
    const hit = this.memo.get(key) as T[] | undefined;
    if (hit) return hit.slice();
    const value = compute();
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(key, value);
    return value.slice();
  }

  /**
   * The memo key part of a set of sources: their ids, or — for "every source but the cited ones",
   * which the checker asks for each quote — the ids left out, so the key stays short.
   */
  private idsPart(ids: IdSet | undefined): string {
    if (ids === undefined) return "*";
    if (ids instanceof AllBut) return "!" + ids.excluded.join(",");
    if (ids.size * 2 <= this.sources.length) return [...ids].sort((a, b) => a - b).join(",");
    const out: number[] = [];
    for (let id = 0; id < this.sources.length; id++) if (!ids.has(id)) out.push(id);
    return "!" + out.join(",");
  }

  get size(): number {
    return this.sources.length;
  }

  keys(): string[] {
    return (this.keyList ??= this.sources.map((s) => s.meta.key)).slice();
  }

  private keyList: string[] | undefined;

  get(key: string): IndexedSource | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.sources[id];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /**
   * Existing keys closest to `key` (edit distance, a shared prefix counting 2 closer), best first,
   * ties by name; only keys within `within` of it (by default `suggestionSlack(key)`: a key that
   * shares nothing with the typed one is no suggestion).
   */
  nearestKeys(key: string, limit = 3, within = suggestionSlack(key)): string[] {
    if (limit <= 0) return [];
    const k = key.toLowerCase();
    const keys = (this.keyList ??= this.sources.map((s) => s.meta.key));
    const lower = (this.lowerKeys ??= keys.map((c) => c.toLowerCase()));
    // The best `limit` so far, sorted as returned. Only keys that can enter it are measured: a key
    // whose length alone puts it past the current worst is skipped, and a measure stops once past it.
    const kept: { c: string; d: number }[] = [];
    const before = (a: { c: string; d: number }, b: { c: string; d: number }) => a.d - b.d || a.c.localeCompare(b.c);
    let worst = within;
    const distance = k.length <= 31 ? bitParallelDistance(k) : (c: string, max: number) => boundedEditDistance(k, c, max);
    for (let i = 0; i < keys.length; i++) {
      const c = lower[i];
      const bonus = c.startsWith(k) || k.startsWith(c) ? 2 : 0;
      if (Math.abs(c.length - k.length) - bonus > worst) continue;
      const d = distance(c, worst + bonus) - bonus;
      if (d > worst) continue;
      const x = { c: keys[i], d };
      if (kept.length === limit) {
        if (before(x, kept[limit - 1]) >= 0) continue;
        kept.pop();
      }
      let at = kept.length;
      while (at > 0 && before(x, kept[at - 1]) < 0) at--;
      kept.splice(at, 0, x);
      if (kept.length === limit) worst = Math.min(worst, kept[limit - 1].d);
    }
    return kept.map((x) => x.c);
  }

  private lowerKeys: string[] | undefined;

  /** Ids of sources (optionally among `among`) containing at least `minShare` of the pattern's trigrams. */
  private candidates(pattern: string, minShare: number, among?: IdSet): number[] {
    if (pattern.length < 3) return among ? [...among] : this.sources.map((_, i) => i);
    // Counts per source in a typed array (a trigram of common words is in thousands of sources);
    // `touched` keeps the sources in order of first count, as the map this replaced did.
    const counts = (this.countScratch ??= new Int32Array(this.sources.length));
    const touched: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i + 3 <= pattern.length; i++) {
      const code = trigramCode(pattern, i);
      if (seen.has(code)) continue;
      seen.add(code);
      for (let k = 0; k < this.segments.length; k++) {
        const trigrams = this.segments[k].trigrams;
        const row = trigrams.rowOf(pattern, i);
        if (row < 0) continue;
        const { start, docs } = trigrams;
        const live = this.localToPublic[k];
        for (let j = start[row]; j < start[row + 1]; j++) {
          const doc = live[docs[j]];
          if (doc < 0) continue;
          if (among && !among.has(doc)) continue;
          if (counts[doc]++ === 0) touched.push(doc);
        }
      }
    }
    const need = Math.max(1, Math.ceil(seen.size * minShare));
    const out: number[] = [];
    for (const doc of touched) {
      if (counts[doc] >= need) out.push(doc);
      counts[doc] = 0;
    }
    return out;
  }

  /** Scratch counts for `candidates` (one per source, zero between calls). */
  private countScratch: Int32Array | undefined;

  private idsOf(keys?: Iterable<string>): IdSet | undefined {
    if (!keys) return undefined;
    // "Every source but the cited ones" (the checker asks it for each quote) comes as the index's
    // keys in order with a few left out: those few are found by one walk, with no set of thousands.
    if (Array.isArray(keys) && keys.length * 2 > this.sources.length) {
      const all = (this.keyList ??= this.sources.map((s) => s.meta.key));
      const out: number[] = [];
      let j = 0;
      for (let i = 0; i < all.length; i++) {
        if (j < keys.length && keys[j] === all[i]) j++;
        else out.push(i);
      }
      if (j === keys.length) return new AllBut(this.sources.length, out);
    }
    const ids = new Set<number>();
    for (const k of keys) {
      const id = this.byKey.get(k);
      if (id !== undefined) ids.add(id);
    }
    return ids;
  }


  private matchAt(id: number, normStart: number, normEnd: number, distance: number, patternLength: number): SourceMatch {
    const t = this.textOf(id);
    const k = this.sentenceAtNorm(t, normStart);
    const span = this.resolveSpan(id, k, normStart, normEnd);
    return {
      source: t.source,
      span,
      text: t.source.text.slice(span.start, span.end),
      sentence: k,
      distance,
      similarity: 1 - distance / Math.max(1, patternLength),
    };
  }

  private resolveSpan(id: number, k: number, normStart: number, normEnd: number): Span {
    const t = this.textOf(id);
    // A match never spans two sentences: only its sentence's offset map is needed, from the
    // sentence's span in the source text (no need to read the source's analysis).
    const seg = this.segments[this.placement.seg[id]];
    const d = seg.firstSentence[this.placement.local[id]] + k;
    let sStart = seg.sentenceSpans[2 * d];
    const sEnd = seg.sentenceSpans[2 * d + 1];
    let sText: string;
    if (sEnd >= 0) sText = t.source.text.slice(sStart, sEnd);
    else {
      const sentence = t.source.sentences[k];
      sStart = sentence.start;
      sText = sentence.text;
    }
    const map = normalizeWithMap(maskParentheticals(sText)).map;
    const base = t.sentenceStarts[k];
    const start = sStart + map[normStart - base];
    const lastChar = sStart + map[normEnd - 1 - base];
    let end = lastChar + 1;
    const code = t.source.text.charCodeAt(lastChar);
    if (code >= 0xd800 && code <= 0xdbff) end++;
    return { start, end };
  }

  private sentenceAtNorm(t: SourceText, offset: number): number {
    return lastAtOrBefore(t.sentenceStarts, offset);
  }

  /** Every exact occurrence of a normalised pattern, in the given sources or everywhere. */
  findExact(normalized: string, keys?: Iterable<string>): SourceMatch[] {
    if (!normalized) return [];
    const ids = this.idsOf(keys);
    return this.memoized(`x\u0002${normalized}\u0002${this.idsPart(ids)}`, () => this.findExactUncached(normalized, ids));
  }

  private findExactUncached(normalized: string, ids: IdSet | undefined): SourceMatch[] {
    const out: SourceMatch[] = [];
    for (const id of this.exactCandidates(normalized, ids)) {
      const t = this.textOf(id);
      const norm = t.norm;
      for (let at = norm.indexOf(normalized); at >= 0; at = norm.indexOf(normalized, at + 1)) {
        // A quote the corpus repeats (wire copy) matches in thousands of sources, of which a rule
        // reads a few: the span in the source text is worked out when it is first read.
        out.push(exactMatch(this, id, this.sentenceAtNorm(t, at), at, at + normalized.length));
      }
    }
    return out;
  }

  /**
   * Ids (ascending) of the sources, among `among` when given, that may hold the pattern exactly:
   * those in the postings of its rarest trigram (a source lacking any trigram cannot hold it), or
   * `among` itself when that is smaller. The caller's `indexOf` decides.
   */
  private exactCandidates(pattern: string, among?: IdSet): number[] {
    if (pattern.length < 3) return among ? [...among].sort((a, b) => a - b) : this.sources.map((_, i) => i);
    const out: number[] = [];
    for (let k = 0; k < this.segments.length; k++) {
      const trigrams = this.segments[k].trigrams;
      const { start, docs } = trigrams;
      let best = -1;
      let bestLength = Infinity;
      for (let i = 0; i + 3 <= pattern.length; i++) {
        const row = trigrams.rowOf(pattern, i);
        if (row < 0) {
          best = -1;
          bestLength = 0;
          break;
        }
        const n = start[row + 1] - start[row];
        if (n < bestLength) {
          best = row;
          bestLength = n;
        }
      }
      if (best < 0) continue;
      const live = this.localToPublic[k];
      if (among && among.size < bestLength) {
        for (const id of among) if (this.placement.seg[id] === k) out.push(id);
        continue;
      }
      for (let j = start[best]; j < start[best + 1]; j++) {
        const id = live[docs[j]];
        if (id < 0 || (among && !among.has(id))) continue;
        out.push(id);
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** @internal (exactMatch) The span in the source text of a match at `[normStart, normEnd)` of source `id`'s normalised text. */
  spanOfMatch(id: number, sentence: number, normStart: number, normEnd: number): Span {
    return this.resolveSpan(id, sentence, normStart, normEnd);
  }

  /**
   * The best approximate occurrence of a normalised pattern in each candidate source with similarity
   * at least `minSimilarity`, best first. A match never spans two sentences.
   */
  findNear(normalized: string, minSimilarity: number, keys?: Iterable<string>): SourceMatch[] {
    if (!normalized) return [];
    const ids = this.idsOf(keys);
    return this.memoized(`n\u0002${minSimilarity}\u0002${normalized}\u0002${this.idsPart(ids)}`, () => this.findNearUncached(normalized, minSimilarity, ids));
  }

  private findNearUncached(normalized: string, minSimilarity: number, ids: IdSet | undefined): SourceMatch[] {
    const maxDistance = Math.floor(normalized.length * (1 - minSimilarity));
    const out: SourceMatch[] = [];
    const share = Math.max(0.05, 1 - 3 * (1 - minSimilarity));
    for (const id of this.candidates(normalized, share, ids)) {
      const t = this.textOf(id);
      const a = alignWithin(normalized, t.norm, maxDistance);
      if (!a || a.end <= a.start) continue;
      if (t.norm.slice(a.start, a.end).includes(SEPARATOR)) continue;
      out.push(this.matchAt(id, a.start, a.end, a.distance, normalized.length));
    }
    return out.sort((x, y) => x.distance - y.distance || x.source.meta.key.localeCompare(y.source.meta.key));
  }

  /** The source's quote unit covering a span, if the span lies inside one. */
  quoteAt(source: IndexedSource, span: Span): QuoteUnit | undefined {
    return source.quotes.find((q) => q.start <= span.start && span.end <= q.end);
  }

  /** Sentences most similar to `text` (BM25 over bigrams), optionally only in some sources. */
  similarSentences(text: string, limit: number, keys?: Iterable<string>): { source: IndexedSource; sentence: Sentence; index: number; score: number }[] {
    const ids = this.idsOf(keys);
    return this.memoized(`s\u0002${limit}\u0002${text}\u0002${this.idsPart(ids)}`, () => this.similarSentencesUncached(text, limit, ids));
  }

  private similarSentencesUncached(text: string, limit: number, ids: IdSet | undefined): { source: IndexedSource; sentence: Sentence; index: number; score: number }[] {
    const terms = bigrams(normalizeWithMap(text).text);
    let hits: { id: number; index: number; score: number }[];
    const few = !!ids && ids.size * 4 < this.sources.length;
    if (this.identity) {
      const bm25 = this.segments[0].bm25;
      const docs: number[] = [];
      if (few) for (const id of [...ids!].sort((a, b) => a - b)) for (let d = this.firstSentence[id]; d < this.firstSentence[id + 1]; d++) docs.push(d);
      const segHits = few ? bm25.searchDocs(terms, limit, docs) : bm25.search(terms, limit, ids ? (doc) => ids.has(this.segments[0].sentenceSource[doc]) : undefined);
      hits = segHits.map(({ doc, score }) => {
        const id = this.segments[0].sentenceSource[doc];
        return { id, index: doc - this.firstSentence[id], score };
      });
    } else {
      hits = this.rankSentences(terms, limit, ids, few);
    }
    return hits.map(({ id, index, score }) => {
      const source = this.sources[id];
      return { source, sentence: source.sentences[index], index, score };
    });
  }

  /** Sentences of live sources that hold the term (ids per segment, as `termId` gives them). */
  private liveDocFrequency(tids: (number | undefined)[]): number {
    let df = 0;
    tids.forEach((tid, k) => {
      if (tid !== undefined) df += this.segments[k].bm25.docFrequency(tid) - (this.stats.maskedDf[k].get(tid) ?? 0);
    });
    return df;
  }

  /**
   * How much a bigram tells about a sentence: its inverse sentence frequency over the live corpus
   * (BM25's idf; a bigram the corpus never uses gets the highest weight). Memoised per index.
   */
  bigramWeight(bigram: string): number {
    let w = this.weightMemo.get(bigram);
    if (w === undefined) {
      const n = this.stats.docs;
      const df = this.liveDocFrequency(this.segments.map((s) => s.bm25.termId(bigram)));
      w = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      if (this.weightMemo.size >= 200_000) this.weightMemo.clear();
      this.weightMemo.set(bigram, w);
    }
    return w;
  }

  private readonly weightMemo = new Map<string, number>();

  /**
   * BM25 over the live sentences of every segment with corpus-wide statistics (document count,
   * average length, document frequencies without masked sentences): the scores and the order
   * (score, then corpus order) of one ranker over the whole corpus.
   */
  private rankSentences(terms: string[], limit: number, ids: IdSet | undefined, few: boolean): { id: number; index: number; score: number }[] {
    const n = this.stats.docs;
    if (n === 0) return [];
    const avg = this.stats.total / n;
    const { k1, b } = this.segments[0].bm25.k;
    const weight = (tf: number, len: number) => (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * len) / avg));
    const query: { tids: (number | undefined)[]; idf: number }[] = [];
    for (const t of new Set(terms)) {
      const tids = this.segments.map((s) => s.bm25.termId(t));
      const df = this.liveDocFrequency(tids);
      if (df <= 0) continue;
      query.push({ tids, idf: Math.log(1 + (n - df + 0.5) / (df + 0.5)) });
    }
    const scores = new Map<number, { id: number; index: number; score: number }>();
    const add = (id: number, index: number, s: number) => {
      const g = this.firstSentence[id] + index;
      const e = scores.get(g);
      if (e) e.score += s;
      else scores.set(g, { id, index, score: s });
    };
    if (few) {
      for (const id of [...ids!].sort((a, b) => a - b)) {
        const k = this.placement.seg[id];
        const seg = this.segments[k];
        const local = this.placement.local[id];
        for (let d = seg.firstSentence[local]; d < seg.firstSentence[local + 1]; d++) {
          const tfs = new Map<number, number>();
          seg.bm25.forEachTerm(d, (tid, tf) => tfs.set(tid, tf));
          let score = 0;
          let any = false;
          for (const q of query) {
            const tid = q.tids[k];
            if (tid === undefined) continue;
            const tf = tfs.get(tid);
            if (tf === undefined) continue;
            score += q.idf * weight(tf, seg.bm25.docLength(d));
            any = true;
          }
          if (any) add(id, d - seg.firstSentence[local], score);
        }
      }
    } else {
      for (const q of query) {
        q.tids.forEach((tid, k) => {
          if (tid === undefined) return;
          const seg = this.segments[k];
          const live = this.localToPublic[k];
          const p = seg.bm25.postingsOf(tid);
          for (let j = p.from; j < p.to; j++) {
            const doc = p.docs[j];
            const local = seg.sentenceSource[doc];
            const id = live[local];
            if (id < 0 || (ids && !ids.has(id))) continue;
            add(id, doc - seg.firstSentence[local], q.idf * weight(p.tfs[j], seg.bm25.docLength(doc)));
          }
        });
      }
    }
    return [...scores]
      .sort((x, y) => y[1].score - x[1].score || x[0] - y[0])
      .slice(0, limit)
      .map(([, e]) => e);
  }
}

/**
 * An exact match whose span (and words) in the source text are worked out on first read: reading
 * them needs the source's text and its sentence's offset map, and a repeated quote can match in
 * thousands of sources of which a rule reads three. `span` and `text` are own enumerable getters of
 * an object literal, so a spread copy (`{ ...m }`) or JSON carries them like plain fields, and every
 * match shares one hidden class (per-instance `defineProperties` made each a slow dictionary object).
 */
function exactMatch(index: CorpusIndex, id: number, sentence: number, normStart: number, normEnd: number): SourceMatch {
  let span: Span | undefined;
  const resolve = () => (span ??= index.spanOfMatch(id, sentence, normStart, normEnd));
  const source = index.sources[id];
  return {
    source,
    sentence,
    distance: 0,
    similarity: 1,
    get span() {
      return resolve();
    },
    get text() {
      const s = resolve();
      return source.text.slice(s.start, s.end);
    },
  };
}
