/**
 * What completion searches in a library, built once per parsed file (kept weakly beside it, so a
 * reloaded file gets a fresh one and the old one goes with it). A keystroke never scans entries:
 *
 * - keys, sorted: a key prefix is a binary search;
 * - the words a writer types to find an entry — authors' names, year, title and container words,
 *   folded (width, case, katakana → hiragana) — sorted with their entry: a word prefix is a binary
 *   search too;
 * - every searchable field of every entry in one string: a substring is a few native `indexOf`s;
 * - for Japanese titles and names, their kana reading (kuromoji, as the quote completion reads
 *   quotes), so `@むらかみ` finds 村上 and `@うくらいな` a title in katakana or kanji. Readings are
 *   added in the background (`warmLibraryReadings`); until then such entries are found as written.
 */
import { readingOf, toHiragana } from "../features/corpusCatalog";
import { lowerBound } from "../sortedSearch";
import type { Tokenizer } from "../text/tokenizer";
import { containerOf, issuedYear, titleOf, type ReferenceLibrary } from "./library";
import type { CslData, LibraryEntry, LibraryFileData } from "./model";
import { backgroundTurn } from "../backgroundWork";

/** Distinct words, sorted, and the entries holding each: `ids[starts[w]]`…`ids[starts[w + 1] - 1]`. */
interface WordIndex {
  words: string[];
  starts: Int32Array;
  ids: Int32Array;
}

interface FileCatalog {
  /** Entries in key order; ids below index this array. */
  entries: LibraryEntry[];
  keysLower: string[];
  words: WordIndex;
  /** Searchable fields of all entries, folded, each entry's ending with `\u0001`. */
  blob: string;
  /** `blobEnds[i]`: offset just past entry i's text in `blob` (ascending). */
  blobEnds: Int32Array;
  /** Japanese text to read, per entry ("" when none). */
  toRead: string[];
  /** Readings, once all are read (null before). */
  readings: { words: WordIndex; blob: string; blobEnds: Int32Array } | null;
  nextReading: number;
  pendingReadings: string[];
}

const catalogs = new WeakMap<LibraryFileData, FileCatalog>();
const KANJI_OR_KANA = /[\p{Script=Han}\p{Script=Katakana}]/u;

type CslName = { family?: string; given?: string; literal?: string };

