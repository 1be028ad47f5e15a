/**
 * Parses library files for the store: items already read come from the item cache
 * (libraryCache.ts); the others are parsed on this thread when few, else shared between worker
 * threads (`libraryWorker.ts`, one per core, at most two), the parts joined in file order — the same
 * entries and problems as one reading of the whole file. Workers start on demand, stop when idle.
 */
import { cpus } from "node:os";
import * as path from "node:path";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { LineIndex } from "../lineIndex";
import type { Span } from "../model";
import { bibtexStringProblems, parseBibtex, splitBibtex, type BibChunk } from "./bibtex";
import { formatOfPath, splitJsonArray } from "./csl";
import { itemHash, type CachedItem, type LibraryItemCache } from "./libraryCache";
import type { LibraryEntry, LibraryFileData, LibraryFormat, LibraryProblem } from "./model";
import { countItems, decodeLibrary, parseLibraryText, unreadableFile } from "./parseLibrary";
import type { LibraryJob, LibraryJobResult } from "./libraryWorker";

/** Below this many entries a file is read on the calling thread (a worker's start costs more). */
export const PARALLEL_THRESHOLD = 3_000;
/** Workers stop this long after their last job (a library is read again only when it changes). */
const IDLE_MS = 5_000;

/** The bundled worker script beside this bundle, or null (running from sources: no workers). */
export function libraryWorkerScript(): string | null {
  const p = path.join(__dirname, "libraryWorker.js");
  return existsSync(p) ? p : null;
}

class WorkerPool {
  private workers: Worker[] = [];
  private pending = new Map<number, { resolve(d: LibraryFileData): void; reject(e: Error): void }>();
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly script: string,
    private readonly size: number,
  ) {}

  private start(): void {
    if (this.workers.length) return;
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(this.script);
      w.unref();
      w.on("message", (m: LibraryJobResult) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ("error" in m) p.reject(new Error(m.error));
        else p.resolve(m.data);
      });
      w.on("error", (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        this.stop();
      });
      this.workers.push(w);
    }
  }

  stop(): void {
    for (const w of this.workers) void w.terminate();
    this.workers = [];
  }

  run(jobs: Omit<LibraryJob, "id">[]): Promise<LibraryFileData[]> {
    this.start();
    clearTimeout(this.idle);
    const all = jobs.map(
      (job, k) =>
        new Promise<LibraryFileData>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.workers[k % this.workers.length].postMessage({ ...job, id } satisfies LibraryJob);
        }),
    );
    const done = Promise.all(all);
    void done.finally(() => {
      if (this.pending.size === 0) this.idle = setTimeout(() => this.stop(), IDLE_MS).unref();
    });
    return done;
  }
}

const pools = new Map<string, WorkerPool>();

function poolFor(script: string | null): WorkerPool | null {
  if (!script) return null;
  let pool = pools.get(script);
  if (!pool) pools.set(script, (pool = new WorkerPool(script, Math.max(1, Math.min(2, cpus().length)))));
  return pool;
}

/** Joins parts read separately, in file order. */
export function joinParts(filePath: string, parts: LibraryFileData[]): LibraryFileData {
  return {
    path: filePath,
    format: parts[0].format,
    entries: parts.flatMap((p) => p.entries),
    problems: parts.flatMap((p) => p.problems).sort((a, b) => a.span.start - b.span.start),
  };
}

/** Reads the selected items of a text: on workers when there are many and they are available. */
async function parseSelected(text: string, filePath: string, format: LibraryFormat, indices: number[] | null, count: number | null, pool: WorkerPool | null): Promise<LibraryFileData> {
  const n = indices ? indices.length : (count ?? 0);
  if (!pool || n < PARALLEL_THRESHOLD || format === "csl-yaml") return parseLibraryText(text, filePath, format, indices ? { indices } : undefined);
  const workers = Math.max(1, Math.min(2, cpus().length));
  const step = Math.ceil(n / workers);
  const jobs = Array.from({ length: workers }, (_, k) => ({
    text,
    path: filePath,
    format,
    part: indices ? { indices: indices.slice(k * step, (k + 1) * step) } : { from: k * step, to: Math.min(n, (k + 1) * step) },
  }));
  try {
    return joinParts(filePath, await pool.run(jobs));
  } catch {
    return parseLibraryText(text, filePath, format, indices ? { indices } : undefined);
  }
}

