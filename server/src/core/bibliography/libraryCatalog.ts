/**
 * What completion searches in a library, built once per parsed file (kept weakly beside it, so a
 * reloaded file gets a fresh one and the old one goes with it) — a keystroke only compares strings:
 *
 * - per entry, its key, and the folded words a writer types to find it: authors' names, year, title
 *   and container words (`foldForLookup`: width, case and kana folded as for quotes);
 * - for Japanese titles and names, their kana reading (kuromoji, as the quote completion reads
 *   quotes), so `@むらかみ` finds 村上 and `@いちきゅう` a title in kanji. Readings are added in the
 *   background (`warmLibraryReadings`) — until then such entries are found by their written form.
 */
import { foldForLookup, readingOf } from "../features/corpusCatalog";
import type { Tokenizer } from "../text/tokenizer";
import { containerOf, issuedYear, titleOf, type ReferenceLibrary } from "./library";
import type { CslData, LibraryEntry, LibraryFileData } from "./model";

export interface LibraryRecord {
  entry: LibraryEntry;
  keyLower: string;
  /** Folded words: names, year, title and container words. */
  words: string[];
  /** Every searchable field, folded, joined. */
  hay: string;
  /** Hiragana readings of the Japanese title and names ("" until read, or when none is needed). */
  reading: string;
  /** Text to read (Japanese title and names), "" when nothing needs a reading. */
  toRead: string;
}

interface FileCatalog {
  records: LibraryRecord[];
  /** Index of the next record whose reading is not yet computed. */
  nextReading: number;
}

const catalogs = new WeakMap<LibraryFileData, FileCatalog>();
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const KANJI = /\p{Script=Han}/u;

type CslName = { family?: string; given?: string; literal?: string };

function names(csl: CslData): string[] {
  const out: string[] = [];
  for (const field of ["author", "editor", "container-author", "translator"]) {
    const list = csl[field];
    if (Array.isArray(list)) for (const n of list as CslName[]) for (const part of [n.family, n.given, n.literal]) if (part) out.push(part);
  }
  return out;
}

function fold(s: string): string {
  return foldForLookup(s).toLowerCase();
}

/** Words of a field: Latin text split at spaces and punctuation; Japanese runs kept whole. */
function wordsOf(s: string): string[] {
  return s
    .split(/[\s,.;:()\[\]{}"'“”‘’!?¿¡/\\–—-]+/u)
    .filter(Boolean)
    .map(fold)
    .filter(Boolean);
}

function recordOf(entry: LibraryEntry): LibraryRecord {
  const csl = entry.csl;
  const people = names(csl);
  const title = titleOf(csl);
  const container = containerOf(csl);
  const year = issuedYear(csl);
  const words = [...new Set([...people.flatMap(wordsOf), ...wordsOf(title), ...wordsOf(container), ...(year ? [year] : [])])];
  const hay = [entry.key.toLowerCase(), people.map(fold).join(" "), year, fold(title), fold(container)].join("\u0000");
  const japanese = [title, ...people].filter((s) => KANJI.test(s));
  return { entry, keyLower: entry.key.toLowerCase(), words, hay, reading: "", toRead: japanese.join("\u0000") };
}

export function fileCatalog(file: LibraryFileData): FileCatalog {
  let c = catalogs.get(file);
  if (!c) {
    c = { records: file.entries.map(recordOf).sort((a, b) => (a.keyLower < b.keyLower ? -1 : a.keyLower > b.keyLower ? 1 : 0)), nextReading: 0 };
    catalogs.set(file, c);
  }
  return c;
}

/** Reads the Japanese titles and names of a file's entries until `deadline`; true when all are read. */
export function addReadings(file: LibraryFileData, tokenizer: Tokenizer, deadline = Infinity): boolean {
  const c = fileCatalog(file);
  while (c.nextReading < c.records.length) {
    const r = c.records[c.nextReading++];
    if (r.toRead) {
      const parts = r.toRead.split("\u0000").map((s) => readingOf(s, tokenizer));
      r.reading = parts.join("\u0000");
      for (const p of parts) if (p && !r.words.includes(p)) r.words.push(p);
    }
    if (performance.now() >= deadline) break;
  }
  return c.nextReading >= c.records.length;
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
      setImmediate(step);
    };
    setImmediate(step);
  });
}

export interface LibraryHit {
  entry: LibraryEntry;
  /** 0 key prefix, 1 a word (name, year, title word or reading) starts with it, 2 anywhere. */
  rank: number;
}

/**
 * Entries matching what is typed after `@` (a key prefix, an author, a year, a title word, in kanji
 * or kana), best first, at most `limit`; `truncated` when more would match.
 */
export function searchLibrary(library: ReferenceLibrary, typed: string, limit = 50): { hits: LibraryHit[]; truncated: boolean } {
  const lower = typed.toLowerCase();
  const q = fold(typed);
  const buckets: LibraryHit[][] = [[], [], []];
  let total = 0;
  outer: for (const file of library.files) {
    for (const r of fileCatalog(file).records) {
      let rank = -1;
      if (r.keyLower.startsWith(lower)) rank = 0;
      else if (!q) continue;
      else if (r.words.some((w) => w.startsWith(q))) rank = 1;
      else if (r.hay.includes(q) || (r.reading && r.reading.includes(q))) rank = 2;
      if (rank < 0 || library.get(r.entry.key) !== r.entry) continue;
      buckets[rank].push({ entry: r.entry, rank });
      total++;
      // Records are in key order: once the best bucket is full, nothing later can displace it.
      if (buckets[0].length > limit) break outer;
    }
  }
  const hits = buckets.flat();
  return { hits: hits.slice(0, limit), truncated: hits.length > limit || total > limit };
}

/** True when `s` has Japanese script (what needs a reading to be found in kana). */
export function hasJapanese(s: string): boolean {
  return CJK.test(s);
}
