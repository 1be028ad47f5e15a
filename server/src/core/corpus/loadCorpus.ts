/**
 * Loading a corpus without analysing it: the first stages of the ingestion pipeline put together —
 * find the files (corpusFiles.ts), read and decode each (readSource.ts), clean it into a source
 * (cleanSource.ts), then make the keys unique (citationKeys.ts). Every file that cannot be loaded is
 * reported with its path and reason while the rest still loads; no loaded file is ever left out.
 * The analysis, the index and the snapshot come after (core/ingest/).
 *
 * Architecture invariant: the disk is reached only through `CorpusFs` (injectable); nothing here
 * writes into the corpus.
 */
import * as path from "node:path";
import type { CorpusProblem, PartialDate } from "../model";
import { pushAll } from "../arrays";
import { assignKeys } from "./citationKeys";
import { cleanSource, type RawSource } from "./cleanSource";
import { nodeCorpusFs, type CorpusFs } from "./corpusFs";
import { findCorpusFiles, type CorpusFile } from "./corpusFiles";
import { decodeBytes } from "./decode";
import { normalizeRelPath, parseCatalogue, type Catalogue, type CatalogueEntry } from "./metadata";
import { decodeFile, DEFAULT_MAX_FILE_BYTES, readFileBytes } from "./readSource";

export { nodeCorpusFs, nodeCorpusFsSync, type CorpusFs } from "./corpusFs";
export { DEFAULT_INCLUDE } from "./corpusFiles";
export { DEFAULT_MAX_FILE_BYTES } from "./readSource";
export type { RawSource } from "./cleanSource";

export interface CorpusLoadResult {
  sources: RawSource[];
  problems: CorpusProblem[];
}

export interface LoadCorpusOptions {
  /** The corpus directory. */
  dir: string;
  /** Globs relative to `dir`; default `**\/*.{txt,md,markdown,html,htm}`. */
  include?: string[];
  exclude?: string[];
  fs?: CorpusFs;
  /** Files larger than this are reported and skipped (default 16 MB). */
  maxFileBytes?: number;
  /** The catalogue's file name inside `dir` (default `sources.yaml`); never loaded as a source. */
  catalogueName?: string;
  signal?: AbortSignal;
  /** Stat every file when it is found (the corpus host keeps the stats to tell changes later). */
  stat?: boolean;
  /**
   * The corpus's files as just listed with these options (and their stat, when `stat`) and the
   * listing's problems: `findCorpus` then reads only the catalogue instead of walking the tree again
   * (the corpus host has listed it to compare with its snapshot; on a large corpus of links a walk
   * is a good part of a second during which no file is analysed).
   */
  listed?: { files: CorpusFile[]; problems: CorpusProblem[] };
}

/** One file's outcome: its source (null when skipped) and its problems. */
export interface FileLoad {
  source: RawSource | null;
  problems: CorpusProblem[];
}

const READ_CONCURRENCY = 8;

/** Loads one file from its bytes (decode, then clean): pure, no file system. */
export function loadSource(bytes: Uint8Array, args: { path: string; relPath: string; catalogue: CatalogueEntry | null }): FileLoad {
  const decoded = decodeFile(bytes, args.path);
  if (!decoded.ok) return { source: null, problems: decoded.problems };
  return cleanSource(decoded.ok, args);
}

/** Reads and loads one found file (stat, size limit, read, decode, clean); never throws. */
export async function readCorpusFile(file: { abs: string; rel: string }, fs: CorpusFs, catalogue: CatalogueEntry | null, maxBytes: number): Promise<FileLoad> {
  const read = await readFileBytes(file.abs, fs, maxBytes);
  if (!read.ok) return { source: null, problems: read.problems };
  return loadSource(read.ok, { path: file.abs, relPath: file.rel, catalogue });
}

/** The catalogue and the corpus files, in path order: everything before any file is read. */
export interface FoundCorpus {
  dir: string;
  catalogue: Catalogue;
  cataloguePath: string;
  catalogueName: string;
  files: CorpusFile[];
  problems: CorpusProblem[];
}

/** Reads the catalogue and walks the corpus. Throws only when `dir` is unreadable. */
export async function findCorpus(options: LoadCorpusOptions): Promise<FoundCorpus> {
  const fs = options.fs ?? nodeCorpusFs;
  const dir = path.resolve(options.dir);
  const problems: CorpusProblem[] = [];
  const catalogueName = options.catalogueName ?? "sources.yaml";
  const cataloguePath = path.join(dir, catalogueName);
  const catalogue = await readCatalogue(cataloguePath, catalogueName, fs, problems);
  const files = options.listed ? options.listed.files : await findCorpusFiles(dir, { ...options, fs }, problems);
  if (options.listed) pushAll(problems, options.listed.problems);
  return { dir, catalogue, cataloguePath, catalogueName, files, problems };
}