export interface ParseOptions {
  /** false: never on workers. */
  workers?: boolean;
  /** The worker bundle, when it is not beside this one. */
  workerScript?: string;
  /** Items already read, by hash (see libraryCache.ts): only the others are parsed. */
  cache?: LibraryItemCache;
  /**
   * Called, before a large BibTeX file's entries go to the workers, with its keys (`keysOnly` data:
   * cached entries as read, the others as placeholders that parse alone when asked whether they
   * read), so that a draft's diagnostics need not wait for the whole file.
   */
  early?: (keys: LibraryFileData) => void;
}

/**
 * Reads a library file's bytes: the items the cache knows are taken from it, the others parsed —
 * on workers when they are many and the workers are available.
 */
export async function parseLibraryFile(filePath: string, bytes: Uint8Array, options: ParseOptions = {}): Promise<LibraryFileData> {
  const format = formatOfPath(filePath);
  if (!format) return unreadableFile(filePath, "unknown-format", "");
  const decoded = decodeLibrary(bytes);
  if ("error" in decoded) return unreadableFile(filePath, "binary", decoded.error, format);
  const text = decoded.text;
  const pool = options.workers === false ? null : poolFor(options.workerScript ?? libraryWorkerScript());
  let data: LibraryFileData;
  const items = options.cache && format !== "csl-yaml" ? itemsOf(text, format) : null;
  if (!options.cache || !items) data = await parseSelected(text, filePath, format, null, pool ? countItems(text, format) : null, pool);
  else data = await parseWithCache(text, filePath, format, items, options.cache, pool, options.early);
  if (decoded.note) data.problems.unshift({ path: filePath, kind: "file-unreadable", severity: "warning", span: { start: 0, end: 0 }, line: 0, reason: "latin1", detail: decoded.note });
  return data;
}

/** The items of a text (BibTeX entries, CSL-JSON array elements) and what else their reading depends on. */
function itemsOf(text: string, format: LibraryFormat): { spans: Span[]; context: string; chunks?: BibChunk[]; entries?: BibChunk[] } | null {
  if (format === "bibtex") {
    const chunks = splitBibtex(text);
    const strings = chunks.filter((c) => c.kind === "string").map((c) => text.slice(c.span.start, c.span.end));
    const entries = chunks.filter((c) => c.kind === "entry");
    return { spans: entries.map((c) => c.span), context: `bibtex\u0000${strings.join("\n")}`, chunks, entries };
  }
  const split = splitJsonArray(text);
  return split ? { spans: split.elements.map((e) => e.span), context: "csl-json" } : null;
}

/** A cached item's entry at `span` in its file, or null when the item did not read. */
function cachedEntry(item: CachedItem, span: Span, filePath: string, format: LibraryFormat, lines: LineIndex): LibraryEntry | null {
  if (!item.csl || !item.key || !item.keySpan) return null;
  const keySpan = { start: span.start + item.keySpan.start, end: span.start + item.keySpan.end };
  return { key: item.key, path: filePath, format, span, keySpan, line: lines.lineAt(span.start), keyPosition: lines.positionAt(keySpan.start), csl: item.csl };
}

/**
 * A BibTeX file's keys before its entries are parsed: cached entries as read, the others as
 * placeholders (`csl` only `{ id }`) that parse alone, once, when asked whether they read.
 */
