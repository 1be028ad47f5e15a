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

/**
 * BM25 over documents given as term lists. Documents are added once; `search` scores every
 * document sharing a term with the query through the postings, never scanning all documents.
 */
export class Bm25 {
  private postings = new Map<string, { doc: number; tf: number }[]>();
  private lengths: number[] = [];
  private totalLength = 0;
  constructor(
    private readonly k1 = 1.2,
    private readonly b = 0.75,
  ) {}

  get size(): number {
    return this.lengths.length;
  }

  /** Adds a document and returns its id. */
  add(terms: string[]): number {
    const id = this.lengths.length;
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let list = this.postings.get(t);
      if (!list) this.postings.set(t, (list = []));
      list.push({ doc: id, tf: n });
    }
    return id;
  }

  /** Scores documents for the query terms; `filter` restricts to some documents. Best first. */
  search(terms: string[], limit: number, filter?: (doc: number) => boolean): { doc: number; score: number }[] {
    const n = this.lengths.length;
    if (n === 0) return [];
    const avg = this.totalLength / n;
    const scores = new Map<number, number>();
    for (const t of new Set(terms)) {
      const list = this.postings.get(t);
      if (!list) continue;
      const idf = Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5));
      for (const { doc, tf } of list) {
        if (filter && !filter(doc)) continue;
        const len = this.lengths[doc];
        const s = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * len) / avg));
        scores.set(doc, (scores.get(doc) ?? 0) + s);
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ doc, score }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, limit);
  }
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
