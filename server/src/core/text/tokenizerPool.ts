/**
 * Analysing on worker threads: `size` workers (dist/tokenizerWorker.js), each with its own
 * dictionary (about 0.34 GB, not shareable), fed batches of sources; answers keep request order.
 * Used by `buildCorpus` for cache misses, then closed, so the dictionaries' memory goes with them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { AnalyzedText } from "../model";
import { dictionaryPath } from "./tokenizer";
import type { AnalysisJob } from "./tokenizerWorker";

export type AnalysisResult = { ok: AnalyzedText; error?: undefined } | { ok?: undefined; error: string };

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
  jobs: AnalysisJob[];
  resolve: (results: AnalysisResult[]) => void;
  reject: (e: Error) => void;
}

export class TokenizerPool {
  private readonly workers: { worker: Worker; busy: Pending | null; id: number }[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private readonly charsBy = new Map<Worker, number>();

  constructor(script: string, size: number) {
    const dicPath = dictionaryPath();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: { dicPath } });
      const slot = { worker, busy: null as Pending | null, id: 0 };
      worker.on("message", (msg: { id: number; analyses?: AnalysisResult[]; error?: string; tokenizedChars?: number }) => {
        const p = slot.busy;
        slot.busy = null;
        if (msg.tokenizedChars !== undefined) this.charsBy.set(worker, msg.tokenizedChars);
        if (p) {
          if (msg.error || !msg.analyses) p.reject(new Error(msg.error ?? "analysis worker failed"));
          else p.resolve(msg.analyses);
        }
        this.pump();
      });
      worker.on("error", (e) => {
        const p = slot.busy;
        slot.busy = null;
        p?.reject(e);
        for (const q of this.queue.splice(0)) q.reject(e);
      });
      this.workers.push(slot);
    }
  }

  /** `analyzeText` of each job, in order. */
  analyze(jobs: AnalysisJob[]): Promise<AnalysisResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ jobs, resolve, reject });
      this.pump();
    });
  }

  /** Characters the workers actually tokenised (clauses not served by their memo). */
  get tokenizedChars(): number {
    let n = 0;
    for (const c of this.charsBy.values()) n += c;
    return n;
  }

  private pump(): void {
    for (const slot of this.workers) {
      if (slot.busy || this.queue.length === 0) continue;
      const p = this.queue.shift()!;
      slot.busy = p;
      slot.id = this.nextId++;
      slot.worker.postMessage({ id: slot.id, jobs: p.jobs });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