/** Reads `sources.yaml` (problems added to `problems`); an empty catalogue when there is none. */
export async function readCatalogue(cataloguePath: string, catalogueName: string, fs: CorpusFs, problems: CorpusProblem[]): Promise<Catalogue> {
  let catalogue: Catalogue = { entries: new Map(), problems: [] };
  try {
    const bytes = await fs.readFile(cataloguePath);
    const decoded = decodeBytes(bytes);
    if (decoded.ok) catalogue = parseCatalogue(decoded.text);
    else problems.push({ path: cataloguePath, message: `${catalogueName}: ${decoded.reason}`, severity: "error", code: decoded.code });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
      problems.push({ path: cataloguePath, message: `cannot read ${catalogueName}: ${(e as Error).message}`, severity: "error", code: "unreadable" });
    }
  }
  for (const p of catalogue.problems) problems.push({ path: cataloguePath, message: p.message, severity: "warning", code: "catalogue" });
  return catalogue;
}

/** Finds, decodes and cleans every corpus file. Never throws for a bad file; throws only if `dir` is unreadable. */
export async function loadCorpus(options: LoadCorpusOptions): Promise<CorpusLoadResult> {
  const fs = options.fs ?? nodeCorpusFs;
  const found = await findCorpus(options);
  const { files, catalogue } = found;
  const loaded: Array<FileLoad | undefined> = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      if (options.signal?.aborted) return;
      const i = next++;
      loaded[i] = await readCorpusFile(files[i], fs, catalogue.entries.get(files[i].rel) ?? null, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return assembleCorpus(found, loaded).result;
}

/**
 * The load result from each file's outcome (`loaded[i]` for `found.files[i]`, absent when
 * aborted): problems in file order, catalogue entries without a file, keys made unique.
 * `kept[i]` is the index into `found.files` of `result.sources[i]`.
 */
export function assembleCorpus(found: FoundCorpus, loaded: ArrayLike<FileLoad | undefined>): { result: CorpusLoadResult; kept: number[] } {
  const problems = [...found.problems];
  const sources: RawSource[] = [];
  const kept: number[] = [];
  for (let i = 0; i < loaded.length; i++) {
    const r = loaded[i];
    if (!r) continue;
    pushAll(problems, r.problems);
    if (r.source) {
      sources.push(r.source);
      kept.push(i);
    }
  }
  const relPaths = new Set(found.files.map((f) => f.rel));
  for (const [rel] of found.catalogue.entries) {
    if (!relPaths.has(rel)) {
      problems.push({ path: found.cataloguePath, message: `${found.catalogueName}: no corpus file '${rel}'`, severity: "information", code: "catalogue" });
    }
  }
  pushAll(problems, makeKeysUnique(sources));
  return { result: { sources, problems }, kept };
}

/** Gives every source a unique key (citationKeys.ts), in place; returns the clash problems. */
export function makeKeysUnique(sources: readonly { meta: RawSource["meta"]; relPath: string }[]): CorpusProblem[] {
  const { keys, problems } = assignKeys(
    sources.map((s) => ({ key: s.meta.claimedKey ?? s.meta.key, provenance: s.meta.provenance?.key, published: s.meta.published, rel: s.relPath, path: s.meta.path })),
  );
  sources.forEach((s, i) => {
    const claimed = s.meta.claimedKey ?? s.meta.key;
    s.meta.key = keys[i];
    if (keys[i] === claimed) delete s.meta.claimedKey;
    else s.meta.claimedKey = claimed;
  });
  return problems;
}

/** Loads one file of a corpus (for re-indexing a single changed file). */
export async function loadCorpusFile(filePath: string, options: LoadCorpusOptions & { catalogue?: Catalogue }): Promise<FileLoad> {
  const fs = options.fs ?? nodeCorpusFs;
  const dir = path.resolve(options.dir);
  const abs = path.resolve(filePath);
  const rel = normalizeRelPath(path.relative(dir, abs));
  return readCorpusFile({ abs, rel }, fs, options.catalogue?.entries.get(rel) ?? null, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
}

/** The article date as a PartialDate (`2025-03-24T08:57:00+09:00` → 2025-03-24). */
export function parsePublished(published: string | null): PartialDate | null {
  if (!published) return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(published);
  if (!m) return null;
  return { year: Number(m[1]), month: m[2] ? Number(m[2]) : null, day: m[3] ? Number(m[3]) : null };
}
