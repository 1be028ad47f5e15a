/**
 * A cold corpus build: every file through the pipeline (fileJob.ts) — on worker threads when the
 * bundled worker script is there, else on this thread — with the answers taken in corpus order:
 * keys made unique (citationKeys.ts), the index's base segment and the corpus-wide alias clusters
 * built as the answers arrive, while the workers analyse the next files.
 *
 * `ingestCorpus` is the shared driver: `buildCorpus` keeps every source in memory (the CLI's
 * one-off commands, tests); the corpus host takes digests instead and writes the index snapshot as
 * it goes (host/coldBuild.ts).
 *
 * Invariant: the worker path and the main-thread path (`workers: 0`, injected `fs`, `analyze` or
 * `tokenizer`) give the same sources, problems and statistics; a segment built as answers arrive
 * equals `Segment.build` over the sources kept (same arrays, so the same snapshot bytes).
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import { nodeCorpusFs } from "../corpus/corpusFs";
import { assembleCorpus, DEFAULT_MAX_FILE_BYTES, findCorpus, type FoundCorpus, type LoadCorpusOptions, type RawSource } from "../corpus/loadCorpus";
import { AnalysisCache, isInside, resolveCacheDir, TOOL_VERSION } from "../index/cache";
import { Segment, SegmentBuilder } from "../index/corpusIndex";
import { canonicalMemo } from "../index/snapshot";
import type { AnalyzedText, CorpusProblem, IndexedSource } from "../model";
import * as analyzeModule from "../text/analyze";
import { AliasTable } from "../text/entities";
import { loadTokenizer, type Tokenizer } from "../text/tokenizer";
import { emptyAnalysis, runFileJob, type AnalyzeFn, type FileJob, type FileResult, type IngestContext } from "./fileJob";
import { defaultWorkerCount, WorkerPool, workerScript } from "./workerPool";

export type { AnalyzeFn } from "./fileJob";

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
   * Ingestion worker threads (default: one per core, when neither `tokenizer`, `analyze` nor `fs` is
   * given and the bundled worker script exists); 0 runs everything on this thread.
   */
  workers?: number;
}

export interface BuildStats {
  analysed: number;
  fromCache: number;
  /** `cached` is a synonym of `fromCache`. */
  cached: number;
  ms: number;
  /** Body characters of the sources analysed now. */
  bodyChars?: number;
  /** Characters actually tokenised (clauses not served by a memo). */
  tokenizedChars?: number;
}

export interface BuildCorpusResult {
  sources: IndexedSource[];
  problems: CorpusProblem[];
  /** Corpus-wide alias clusters (user aliases plus every entity mention of the corpus). */
  aliases: AliasTable;
  /** The index segment of `sources` (same order), when the build made it as it went. */
  segment?: Segment;
  stats: BuildStats;
}

/** The analysis module's version, when it exports one (part of the cache key). */
export function analysisVersion(): string {
  const v = (analyzeModule as unknown as Record<string, unknown>).ANALYSIS_VERSION;
  return typeof v === "string" || typeof v === "number" ? String(v) : "0";
}

/** What a build needs before it reads any file. */
export interface BuildSetup {
  dir: string;
  aliasYaml: string | undefined;
  aliasHash: string;
  cache: AnalysisCache | null;
  /** Problems found before any file is read (alias file, cache folder); reported after the files'. */
  problems: CorpusProblem[];
}

export async function prepareBuild(options: BuildCorpusOptions): Promise<BuildSetup> {
  const dir = path.resolve(options.dir ?? options.corpusDir ?? "corpus");
  const problems: CorpusProblem[] = [];
  let aliasYaml = options.aliasYaml;
  if (aliasYaml === undefined && options.aliasFile) {
    const aliasPath = path.resolve(path.dirname(dir), options.aliasFile);
    try {
      aliasYaml = Buffer.from(await (options.fs ?? nodeCorpusFs).readFile(aliasPath)).toString("utf8");
      AliasTable.fromYaml(aliasYaml);
    } catch (e) {
      problems.push({ path: aliasPath, message: `alias file ignored: ${(e as Error).message}`, severity: "warning", code: "alias-file" });
      aliasYaml = undefined;
    }
  }
  let cache: AnalysisCache | null =
    options.cache === undefined ? new AnalysisCache(resolveCacheDir({ setting: options.cacheDir || null }), { tool: TOOL_VERSION, analysis: analysisVersion() }) : options.cache;
  if (cache && isInside(cache.dir, dir)) {
    problems.push({ path: cache.dir, message: "cache directory is inside the corpus; caching is off (set SHUTTEN_CACHE_DIR elsewhere)", severity: "warning", code: "cache" });
    cache = null;
  }
  const aliasHash = aliasYaml ? createHash("sha256").update(aliasYaml).digest("hex") : "";
  return { dir, aliasYaml, aliasHash, cache, problems };
}

