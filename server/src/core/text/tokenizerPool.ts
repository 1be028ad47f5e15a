/**
 * Ingestion on worker threads: `size` workers (dist/tokenizerWorker.js), each loading its own
 * dictionary on its first cache miss (about 0.34 GB, not shareable), fed batches of jobs (whole
 * files, or loaded texts); answers keep request order. Used by `buildCorpus`, then closed, so the
 * dictionaries' memory goes with them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { AnalyzedText } from "../model";
import { dictionaryPath } from "./tokenizer";
import type { CacheStats } from "../index/cache";
import type { AnalysisJob, FileJob, FileResult, WorkerConfig } from "./tokenizerWorker";

export type AnalysisResult = { ok: AnalyzedText; error?: undefined } | { ok?: undefined; error: string };
export type FileJobResult = { ok: FileResult; error?: undefined } | { ok?: undefined; error: string };

/** The bundled worker script, or null when running from sources (tests through tsx). */
export function workerScript(): string | null {
  const p = path.join(__dirname, "tokenizerWorker.js");
  return fs.existsSync(p) ? p : null;
}

/** Workers to use: both cores of a 2-core machine, at most 4. */
export function defaultWorkerCount(): number {
  const n = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, n));
}

interface Pending {
  jobs: (AnalysisJob | FileJob)[];
  resolve: (results: never[]) => void;
  reject: (e: Error) => void;
}

/**
 * Puts back the unit texts a worker left out (`stripUnitTexts` in tokenizerWorker.ts: sentences
 * and quotes whose text is exactly their slice of the source text), as slices of this thread's copy
 * of the text.
 */
function restoreUnitTexts(jobs: (AnalysisJob | FileJob)[], answers: (FileJobResult | AnalysisResult)[]): void {
  answers.forEach((answer, k) => {
    const job = jobs[k];
    let text: string | undefined;
    let a: AnalyzedText | undefined;
    if (job.kind === "file") {
      const r = (answer as FileJobResult).ok;
      text = r?.source?.text;
      a = r?.analysis;
    } else {
      text = job.text;
      a = (answer as AnalysisResult).ok;
    }
    if (!a || text === undefined) return;
    for (const list of [a.sentences, a.quotes] as { start: number; end: number; text: string | null }[][]) {
      for (const u of list) if (u.text === null) u.text = text.slice(u.start, u.end);
    }
  });
}

/** Batches sent ahead to each worker. */
const IN_FLIGHT = 2;

export class TokenizerPool {
  /** Each worker's requests in flight, oldest first (it answers them in order). */
  private readonly workers: { worker: Worker; inflight: Pending[] }[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private readonly charsBy = new Map<Worker, number>();
  private readonly cacheStatsBy = new Map<Worker, CacheStats>();

  constructor(script: string, size: number, config: Omit<WorkerConfig, "dicPath"> = {}) {
    const dicPath = dictionaryPath();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: { ...config, dicPath } satisfies WorkerConfig });
      const slot = { worker, inflight: [] as Pending[] };
      worker.on("message", (msg: { id: number; analyses?: never[]; error?: string; tokenizedChars?: number; cacheStats?: CacheStats }) => {
        const p = slot.inflight.shift();
        if (msg.tokenizedChars !== undefined) this.charsBy.set(worker, msg.tokenizedChars);
        if (msg.cacheStats !== undefined) this.cacheStatsBy.set(worker, msg.cacheStats);
        if (p) {
          if (msg.error || !msg.analyses) p.reject(new Error(msg.error ?? "analysis worker failed"));
          else {
            restoreUnitTexts(p.jobs, msg.analyses as (FileJobResult | AnalysisResult)[]);
            p.resolve(msg.analyses);
          }
        }
        this.pump();
      });
      worker.on("error", (e) => {
        for (const p of slot.inflight.splice(0)) p.reject(e);
        for (const q of this.queue.splice(0)) q.reject(e);
      });
      this.workers.push(slot);
    }
  }

  /** `analyzeText` of each job, in order; `first` puts the batch ahead of waiting ones. */
  analyze(jobs: AnalysisJob[], first = false): Promise<AnalysisResult[]> {
    return new Promise((resolve, reject) => {
      const p = { jobs, resolve: resolve as (r: never[]) => void, reject };
      if (first) this.queue.unshift(p);
      else this.queue.push(p);
      this.pump();
    });
  }

  /** Loads (and analyses through the workers' cache) each file, in order. */
  loadFiles(jobs: FileJob[]): Promise<FileJobResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ jobs, resolve: resolve as (r: never[]) => void, reject });
      this.pump();
    });
  }

  /** The workers' cache statistics, summed (as of their last answers). */
  get cacheStats(): CacheStats {
    const sum: CacheStats = { hits: 0, misses: 0, rejected: 0, writes: 0, writeErrors: 0 };
    for (const s of this.cacheStatsBy.values()) for (const k of Object.keys(sum) as (keyof CacheStats)[]) sum[k] += s[k];
    return sum;
  }

  /** Characters the workers actually tokenised (clauses not served by their memo). */
  get tokenizedChars(): number {
    let n = 0;
    for (const c of this.charsBy.values()) n += c;
    return n;
  }

  /**
   * Sends waiting batches to the workers, up to `IN_FLIGHT` per worker (the least loaded first), so
   * a worker finds its next batch waiting instead of idling while this thread handles an answer.
   */
  private pump(): void {
    while (this.queue.length > 0) {
      let slot: (typeof this.workers)[number] | undefined;
      for (const w of this.workers) if (w.inflight.length < IN_FLIGHT && (!slot || w.inflight.length < slot.inflight.length)) slot = w;
      if (!slot) return;
      const p = this.queue.shift()!;
      slot.inflight.push(p);
      slot.worker.postMessage({ id: this.nextId++, jobs: p.jobs });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
