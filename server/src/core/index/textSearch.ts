/**
 * Text-search primitives the corpus index is built from: character n-grams, a BM25 ranker over
 * bigram "terms", and semi-global edit-distance alignment (the best match of a short quote inside a
 * long text). Japanese has no spaces, so character bigrams are the classic retrieval unit: they need
 * no dictionary and tolerate the segmentation differences between a draft and its source.
 */

/** Characters that carry no content for retrieval: punctuation, symbols, spaces. */
const NON_CONTENT = /[\s\p{P}\p{S}]/u;

export function isContentChar(ch: string): boolean {
  return !NON_CONTENT.test(ch);
}

/** `isContentChar` by code point, memoised for the Basic Multilingual Plane (0 unknown, 1 yes, 2 no). */
const contentBmp = new Uint8Array(0x10000);
function isContentCode(cp: number): boolean {
  if (cp > 0xffff) return isContentChar(String.fromCodePoint(cp));
  let v = contentBmp[cp];
  if (v === 0) contentBmp[cp] = v = isContentChar(String.fromCharCode(cp)) ? 1 : 2;
  return v === 1;
}

/** Distinct character bigrams of the content characters of `s` (punctuation breaks a run). */
export function bigrams(s: string): string[] {
  const out: string[] = [];
  let prev = "";
  for (const ch of s) {
    if (!isContentChar(ch)) {
      prev = "";
      continue;
    }
    if (prev) out.push(prev + ch);
    prev = ch;
  }
  return out;
}

/** Distinct trigrams of `s` (used for candidate filtering of quote lookups). */
export function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3));
  return out;
}

/** Values copied between two yields when a list grows in steps (4 MB: a few milliseconds, more when the fresh pages fault slowly under load). */
export const COPY_SLICE = 1 << 20;

/**
 * Copies `from[0..length)` into `to` from its start, `COPY_SLICE` values between two yields: how a
 * big list grows or is trimmed between a rebuilding server's requests.
 */
export function* copyIntSteps(from: Int32Array, length: number, to: Int32Array): Generator<void> {
  for (let at = 0; at < length; at += COPY_SLICE) {
    to.set(from.subarray(at, Math.min(length, at + COPY_SLICE)), at);
    if (at + COPY_SLICE < length) yield;
  }
}

/** A growable Int32 buffer (amortised doubling), for postings built one by one. */
class IntList {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /**
   * Room for `extra` more values, made in steps (yields between copies of `COPY_SLICE` values): a
   * list of tens of millions doubling in one `push` held a rebuilding server's thread ~50 ms.
   */
  *reserveSteps(extra: number): Generator<void> {
    if (this.length + extra <= this.data.length) return;
    const next = new Int32Array(Math.max(this.data.length * 2, this.length + extra));
    yield* copyIntSteps(this.data, this.length, next);
    this.data = next;
  }
  trimmed(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /** Drops the room past `length`, copying in steps (`COPY_SLICE` values between yields). */
  *trimSteps(): Generator<void> {
    if (this.length === 0 || this.length === this.data.length) return;
    const next = new Int32Array(this.length);
    yield* copyIntSteps(this.data, this.length, next);
    this.data = next;
  }
  /** The values so far without a copy (valid while nothing is pushed past a growth). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
  /** A list over an existing array (no copy until it grows). */
  static of(data: Int32Array): IntList {
    const l = new IntList(0);
    l.data = data.length > 0 ? data : new Int32Array(1);
    l.length = data.length;
    return l;
  }
}

/**
 * Bigram → term id while documents are added, with the term frequencies of the document being
 * added: an open-addressing table on one Int32Array (linear probing, half full at most), a slot
 * being four words — the bigram's two UTF-16 units in one, its id + 1 (0: empty), its count in the
 * document, one unused — so a bigram costs an integer hash and one memory line (the count in an
 * array of its own was a second line missed per bigram). Bigrams with a character beyond the Basic
 * Multilingual Plane (rare) go to a `Map` by a numeric code, their counts in `astralTf` by term id.
 */
class BigramTable {
  slots = new Int32Array(4 << 16);
  /** Slots − 1. */
  mask = (1 << 16) - 1;
  /** 32 − log2(slots): the hash is the top bits of a multiplicative hash. */
  shift = 16;
  size = 0;
  readonly astral = new Map<number, number>();
  astralTf = new Int32Array(16);

