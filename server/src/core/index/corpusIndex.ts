/**
 * The corpus index: every source with its analysed units, plus the lookups the rules and the editor
 * features need — exact and near quote matching over normalised text (trigram candidate filtering,
 * then `indexOf` / semi-global alignment only in candidate sources), passage retrieval (BM25 over
 * character bigrams of sentences), and key lookup with nearest-key suggestions.
 *
 * Architecture invariant: the index is immutable once built; a corpus change builds a new one (from
 * the per-file cache, so only changed files are re-analysed). Because it is immutable, lookups are
 * memoised per index (bounded): re-checking an edited draft repeats no lookup for unchanged text.
 *
 * Storage is compact (10,000 articles, SPEC §7): trigram → sources postings in CSR typed arrays
 * (an open-addressing table maps each trigram to its row), BM25 postings likewise (textSearch.ts).
 */
import type { CorpusProblem, IndexedSource, QuoteUnit, Sentence, Span } from "../model";
import { maskParentheticals, normalizeWithMap } from "../text/normalize";
import { alignWithin, bigrams, Bm25, editDistance } from "./textSearch";

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

interface SourceText {
  source: IndexedSource;
  /** Normalised sentences joined by a separator that never matches content. */
  norm: string;
  /** `map[i]` = offset in `source.text` of the character that produced `norm[i]`. */
  map: Int32Array;
  /** Start offset in `norm` of each sentence. */
  sentenceStarts: Int32Array;
}

const SEPARATOR = "\u0001";
/** Memoised lookups kept per index before the memo is dropped and refilled. */
const MEMO_LIMIT = 20_000;

function trigramCode(s: string, i: number): number {
  return s.charCodeAt(i) * 4294967296 + s.charCodeAt(i + 1) * 65536 + s.charCodeAt(i + 2);
}

function trigramHash(s: string, i: number): number {
  return (Math.imul(s.charCodeAt(i), 0x9e3779b1) ^ Math.imul(s.charCodeAt(i + 1), 0x85ebca77) ^ Math.imul(s.charCodeAt(i + 2), 0xc2b2ae3d)) >>> 0;
}

/**
 * Trigram → ids of the sources containing it (ascending), exact: an open-addressing table from the
 * trigram's code to a row, rows in CSR typed arrays.
 */
class TrigramPostings {
  private keys: Float64Array;
  private rows: Int32Array;
  private mask: number;
  private count = 0;
  start = new Int32Array(1);
  docs = new Int32Array(0);

  constructor(texts: string[]) {
    let cap = 1 << 16;
    this.keys = new Float64Array(cap).fill(-1);
    this.rows = new Int32Array(cap);
    this.mask = cap - 1;
    // Pass 1: rows and per-row document counts; each document's distinct rows in order.
    let df = new Int32Array(1 << 16);
    let lastDoc = new Int32Array(1 << 16).fill(-1);
    let perDoc = new Int32Array(1 << 20);
    let perDocLength = 0;
    const docEnd = new Int32Array(texts.length);
    for (let doc = 0; doc < texts.length; doc++) {
      const t = texts[doc];
      for (let i = 0; i + 3 <= t.length; i++) {
        if (this.count * 2 >= cap) {
          this.grow(cap * 2);
          cap *= 2;
        }
        const row = this.rowOf(t, i, true);
        if (row >= df.length) {
          const n = new Int32Array(df.length * 2);
          n.set(df);
          df = n;
          const l = new Int32Array(lastDoc.length * 2).fill(-1);
          l.set(lastDoc);
          lastDoc = l;
        }
        if (lastDoc[row] === doc) continue;
        lastDoc[row] = doc;
        df[row]++;
        if (perDocLength === perDoc.length) {
          const n = new Int32Array(perDoc.length * 2);
          n.set(perDoc);
          perDoc = n;
        }
        perDoc[perDocLength++] = row;
      }
      docEnd[doc] = perDocLength;
    }
    // Pass 2: CSR.
    const start = new Int32Array(this.count + 1);
    for (let r = 0; r < this.count; r++) start[r + 1] = start[r] + df[r];
    const fill = start.slice(0, this.count);
    const docs = new Int32Array(perDocLength);
    let k = 0;
    for (let doc = 0; doc < texts.length; doc++) for (; k < docEnd[doc]; k++) docs[fill[perDoc[k]]++] = doc;
    this.start = start;
    this.docs = docs;
  }