function keysFirst(text: string, filePath: string, items: { spans: Span[]; chunks?: BibChunk[]; entries?: BibChunk[] }, hashes: string[], known: Map<string, CachedItem>, lines: LineIndex): LibraryFileData {
  const entries: LibraryEntry[] = [];
  const chunks = items.chunks!;
  items.entries!.forEach((c, i) => {
    const item = known.get(hashes[i]);
    if (item) {
      const e = cachedEntry(item, c.span, filePath, "bibtex", lines);
      if (e) entries.push(e);
      return;
    }
    if (!c.key || !c.keySpan) return;
    let reads: boolean | undefined;
    const readable = () => (reads ??= parseBibtex(text, filePath, { indices: [i] }, { chunks, lines }).entries.length > 0);
    entries.push({ key: c.key, path: filePath, format: "bibtex", span: c.span, keySpan: c.keySpan, line: lines.lineAt(c.span.start), keyPosition: lines.positionAt(c.keySpan.start), csl: { id: c.key }, readable });
  });
  return { path: filePath, format: "bibtex", entries, problems: [], keysOnly: true };
}

async function parseWithCache(
  text: string,
  filePath: string,
  format: LibraryFormat,
  items: { spans: Span[]; context: string; chunks?: BibChunk[]; entries?: BibChunk[] },
  cache: LibraryItemCache,
  pool: WorkerPool | null,
  early?: ParseOptions["early"],
): Promise<LibraryFileData> {
  const hashes = items.spans.map((s) => itemHash(items.context, text.slice(s.start, s.end)));
  const known = cache.get(filePath);
  const misses = hashes.flatMap((h, i) => (known.has(h) ? [] : [i]));
  const lines = new LineIndex(text);
  if (early && pool && items.entries && misses.length >= PARALLEL_THRESHOLD) early(keysFirst(text, filePath, items, hashes, known, lines));
  const parsed = misses.length ? await parseSelected(text, filePath, format, misses, misses.length, pool) : null;
  // What the parse found, by the item it belongs to.
  const byItem = new Map<number, { entry?: LibraryEntry; problems: LibraryProblem[] }>();
  if (parsed) {
    const starts = items.spans.map((s) => s.start);
    const itemAt = (offset: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    for (const e of parsed.entries) {
      const i = itemAt(e.span.start);
      const slot = byItem.get(i) ?? { problems: [] };
      slot.entry = e;
      byItem.set(i, slot);
    }
    for (const p of parsed.problems) {
      const i = itemAt(p.span.start);
      const slot = byItem.get(i) ?? { problems: [] };
      slot.problems.push(p);
      byItem.set(i, slot);
    }
  }
  const next = new Map<string, CachedItem>();
  const entries: LibraryEntry[] = [];
  const problems: LibraryProblem[] = format === "bibtex" ? bibtexStringProblems(text, filePath) : [];
  items.spans.forEach((span, i) => {
    let item = known.get(hashes[i]);
    if (!item) {
      const slot = byItem.get(i) ?? { problems: [] };
      const e = slot.entry;
      item = {
        key: e?.key ?? null,
        keySpan: e ? { start: e.keySpan.start - span.start, end: e.keySpan.end - span.start } : null,
        csl: e?.csl ?? null,
        problems: slot.problems.map(({ path: _p, span: ps, line, ...rest }) => ({ ...rest, start: ps.start - span.start, end: ps.end - span.start, lineDelta: line - lines.lineAt(ps.start) })),
      };
    }
    next.set(hashes[i], item);
    const entry = cachedEntry(item, span, filePath, format, lines);
    if (entry) entries.push(entry);
    for (const { start, end, lineDelta, ...rest } of item.problems) {
      const ps = { start: span.start + start, end: span.start + end };
      problems.push({ ...rest, path: filePath, span: ps, line: lines.lineAt(ps.start) + lineDelta });
    }
  });
  cache.put(filePath, next, misses.length > 0 || next.size !== known.size);
  return { path: filePath, format, entries, problems: problems.sort((a, b) => a.span.start - b.span.start) };
}