  /** The word index of the slot holding `key`, or of the empty slot where it goes. */
  static slotOf(key: number, slots: Int32Array, mask: number, shift: number): number {
    let h = Math.imul(key, 0x9e3779b1) >>> shift;
    while (slots[4 * h + 1] !== 0 && slots[4 * h] !== key) h = (h + 1) & mask;
    return 4 * h;
  }

  /** Enters the bigram `a b` (code points) as term `id` unless present. */
  set(a: number, b: number, id: number): void {
    if (a > 0xffff || b > 0xffff) {
      if (!this.astral.has(a * 0x110000 + b)) this.astral.set(a * 0x110000 + b, id);
      return;
    }
    const key = (a << 16) | b;
    const at = BigramTable.slotOf(key, this.slots, this.mask, this.shift);
    if (this.slots[at + 1] !== 0) return;
    this.slots[at] = key;
    this.slots[at + 1] = id + 1;
    this.added(null);
  }

  /** After a slot was filled: grows the table when past half full, moving the slots listed in `touched` (their new word indices written back). */
  added(touched: IntList | null): void {
    if (++this.size * 2 <= this.mask + 1) return;
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = old.length / 2 - 1;
    const shift = this.shift - 1;
    for (let s = 0; s < old.length; s += 4) {
      if (old[s + 1] === 0) continue;
      const at = BigramTable.slotOf(old[s], slots, mask, shift);
      slots[at] = old[s];
      slots[at + 1] = old[s + 1];
      slots[at + 2] = old[s + 2];
    }
    if (touched)
      for (let k = 0; k < touched.length; k++) {
        const was = touched.data[k];
        if (was >= 0) touched.data[k] = BigramTable.slotOf(old[was], slots, mask, shift);
      }
    this.slots = slots;
    this.mask = mask;
    this.shift = shift;
  }
}

/** A `Bm25` as plain arrays (persisted by the index snapshot). */
export interface Bm25Data {
  terms: string[];
  df: Int32Array;
  docStart: Int32Array;
  docTerm: Int32Array;
  docTf: Int32Array;
  lengths: Int32Array;
  totalLength: number;
}

/**
 * BM25 over documents given as term lists. Documents are added once; `search` scores every
 * document sharing a term with the query through the postings, never scanning all documents;
 * `searchDocs` scores only the given documents (the sentences of the cited sources).
 *
 * Storage is compact: terms get integer ids; each document keeps its (term id, tf) pairs in one
 * doc-major CSR array; term-major postings (CSR, typed arrays) are built on the first `search`.
 */
export class Bm25 {
  /** Terms by id. */
  private terms: string[] = [];
  /** Term → id; built when first asked for after `addText` (a `Map` of every new bigram cost a seventh of building). */
  private termIndex: Map<string, number> | null = new Map();
  /** Documents per term; counted from the documents' terms when first asked for after adding. */
  private dfCache: Int32Array | null = new Int32Array(0);
  /**
   * Documents per term counted as `addText` adds them (null once a document came another way, or
   * after a restore: then counted from the documents' terms when asked for), so a build's last
   * answer leaves no pass over every term occurrence.
   */
  private dfRun: Int32Array | null = new Int32Array(1024);
  private docStart = new IntList();
  private docTerm = new IntList(1 << 16);
  private docTf = new IntList(1 << 16);
  private lengths = new IntList();
  private totalLength = 0;
  private postingStart: Int32Array | null = null;
  private postingDoc: Int32Array | null = null;
  private postingTf: Int32Array | null = null;
  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.lengths.length;
  }

  /**
   * Room, made in steps, for `documents` more documents holding at most `terms` terms in all (a
   * document of n characters has at most n bigrams): `addText` then never doubles a list at once.
   */
  *reserveSteps(documents: number, terms: number): Generator<void> {
    yield* this.docStart.reserveSteps(documents);
    yield* this.lengths.reserveSteps(documents);
    yield* this.docTerm.reserveSteps(terms);
    yield* this.docTf.reserveSteps(terms);
  }

