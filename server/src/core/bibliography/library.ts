/**
 * A reference library: the entries of the bibliography files (and inline references) one draft uses,
 * in Pandoc's order of precedence, with its keys looked up in constant time. Duplicate keys — twice
 * in one file, or in two files used together — are reported; the first definition wins.
 *
 * Kept apart from the corpus index on purpose: a library key has metadata and no text, so it takes
 * part in completion, hover and navigation, never in the text checks.
 */
import { distance } from "fastest-levenshtein";
import { suggestionSlack } from "../index/corpusIndex";
import type { Span } from "../model";
import type { CslData, LibraryEntry, LibraryFileData, LibraryProblem } from "./model";

export class ReferenceLibrary {
  private readonly byKey = new Map<string, LibraryEntry>();
  /** Entries shadowed by an earlier definition of their key. */
  readonly duplicates: LibraryProblem[] = [];

  /**
   * @param files in order of precedence, as Pandoc reads them: a draft's inline `references:` first
   *   (`inline`: they override a file's entry of the same key on purpose, so that is not reported),
   *   then its `bibliography:` files, then the setting's.
   */
  constructor(
    readonly files: readonly LibraryFileData[],
    inline: LibraryFileData | null = null,
  ) {
    for (const file of files) {
      for (const entry of file.entries) {
        const first = this.byKey.get(entry.key);
        if (!first) {
          this.byKey.set(entry.key, entry);
          continue;
        }
        if (inline && first.path === inline.path && file !== inline) continue;
        this.duplicates.push({
          path: entry.path,
          kind: "duplicate-key",
          severity: "warning",
          span: entry.keySpan.end > entry.keySpan.start ? entry.keySpan : { start: entry.span.start, end: entry.span.start + 1 },
          line: entry.line,
          key: entry.key,
          reason: "duplicate",
          detail: `${first.path}:${first.line + 1}`,
        });
      }
    }
  }

  static readonly EMPTY = new ReferenceLibrary([]);

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    const entry = this.byKey.get(key);
    // A key listed before its file was parsed counts once its entry reads (parsed alone, on asking).
    return !!entry && (!entry.readable || entry.readable());
  }

  get(key: string): LibraryEntry | undefined {
    return this.byKey.get(key);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** The keys closest to a mistyped one (edit distance; a shared prefix counts as closer), best first. */
  nearestKeys(key: string, n = 3): string[] {
    const k = key.toLowerCase();
    const slack = suggestionSlack(k);
    const scored: { c: string; d: number }[] = [];
    for (const c of this.byKey.keys()) {
      const l = c.toLowerCase();
      if (Math.abs(l.length - k.length) > slack && !l.startsWith(k) && !k.startsWith(l)) continue;
      const d = distance(k, l) - (l.startsWith(k) || k.startsWith(l) ? 2 : 0);
      if (d <= slack) scored.push({ c, d });
    }
    return scored
      .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
      .slice(0, n)
      .map((x) => x.c);
  }

  /** Every entry that counts (the first of each key), in precedence order. */
  entries(): IterableIterator<LibraryEntry> {
    return this.byKey.values();
  }

  /** The files' own problems and the duplicates, per file path. */
  problems(): LibraryProblem[] {
    return [...this.files.flatMap((f) => f.problems), ...this.duplicates];
  }
}

type CslName = { family?: string; given?: string; literal?: string };

/** The names of an item's authors (else editors), family names only, as a list. */
export function creatorNames(csl: CslData): string[] {
  for (const field of ["author", "editor", "container-author", "translator", "director"]) {
    const names = csl[field];
    if (Array.isArray(names) && names.length) return (names as CslName[]).map((n) => n.family ?? n.literal ?? n.given ?? "").filter(Boolean);
  }
  return [];
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** `Smith`, `Smith & Doe`, `Smith et al.`; Japanese names `村上`, `村上・山田`, `村上ほか`. */
export function authorsShort(csl: CslData): string {
  const names = creatorNames(csl);
  if (!names.length) return "";
  const ja = CJK.test(names[0]);
  if (names.length === 1) return names[0];
  if (names.length === 2) return ja ? `${names[0]}・${names[1]}` : `${names[0]} & ${names[1]}`;
  return ja ? `${names[0]}ほか` : `${names[0]} et al.`;
}

/** The year of issue (`2009`), or "" when the item has none. */
export function issuedYear(csl: CslData): string {
  const issued = csl.issued as { "date-parts"?: unknown[][]; raw?: string; literal?: string } | undefined;
  const y = issued?.["date-parts"]?.[0]?.[0];
  if (y !== undefined && y !== null && String(y) !== "") return String(y);
  const m = /\d{4}/.exec(issued?.raw ?? issued?.literal ?? "");
  return m ? m[0] : "";
}

export function titleOf(csl: CslData): string {
  return typeof csl.title === "string" ? csl.title : "";
}

export function containerOf(csl: CslData): string {
  const c = csl["container-title"] ?? csl.publisher;
  return typeof c === "string" ? c : "";
}

/** True when the item is Japanese (its language says so, or its title or names are written in Japanese). */
export function isJapanese(csl: CslData): boolean {
  const lang = typeof csl.language === "string" ? csl.language.toLowerCase() : "";
  if (lang) return lang.startsWith("ja") || lang === "japanese";
  return CJK.test(titleOf(csl)) || CJK.test(creatorNames(csl).join(""));
}

/** `Smith 2020 · On things` — what a completion list shows beside the key. */
export function entryDetail(entry: LibraryEntry): string {
  const who = [authorsShort(entry.csl), issuedYear(entry.csl)].filter(Boolean).join(" ");
  return [who, titleOf(entry.csl)].filter(Boolean).join(" · ");
}

/** Where an entry is, for people: `refs.bib:12`. */
export function entryPlace(entry: Pick<LibraryEntry, "path" | "line">, relative: (path: string) => string = (p) => p): string {
  return `${relative(entry.path)}:${entry.line + 1}`;
}

export function isEmptySpan(s: Span): boolean {
  return s.end <= s.start;
}
