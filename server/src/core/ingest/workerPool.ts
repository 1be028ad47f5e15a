/**
 * Ingestion on worker threads: `size` workers (dist/ingestWorker.js) fed batches of file jobs;
 * answers keep request order. The workers tokenise with this thread's dictionary, shared with them
 * (`setDictionary`), never a copy of their own.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { Worker } from "node:worker_threads";
import type { CacheStats } from "../index/cache";
import type { AnalyzedText } from "../model";
import type { DictionaryData } from "../text/dictionary";
import { dictionaryPath, sharedDictionary } from "../text/tokenizer";
import type { FileJob, FileResult } from "./fileJob";
import type { DictionaryMessage, WorkerAnswer, WorkerConfig } from "./ingestWorker";

export type FileJobResult = { ok: FileResult; error?: undefined } | { ok?: undefined; error: string };

/** The bundled worker script, or null when running from sources (tests through tsx). */
export function workerScript(): string | null {
  const p = path.join(__dirname, "ingestWorker.js");
  return fs.existsSync(p) ? p : null;
}

/** Workers to use: both cores of a 2-core machine, at most 4. */
export function defaultWorkerCount(): number {
  const n = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(4, n));
}

interface Pending {
  jobs: FileJob[];
  resolve: (results: FileJobResult[]) => void;
  reject: (e: Error) => void;
}

/**
 * Puts back the unit texts a worker left out (`stripUnitTexts` in ingestWorker.ts: sentences and
 * quotes whose text is exactly their slice of the source text), as slices of this thread's copy of
 * the text.
 */
function restoreUnitTexts(answers: FileJobResult[]): void {
  for (const answer of answers) {
    const text = answer.ok?.source?.text;
    const a: AnalyzedText | undefined = answer.ok?.analysis;
    if (!a || text === undefined) continue;
    for (const list of [a.sentences, a.quotes] as { start: number; end: number; text: string | null }[][]) {
      for (const u of list) if (u.text === null) u.text = text.slice(u.start, u.end);
    }
  }
}

/**
 * V8's `--max-optimized-bytecode-size` for the ingestion workers: the analysis's two giant functions
 * (`extractQuotes`, `extractEntities`: 16–20 KB of bytecode each, every other function under 5 KB)
 * stay in baseline code. TurboFan took about a second of CPU per compile of each, and recompiled each
 * five or six times per worker as rarer branches deoptimised them — some 30 % of a worker's CPU in
 * the compiler on a cold ldcc index; their callees are still optimised. Measured: cold ldcc index
 * −16 % user CPU (two runs side by side, swapped). The flag is process-wide and read at each tiering
 * decision; Node 24's V8 has no such flag and ignores it.
 */
const LARGEST_OPTIMISED_BYTECODE = 8192;

/** Batches sent ahead to each worker. */
const IN_FLIGHT = 2;

/** A worker's young generation: three semi-spaces' worth in V8, so 16 MB semi-spaces. */
const YOUNG_GENERATION_MB = 48;

export class WorkerPool {
  /** Each worker's requests in flight, oldest first (it answers them in order). */
  private readonly workers: { worker: Worker; inflight: Pending[] }[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private readonly charsBy = new Map<Worker, number>();
  private readonly cacheStatsBy = new Map<Worker, CacheStats>();

  /** `unref`: the workers do not keep the process alive (a long-lived pool in a server or test). */
  constructor(script: string, size: number, config: Omit<WorkerConfig, "dicPath"> = {}, opts: { unref?: boolean } = {}) {
    const dicPath = dictionaryPath();
    // The workers optimise their code on their own thread: V8 reads this flag when an isolate starts,
    // and its background recompilation cost the two workers of a cold ldcc index ~12 s of CPU on
    // V8's helper threads against ~6 s more on their own (total CPU ~9 % lower). Restored for later
    // isolates once every worker runs.
    if (size > 0) v8.setFlagsFromString("--no-concurrent-recompilation");
    if (size > 0) v8.setFlagsFromString(`--max-optimized-bytecode-size=${LARGEST_OPTIMISED_BYTECODE}`);
    let starting = size;
    const started = () => {
      if (--starting === 0) v8.setFlagsFromString("--concurrent-recompilation");
    };
    for (let i = 0; i < size; i++) {
      // A larger young generation than V8's default: a file job makes much short-lived garbage, and
      // fewer scavenges cost ~10 % less CPU in all (bench/profileStages.ts, --max-semi-space-size=16).
      const worker = new Worker(script, { workerData: { ...config, dicPath } satisfies WorkerConfig, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      let running = false;
      const online = () => {
        if (!running) (running = true), started();
      };
      worker.once("online", online);
      worker.once("exit", online);
      // An idle worker of an `unref` pool does not keep the process alive; a busy one does.
      if (opts.unref) worker.unref();
      this.unrefIdle = opts.unref === true;
      const slot = { worker, inflight: [] as Pending[] };
      worker.on("message", (msg: WorkerAnswer) => {
        const p = slot.inflight.shift();
        this.charsBy.set(worker, msg.tokenizedChars);
        if (msg.cacheStats !== undefined) this.cacheStatsBy.set(worker, msg.cacheStats);
        if (this.unrefIdle && slot.inflight.length === 0) worker.unref();
        if (p) {
          if (msg.error || !msg.answers) p.reject(new Error(msg.error ?? "ingestion worker failed"));
          else {
            restoreUnitTexts(msg.answers);
            p.resolve(msg.answers);
          }
        }
        this.pump();
      });
      const fail = (e: Error) => {
        for (const p of slot.inflight.splice(0)) p.reject(e);
        for (const q of this.queue.splice(0)) q.reject(e);
      };
      worker.on("error", fail);
      worker.on("exit", (code) => {
        if (!this.closed) fail(new Error(`ingestion worker exited (code ${code})`));
      });
      this.workers.push(slot);
    }
    // The dictionary loads here (once per process, shared with the workers) while they start on the
    // files whose analysis the cache has.
    sharedDictionary().then(
      (d) => this.setDictionary(d),
      (e) => {
        for (const w of this.workers) for (const p of w.inflight.splice(0)) p.reject(e);
        for (const q of this.queue.splice(0)) q.reject(e);
      },
    );
  }

  private dictionarySent = false;

  /** Hands the shared dictionary to every worker (once). */
  setDictionary(dictionary: DictionaryData): void {
    if (this.dictionarySent || this.closed) return;
    this.dictionarySent = true;
    for (const w of this.workers) w.worker.postMessage({ dictionary } satisfies DictionaryMessage);
  }

  private closed = false;
  private unrefIdle = false;

  /** Loads and analyses (through the workers' cache) each file, in order. */
  run(jobs: FileJob[]): Promise<FileJobResult[]> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error("worker pool closed"));
      this.queue.push({ jobs, resolve, reject });
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
      if (this.unrefIdle) slot.worker.ref();
      slot.worker.postMessage({ id: this.nextId++, jobs: p.jobs });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