  /**
   * Room for documents of `terms` terms in all, made before any is added (see
   * `SegmentBuilder.expect`): the term lists then never double.
   */
  expect(terms: number): void {
    for (const list of [this.docTerm, this.docTf]) if (list.length === 0 && terms > list.data.length) list.data = new Int32Array(terms);
  }

  /** The persisted form (see snapshot.ts): terms in id order and the doc-major arrays. */
  toData(): Bm25Data {
    return {
      terms: this.terms.slice(),
      df: this.dfs().slice(),
      // Views, not copies: the persisted form is written out and dropped, and the lists are only
      // appended to (copying tens of megabytes held a rebuilding server's thread ~50 ms at 10,000 articles).
      docStart: this.docStart.view(),
      docTerm: this.docTerm.view(),
      docTf: this.docTf.view(),
      lengths: this.lengths.view(),
      totalLength: this.totalLength,
    };
  }

  /** Restores `toData()`'s output: the same ranker, without re-reading any document. */
  static fromData(d: Bm25Data, k1 = 1.2, b = 0.75): Bm25 {
    const m = new Bm25(k1, b);
    m.terms = d.terms.slice();
    m.termIndex = null;
    m.termIds();
    m.dfCache = d.df;
    m.dfRun = null;
    m.docStart = IntList.of(d.docStart);
    m.docTerm = IntList.of(d.docTerm);
    m.docTf = IntList.of(d.docTf);
    m.lengths = IntList.of(d.lengths);
    m.totalLength = d.totalLength;
    return m;
  }

  /** Read access for rankers that combine several `Bm25`s (a base index and an overlay). */
  termId(term: string): number | undefined {
    return this.termIds().get(term);
  }
  docFrequency(tid: number): number {
    return this.dfs()[tid];
  }
  get total(): number {
    return this.totalLength;
  }
  docLength(doc: number): number {
    return this.lengths.data[doc];
  }
  /** Calls `fn(tid, tf)` for every distinct term of a document. */
  forEachTerm(doc: number, fn: (tid: number, tf: number) => void): void {
    const n = this.lengths.length;
    const end = doc + 1 < n ? this.docStart.data[doc + 1] : this.docTerm.length;
    for (let k = this.docStart.data[doc]; k < end; k++) fn(this.docTerm.data[k], this.docTf.data[k]);
  }
  /** The term's postings (documents ascending, with their tf), building the term-major arrays once. */
  postingsOf(tid: number): { docs: Int32Array; tfs: Int32Array; from: number; to: number } {
    if (!this.postingStart) this.buildPostings();
    return { docs: this.postingDoc!, tfs: this.postingTf!, from: this.postingStart![tid], to: this.postingStart![tid + 1] };
  }
  get k(): { k1: number; b: number } {
    return { k1: this.k1, b: this.b };
  }

  private termIds(): Map<string, number> {
    if (!this.termIndex) {
      this.termIndex = new Map();
      for (let i = 0; i < this.terms.length; i++) this.termIndex.set(this.terms[i], i);
    }
    return this.termIndex;
  }

  private dfs(): Int32Array {
    if (!this.dfCache && this.dfRun) this.dfCache = this.dfRun.slice(0, this.terms.length);
    if (!this.dfCache) {
      const df = new Int32Array(this.terms.length);
      const dt = this.docTerm.data;
      for (let k = 0; k < this.docTerm.length; k++) df[dt[k]]++;
      this.dfCache = df;
    }
    return this.dfCache;
  }

  /** Build-time term ids by bigram, so `addText` makes no string per bigram. */
  private codeIds: BigramTable | null = null;
  /** The slots' word indices (or, for bigrams beyond the BMP, ~term id) of the distinct bigrams of the document being added. */
  private touched = new IntList(256);

