/**
 * The corpus index: every source with its analysed units, plus the lookups the rules and the editor
 * features need — exact and near quote matching over normalised text (trigram candidate filtering,
 * then `indexOf` / semi-global alignment only in candidate sources), passage retrieval (BM25 over
 * character bigrams of sentences), and key lookup with nearest-key suggestions.
 *
 * Architecture invariant: the index is immutable once built; a corpus change builds a new one (from
 * the per-file cache, so only changed files are re-analysed).
 */
import type { CorpusProblem, IndexedSource, QuoteUnit, Sentence, Span } from "../model";
import { normalizeWithMap } from "../text/normalize";
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

function trigramCode(s: string, i: number): number {
  return s.charCodeAt(i) * 4294967296 + s.charCodeAt(i + 1) * 65536 + s.charCodeAt(i + 2);
}

export class CorpusIndex {
  readonly sources: readonly IndexedSource[];
  readonly problems: readonly CorpusProblem[];
  private readonly byKey = new Map<string, number>();
  private readonly texts: SourceText[] = [];
  /** trigram code → ids of sources whose normalised text contains it (ascending). */
  private readonly trigramDocs = new Map<number, number[]>();
  /** BM25 over sentences; `sentenceRefs[doc]` says which source and sentence. */
  private readonly sentenceSearch = new Bm25();
  private readonly sentenceRefs: { source: number; sentence: number }[] = [];

  constructor(sources: IndexedSource[], problems: CorpusProblem[] = []) {
    this.sources = sources;
    this.problems = problems;
    sources.forEach((s, id) => {
      this.byKey.set(s.meta.key, id);
      const text = this.buildText(s);
      this.texts.push(text);
      const seen = new Set<number>();
      for (let i = 0; i + 3 <= text.norm.length; i++) {
        const code = trigramCode(text.norm, i);
        if (seen.has(code)) continue;
        seen.add(code);
        let list = this.trigramDocs.get(code);
        if (!list) this.trigramDocs.set(code, (list = []));
        list.push(id);
      }
      s.sentences.forEach((sentence, k) => {
        this.sentenceRefs.push({ source: id, sentence: k });
        this.sentenceSearch.add(bigrams(normalizeWithMap(sentence.text).text));
      });
    });
  }

  private buildText(source: IndexedSource): SourceText {
    let norm = "";
    const map: number[] = [];
    const starts: number[] = [];
    for (const sentence of source.sentences) {
      if (norm.length) {
        norm += SEPARATOR;
        map.push(sentence.start);
      }
      starts.push(norm.length);
      const n = normalizeWithMap(sentence.text);
      norm += n.text;
      for (let i = 0; i < n.text.length; i++) map.push(sentence.start + n.map[i]);
    }
    return { source, norm, map: Int32Array.from(map), sentenceStarts: Int32Array.from(starts) };
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
    for (let i = 0; i + 3 <= pattern.length; i++) {
      const code = trigramCode(pattern, i);
      if (seen.has(code)) continue;
      seen.add(code);
      for (const doc of this.trigramDocs.get(code) ?? []) {
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
    const ids = this.idsOf(keys);
    const terms = bigrams(normalizeWithMap(text).text);
    const hits = this.sentenceSearch.search(terms, limit, ids ? (doc) => ids.has(this.sentenceRefs[doc].source) : undefined);
    return hits.map(({ doc, score }) => {
      const ref = this.sentenceRefs[doc];
      const source = this.sources[ref.source];
      return { source, sentence: source.sentences[ref.sentence], index: ref.sentence, score };
    });
  }
}
