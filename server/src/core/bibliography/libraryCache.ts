/**
 * What each item of a library file read to — its CSL and its problems — kept by the hash of the
 * item's text (and, for BibTeX, of the file's `@string` macros), in memory and in the user's cache
 * folder (`bibliography-v1/`, beside the corpus's analysis cache; never beside the library). A
 * library unchanged since the last start is not parsed again, and a file a reference manager has
 * re-exported after one new entry has only that entry parsed.
 *
 * A cache file is only trusted under the same format version and tool version, and for the same
 * library path; a torn or foreign file reads as empty. Writes go to a temporary file renamed into
 * place, so a crash never leaves half a file.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TOOL_VERSION } from "../index/cache";
import type { Span } from "../model";
import type { CslData, LibraryProblem } from "./model";

/** Bumped when what an item reads to changes (the parsers, citation-js's mapping, the item format). */
export const LIBRARY_CACHE_VERSION = 1;

/** One item as read: its entry (null when unreadable) and its problems, spans relative to the item's start. */
export interface CachedItem {
  key: string | null;
  keySpan: Span | null;
  csl: CslData | null;
  problems: (Omit<LibraryProblem, "path" | "span" | "line"> & { start: number; end: number; lineDelta: number })[];
}

export function itemHash(context: string, itemText: string): string {
  return createHash("sha1").update(context).update("\u0000").update(itemText).digest("base64");
}

export class LibraryItemCache {
  private readonly memory = new Map<string, Map<string, CachedItem>>();

  /**
   * @param dir the cache folder (`resolveCacheDir`), or a function giving it as the settings now say
   * (the editor's `shutten.cache.directory` can change while it runs); null keeps the cache in
   * memory only.
   */
  constructor(private readonly dir: string | null | (() => string | null)) {}

  private fileOf(path: string): string | null {
    const dir = typeof this.dir === "function" ? this.dir() : this.dir;
    return dir ? join(dir, `bibliography-v${LIBRARY_CACHE_VERSION}`, createHash("sha1").update(path).digest("hex") + ".json") : null;
  }

  /** The items last read from `path` (memory, else the cache folder), by hash. */
  get(path: string): Map<string, CachedItem> {
    const known = this.memory.get(path);
    if (known) return known;
    const file = this.fileOf(path);
    if (!file) return new Map();
    try {
      const data = JSON.parse(readFileSync(file, "utf8")) as { version: number; tool: string; path: string; items: [string, CachedItem][] };
      if (data.version !== LIBRARY_CACHE_VERSION || data.tool !== TOOL_VERSION || data.path !== path || !Array.isArray(data.items)) return new Map();
      return new Map(data.items);
    } catch {
      return new Map();
    }
  }

  /** Keeps what a file's items read to now (only its current items), and writes it to the cache folder. */
  put(path: string, items: Map<string, CachedItem>, persist = true): void {
    this.memory.set(path, items);
    const file = this.fileOf(path);
    if (!file || !persist) return;
    try {
      mkdirSync(join(file, ".."), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: LIBRARY_CACHE_VERSION, tool: TOOL_VERSION, path, items: [...items] }));
      renameSync(tmp, file);
    } catch {
      /* a cache that cannot be written only costs the next start a parse */
    }
  }
}
