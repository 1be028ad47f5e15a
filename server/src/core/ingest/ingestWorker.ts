/**
 * An ingestion worker (worker_threads), driven by `WorkerPool`: runs whole files through the
 * pipeline (fileJob.ts) off the main thread — read, decode, clean, the cache lookup, the analysis on
 * a miss, the cache write and, for a snapshot build, the record and index input. The main thread only
 * walks the tree and assembles the answers. Bundled as dist/ingestWorker.js.
 *
 * kuromoji's dictionary comes from the main thread, in shared memory (`setDictionary`): no worker
 * loads or holds a copy of its own. A file whose analysis is in the cache needs none, so work starts
 * before it arrives. Tokens go through a clause memo (see `splitClauses`) and keep only what the
 * analysis reads (`selectEntityTokens`: entities are the only consumer of tokens, and only of the
 * proper nouns it keeps or joins from kuromoji's pieces).
 */
import { parentPort, workerData } from "node:worker_threads";
import { nodeCorpusFsSync } from "../corpus/corpusFs";
import { AnalysisCache, nodeCacheFsSync, type CacheStats } from "../index/cache";
import type { AnalyzedText } from "../model";
import type { DictionaryData } from "../text/dictionary";
import { entityTokenizer } from "../text/entityTokenizer";
import { ClauseMemo, kuromojiOf, type Token, type Tokenizer } from "../text/tokenizer";
import { runFileJob, type FileJob, type FileResult, type IngestContext } from "./fileJob";

/** Per-pool settings, given as `workerData`. */
export interface WorkerConfig {
  dicPath?: string;
  /** The cache to consult and fill; null for none. */
  cache?: { dir: string; tool: string; analysis: string } | null;
  aliasYaml?: string;
  /** Hash of `aliasYaml` (part of the cache key), `""` without one. */
  aliasHash?: string;
}

export interface WorkerRequest {
  id: number;
  jobs: FileJob[];
}

/** The shared dictionary, sent once (not a request: nothing answers it). */
export interface DictionaryMessage {
  dictionary: DictionaryData;
}

export interface WorkerAnswer {
  id: number;
  answers?: ({ ok: FileResult; error?: undefined } | { ok?: undefined; error: string })[];
  error?: string;
  tokenizedChars: number;
  cacheStats?: CacheStats;
}

// Answers transfer their buffers, and the first detached ArrayBuffer in a thread makes V8 throw away
// every optimised function that reads a typed array (it had assumed none would ever be detached):
// one detached now, before anything is optimised, so that happens once, with nothing to discard.
const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });

const config = (workerData ?? {}) as WorkerConfig;
let gotDictionary: (d: DictionaryData) => void;
const dictionary = new Promise<DictionaryData>((resolve) => (gotDictionary = resolve));
const memo = new ClauseMemo<Token[]>(100_000);
let tokenizedChars = 0;
const cache = config.cache ? new AnalysisCache(config.cache.dir, { tool: config.cache.tool, analysis: config.cache.analysis }, nodeCacheFsSync) : null;


let tokenizer: Tokenizer | undefined;
async function memoTokenizer(): Promise<Tokenizer> {
  return (tokenizer ??= entityTokenizer(kuromojiOf(await dictionary), memo, (chars) => (tokenizedChars += chars)));
}

const ctx: IngestContext = { fs: nodeCorpusFsSync, cache, aliasYaml: config.aliasYaml, aliasHash: config.aliasHash ?? "", tokenizer: memoTokenizer };

/**
 * Drops from an answer the unit texts the main thread can slice from the source text itself
 * (`restoreUnitTexts` in workerPool.ts), so they are neither cloned here nor copied there. Called
 * after the cache entry is written.
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
let waiting = 0;
parentPort!.on("message", (msg: WorkerRequest | DictionaryMessage) => {
  if ("dictionary" in msg) gotDictionary(msg.dictionary);
  else {
    waiting++;
    chain = chain.then(async () => {
      await handle(msg);
      waiting--;
    });
  }
});

async function handle(req: WorkerRequest): Promise<void> {
  const transfer: ArrayBuffer[] = [];
  try {
    const answers: NonNullable<WorkerAnswer["answers"]> = [];
    for (const job of req.jobs) {
      try {
        const r = await runFileJob(job, ctx);
        if (r.source && r.analysis) stripUnitTexts(r.source.text, r.analysis);
        if (r.digest) {
          const d = r.digest;
          transfer.push(d.record.text.buffer as ArrayBuffer, d.record.rest.buffer as ArrayBuffer, d.segment.starts.buffer as ArrayBuffer, d.segment.spans.buffer as ArrayBuffer);
        }
        answers.push({ ok: r });
      } catch (e) {
        answers.push({ error: (e as Error).message });
      }
    }
    // The batch's cache entries are on disk before it is answered; the cache's files stay open while
    // batches keep coming and are closed when none waits.
    if (waiting === 1) await cache?.release();
    else await cache?.flush();
    const answer: WorkerAnswer = { id: req.id, answers, tokenizedChars, cacheStats: cache ? { ...cache.stats } : undefined };
    parentPort!.postMessage(answer, transfer);
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: (e as Error).message, tokenizedChars } satisfies WorkerAnswer);
  }
}
