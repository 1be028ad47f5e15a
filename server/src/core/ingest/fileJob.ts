/**
 * One corpus file through the pipeline: read and decode, clean (loadCorpus.ts: `readCorpusFile`),
 * the analysis from the per-file cache or made now (text/analyze.ts), and — for a build that writes
 * the index snapshot as it goes — its digest: the snapshot record and the index input, so the thread
 * that builds the index never holds the source's text or analysis. The same code runs on an ingestion
 * worker (ingestWorker.ts) and, when no worker can be used, on the calling thread, so both paths
 * give the same sources.
 */
import type { CatalogueEntry } from "../corpus/metadata";
import { parsePublished, readCorpusFile, type CorpusFs, type RawSource } from "../corpus/loadCorpus";
import type { AnalysisCache } from "../index/cache";
import { segmentInput, type SegmentInput } from "../index/corpusIndex";
import { encodeRecord } from "../index/snapshot";
import type { AnalyzedText, CorpusProblem, EventUnit, PartialDate, Span } from "../model";
import { analyzeText } from "../text/analyze";
import { AliasTable } from "../text/entities";
import type { Tokenizer } from "../text/tokenizer";

export type AnalyzeFn = (text: string, regions: Span[], context: { published: PartialDate | null; tokenizer: Tokenizer; aliases?: AliasTable }) => AnalyzedText;

/** Load and analyse one file. */
export interface FileJob {
  abs: string;
  rel: string;
  catalogue: CatalogueEntry | null;
  maxBytes: number;
  /** Return the digest instead of the analysis (see `SourceDigest`). */
  digest?: boolean;
  /** Return the index segment's input with the analysis (`FileResult.segment`). */
  segment?: boolean;
}

/**
 * What the index, the alias clusters and the snapshot need of an analysed source, without its text
 * or analysis: the snapshot record (text as UTF-16, the rest as JSON), the index segment's input,
 * its events and entity mentions (`type` NUL `text`) before the corpus-wide alias clusters.
 */
export interface SourceDigest {
  record: { text: Uint8Array; rest: Uint8Array };
  segment: SegmentInput;
  events: EventUnit[];
  mentions: string[];
}

/** What a file job returns. `analysis` is absent when the file was skipped (`source` null) or only digested. */
export interface FileResult {
  /** In digest mode the source's `text` is left out (`""`): the record holds it. */
  source: RawSource | null;
  problems: CorpusProblem[];
  analysis?: AnalyzedText;
  digest?: SourceDigest;
  /** The index segment's input of the source (with `FileJob.segment`). */
  segment?: SegmentInput;
  fromCache?: boolean;
  /** Cache key of the source (empty without a cache). */
  key?: string;
  /** Set when the analysis threw (the analysis is then empty). */
  error?: string;
  /** Body characters analysed now (0 when the analysis came from the cache). */
  analysedChars?: number;
}

/** Everything a file job needs besides the file. */
export interface IngestContext {
  fs: CorpusFs;
  cache: AnalysisCache | null;
  /** The user alias file's text (part of every analysis), and its hash (part of the cache key). */
  aliasYaml?: string;
  aliasHash: string;
  analyze?: AnalyzeFn;
  tokenizer(): Tokenizer | Promise<Tokenizer>;
}

export function emptyAnalysis(): AnalyzedText {
  return { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };
}

/** The cache key of a loaded source: its content hash, date, body and the alias file. */
export function cacheKeyOf(cache: AnalysisCache, src: Pick<RawSource, "hash" | "meta" | "body">, aliasHash: string): string {
  return cache.keyFor({ hash: src.hash, published: src.meta.published, aliases: aliasHash, body: JSON.stringify(src.body) });
}

/**
 * The analysis of a loaded text. A per-file alias table (user aliases only) keeps each analysis a
 * pure function of its inputs, so it can be cached; the corpus-wide clusters are applied later.
 */
export function analyseText(text: string, body: Span[], published: PartialDate | null, tokenizer: Tokenizer, ctx: Pick<IngestContext, "aliasYaml" | "analyze">): AnalyzedText {
  const aliases = ctx.aliasYaml ? AliasTable.fromYaml(ctx.aliasYaml) : new AliasTable();
  return (ctx.analyze ?? analyzeText)(text, body, { published, tokenizer, aliases });
}

export function bodyChars(body: Span[]): number {
  let n = 0;
  for (const b of body) n += b.end - b.start;
  return n;
}

/** Reads, cleans and analyses one file (through the cache); never throws for a bad file. */
export async function runFileJob(job: FileJob, ctx: IngestContext): Promise<FileResult> {
  const loaded = await readCorpusFile({ abs: job.abs, rel: job.rel }, ctx.fs, job.catalogue, job.maxBytes);
  const src = loaded.source;
  if (!src) return loaded;
  const key = ctx.cache ? cacheKeyOf(ctx.cache, src, ctx.aliasHash) : "";
  const hit = ctx.cache ? await ctx.cache.get(key) : null;
  let result: FileResult;
  if (hit) result = { ...loaded, analysis: hit, fromCache: true, key, analysedChars: 0 };
  else {
    let analysis: AnalyzedText;
    let error: string | undefined;
    try {
      analysis = analyseText(src.text, src.body, parsePublished(src.meta.published), await ctx.tokenizer(), ctx);
    } catch (e) {
      error = (e as Error).message;
      analysis = emptyAnalysis();
    }
    if (ctx.cache) await ctx.cache.put(key, analysis);
    result = { ...loaded, analysis, fromCache: false, key, analysedChars: bodyChars(src.body), ...(error !== undefined ? { error } : {}) };
  }
  if (job.digest) digestResult(result);
  else if (job.segment && result.analysis) result.segment = segmentInput({ text: src.text, sentences: result.analysis.sentences });
  return result;
}

/** Replaces a result's analysis (and the source's text) by its digest, in place. */
export function digestResult(r: FileResult): void {
  const src = r.source;
  const a = r.analysis;
  if (!src || !a) return;
  const { text, rest } = encodeRecord(src.text, src.body, a);
  r.digest = {
    // Whole ArrayBuffers (encodeRecord's are), so they can be transferred.
    record: { text: owned(text), rest: owned(rest) },
    segment: segmentInput({ text: src.text, sentences: a.sentences }),
    events: a.events,
    mentions: a.entities.map((e) => `${e.type}\u0000${e.text}`),
  };
  r.analysis = undefined;
  r.source = { ...src, text: "" };
}

/** The bytes as a view of a whole ArrayBuffer of their own: `b` itself when it is one, else a copy. */
function owned(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer, 0, b.byteLength) : new Uint8Array(b);
}