function names(csl: CslData): string[] {
  const out: string[] = [];
  for (const field of ["author", "editor", "container-author", "translator"]) {
    const list = csl[field];
    if (Array.isArray(list)) for (const n of list as CslName[]) for (const part of [n.family, n.given, n.literal]) if (part) out.push(part);
  }
  return out;
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const KATAKANA = /[\u30a1-\u30f6]/;

/** The form typed text and entries are compared in: NFKC (width), lower case, katakana as hiragana, no spaces. */
export function foldReference(s: string): string {
  if (PLAIN_ASCII.test(s)) return s.toLowerCase().replace(/ +/g, "");
  const n = s.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  return KATAKANA.test(n) ? toHiragana(n) : n;
}

/** Words of a field: Latin text split at spaces and punctuation; Japanese runs also split at their punctuation. */
function wordsOf(s: string): string[] {
  const out: string[] = [];
  for (const w of s.normalize("NFKC").split(/[\s,.;:()\[\]{}"'“”‘’!?/\\–—\-・:：、。「」『』（）]+/u)) {
    const f = foldReference(w);
    if (f) out.push(f);
  }
  return out;
}

function buildWordIndex(lists: string[][]): WordIndex {
  const postings = new Map<string, number[]>();
  lists.forEach((ws, id) => {
    for (const w of ws) {
      const list = postings.get(w);
      if (!list) postings.set(w, [id]);
      else if (list[list.length - 1] !== id) list.push(id);
    }
  });
  const words = [...postings.keys()].sort();
  const starts = new Int32Array(words.length + 1);
  let total = 0;
  words.forEach((w, k) => {
    starts[k] = total;
    total += postings.get(w)!.length;
  });
  starts[words.length] = total;
  const ids = new Int32Array(total);
  words.forEach((w, k) => ids.set(postings.get(w)!, starts[k]));
  return { words, starts, ids };
}

function buildBlob(texts: string[]): { blob: string; blobEnds: Int32Array } {
  const ends = new Int32Array(texts.length);
  let at = 0;
  texts.forEach((t, i) => {
    at += t.length + 1;
    ends[i] = at;
  });
  return { blob: texts.join("\u0001") + (texts.length ? "\u0001" : ""), blobEnds: ends };
}

export function fileCatalog(file: LibraryFileData): FileCatalog {
  let c = catalogs.get(file);
  if (c) return c;
  const entries = [...file.entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const wordLists: string[][] = [];
  const texts: string[] = [];
  const toRead: string[] = [];
  for (const e of entries) {
    const people = names(e.csl);
    const title = titleOf(e.csl);
    const container = containerOf(e.csl);
    const year = issuedYear(e.csl);
    wordLists.push([...people.flatMap(wordsOf), ...wordsOf(title), ...wordsOf(container), ...(year ? [year] : [])]);
    texts.push([e.key.toLowerCase(), ...people.map(foldReference), year, foldReference(title), foldReference(container)].join(" "));
    toRead.push([title].concat(people).filter((s) => KANJI_OR_KANA.test(s)).join("\u0000"));
  }
  c = {
    entries,
    keysLower: entries.map((e) => e.key.toLowerCase()),
    words: buildWordIndex(wordLists),
    ...buildBlob(texts),
    toRead,
    readings: null,
    nextReading: 0,
    pendingReadings: [],
  };
  catalogs.set(file, c);
  return c;
}

/** Reads the Japanese titles and names of a file's entries until `deadline`; true when all are read. */
export function addReadings(file: LibraryFileData, tokenizer: Tokenizer, deadline = Infinity): boolean {
  const c = fileCatalog(file);
  if (c.readings) return true;
  while (c.nextReading < c.entries.length) {
    const text = c.toRead[c.nextReading++];
    c.pendingReadings.push(text ? text.split("\u0000").map((s) => readingOf(s, tokenizer)).join("\u0000") : "");
    if (performance.now() >= deadline) break;
  }
  if (c.nextReading < c.entries.length) return false;
  const lists = c.pendingReadings.map((r) => (r ? r.split("\u0000").flatMap(wordsOf) : []));
  c.readings = { words: buildWordIndex(lists), ...buildBlob(c.pendingReadings.map((r) => r.replace(/\u0000/g, " "))) };
  c.pendingReadings = [];
  return true;
}

/** Adds the readings of every file in slices between other work; resolves when done or no longer wanted. */
export function warmLibraryReadings(files: readonly LibraryFileData[], tokenizer: Tokenizer, stillWanted: () => boolean = () => true, sliceMs = 15): Promise<void> {
  return new Promise((resolve) => {
    let k = 0;
    const step = () => {
      if (!stillWanted()) return resolve();
      const deadline = performance.now() + sliceMs;
      while (k < files.length && performance.now() < deadline) if (addReadings(files[k], tokenizer, deadline)) k++;
      if (k >= files.length) return resolve();
      void backgroundTurn().then(step);
    };
    void backgroundTurn().then(step);
  });
}

export interface LibraryHit {
  entry: LibraryEntry;
  /** 0 key prefix, 1 a word (name, year, title word or reading) starts with it, 2 anywhere. */
  rank: number;
}


function entryOfBlobOffset(ends: Int32Array, at: number): number {
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Entries matching what is typed after `@` (a key prefix, an author, a year, a title word, in kanji
 * or kana), best first, at most `limit`; `truncated` when more would match.
 */
export function searchLibrary(library: ReferenceLibrary, typed: string, limit = 50): { hits: LibraryHit[]; truncated: boolean } {
  const lower = typed.toLowerCase();
  const q = foldReference(typed);
  const hits: LibraryHit[] = [];
  const taken = new Set<LibraryEntry>();
  const want = limit + 1;
  const take = (entry: LibraryEntry, rank: number): boolean => {
    if (taken.has(entry) || library.get(entry.key) !== entry) return hits.length < want;
    taken.add(entry);
    hits.push({ entry, rank });
    return hits.length < want;
  };
  const cats = library.files.map(fileCatalog);
  // 0: key prefix.
  rank0: for (const c of cats) {
    for (let i = lowerBound(c.keysLower, lower); i < c.keysLower.length && c.keysLower[i].startsWith(lower); i++) if (!take(c.entries[i], 0)) break rank0;
  }
  // 1: a word, or a word's reading, starts with what is typed.
  if (q && hits.length < want) {
    rank1: for (const c of cats) {
      for (const index of [c.words, c.readings?.words]) {
        if (!index) continue;
        for (let w = lowerBound(index.words, q); w < index.words.length && index.words[w].startsWith(q); w++)
          for (let k = index.starts[w]; k < index.starts[w + 1]; k++) if (!take(c.entries[index.ids[k]], 1)) break rank1;
      }
    }
  }
  // 2: anywhere in the fields or their readings.
  if (q && hits.length < want) {
    rank2: for (const c of cats) {
      for (const b of [c, c.readings]) {
        if (!b) continue;
        for (let at = b.blob.indexOf(q); at >= 0; ) {
          const id = entryOfBlobOffset(b.blobEnds, at);
          if (!take(c.entries[id], 2)) break rank2;
          at = b.blob.indexOf(q, b.blobEnds[id]);
        }
      }
    }
  }
  return { hits: hits.slice(0, limit), truncated: hits.length > limit };
}