  /**
   * `add(bigrams(s.slice(from, to)))` without building the bigram strings: bigrams are looked up by
   * their two code points; a term's string is made only when the term is new.
   */
  addText(s: string, from = 0, to = s.length): number {
    let table = this.codeIds;
    if (!table) {
      table = this.codeIds = new BigramTable();
      for (let id = 0; id < this.terms.length; id++) {
        const t = this.terms[id];
        const a = t.codePointAt(0)!;
        const w = a > 0xffff ? 2 : 1;
        if (t.length <= w) continue;
        const b = t.codePointAt(w)!;
        if (t.length === w + (b > 0xffff ? 2 : 1)) table.set(a, b, id);
      }
    }
    const terms = this.terms;
    this.termIndex = null;
    const id = this.lengths.length;
    this.docStart.push(this.docTerm.length);
    const touched = this.touched;
    touched.length = 0;
    let slots = table.slots;
    let length = 0;
    let prev = -1;
    for (let i = from; i < to; i++) {
      let cp = s.charCodeAt(i);
      if ((cp & 0xfc00) === 0xd800 && i + 1 < s.length) {
        const lo = s.charCodeAt(i + 1);
        if ((lo & 0xfc00) === 0xdc00) {
          cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          i++;
        }
      }
      const known = cp <= 0xffff ? contentBmp[cp] : 0;
      if (known === 2 || (known === 0 && !isContentCode(cp))) {
        prev = -1;
        continue;
      }
      if (prev >= 0) {
        length++;
        if ((prev | cp) <= 0xffff) {
          const key = (prev << 16) | cp;
          const at = BigramTable.slotOf(key, slots, table.mask, table.shift);
          if (slots[at + 1] === 0) {
            const tid = terms.length;
            const t = String.fromCharCode(prev, cp);
            terms.push(t);
            slots[at] = key;
            slots[at + 1] = tid + 1;
            slots[at + 2] = 1;
            touched.push(at);
            table.added(touched);
            slots = table.slots;
          } else if (slots[at + 2]++ === 0) touched.push(at);
        } else {
          const code = prev * 0x110000 + cp;
          let tid = table.astral.get(code);
          if (tid === undefined) {
            tid = terms.length;
            const t = String.fromCodePoint(prev, cp);
            terms.push(t);
            table.astral.set(code, tid);
          }
          if (tid >= table.astralTf.length) {
            const n = new Int32Array(Math.max(table.astralTf.length * 2, tid + 1));
            n.set(table.astralTf);
            table.astralTf = n;
          }
          if (table.astralTf[tid]++ === 0) touched.push(~tid);
        }
      }
      prev = cp;
    }
    this.lengths.push(length);
    this.totalLength += length;
    let dfRun = this.dfRun;
    if (dfRun && dfRun.length < terms.length) {
      const n = new Int32Array(Math.max(dfRun.length * 2, terms.length));
      n.set(dfRun);
      dfRun = this.dfRun = n;
    }
    // Distinct terms in order of first occurrence, as `add` does.
    for (let k = 0; k < touched.length; k++) {
      const at = touched.data[k];
      let tid: number;
      if (at >= 0) {
        tid = slots[at + 1] - 1;
        this.docTf.push(slots[at + 2]);
        slots[at + 2] = 0;
      } else {
        tid = ~at;
        this.docTf.push(table.astralTf[tid]);
        table.astralTf[tid] = 0;
      }
      this.docTerm.push(tid);
      if (dfRun) dfRun[tid]++;
    }
    this.dfCache = null;
    this.postingStart = null;
    return id;
  }

  /** Adds a document and returns its id. */
  add(terms: string[]): number {
    this.codeIds = null;
    this.dfRun = null;
    const termIds = this.termIds();
    const id = this.lengths.length;
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    this.docStart.push(this.docTerm.length);
    const tf = new Map<number, number>();
    for (const t of terms) {
      let tid = termIds.get(t);
      if (tid === undefined) {
        tid = this.terms.length;
        termIds.set(t, tid);
        this.terms.push(t);
      }
      tf.set(tid, (tf.get(tid) ?? 0) + 1);
    }
    for (const [tid, n] of tf) {
      this.docTerm.push(tid);
      this.docTf.push(n);
    }
    this.dfCache = null;
    this.postingStart = null;
    return id;
  }

  private buildPostings(): void {
    for (const _ of this.postingSteps());
  }

  /**
   * Builds the term-major postings now (they are otherwise built at the first ranked search), a
   * slice of documents at a time with `breathe` awaited between: a rebuilt index is ready before
   * requests see it.
   */
  async preparePostings(breathe: () => Promise<void>): Promise<void> {
    if (this.postingStart) return;
    for (const _ of this.postingSteps()) await breathe();
    // The build is over: its bigram table goes (made again if a document is ever added), and the
    // lists, grown by doubling, lose their spare room (up to half of each: ~50 MB at 10,000 articles).
    this.codeIds = null;
    for (const list of [this.docStart, this.lengths, this.docTerm, this.docTf]) for (const _ of list.trimSteps()) await breathe();
  }