  private grow(cap: number): void {
    const keys = this.keys;
    const rows = this.rows;
    this.keys = new Float64Array(cap).fill(-1);
    this.rows = new Int32Array(cap);
    this.mask = cap - 1;
    for (let slot = 0; slot < keys.length; slot++) {
      if (keys[slot] < 0) continue;
      const code = keys[slot];
      const s = String.fromCharCode(Math.floor(code / 4294967296), Math.floor(code / 65536) % 65536, code % 65536);
      let h = trigramHash(s, 0) & this.mask;
      while (this.keys[h] >= 0) h = (h + 1) & this.mask;
      this.keys[h] = code;
      this.rows[h] = rows[slot];
    }
  }

  /** The row of the trigram at `s[i..i+3)`; -1 when absent (and `insert` is false). */
  rowOf(s: string, i: number, insert = false): number {
    const code = trigramCode(s, i);
    let h = trigramHash(s, i) & this.mask;
    for (;;) {
      const k = this.keys[h];
      if (k === code) return this.rows[h];
      if (k < 0) {
        if (!insert) return -1;
        this.keys[h] = code;
        this.rows[h] = this.count;
        return this.count++;
      }
      h = (h + 1) & this.mask;
    }
  }
}

export class CorpusIndex {
  readonly sources: readonly IndexedSource[];
  readonly problems: readonly CorpusProblem[];
  private readonly byKey = new Map<string, number>();
  private readonly texts: SourceText[] = [];
  private readonly trigrams: TrigramPostings;
  /** BM25 over sentences; sentence docs of source `id` are `firstSentence[id] .. firstSentence[id + 1]`. */
  private readonly sentenceSearch = new Bm25();
  private readonly firstSentence: Int32Array;
  private readonly sentenceSource: Int32Array;
  private readonly memo = new Map<string, unknown>();

  constructor(sources: IndexedSource[], problems: CorpusProblem[] = []) {
    this.sources = sources;
    this.problems = problems;
    this.firstSentence = new Int32Array(sources.length + 1);
    let sentenceCount = 0;
    for (const s of sources) sentenceCount += s.sentences.length;
    this.sentenceSource = new Int32Array(sentenceCount);
    let doc = 0;
    sources.forEach((s, id) => {
      this.byKey.set(s.meta.key, id);
      this.firstSentence[id] = doc;
      const text = this.buildText(s, (sentenceNorm) => {
        this.sentenceSource[doc++] = id;
        this.sentenceSearch.add(bigrams(sentenceNorm));
      });
      this.texts.push(text);
    });
    this.firstSentence[sources.length] = doc;
    this.trigrams = new TrigramPostings(this.texts.map((t) => t.norm));
  }

