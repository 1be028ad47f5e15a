/**
 * Holds a project's current corpus index and rebuilds it when the corpus changes. Rebuilds go
 * through the per-file cache, so only changed files are re-analysed; requests keep using the previous
 * index until the new one is ready, and a rebuild asked for while one runs is coalesced into one more.
 */
import { buildCorpus } from "./corpus/loadCorpus";
import { CorpusIndex } from "./index/corpusIndex";
import { AliasTable } from "./text/entities";
import { loadTokenizer, type Tokenizer } from "./text/tokenizer";
import { defaultWorkerCount } from "./text/tokenizerPool";

export interface HostOptions {
  corpusDir: string;
  include?: string[];
  exclude?: string[];
  cacheDir?: string;
  aliasFile?: string;
}

export interface LoadedCorpus {
  index: CorpusIndex;
  tokenizer: Tokenizer;
  aliases: AliasTable;
  /** Milliseconds the last build took, and how many files it re-analysed. */
  stats: { ms: number; analysed: number; cached: number };
}

export interface IndexProgress {
  done: number;
  total: number;
  phase: "scan" | "analyse" | "index" | "ready";
}

type Log = (level: "info" | "warn" | "error", message: string) => void;

export class CorpusHost {
  current: LoadedCorpus | undefined;
  busy = false;
  corpusDir: string | undefined;
  private inFlight: Promise<LoadedCorpus> | undefined;
  private again = false;
  private changeListeners: ((c: LoadedCorpus) => void)[] = [];
  private progressListeners: ((p: IndexProgress) => void)[] = [];

  constructor(private readonly deps: { log: Log; options: () => Promise<HostOptions> }) {}

  onDidChange(cb: (c: LoadedCorpus) => void): void {
    this.changeListeners.push(cb);
  }

  onProgress(cb: (p: IndexProgress) => void): void {
    this.progressListeners.push(cb);
  }

  /** The current index, building it first if there is none. */
  load(): Promise<LoadedCorpus> {
    if (this.current) return Promise.resolve(this.current);
    return this.invalidate();
  }

  /** Rebuilds from the cache and the changed files; resolves with the new index. */
  invalidate(): Promise<LoadedCorpus> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.busy = true;
    this.inFlight = this.build()
      .then((loaded) => {
        const changed = !!this.current;
        this.current = loaded;
        if (changed) for (const cb of this.changeListeners) cb(loaded);
        return loaded;
      })
      .finally(() => {
        this.inFlight = undefined;
        this.busy = false;
        if (this.again) {
          this.again = false;
          void this.invalidate();
        }
      });
    return this.inFlight;
  }

  private async build(): Promise<LoadedCorpus> {
    const started = Date.now();
    const options = await this.deps.options();
    this.corpusDir = options.corpusDir;
    // This thread's tokenizer serves drafts and the feature catalogue; corpus misses are tokenised
    // on worker threads by buildCorpus, while this dictionary loads.
    const tokenizerLoading = loadTokenizer();
    tokenizerLoading.catch(() => undefined);
    const emit = (p: IndexProgress) => this.progressListeners.forEach((cb) => cb(p));
    const result = await buildCorpus({
      corpusDir: options.corpusDir,
      include: options.include,
      exclude: options.exclude,
      cacheDir: options.cacheDir,
      aliasFile: options.aliasFile,
      tokenizer: () => tokenizerLoading,
      workers: defaultWorkerCount(),
      onProgress: (done: number, total: number) => emit({ done, total, phase: "analyse" }),
    });
    const tokenizer = await tokenizerLoading;
    for (const p of result.problems) this.deps.log(p.severity === "error" ? "error" : "warn", `shutten: ${p.path}: ${p.message}`);
    emit({ done: result.sources.length, total: result.sources.length, phase: "index" });
    const index = new CorpusIndex(result.sources, result.problems);
    const ms = Date.now() - started;
    this.deps.log("info", `shutten: indexed ${index.size} sources from ${options.corpusDir} in ${ms} ms (${result.stats?.analysed ?? "?"} analysed, ${result.stats?.cached ?? "?"} from cache); tokenised ${result.stats?.tokenizedChars ?? "?"} of ${result.stats?.bodyChars ?? "?"} body chars analysed`);
    emit({ done: index.size, total: index.size, phase: "ready" });
    return { index, tokenizer, aliases: result.aliases, stats: { ms, analysed: result.stats?.analysed ?? 0, cached: result.stats?.cached ?? 0 } };
  }
}