/**
 * What `ingestCorpus` gives back: each file's result (`results[i]` for `found.files[i]`, absent when
 * aborted, or when the caller took them in `onFile` and asked for none back).
 */
export interface Ingested {
  found: FoundCorpus;
  results: (FileResult | undefined)[];
  stats: Omit<BuildStats, "ms">;
}

/** Files per job batch sent to an ingestion worker. */
const FILE_BATCH = 8;

/**
 * Runs every corpus file through the pipeline and calls `onFile` with each result in corpus order
 * (as soon as the results before it are in). Files go to worker threads in batches (workers pull
 * the next batch when done, so every core stays busy) unless `options` asks for this thread.
 */
export async function ingestCorpus(
  options: BuildCorpusOptions,
  setup: BuildSetup,
  args: {
    /** Workers already started for this build (`startIngestionPool`); closed when the build ends, as its own are. */
    pool?: WorkerPool | null;
    digest: boolean;
    onFile?: (i: number, result: FileResult) => void | Promise<void>;
    onFound?: (found: FoundCorpus) => void;
    /** False: results are dropped once `onFile` has them (a digest's record bytes are a snapshot's worth). */
    keepResults?: boolean;
  },
): Promise<Ingested> {
  const { cache } = setup;
  const given = options.tokenizer;
  const script = workerScript();
  const portableCache = workersCanOpen(cache);
  const inThread = options.fs !== undefined || options.analyze !== undefined || given !== undefined || !script || !portableCache;
  const workerCount = options.workers ?? (inThread ? 0 : defaultWorkerCount());
  // Workers start (and load their code) while this thread walks the tree.
  const pool = args.pool !== undefined ? args.pool : workerCount > 0 && options.fs === undefined && options.analyze === undefined ? startIngestionPool(setup, workerCount) : null;
  try {
    const found = await findCorpus({ ...options, dir: setup.dir });
    args.onFound?.(found);
    const { files } = found;
    const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const jobOf = (i: number): FileJob => ({ abs: files[i].abs, rel: files[i].rel, catalogue: found.catalogue.entries.get(files[i].rel) ?? null, maxBytes, digest: args.digest });
    const results: (FileResult | undefined)[] = new Array(files.length);
    const stats = { analysed: 0, fromCache: 0, cached: 0, bodyChars: 0, tokenizedChars: 0 };
    const take = async (i: number, r: FileResult) => {
      if (args.keepResults !== false) results[i] = r;
      if (r.source) {
        if (r.fromCache) stats.fromCache++;
        else if (r.fromCache === false) {
          stats.analysed++;
          stats.bodyChars += r.analysedChars ?? 0;
        }
      }
      await args.onFile?.(i, r);
      options.onProgress?.(i + 1, files.length, files[i].rel, r.fromCache === true);
    };
    if (pool) {
      const batches: (Promise<{ ok?: FileResult; error?: string }[]> | null)[] = [];
      for (let i = 0; i < files.length; i += FILE_BATCH) {
        const jobs: FileJob[] = [];
        for (let k = i; k < Math.min(files.length, i + FILE_BATCH); k++) jobs.push(jobOf(k));
        batches.push(pool.run(jobs));
      }
      for (let b = 0; b < batches.length; b++) {
        if (options.signal?.aborted) break;
        const answers = await batches[b]!;
        batches[b] = null; // (a settled promise would hold its answers until the whole corpus is in)
        for (let k = 0; k < answers.length; k++) {
          const i = b * FILE_BATCH + k;
          const a = answers[k];
          await take(i, a.ok ?? { source: null, problems: [{ path: files[i].abs, message: `skipped: cannot load file (${a.error})`, severity: "error", code: "unreadable" }] });
        }
      }
      if (cache) cache.absorb(pool.cacheStats);
      stats.tokenizedChars = pool.tokenizedChars;
    } else {
      let tokenizer: Promise<Tokenizer> | null = null;
      const ctx: IngestContext = {
        fs: options.fs ?? nodeCorpusFs,
        cache,
        aliasYaml: setup.aliasYaml,
        aliasHash: setup.aliasHash,
        analyze: options.analyze,
        tokenizer: () => (tokenizer ??= typeof given === "function" ? given() : given ? Promise.resolve(given) : loadTokenizer()),
      };
      for (let i = 0; i < files.length; i++) {
        if (options.signal?.aborted) break;
        await take(i, await runFileJob(jobOf(i), ctx));
      }
      stats.tokenizedChars = stats.bodyChars;
    }
    stats.cached = stats.fromCache;
    return { found, results, stats };
  } finally {
    await pool?.close();
  }
}