  /** `dfs()` in steps (tens of millions of term occurrences on a real corpus: ~40 ms at once). */
  private *dfSteps(): Generator<void> {
    if (this.dfCache || this.dfRun) return;
    const df = new Int32Array(this.terms.length);
    const dt = this.docTerm.data;
    const n = this.docTerm.length;
    for (let k = 0; k < n; k++) {
      df[dt[k]]++;
      if ((k & 0x7ffff) === 0x7ffff) yield; // (a cache miss each: ~5 ms a step)
    }
    this.dfCache = df;
  }

  /** `termIds()` in steps (a map of some 180,000 bigrams: ~40 ms at once, at a draft's first search). */
  private *termIndexSteps(): Generator<void> {
    if (this.termIndex) return;
    const index = new Map<string, number>();
    for (let i = 0; i < this.terms.length; i++) {
      index.set(this.terms[i], i);
      if ((i & 0x3fff) === 0x3fff) yield;
    }
    this.termIndex = index;
  }

  private *postingSteps(): Generator<void> {
    yield* this.dfSteps();
    yield* this.termIndexSteps();
    const terms = this.terms.length;
    const df = this.dfs();
    const start = new Int32Array(terms + 1);
    for (let t = 0; t < terms; t++) start[t + 1] = start[t] + df[t];
    const fill = start.slice(0, terms);
    const docs = new Int32Array(this.docTerm.length);
    const tfs = new Int32Array(this.docTerm.length);
    const n = this.lengths.length;
    const ds = this.docStart.data;
    const dt = this.docTerm.data;
    const dtf = this.docTf.data;
    for (let d = 0; d < n; d++) {
      const end = d + 1 < n ? ds[d + 1] : this.docTerm.length;
      for (let k = ds[d]; k < end; k++) {
        const at = fill[dt[k]]++;
        docs[at] = d;
        tfs[at] = dtf[k];
      }
      // (A thousand sentences a step: the first steps touch fresh pages all over the arrays.)
      if ((d & 1023) === 1023) yield;
    }
    this.postingStart = start;
    this.postingDoc = docs;
    this.postingTf = tfs;
  }

  private idf(tid: number): number {
    const n = this.lengths.length;
    const df = this.dfs()[tid];
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  private weight(tf: number, len: number, avg: number): number {
    return (tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * len) / avg));
  }

  /** Scores documents for the query terms; `filter` restricts to some documents. Best first. */
  search(terms: string[], limit: number, filter?: (doc: number) => boolean): { doc: number; score: number }[] {
    const n = this.lengths.length;
    if (n === 0) return [];
    if (!this.postingStart) this.buildPostings();
    const start = this.postingStart!;
    const pdoc = this.postingDoc!;
    const ptf = this.postingTf!;
    const avg = this.totalLength / n;
    const scores = new Map<number, number>();
    for (const t of new Set(terms)) {
      const tid = this.termIds().get(t);
      if (tid === undefined) continue;
      const idf = this.idf(tid);
      for (let k = start[tid]; k < start[tid + 1]; k++) {
        const doc = pdoc[k];
        if (filter && !filter(doc)) continue;
        const s = idf * this.weight(ptf[k], this.lengths.data[doc], avg);
        scores.set(doc, (scores.get(doc) ?? 0) + s);
      }
    }
    return rank(scores, limit);
  }

  /**
   * The same scores as `search`, computed only for `docs` (each document's own terms, so the cost
   * is the size of those documents, not of the postings). Best first.
   */
  searchDocs(terms: string[], limit: number, docs: Iterable<number>): { doc: number; score: number }[] {
    const n = this.lengths.length;
    if (n === 0) return [];
    const avg = this.totalLength / n;
    const query: number[] = [];
    for (const t of new Set(terms)) {
      const tid = this.termIds().get(t);
      if (tid !== undefined) query.push(tid);
    }
    const scores = new Map<number, number>();
    const ds = this.docStart.data;
    const dt = this.docTerm.data;
    const dtf = this.docTf.data;
    for (const doc of docs) {
      if (doc < 0 || doc >= n) continue;
      const end = doc + 1 < n ? ds[doc + 1] : this.docTerm.length;
      let score = 0;
      let any = false;
      // Query order, as `search` accumulates, so the floating-point sums are identical.
      for (const tid of query) {
        for (let k = ds[doc]; k < end; k++) {
          if (dt[k] !== tid) continue;
          score += this.idf(tid) * this.weight(dtf[k], this.lengths.data[doc], avg);
          any = true;
          break;
        }
      }
      if (any) scores.set(doc, score);
    }
    return rank(scores, limit);
  }
}

