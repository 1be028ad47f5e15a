/**
 * Loads a corpus directory: finds the files (include/exclude globs), decodes them, splits front
 * matter, extracts HTML articles, cleans boilerplate and resolves metadata, reporting every file that
 * cannot be loaded with its path and reason while the rest still loads. `buildCorpus` then runs the
 * Japanese analysis on each source, through the persisted cache.
 *
 * Architecture invariant: the disk is reached only through `CorpusFs` (injectable) and the cache;
 * nothing here writes into the corpus.
 */
import { badlyEncodedNames, badNameMessage } from "./fileNames";
import { pushAll } from "../arrays";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { AnalyzedText, CorpusProblem, IndexedSource, PartialDate, SourceMetadata, Span } from "../model";
import { AnalysisCache, isInside, resolveCacheDir, TOOL_VERSION } from "../index/cache";
import { Segment, SegmentBuilder } from "../index/corpusIndex";
import { canonicalMemo } from "../index/snapshot";
import { classifyAndClean } from "./boilerplate";
import { decodeBytes } from "./decode";
import { parseFrontMatter } from "./frontMatter";
import { globToRegExp, matchesAny } from "./glob";
import { extractHtml, MAX_DEPTH as HTML_MAX_DEPTH } from "./html";
import { inferMetadata, keyHolders, normalizeRelPath, parseCatalogue, readFields, resolveMetadata, type Catalogue, type CatalogueEntry } from "./metadata";
import * as analyzeModule from "../text/analyze";
import { AliasTable } from "../text/entities";
import { loadTokenizer, type Tokenizer } from "../text/tokenizer";
import { defaultWorkerCount, TokenizerPool, workerScript, type AnalysisResult, type FileJobResult } from "../text/tokenizerPool";
import type { FileResult } from "../text/tokenizerWorker";

/** A decoded, cleaned source before analysis. */
export interface RawSource {
  meta: SourceMetadata;
  /** The decoded file text (for HTML, its masked view: see `IndexedSource.format`). */
  text: string;
  body: Span[];
  encoding: string;
  hash: string;
  format: "text" | "markdown" | "html";
  /** Path relative to the corpus directory, `/`-separated. */
  relPath: string;
}

export interface CorpusLoadResult {
  sources: RawSource[];
  problems: CorpusProblem[];
}

/** Directory entries and file reads: everything the loader needs from a file system. */
export interface CorpusFs {
  /** `badName`: the entry's real name is not valid UTF-8 (how it reads), so it cannot be opened by `name`. */
  readdir(dir: string): Promise<Array<{ name: string; kind: "file" | "directory" | "symlink" | "other"; badName?: string }>>;
  /** Follows symlinks. */
  stat(p: string): Promise<{ size: number; kind: "file" | "directory" | "other" }>;
  realpath(p: string): Promise<string>;
  readFile(p: string): Promise<Uint8Array>;
}

export const nodeCorpusFs: CorpusFs = {
  async readdir(dir) {
    const entries = await fsp.readdir(dir, { withFileTypes: true });
    const bad = await badlyEncodedNames(dir, entries.map((e) => e.name));
    return entries.map((e) => ({
      name: e.name,
      kind: e.isSymbolicLink() ? "symlink" : e.isDirectory() ? "directory" : e.isFile() ? "file" : "other",
      ...(bad.has(e.name) ? { badName: bad.get(e.name) } : {}),
    }));
  },
  async stat(p) {
    const s = await fsp.stat(p);
    return { size: s.size, kind: s.isFile() ? "file" : s.isDirectory() ? "directory" : "other" };
  },
  realpath: (p) => fsp.realpath(p),
  readFile: (p) => fsp.readFile(p),
};

/** The same, synchronously: for worker threads (see `nodeCacheFsSync`). */
export const nodeCorpusFsSync: CorpusFs = {
  ...nodeCorpusFs,
  async stat(p) {
    const s = fs.statSync(p);
    return { size: s.size, kind: s.isFile() ? "file" : s.isDirectory() ? "directory" : "other" };
  },
  readFile: async (p) => fs.readFileSync(p),
};

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
}

export const DEFAULT_INCLUDE = ["**/*.{txt,md,markdown,html,htm}"];
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;
const READ_CONCURRENCY = 8;

