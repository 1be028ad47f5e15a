/**
 * An ingestion worker (worker_threads), driven by `TokenizerPool` for `buildCorpus`. Two kinds of job:
 *
 * - `file`: the whole per-file pipeline off the main thread — read, decode, clean and resolve
 *   metadata (`readCorpusFile`), look the analysis up in the persisted cache, and on a miss analyse
 *   it and write the cache entry. The main thread only walks the tree and assembles results.
 * - `text`: `analyzeText` of an already loaded source (used when the main thread loaded the files
 *   itself, e.g. through an injected file system).
 *
 * kuromoji's dictionary is loaded on the first cache miss, not before, so a warm start costs no
 * dictionary. Tokens go through a clause memo (see `splitClauses`) and keep only what the analysis
 * reads (`selectEntityTokens`: entities are the only consumer of tokens, and only of the proper nouns
 * it keeps or joins).
 * Bundled as dist/tokenizerWorker.js.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { AnalyzedText, CorpusProblem, PartialDate, Span } from "../model";
import type { CatalogueEntry } from "../corpus/metadata";
import { nodeCorpusFsSync, parsePublished, readCorpusFile, type RawSource } from "../corpus/loadCorpus";
import { AnalysisCache, nodeCacheFsSync, type CacheStats } from "../index/cache";
import { analyzeText } from "./analyze";
import { AliasTable, selectEntityTokens } from "./entities";
import { buildKuromoji, ClauseMemo, kuromojiTokens, splitClauses, type Token, type Tokenizer } from "./tokenizer";

export interface AnalysisJob {
  kind?: "text";
  text: string;
  body: Span[];
  published: PartialDate | null;
  aliasYaml?: string;
}

export interface FileJob {
  kind: "file";
  abs: string;
  relPath: string;
  catalogue: CatalogueEntry | null;
  maxBytes: number;
  /** False: only load the file (the caller consults its own cache and sends misses back as text jobs). */
  analyse: boolean;
}

/** What a `file` job returns. `analysis` is absent when the file was skipped (`source` null). */
export interface FileResult {
  source: RawSource | null;
  problems: CorpusProblem[];
  analysis?: AnalyzedText;
  fromCache?: boolean;
  /** Cache key of the source (empty without a cache). */
  key?: string;
  /** Set when the analysis threw (the analysis is then empty, as on the main thread). */
  error?: string;
}

/** Per-pool settings, given as `workerData`. */
export interface WorkerConfig {
  dicPath?: string;
  /** The cache to consult and fill for `file` jobs; null for none. */
  cache?: { dir: string; tool: string; analysis: string } | null;
  aliasYaml?: string;
  /** Hash of `aliasYaml` (part of the cache key), `""` without one. */
  aliasHash?: string;
}

interface Request {
  id: number;
  jobs: (AnalysisJob | FileJob)[];
}

const config = (workerData ?? {}) as WorkerConfig;
let kuromoji: ReturnType<typeof buildKuromoji> | null = null;
const dictionary = () => (kuromoji ??= buildKuromoji(config.dicPath));
const memo = new ClauseMemo<Token[]>(200_000);
let tokenizedChars = 0;
const cache = config.cache ? new AnalysisCache(config.cache.dir, { tool: config.cache.tool, analysis: config.cache.analysis }, nodeCacheFsSync) : null;


function memoTokenizer(t: Awaited<ReturnType<typeof buildKuromoji>>): Tokenizer {
  return {
    tokenize(text: string): Token[] {
      const out: Token[] = [];
      for (const clause of splitClauses(text)) {
        const list = memo.get(clause.text, () => {
          tokenizedChars += clause.text.length;
          // Only the tokens analyzeText reads (see extractEntities): proper nouns, with names cut into
          // pieces joined again; per clause, as selectEntityTokens never looks across 、 or 。.
          return selectEntityTokens(kuromojiTokens(t, clause.text));
        });
        for (const k of list) out.push({ ...k, start: k.start + clause.start });
      }
      return out;
    },
  };
}

function analyse(text: string, body: Span[], published: PartialDate | null, tokenizer: Tokenizer): AnalyzedText {
  // A per-file alias table (user aliases only) keeps each analysis a pure function of its inputs.
  const aliases = config.aliasYaml ? AliasTable.fromYaml(config.aliasYaml) : new AliasTable();
  return analyzeText(text, body, { published, tokenizer, aliases });
}

async function runFile(job: FileJob): Promise<FileResult> {
  const loaded = await readCorpusFile({ abs: job.abs, relPath: job.relPath }, nodeCorpusFsSync, job.catalogue, job.maxBytes);
  const src = loaded.source;
  if (!src || !job.analyse) return loaded;
  const key = cache ? cache.keyFor({ hash: src.hash, published: src.meta.published, aliases: config.aliasHash ?? "", body: JSON.stringify(src.body) }) : "";
  const hit = cache ? await cache.get(key) : null;
  if (hit) return { ...loaded, analysis: hit, fromCache: true, key };
  let analysis: AnalyzedText;
  let error: string | undefined;
  try {
    analysis = analyse(src.text, src.body, parsePublished(src.meta.published), memoTokenizer(await dictionary()));
  } catch (e) {
    error = (e as Error).message;
    analysis = { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };
  }
  if (cache) await cache.put(key, analysis);
  return { ...loaded, analysis, fromCache: false, key, ...(error !== undefined ? { error } : {}) };
}

/**
 * Drops from an answer the unit texts the main thread can slice from the source text itself
 * (`restoreUnitTexts`), so they are neither cloned here nor copied there. Called after the cache
 * entry is written.
 */
function stripUnitTexts(text: string, a: AnalyzedText | undefined): void {
  if (!a) return;
  for (const list of [a.sentences, a.quotes] as { start: number; end: number; text: string | null }[][]) {
    for (const u of list) if (u.text === text.slice(u.start, u.end)) u.text = null;
  }
}

// Requests are answered one after the other, in the order they came (the pool keeps up to two in
// flight per worker, so the next batch is already here when one is answered).
let chain: Promise<void> = Promise.resolve();
parentPort!.on("message", (req: Request) => {
  chain = chain.then(() => handle(req));
});

async function handle(req: Request): Promise<void> {
  try {
    const analyses: unknown[] = [];
    for (const job of req.jobs) {
      if (job.kind === "file") {
        try {
          const r = await runFile(job);
          if (r.source) stripUnitTexts(r.source.text, r.analysis);
          analyses.push({ ok: r });
        } catch (e) {
          analyses.push({ error: (e as Error).message });
        }
        continue;
      }
      try {
        const tokenizer = memoTokenizer(await dictionary());
        const aliases = job.aliasYaml ? AliasTable.fromYaml(job.aliasYaml) : new AliasTable();
        const a = analyzeText(job.text, job.body, { published: job.published, tokenizer, aliases });
        stripUnitTexts(job.text, a);
        analyses.push({ ok: a });
      } catch (e) {
        analyses.push({ error: (e as Error).message });
      }
    }
    const stats: CacheStats | undefined = cache ? { ...cache.stats } : undefined;
    parentPort!.postMessage({ id: req.id, analyses, tokenizedChars, cacheStats: stats });
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message });
  }
}
