/**
 * Unique citation keys for a whole corpus: the one place where keys are disambiguated.
 *
 * Each file claims a key when it is cleaned (cleanSource.ts): an explicit one (its front matter, or
 * its entry in `sources.yaml`) or an inferred one (`<outlet>-<YYYY-MM-DD>` from the text, else the
 * file name). A newsroom archive holds many articles of one outlet on one day, so inferred keys
 * clash all the time; no file may be left out for it. The rule, as citation managers do it (Better
 * BibTeX, JabRef):
 *
 * 1. An explicit key belongs to its file. When two files claim the same explicit key, the one whose
 *    key comes from `sources.yaml` keeps it (the catalogue is the project's register), else the first
 *    in corpus order; the other is still indexed, under the key with a suffix (rule 3), and the clash
 *    is reported on both files as a problem to fix.
 * 2. Files inferring the same key are ordered by their date-time (`published`), then by path. The
 *    first keeps the key unless an explicit key holds it; each next one gets the next free suffix:
 *    `nikkei-2025-06-20`, `nikkei-2025-06-20a`, `nikkei-2025-06-20b`, … `…z`, `…aa`, `…ab`.
 * 3. Suffixes are lower-case letters appended to the key, after a `-` when the key ends in a letter
 *    (`notes-a`), so a suffixed key is still a valid Pandoc key. A suffix never produces a key that
 *    any file claims for itself.
 *
 * A file's key therefore depends only on the files that claim the same key (and on keys equal to a
 * suffixed candidate): adding or removing unrelated files never changes it.
 */
import type { CorpusProblem } from "../model";
import { compareCorpusPaths } from "./corpusFiles";

/** What one file claims, before disambiguation. */
export interface KeyClaim {
  /** The key resolved from the file's metadata. */
  key: string;
  /** Where it came from: `front-matter`, `catalogue`, `text` or `file-name`. */
  provenance: string | undefined;
  /** The article's ISO date or date-time, if known. */
  published: string | null;
  /** Path relative to the corpus directory (corpus order) and absolute path (for problems). */
  rel: string;
  path: string;
}

export function isExplicitKey(provenance: string | undefined): boolean {
  return provenance === "front-matter" || provenance === "catalogue";
}

/** The n-th suffix (1 → `a`, 26 → `z`, 27 → `aa`, …). */
export function keySuffix(n: number): string {
  let s = "";
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(97 + ((k - 1) % 26)) + s;
  return s;
}

/** `key` with the n-th suffix (see rule 3). */
export function suffixedKey(key: string, n: number): string {
  return /\p{L}$/u.test(key) ? `${key}-${keySuffix(n)}` : key + keySuffix(n);
}

/** The final key of each claim (same order), and the problems of explicit clashes. */
export function assignKeys(claims: readonly KeyClaim[]): { keys: string[]; problems: CorpusProblem[] } {
  const steps = assignKeysSteps(claims);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** How many claims `assignKeysSteps` handles between yields. */
const STEP_CLAIMS = 1024;

/**
 * `assignKeys` in steps (yields every `STEP_CLAIMS` claims handled) for a thread that serves
 * requests: a 10,000-article corpus's keys are tens of milliseconds in one piece.
 */
export function* assignKeysSteps(claims: readonly KeyClaim[]): Generator<void, { keys: string[]; problems: CorpusProblem[] }> {
  const keys: string[] = new Array(claims.length);
  const problems: CorpusProblem[] = [];
  const claimed = new Set<string>();
  let work = 0;
  // True every STEP_CLAIMS units of work: the caller yields then.
  const tick = (n = 1) => {
    work += n;
    if (work < STEP_CLAIMS) return false;
    work = 0;
    return true;
  };
  for (let i = 0; i < claims.length; i++) {
    claimed.add(claims[i].key);
    if (tick()) yield;
  }
  const used = new Set<string>();
  const groups = function* (explicit: boolean): Generator<void, [string, number[]][]> {
    const by = new Map<string, number[]>();
    for (let i = 0; i < claims.length; i++) {
      const c = claims[i];
      if (tick()) yield;
      if (isExplicitKey(c.provenance) !== explicit) continue;
      const list = by.get(c.key);
      if (list) list.push(i);
      else by.set(c.key, [i]);
    }
    yield;
    return [...by].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  };
  // Keys are only ever added to `used`, so a key's next free suffix is never below the last one
  // handed out: the search resumes there (a day's hundred clashing articles cost a hundred steps,
  // not five thousand).
  const lastSuffix = new Map<string, number>();
  const next = (key: string): string => {
    for (let n = (lastSuffix.get(key) ?? 0) + 1; ; n++) {
      const candidate = suffixedKey(key, n);
      if (!claimed.has(candidate) && !used.has(candidate)) {
        lastSuffix.set(key, n);
        return candidate;
      }
    }
  };
  const byPath = (a: number, b: number) => compareCorpusPaths(claims[a].rel, claims[b].rel);

  // Rule 1: each explicit key's owner.
  const explicitGroups = yield* groups(true);
  for (const [key, members] of explicitGroups) {
    members.sort((a, b) => Number(claims[b].provenance === "catalogue") - Number(claims[a].provenance === "catalogue") || byPath(a, b));
    keys[members[0]] = key;
    used.add(key);
    if (tick(members.length)) yield;
  }
  // Rule 2: inferred keys, in date-time then path order.
  for (const [key, members] of yield* groups(false)) {
    members.sort((a, b) => {
      const x = claims[a].published ?? "";
      const y = claims[b].published ?? "";
      return x < y ? -1 : x > y ? 1 : byPath(a, b);
    });
    for (const m of members) {
      const k = used.has(key) ? next(key) : key;
      keys[m] = k;
      used.add(k);
    }
    if (tick(members.length)) yield;
  }
  // Explicit clashes last, so they never move an inferred key.
  for (const [key, members] of explicitGroups) {
    const owner = claims[members[0]];
    for (const m of members.slice(1)) {
      const k = next(key);
      keys[m] = k;
      used.add(k);
      const c = claims[m];
      problems.push({
        path: c.path,
        message: `duplicate citation key '${key}' (from ${c.provenance}): ${owner.rel} already has it (from ${owner.provenance}); this file is indexed as '${k}' until one of them is changed`,
        severity: "error",
        code: "duplicate-key",
      });
      problems.push({ path: owner.path, message: `citation key '${key}' is also claimed by ${c.rel} (from ${c.provenance}), which is indexed as '${k}'`, severity: "warning", code: "duplicate-key" });
    }
    if (tick(members.length)) yield;
  }
  return { keys, problems };
}