/** Finds, decodes and cleans every corpus file. Never throws for a bad file; throws only if `dir` is unreadable. */
export async function loadCorpus(options: LoadCorpusOptions): Promise<CorpusLoadResult> {
  const fs = options.fs ?? nodeCorpusFs;
  const found = await findCorpus(options);
  const { files, catalogue } = found;
  const loaded: Array<{ source: RawSource | null; problems: CorpusProblem[] } | undefined> = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      if (options.signal?.aborted) return;
      const i = next++;
      loaded[i] = await readCorpusFile(files[i], fs, catalogue.entries.get(files[i].relPath) ?? null, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return assembleCorpus(found, loaded).result;
}

/** The catalogue and the corpus files, in path order: everything before any file is read. */
interface FoundCorpus {
  dir: string;
  catalogue: Catalogue;
  cataloguePath: string;
  catalogueName: string;
  files: FoundFile[];
  problems: CorpusProblem[];
}

async function findCorpus(options: LoadCorpusOptions): Promise<FoundCorpus> {
  const fs = options.fs ?? nodeCorpusFs;
  const dir = path.resolve(options.dir);
  const problems: CorpusProblem[] = [];
  const catalogueName = options.catalogueName ?? "sources.yaml";

  let catalogue: Catalogue = { entries: new Map(), problems: [] };
  const cataloguePath = path.join(dir, catalogueName);
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
  const files = await findCorpusFiles(dir, options, fs, problems);
  return { dir, catalogue, cataloguePath, catalogueName, files, problems };
}

/**
 * The load result from each file's outcome (`loaded[i]` for `found.files[i]`, absent when
 * aborted): problems in file order, catalogue entries without a file, duplicate keys rejected.
 * `kept[i]` tells which loaded sources survived (by index into `found.files`).
 */
function assembleCorpus(
  found: FoundCorpus,
  loaded: ArrayLike<{ source: RawSource | null; problems: CorpusProblem[] } | undefined>,
): { result: CorpusLoadResult; kept: number[] } {
  const problems = [...found.problems];
  const sources: RawSource[] = [];
  const at: number[] = [];
  for (let i = 0; i < loaded.length; i++) {
    const r = loaded[i];
    if (!r) continue;
    pushAll(problems, r.problems);
    if (r.source) {
      sources.push(r.source);
      at.push(i);
    }
  }
  const relPaths = new Set(found.files.map((f) => f.relPath));
  for (const [rel] of found.catalogue.entries) {
    if (!relPaths.has(rel)) {
      problems.push({ path: found.cataloguePath, message: `${found.catalogueName}: no corpus file '${rel}'`, severity: "information", code: "catalogue" });
    }
  }
  const keptSources = rejectDuplicateKeys(sources, problems);
  const keptSet = new Set(keptSources);
  const kept = at.filter((_, k) => keptSet.has(sources[k]));
  return { result: { sources: keptSources, problems }, kept };
}

/** Loads one file of a corpus (for re-indexing a single changed file). */
export async function loadCorpusFile(filePath: string, options: LoadCorpusOptions & { catalogue?: Catalogue }): Promise<{ source: RawSource | null; problems: CorpusProblem[] }> {
  const fs = options.fs ?? nodeCorpusFs;
  const dir = path.resolve(options.dir);
  const abs = path.resolve(filePath);
  const relPath = normalizeRelPath(path.relative(dir, abs));
  return readCorpusFile({ abs, relPath }, fs, options.catalogue?.entries.get(relPath) ?? null, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
}

export interface FoundFile {
  abs: string;
  relPath: string;
}

async function findCorpusFiles(dir: string, options: LoadCorpusOptions, fs: CorpusFs, problems: CorpusProblem[]): Promise<FoundFile[]> {
  const include = (options.include && options.include.length > 0 ? options.include : DEFAULT_INCLUDE).map(globToRegExp);
  const exclude = (options.exclude ?? []).map(globToRegExp);
  const catalogueName = options.catalogueName ?? "sources.yaml";
  const found: FoundFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const walk = async (abs: string, rel: string): Promise<void> => {
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (e) {
      if (rel === "") throw new Error(`cannot read corpus directory ${abs}: ${(e as Error).message}`);
      problems.push({ path: abs, message: `cannot resolve directory: ${(e as Error).message}`, severity: "warning", code: "unreadable" });
      return;
    }
    // A directory reached twice (a symlink loop or two links to one folder) is walked once.
    if (seenDirs.has(real)) {
      problems.push({ path: abs, message: `skipped: directory already visited as ${real} (symlink loop?)`, severity: "information", code: "symlink-loop" });
      return;
    }
    seenDirs.add(real);
    let entries: Awaited<ReturnType<CorpusFs["readdir"]>>;
    try {
      entries = await fs.readdir(abs);
    } catch (e) {
      if (rel === "") throw new Error(`cannot read corpus directory ${abs}: ${(e as Error).message}`);
      problems.push({ path: abs, message: `cannot read directory: ${(e as Error).message}`, severity: "warning", code: "unreadable" });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (options.signal?.aborted) return;
      const childAbs = path.join(abs, entry.name);
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.badName !== undefined) {
        if (entry.kind === "directory" || matchesAny(childRel, include) || /\.(?:txt|md|markdown|html?)$/i.test(entry.name)) {
          problems.push({ path: childAbs, message: badNameMessage(entry.badName), severity: "error", code: "file-name" });
        }
        continue;
      }
      let kind: "file" | "directory" | "other" | "symlink" = entry.kind;
      if (kind === "symlink") {
        try {
          kind = (await fs.stat(childAbs)).kind;
        } catch (e) {
          problems.push({ path: childAbs, message: `broken symbolic link: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, severity: "warning", code: "unreadable" });
          continue;
        }
      }
      if (kind === "directory") {
        if (entry.name === "node_modules" || entry.name === ".git") continue;
        if (matchesAny(childRel + "/", exclude) || matchesAny(childRel, exclude)) continue;
        await walk(childAbs, childRel);
      } else if (kind === "file") {
        if (childRel === catalogueName) continue;
        if (!matchesAny(childRel, include) || matchesAny(childRel, exclude)) continue;
        let realFile = childAbs;
        try {
          realFile = await fs.realpath(childAbs);
        } catch {
          // reported when read
        }
        if (seenFiles.has(realFile)) continue;
        seenFiles.add(realFile);
        found.push({ abs: childAbs, relPath: childRel });
      }
    }
  };
  await walk(dir, "");
  return found;
}

/** Reads and loads one found file (stat, size limit, read, `loadSource`); never throws. */
export async function readCorpusFile(file: FoundFile, fs: CorpusFs, catalogue: CatalogueEntry | null, maxBytes: number): Promise<{ source: RawSource | null; problems: CorpusProblem[] }> {
  const skip = (message: string, code: string) => ({ source: null, problems: [{ path: file.abs, message: `skipped: ${message}`, severity: "error" as const, code }] });
  try {
    const { size } = await fs.stat(file.abs);
    if (size > maxBytes) return skip(`file too large (${formatBytes(size)}; the limit is ${formatBytes(maxBytes)})`, "too-large");
    const bytes = await fs.readFile(file.abs);
    if (bytes.length > maxBytes) return skip(`file too large (${formatBytes(bytes.length)}; the limit is ${formatBytes(maxBytes)})`, "too-large");
    return loadSource(bytes, { path: file.abs, relPath: file.relPath, catalogue });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return skip(`cannot read file (${err.code ?? err.message})`, "unreadable");
  }
}

/** Loads one file from its bytes: pure, no file system. */
export function loadSource(
  bytes: Uint8Array,
  args: { path: string; relPath: string; catalogue: CatalogueEntry | null },
): { source: RawSource | null; problems: CorpusProblem[] } {
  const problems: CorpusProblem[] = [];
  const fail = (message: string, code: string) => {
    problems.push({ path: args.path, message: `skipped: ${message}`, severity: "error", code });
    return { source: null, problems };
  };
  if (bytes.length === 0) return fail("empty file (0 bytes)", "empty");
  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return fail(decoded.reason, decoded.code);
  const hash = createHash("sha256").update(bytes).digest("hex");
  const ext = path.extname(args.relPath).toLowerCase();
  const format: RawSource["format"] = ext === ".html" || ext === ".htm" ? "html" : ext === ".md" || ext === ".markdown" ? "markdown" : "text";

  let text = decoded.text;
  let regions: Span[];
  let frontMatter: CatalogueEntry | null = null;
  let pageMeta: Parameters<typeof inferMetadata>[3];
  if (format === "html") {
    const html = extractHtml(text);
    text = html.text;
    regions = html.regions;
    pageMeta = { title: html.meta.title, siteName: html.meta.siteName, published: html.meta.published, url: html.meta.url };
    if (html.flattenedDepth > 0) {
      problems.push({ path: args.path, message: `page nested ${html.flattenedDepth} levels deep: tags below level ${HTML_MAX_DEPTH} were ignored to find the article (their text is kept)`, severity: "information", code: "html-extraction" });
    }
    if (html.tooLargeForDom) {
      problems.push({ path: args.path, message: `page too large to read as a document (${formatBytes(bytes.length)}): the article was found by line classification alone`, severity: "information", code: "html-extraction" });
    }
    if (html.unmatchedBlocks > 0) {
      problems.push({ path: args.path, message: `${html.unmatchedBlocks} extracted block(s) could not be located in the page source and were left out`, severity: "information", code: "html-extraction" });
    }
  } else {
    const fm = parseFrontMatter(text);
    for (const p of fm.problems) problems.push({ path: args.path, message: p.message, severity: fm.fatal ? "error" : "warning", span: p.span, code: "front-matter" });
    if (fm.fatal) return { source: null, problems: problems.map((p) => ({ ...p, message: p.message.startsWith("skipped") ? p.message : `skipped: ${p.message}` })) };
    if (fm.data) {
      const { entry, errors } = readFields(fm.data);
      frontMatter = entry;
      for (const e of errors) problems.push({ path: args.path, message: `front matter: ${e}`, severity: "warning", span: fm.span ?? undefined, code: "front-matter" });
    }
    regions = [{ start: fm.bodyStart, end: text.length }];
  }

  const { lines, body } = classifyAndClean(text, regions);
  if (body.length === 0) problems.push({ path: args.path, message: "no article text left after cleaning", severity: "warning", code: "empty-body" });
  const inferred = inferMetadata(text, lines, body, pageMeta);
  const meta = resolveMetadata({ path: args.path, relPath: args.relPath, frontMatter, catalogue: args.catalogue, inferred });
  return { source: { meta, text, body, encoding: decoded.encoding, hash, format, relPath: args.relPath }, problems };
}

/**
 * Keeps one source per key — the strongest claim (catalogue > front matter > inferred), the first
 * in path order among equals (`keyHolders`) — and reports the clash on both files.
 */
function rejectDuplicateKeys(sources: RawSource[], problems: CorpusProblem[]): RawSource[] {
  const holders = keyHolders(sources, (s) => s.meta.key, (s) => s.meta.provenance?.key);
  const kept: RawSource[] = [];
  sources.forEach((s) => {
    const owner = sources[holders.get(s.meta.key)!];
    if (owner === s) {
      kept.push(s);
      return;
    }
    problems.push({
      path: s.meta.path,
      message: `skipped: duplicate citation key '${s.meta.key}' (from ${s.meta.provenance?.key ?? "?"}), already used by ${owner.relPath} (from ${owner.meta.provenance?.key ?? "?"})`,
      severity: "error",
      code: "duplicate-key",
    });
    problems.push({
      path: owner.meta.path,
      message: `citation key '${s.meta.key}' is also claimed by ${s.relPath}, which was skipped`,
      severity: "warning",
      code: "duplicate-key",
    });
  });
  return kept;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}

// ---------------------------------------------------------------------------------------------
// Analysis

export type AnalyzeFn = (text: string, regions: Span[], context: { published: PartialDate | null; tokenizer: Tokenizer; aliases?: AliasTable }) => AnalyzedText;

export interface BuildCorpusOptions extends Omit<LoadCorpusOptions, "dir"> {
  /** The corpus directory (`corpusDir` is accepted as a synonym). */
  dir?: string;
  corpusDir?: string;
  /**
   * The cache: an `AnalysisCache`, or `null` for none. When absent, a cache in `cacheDir` (or the
   * default folder of `resolveCacheDir`) is used.
   */
  cache?: AnalysisCache | null;
  /** Cache folder when `cache` is absent; `""`/undefined means the default folder. */
  cacheDir?: string;
  /** Text of the user alias file (YAML `canonical: [alias, …]`). */
  aliasYaml?: string;
  /** Path of the user alias file (read when `aliasYaml` is absent); relative paths are relative to the corpus' parent. */
  aliasFile?: string;
  /** A tokenizer, or a loader called only on the first cache miss (default: `loadTokenizer`). */
  tokenizer?: Tokenizer | (() => Promise<Tokenizer>);
  /** Injectable for tests; defaults to `analyzeText`. */
  analyze?: AnalyzeFn;
  onProgress?: (done: number, total: number, relPath: string, fromCache: boolean) => void;
  /**
   * Tokenising worker threads for cache misses (default: one per core, when neither `tokenizer` nor
   * `analyze` is given and the bundled worker script exists); 0 tokenises on this thread.
   */
  workers?: number;
}

export interface BuildCorpusResult {
  sources: IndexedSource[];
  problems: CorpusProblem[];
  /** Corpus-wide alias clusters (user aliases plus every entity mention of the corpus). */
  aliases: AliasTable;
  /** The index segment of `sources` (same order), when the build made it as it went. */
  segment?: Segment;
  /** `cached` is a synonym of `fromCache`. */
  stats: { analysed: number; fromCache: number; cached: number; ms: number; bodyChars?: number; tokenizedChars?: number };
}

/** Sources analysed per batch sent to a tokenising worker. */
const WORKER_BATCH = 16;

/** The analysis module's version, when it exports one (part of the cache key). */
export function analysisVersion(): string {
  const v = (analyzeModule as unknown as Record<string, unknown>).ANALYSIS_VERSION;
  return typeof v === "string" || typeof v === "number" ? String(v) : "0";
}

/** Loads and analyses the corpus; each source's analysis comes from the cache when its inputs are unchanged. */
export async function buildCorpus(options: BuildCorpusOptions): Promise<BuildCorpusResult> {
  const t0 = performance.now();
  const dir = path.resolve(options.dir ?? options.corpusDir ?? "corpus");
  // Problems found before any file is read (alias file, cache folder); reported after the files'.
  const setupProblems: CorpusProblem[] = [];

  let aliasYaml = options.aliasYaml;
  if (aliasYaml === undefined && options.aliasFile) {
    const aliasPath = path.resolve(path.dirname(dir), options.aliasFile);
    try {
      aliasYaml = Buffer.from(await (options.fs ?? nodeCorpusFs).readFile(aliasPath)).toString("utf8");
      AliasTable.fromYaml(aliasYaml);
    } catch (e) {
      setupProblems.push({ path: aliasPath, message: `alias file ignored: ${(e as Error).message}`, severity: "warning", code: "alias-file" });
      aliasYaml = undefined;
    }
  }

  let cache: AnalysisCache | null =
    options.cache === undefined ? new AnalysisCache(resolveCacheDir({ setting: options.cacheDir || null }), { tool: TOOL_VERSION, analysis: analysisVersion() }) : options.cache;
  if (cache && isInside(cache.dir, dir)) {
    setupProblems.push({ path: cache.dir, message: "cache directory is inside the corpus; caching is off (set SHUTTEN_CACHE_DIR elsewhere)", severity: "warning", code: "cache" });
    cache = null;
  }
  const aliasHash = aliasYaml ? createHash("sha256").update(aliasYaml).digest("hex") : "";
  const given = options.tokenizer;
  const script = workerScript();
  const workerCount = options.workers ?? (given === undefined && options.analyze === undefined && script ? defaultWorkerCount() : 0);
  // The whole per-file pipeline runs on the workers when they can reach the disk and the cache
  // themselves; otherwise files are loaded here and only cache misses go to the workers.
  if (workerCount > 0 && script && options.fs === undefined && options.analyze === undefined) {
    return buildOnWorkers({ options, dir, t0, setupProblems, aliasYaml, aliasHash, cache, script, workerCount });
  }

  const loaded = await loadCorpus({ ...options, dir });
  const problems = [...loaded.problems, ...setupProblems];
  const analyze: AnalyzeFn = options.analyze ?? analyzeModule.analyzeText;
  let tokenizer: Promise<Tokenizer> | null = null;
  const getTokenizer = () => (tokenizer ??= typeof given === "function" ? given() : given ? Promise.resolve(given) : loadTokenizer());

  const loadedSources = loaded.sources;
  const keys: string[] = [];
  const analyses: (AnalyzedText | null)[] = [];
  const misses: number[] = [];
  // Cache misses are analysed on worker threads: the pool starts at the first miss and batches are
  // sent as misses are found, in flight while this thread checks the cache and stores results.
  let pool: TokenizerPool | null = null;
  const batches = new Map<number, Promise<AnalysisResult[]>>();
  let batch: number[] = [];
  const flush = () => {
    if (!batch.length) return;
    if (!pool) pool = new TokenizerPool(script!, workerCount);
    const jobs = batch.map((i) => {
      const src = loadedSources[i];
      return { text: src.text, body: src.body, published: parsePublished(src.meta.published), aliasYaml };
    });
    batches.set(misses.length - batch.length, pool.analyze(jobs));
    batch = [];
  };
  for (let i = 0; i < loadedSources.length; i++) {
    if (options.signal?.aborted) break;
    const src = loadedSources[i];
    const key = cache ? cache.keyFor({ hash: src.hash, published: src.meta.published, aliases: aliasHash, body: JSON.stringify(src.body) }) : "";
    keys.push(key);
    const hit = cache ? await cache.get(key) : null;
    analyses.push(hit);
    if (hit === null) {
      misses.push(i);
      if (workerCount > 0 && script) {
        batch.push(i);
        if (batch.length === WORKER_BATCH) flush();
      }
    }
  }
  if (workerCount > 0 && script) flush();
  let bodyChars = 0;
  const missPos = new Map(misses.map((i, k) => [i, k]));

  const out: IndexedSource[] = [];
  let analysed = 0;
  let fromCache = 0;
  try {
    for (let i = 0; i < keys.length; i++) {
      if (options.signal?.aborted) break;
      const src = loadedSources[i];
      const key = keys[i];
      let analysis = analyses[i];
      const hit = analysis !== null;
      if (!analysis) {
        for (const b of src.body) bodyChars += b.end - b.start;
        try {
          // A per-file alias table (user aliases only) keeps each analysis a pure function of its
          // inputs, so it can be cached; corpus-wide clusters are applied afterwards.
          const aliases = aliasYaml ? AliasTable.fromYaml(aliasYaml) : new AliasTable();
          if (pool) {
            const m = missPos.get(i)!;
            const result = (await batches.get(m - (m % WORKER_BATCH))!)[m % WORKER_BATCH];
            if (result.error !== undefined) throw new Error(result.error);
            analysis = result.ok;
          } else {
            analysis = analyze(src.text, src.body, { published: parsePublished(src.meta.published), tokenizer: await getTokenizer(), aliases });
          }
        } catch (e) {
          problems.push({ path: src.meta.path, message: `analysis failed: ${(e as Error).message}`, severity: "error", code: "analysis" });
          analysis = { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };
        }
        analysed++;
        if (cache) await cache.put(key, analysis);
      } else fromCache++;
      out.push({ ...analysis, meta: src.meta, text: src.text, body: src.body, encoding: src.encoding, hash: src.hash, format: src.format });
      options.onProgress?.(i + 1, loadedSources.length, src.relPath, hit);
    }
  } finally {
    await (pool as TokenizerPool | null)?.close();
  }
  const tokenizedChars = pool ? (pool as TokenizerPool).tokenizedChars : bodyChars;
  return finishCorpus(out, problems, cache, aliasYaml, t0, { analysed, fromCache, cached: fromCache, bodyChars, tokenizedChars });
}

/** Files per job batch sent to an ingestion worker. */
const FILE_BATCH = 8;

/**
 * `buildCorpus` with the per-file pipeline on worker threads (see tokenizerWorker.ts): this thread
 * walks the tree, hands out files in batches (workers pull the next batch when done, so both cores
 * stay busy) and assembles the answers in path order. A plain `AnalysisCache` is consulted and
 * filled by the workers themselves; any other cache (a subclass, an injected file system) is only
 * ever called on this thread: workers then load files, and cache misses go back to them as
 * analysis jobs ahead of the remaining files.
 */
async function buildOnWorkers(args: {
  options: BuildCorpusOptions;
  dir: string;
  t0: number;
  setupProblems: CorpusProblem[];
  aliasYaml: string | undefined;
  aliasHash: string;
  cache: AnalysisCache | null;
  script: string;
  workerCount: number;
}): Promise<BuildCorpusResult> {
  const { options, dir, cache, aliasYaml } = args;
  const inWorkers = cache === null || (cache.portable !== null && Object.getPrototypeOf(cache) === AnalysisCache.prototype);
  // Workers start (and load their code) while this thread walks the tree.
  const pool = new TokenizerPool(args.script, args.workerCount, { cache: inWorkers ? (cache?.portable ?? null) : null, aliasYaml, aliasHash: args.aliasHash });
  try {
    const found = await findCorpus({ ...options, dir });
    const { files } = found;
    const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const batches: Promise<FileJobResult[]>[] = [];
    for (let i = 0; i < files.length; i += FILE_BATCH) {
      batches.push(
        pool.loadFiles(
          files.slice(i, i + FILE_BATCH).map((f) => ({ kind: "file" as const, abs: f.abs, relPath: f.relPath, catalogue: found.catalogue.entries.get(f.relPath) ?? null, maxBytes, analyse: inWorkers })),
        ),
      );
    }
    const results: (FileResult | undefined)[] = new Array(files.length);
    // With the cache on the workers, every answer is final when it arrives (in path order): the
    // index segment and the corpus-wide alias clusters are built from it right away, while the
    // workers analyse the next files, instead of after the last one.
    const early = inWorkers ? new EarlyIndex(aliasYaml) : null;
    // Cache misses found here (when the cache stays on this thread), analysed by the workers.
    const pending: { i: number; result: Promise<AnalysisResult[]>; at: number }[] = [];
    let batch: number[] = [];
    const flush = () => {
      if (!batch.length) return;
      const jobs = batch.map((i) => {
        const src = results[i]!.source!;
        return { text: src.text, body: src.body, published: parsePublished(src.meta.published), aliasYaml };
      });
      const result = pool.analyze(jobs, true);
      batch.forEach((i, at) => pending.push({ i, result, at }));
      batch = [];
    };
    for (let b = 0; b < batches.length; b++) {
      if (options.signal?.aborted) break;
      const answers = await batches[b];
      for (let k = 0; k < answers.length; k++) {
        const i = b * FILE_BATCH + k;
        const a = answers[k];
        const r: FileResult = (results[i] = a.ok ?? { source: null, problems: [{ path: files[i].abs, message: `skipped: cannot load file (${a.error})`, severity: "error", code: "unreadable" }] });
        if (!inWorkers && r.source && cache) {
          const src = r.source;
          r.key = cache.keyFor({ hash: src.hash, published: src.meta.published, aliases: args.aliasHash, body: JSON.stringify(src.body) });
          const hit = await cache.get(r.key);
          if (hit) {
            r.analysis = hit;
            r.fromCache = true;
          } else {
            r.fromCache = false;
            batch.push(i);
            if (batch.length === WORKER_BATCH) flush();
          }
        }
        if (early && r.source && r.analysis) early.add(i, r.source, r.analysis);
        options.onProgress?.(i + 1, files.length, files[i].relPath, r.fromCache === true);
      }
    }
    flush();
    for (const p of pending) {
      if (options.signal?.aborted) break;
      const r = results[p.i]!;
      const answer = (await p.result)[p.at];
      if (answer.error !== undefined) {
        r.error = answer.error;
        r.analysis = { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };
      } else r.analysis = answer.ok;
      await cache!.put(r.key!, r.analysis);
    }
    const { result, kept } = assembleCorpus(found, results);
    const problems = [...result.problems, ...args.setupProblems];
    const out: IndexedSource[] = [];
    let analysed = 0;
    let fromCache = 0;
    let bodyChars = 0;
    const used: number[] = [];
    for (const i of kept) {
      const r = results[i]!;
      const src = r.source!;
      if (!r.analysis) continue; // aborted before its analysis came back
      used.push(i);
      if (r.error !== undefined) problems.push({ path: src.meta.path, message: `analysis failed: ${r.error}`, severity: "error", code: "analysis" });
      if (r.fromCache) fromCache++;
      else {
        analysed++;
        for (const b of src.body) bodyChars += b.end - b.start;
      }
      out.push({ ...r.analysis, meta: src.meta, text: src.text, body: src.body, encoding: src.encoding, hash: src.hash, format: src.format });
    }
    if (cache && inWorkers) cache.absorb(pool.cacheStats);
    // Used only if it holds exactly the sources kept (it does unless the build was aborted).
    const built = early?.matches(used) ? early.finish() : undefined;
    return finishCorpus(out, problems, cache, aliasYaml, args.t0, { analysed, fromCache, cached: fromCache, bodyChars, tokenizedChars: pool.tokenizedChars }, built);
  } finally {
    await pool.close();
  }
}

/**
 * The index segment and alias clusters of a worker build, made as the answers arrive: the sources
 * the build keeps are almost always the first of each key in path order, so each answer is added
 * (or skipped as a duplicate) as soon as the answers before it are in. When a later file holds a
 * key more strongly (a catalogued key claimed first by another file's front matter), `matches`
 * fails and the index is built afterwards.
 */
class EarlyIndex {
  private readonly keys = new Set<string>();
  private readonly ids: number[] = [];
  private readonly segment = new SegmentBuilder();
  readonly aliases: AliasTable;
  constructor(aliasYaml: string | undefined) {
    this.aliases = aliasYaml ? AliasTable.fromYaml(aliasYaml) : new AliasTable();
  }
  /** The answer for file `i` (files in path order, each once, ascending). */
  add(i: number, source: RawSource, analysis: AnalyzedText): void {
    if (this.keys.has(source.meta.key)) return;
    this.keys.add(source.meta.key);
    this.ids.push(i);
    for (const e of analysis.entities) this.aliases.observe(e.text, e.type);
    this.segment.add({ text: source.text, sentences: analysis.sentences });
  }
  /** True when the sources added are exactly files `used`, in that order. */
  matches(used: number[]): boolean {
    return used.length === this.ids.length && used.every((i, k) => this.ids[k] === i);
  }
  finish(): { aliases: AliasTable; segment: Segment } {
    return { aliases: this.aliases, segment: this.segment.finish() };
  }
}

/** Cache write problems, then the corpus-wide alias clusters applied to every source. */
function finishCorpus(
  out: IndexedSource[],
  problems: CorpusProblem[],
  cache: AnalysisCache | null,
  aliasYaml: string | undefined,
  t0: number,
  stats: Omit<BuildCorpusResult["stats"], "ms">,
  built?: { aliases: AliasTable; segment: Segment },
): BuildCorpusResult {
  if (cache && cache.stats.writeErrors > 0) {
    problems.push({ path: cache.dir, message: `could not write ${cache.stats.writeErrors} cache entr${cache.stats.writeErrors === 1 ? "y" : "ies"}`, severity: "warning", code: "cache" });
  }
  // Corpus-wide alias clusters: every source names a person the same way.
  let aliases = built?.aliases;
  if (!aliases) {
    aliases = aliasYaml ? AliasTable.fromYaml(aliasYaml) : new AliasTable();
    for (const s of out) for (const e of s.entities) aliases.observe(e.text, e.type);
  }
  // The table no longer changes: each name's display name is looked up once.
  const memo = canonicalMemo(aliases);
  const sources = out.map((s) => ({ ...s, ...analyzeModule.applyAliases(s, memo), meta: s.meta, text: s.text, body: s.body, encoding: s.encoding, hash: s.hash, format: s.format }));
  return { sources, problems, aliases, stats: { ...stats, ms: performance.now() - t0 }, ...(built ? { segment: built.segment } : {}) };
}

/** The article date as a PartialDate (`2025-03-24T08:57:00+09:00` → 2025-03-24). */
export function parsePublished(published: string | null): PartialDate | null {
  if (!published) return null;
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(published);
  if (!m) return null;
  return { year: Number(m[1]), month: m[2] ? Number(m[2]) : null, day: m[3] ? Number(m[3]) : null };
}
