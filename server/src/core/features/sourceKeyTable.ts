/**
 * The corpus's keys as key completion looks them up, built once per index (a `WeakMap` keyed by the
 * `CorpusIndex`): sources in the order completion lists them (newest first, then by key), and the
 * lower-cased keys sorted for a binary search of the typed prefix. A keystroke is then a binary
 * search and, for what the title or outlet holds, a scan that stops once the list is full — never a
 * sort of every source.
 */
import type { CorpusIndex } from "../index/corpusIndex";
import type { IndexedSource } from "../model";
import { compareKeys } from "./corpusCatalog";

export interface SourceKeyTable {
  /** Sources newest first (`published`, descending), then by key. */
  ranked: IndexedSource[];
  /** Lower-cased key of `ranked[i]`. */
  keys: string[];
  /** Lower-cased `key title outlet` of `ranked[i]`. */
  hay: string[];
  /** Positions in `ranked`, sorted by `keys[i]` (code units), for prefix ranges. */
  byKey: Int32Array;
}

const tables = new WeakMap<CorpusIndex, SourceKeyTable>();

export function sourceKeyTable(index: CorpusIndex): SourceKeyTable {
  let t = tables.get(index);
  if (!t) tables.set(index, (t = buildTable(index.sources)));
  return t;
}

function buildTable(sources: readonly IndexedSource[]): SourceKeyTable {
  const ranked = sources.slice().sort((a, b) => {
    const pa = a.meta.published ?? "";
    const pb = b.meta.published ?? "";
    return pa < pb ? 1 : pa > pb ? -1 : compareKeys(a.meta.key, b.meta.key);
  });
  const keys = ranked.map((s) => s.meta.key.toLowerCase());
  const hay = ranked.map((s, i) => `${keys[i]} ${(s.meta.title ?? "").toLowerCase()} ${(s.meta.outlet ?? "").toLowerCase()}`);
  const byKey = Int32Array.from(keys, (_, i) => i).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
  return { ranked, keys, hay, byKey };
}

/**
 * Sources for a typed key prefix (lower-cased), best first, at most `limit`: keys starting with it
 * (rank 0), then sources whose key, title or outlet holds it (rank 1); each in `ranked` order.
 * With nothing typed, every source is rank 1.
 */
export function searchSourceKeys(table: SourceKeyTable, prefix: string, limit: number): { source: IndexedSource; rank: number }[] {
  const out: { source: IndexedSource; rank: number }[] = [];
  if (limit <= 0) return out;
  if (!prefix) {
    for (let i = 0; i < table.ranked.length && i < limit; i++) out.push({ source: table.ranked[i], rank: 1 });
    return out;
  }
  const { keys, byKey } = table;
  let lo = 0;
  let hi = byKey.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[byKey[mid]] < prefix) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < byKey.length && keys[byKey[end]].startsWith(prefix)) end++;
  const prefixed = byKey.slice(lo, end).sort();
  for (let i = 0; i < prefixed.length && out.length < limit; i++) out.push({ source: table.ranked[prefixed[i]], rank: 0 });
  for (let i = 0; i < table.ranked.length && out.length < limit; i++) {
    if (!keys[i].startsWith(prefix) && table.hay[i].includes(prefix)) out.push({ source: table.ranked[i], rank: 1 });
  }
  return out;
}