function rank(scores: Map<number, number>, limit: number): { doc: number; score: number }[] {
  return [...scores]
    .map(([doc, score]) => ({ doc, score }))
    .sort((a, b) => b.score - a.score || a.doc - b.doc)
    .slice(0, limit);
}

export interface Alignment {
  /** Start and end (exclusive) of the best-matching substring of the text. */
  start: number;
  end: number;
  /** Edit distance between the pattern and that substring. */
  distance: number;
}

/**
 * Semi-global alignment: the substring of `text` with the least edit distance to `pattern`
 * (insertions, deletions, substitutions cost 1). O(|pattern|·|text|) time, O(|text|) memory per row
 * pair plus a start-position row. Returns null for an empty pattern.
 */
export function alignWithin(pattern: string, text: string, maxDistance = Infinity): Alignment | null {
  const m = pattern.length;
  const n = text.length;
  if (m === 0) return null;
  // prev[j]: distance of pattern[0..i) against a substring ending at j; start[j]: where it began.
  let prev = new Int32Array(n + 1);
  let prevStart = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  let curStart = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) {
    prev[j] = 0;
    prevStart[j] = j;
  }
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    curStart[0] = 0;
    const pc = pattern.charCodeAt(i - 1);
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1] + (text.charCodeAt(j - 1) === pc ? 0 : 1);
      const del = prev[j] + 1; // pattern char unmatched
      const ins = cur[j - 1] + 1; // text char skipped inside the match
      let best = sub;
      let bestStart = prevStart[j - 1];
      if (del < best) {
        best = del;
        bestStart = prevStart[j];
      }
      if (ins < best) {
        best = ins;
        bestStart = curStart[j - 1];
      }
      cur[j] = best;
      curStart[j] = bestStart;
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > maxDistance) return null;
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  // Among equally close substrings, prefer the one whose length is nearest the pattern's: a changed
  // last character should offer the source's whole word, not a truncated one.
  let bestJ = 0;
  let bestGap = Infinity;
  for (let j = 1; j <= n; j++) {
    const gap = Math.abs(j - prevStart[j] - m);
    if (prev[j] < prev[bestJ] || (prev[j] === prev[bestJ] && gap < bestGap)) {
      bestJ = j;
      bestGap = gap;
    }
  }
  if (prev[bestJ] > maxDistance) return null;
  return { start: prevStart[bestJ], end: bestJ, distance: prev[bestJ] };
}

/** Plain Levenshtein distance (for key suggestions and short strings). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/**
 * A character diff as runs of equal / changed text (LCS based, O(n·m) — callers pass sentences, not
 * documents). Used to show the difference between a misquote and the source's words.
 */
export type DiffRun = { kind: "equal" | "delete" | "insert"; text: string };

export function diffChars(a: string, b: string): DiffRun[] {
  const m = a.length;
  const n = b.length;
  const lcs: Uint16Array[] = [];
  for (let i = 0; i <= m; i++) lcs.push(new Uint16Array(n + 1));
  for (let i = m - 1; i >= 0; i--)
    for (let j = n - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const runs: DiffRun[] = [];
  const push = (kind: DiffRun["kind"], ch: string) => {
    const last = runs[runs.length - 1];
    if (last && last.kind === kind) last.text += ch;
    else runs.push({ kind, text: ch });
  };
  let i = 0;
  let j = 0;
  while (i < m && j < n) {
    if (a[i] === b[j]) {
      push("equal", a[i]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) push("delete", a[i++]);
    else push("insert", b[j++]);
  }
  while (i < m) push("delete", a[i++]);
  while (j < n) push("insert", b[j++]);
  return runs;
}