  private buildText(source: IndexedSource, onSentence: (norm: string) => void): SourceText {
    const parts: string[] = [];
    let length = 0;
    for (const sentence of source.sentences) length += sentence.text.length + 1;
    const map = new Int32Array(Math.max(0, length * 2));
    const starts = new Int32Array(source.sentences.length);
    let at = 0;
    source.sentences.forEach((sentence, k) => {
      if (at > 0) {
        parts.push(SEPARATOR);
        map[at++] = sentence.start;
      }
      starts[k] = at;
      const n = normalizeWithMap(maskParentheticals(sentence.text));
      parts.push(n.text);
      for (let i = 0; i < n.text.length; i++) map[at++] = sentence.start + n.map[i];
      onSentence(n.text);
    });
    return { source, norm: parts.join(""), map: map.slice(0, at), sentenceStarts: starts };
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

  private static keysPart(keys?: Iterable<string>): string {
    return keys === undefined ? "*" : [...keys].join("\u0000");
  }

  get size(): number {
    return this.sources.length;
  }

  keys(): string[] {
    return this.sources.map((s) => s.meta.key);
  }

  get(key: string): IndexedSource | undefined {
    const id = this.byKey.get(key);
    return id === undefined ? undefined : this.sources[id];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Existing keys closest to `key` (edit distance, then shared prefix), best first. */
  nearestKeys(key: string, limit = 3): string[] {
    const k = key.toLowerCase();
    return this.keys()
      .map((c) => ({ c, d: editDistance(k, c.toLowerCase()) - (c.toLowerCase().startsWith(k) || k.startsWith(c.toLowerCase()) ? 2 : 0) }))
      .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
      .slice(0, limit)
      .map((x) => x.c);
  }

  /** Ids of sources (optionally among `among`) containing at least `minShare` of the pattern's trigrams. */
  private candidates(pattern: string, minShare: number, among?: Set<number>): number[] {
    if (pattern.length < 3) return among ? [...among] : this.sources.map((_, i) => i);
    const counts = new Map<number, number>();
    const seen = new Set<number>();
    const { start, docs } = this.trigrams;
    for (let i = 0; i + 3 <= pattern.length; i++) {
      const code = trigramCode(pattern, i);
      if (seen.has(code)) continue;
      seen.add(code);
      const row = this.trigrams.rowOf(pattern, i);
      if (row < 0) continue;
      for (let k = start[row]; k < start[row + 1]; k++) {
        const doc = docs[k];
        if (among && !among.has(doc)) continue;
        counts.set(doc, (counts.get(doc) ?? 0) + 1);
      }
    }
    const need = Math.max(1, Math.ceil(seen.size * minShare));
    return [...counts].filter(([, c]) => c >= need).map(([d]) => d);
  }

  private idsOf(keys?: Iterable<string>): Set<number> | undefined {
    if (!keys) return undefined;
    const ids = new Set<number>();
    for (const k of keys) {
      const id = this.byKey.get(k);
      if (id !== undefined) ids.add(id);
    }
    return ids;
  }

  private matchAt(id: number, normStart: number, normEnd: number, distance: number, patternLength: number): SourceMatch {
    const t = this.texts[id];
    const start = t.map[normStart];
    const lastChar = t.map[normEnd - 1];
    let end = lastChar + 1;
    const code = t.source.text.charCodeAt(lastChar);
    if (code >= 0xd800 && code <= 0xdbff) end++;
    return {
      source: t.source,
      span: { start, end },
      text: t.source.text.slice(start, end),
      sentence: this.sentenceAtNorm(t, normStart),
      distance,
      similarity: 1 - distance / Math.max(1, patternLength),
    };
  }

  private sentenceAtNorm(t: SourceText, offset: number): number {
    let lo = 0;
    let hi = t.sentenceStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (t.sentenceStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Every exact occurrence of a normalised pattern, in the given sources or everywhere. */
  findExact(normalized: string, keys?: Iterable<string>): SourceMatch[] {
    if (!normalized) return [];
    return this.memoized(`x\u0002${normalized}\u0002${CorpusIndex.keysPart(keys)}`, () => this.findExactUncached(normalized, keys));
  }

  private findExactUncached(normalized: string, keys?: Iterable<string>): SourceMatch[] {
    const out: SourceMatch[] = [];
    for (const id of this.candidates(normalized, 1, this.idsOf(keys)).sort((a, b) => a - b)) {
      const norm = this.texts[id].norm;
      for (let at = norm.indexOf(normalized); at >= 0; at = norm.indexOf(normalized, at + 1)) {
        out.push(this.matchAt(id, at, at + normalized.length, 0, normalized.length));
      }
    }
    return out;
  }

  /**
   * The best approximate occurrence of a normalised pattern in each candidate source with similarity
   * at least `minSimilarity`, best first. A match never spans two sentences.
   */
  findNear(normalized: string, minSimilarity: number, keys?: Iterable<string>): SourceMatch[] {
    if (!normalized) return [];
    return this.memoized(`n\u0002${minSimilarity}\u0002${normalized}\u0002${CorpusIndex.keysPart(keys)}`, () => this.findNearUncached(normalized, minSimilarity, keys));
  }

  private findNearUncached(normalized: string, minSimilarity: number, keys?: Iterable<string>): SourceMatch[] {
    const maxDistance = Math.floor(normalized.length * (1 - minSimilarity));
    const out: SourceMatch[] = [];
    const share = Math.max(0.05, 1 - 3 * (1 - minSimilarity));
    for (const id of this.candidates(normalized, share, this.idsOf(keys))) {
      const t = this.texts[id];
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
    return this.memoized(`s\u0002${limit}\u0002${text}\u0002${CorpusIndex.keysPart(keys)}`, () => this.similarSentencesUncached(text, limit, keys));
  }

  private similarSentencesUncached(text: string, limit: number, keys?: Iterable<string>): { source: IndexedSource; sentence: Sentence; index: number; score: number }[] {
    const ids = this.idsOf(keys);
    const terms = bigrams(normalizeWithMap(text).text);
    let hits: { doc: number; score: number }[];
    if (ids && ids.size * 4 < this.sources.length) {
      // Few sources (the cited ones): score their sentences directly.
      const docs: number[] = [];
      for (const id of [...ids].sort((a, b) => a - b)) for (let d = this.firstSentence[id]; d < this.firstSentence[id + 1]; d++) docs.push(d);
      hits = this.sentenceSearch.searchDocs(terms, limit, docs);
    } else {
      hits = this.sentenceSearch.search(terms, limit, ids ? (doc) => ids.has(this.sentenceSource[doc]) : undefined);
    }
    return hits.map(({ doc, score }) => {
      const id = this.sentenceSource[doc];
      const index = doc - this.firstSentence[id];
      const source = this.sources[id];
      return { source, sentence: source.sentences[index], index, score };
    });
  }
}