/**
 * The ingestion workers for a build of `setup`, started now: a caller that knows a cold build is
 * coming starts them before it lists the corpus, so they load their code meanwhile (a quarter of a
 * second, during which no file would be analysed). Null when files must be run on this thread (no
 * bundled worker script, or a cache the workers cannot open).
 */
export function startIngestionPool(setup: BuildSetup, workers = defaultWorkerCount()): WorkerPool | null {
  const script = workerScript();
  const cache = setup.cache;
  if (workers <= 0 || !script || !workersCanOpen(cache)) return null;
  return new WorkerPool(script, workers, { cache: cache?.portable ?? null, aliasYaml: setup.aliasYaml, aliasHash: setup.aliasHash });
}

/** Whether a worker can open `cache` itself (none, or a plain `AnalysisCache` with a portable description). */
function workersCanOpen(cache: AnalysisCache | null): boolean {
  return cache === null || (cache.portable !== null && Object.getPrototypeOf(cache) === AnalysisCache.prototype);
}

/** Loads and analyses the corpus; each source's analysis comes from the cache when its inputs are unchanged. */
export async function buildCorpus(options: BuildCorpusOptions): Promise<BuildCorpusResult> {
  const t0 = performance.now();
  const setup = await prepareBuild(options);
  // Every loaded source is kept (keys are made unique, never dropped), so each answer goes into the
  // segment and the alias clusters as it arrives, in corpus order.
  const early = new EarlyIndex(setup.aliasYaml);
  const { found, results, stats } = await ingestCorpus(options, setup, {
    digest: false,
    onFile: (i, r) => {
      if (r.source && r.analysis) early.add(i, r.source, r.analysis);
    },
  });
  const { result, kept } = assembleCorpus(found, results);
  const problems = [...result.problems, ...setup.problems];
  const out: IndexedSource[] = [];
  const used: number[] = [];
  for (const i of kept) {
    const r = results[i]!;
    const src = r.source!;
    if (!r.analysis) continue; // aborted before its analysis came back
    used.push(i);
    if (r.error !== undefined) problems.push({ path: src.meta.path, message: `analysis failed: ${r.error}`, severity: "error", code: "analysis" });
    out.push(indexedSource(src, r.analysis));
  }
  // Used only if it holds exactly the sources kept (it does unless the build was aborted).
  const built = early.matches(used) ? early.finish() : undefined;
  return finishCorpus(out, problems, setup, t0, stats, built);
}

export function indexedSource(src: RawSource, analysis: AnalyzedText): IndexedSource {
  return { ...analysis, meta: src.meta, text: src.text, body: src.body, encoding: src.encoding, hash: src.hash, format: src.format };
}

/**
 * The index segment and alias clusters of a build, made as the answers arrive in corpus order.
 */
export class EarlyIndex {
  private readonly ids: number[] = [];
  private readonly segment = new SegmentBuilder();
  readonly aliases: AliasTable;
  constructor(aliasYaml: string | undefined) {
    this.aliases = aliasYaml ? AliasTable.fromYaml(aliasYaml) : new AliasTable();
  }
  /** The answer for file `i` (files in path order, each once, ascending). */
  add(i: number, source: RawSource, analysis: AnalyzedText): void {
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
  setup: BuildSetup,
  t0: number,
  stats: Omit<BuildStats, "ms">,
  built?: { aliases: AliasTable; segment: Segment },
): BuildCorpusResult {
  const { cache, aliasYaml } = setup;
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

export { emptyAnalysis };
