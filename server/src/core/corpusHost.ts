/**
 * Holds a project's current corpus index and keeps it up to date. Requests keep using the previous
 * index until the new one is ready; a rebuild asked for while one runs is coalesced into one more
 * (with the changed paths of both). The work itself lives in host/:
 *
 * - warm start (host/warmStart.ts): the index snapshot is read while kuromoji's dictionary loads and
 *   the corpus is listed with its stat; unchanged files are not read at all.
 * - a change (host/changes.ts): only the changed files are reloaded, on an ingestion worker, and the
 *   new index keeps the old segments with one more overlay for them.
 * - cold start, a changed catalogue or alias file, new options, too many changes, or a damaged
 *   snapshot (host/coldBuild.ts): the whole corpus through the per-file cache, the new snapshot
 *   written as the sources are analysed.
 *
 * The same host serves the language server and the CLI (`shutten index`, `shutten check`), so they
 * share one snapshot per corpus and options.
 */
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { DEFAULT_INCLUDE } from "./corpus/corpusFiles";
import { listCorpusFiles } from "./corpus/corpusFiles";
import type { CorpusProblem } from "./model";
import { AnalysisCache, isInside, resolveCacheDir, TOOL_VERSION } from "./index/cache";
import type { CorpusIndex } from "./index/corpusIndex";
import { optionsKeyOf, readSnapshot, snapshotPath, type SourceRecord } from "./index/snapshot";
import { analysisVersion } from "./ingest/buildCorpus";
import { AliasTable } from "./text/entities";
import { loadTokenizer, type Tokenizer } from "./text/tokenizer";
import { applyChanges, ChangeLoader, planChanges } from "./host/changes";
import { coldBuild, prepareColdBuild, type BuildContext, type ColdBuildArgs, type EarlyBuild } from "./host/coldBuild";
import { sameStat, statOf, tooManyChanges, type FileSource, type HostOptions, type State } from "./host/fileTable";
import { fromSnapshot, recoverRecord } from "./host/warmStart";
import { waitingForBackground } from "./backgroundWork";

export type { HostOptions } from "./host/fileTable";

export interface LoadedCorpus {
  index: CorpusIndex;
  tokenizer: Tokenizer;
  aliases: AliasTable;
  /** Milliseconds the last build took, and how many files it re-analysed. */
  stats: { ms: number; analysed: number; cached: number; full: boolean };
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
  /**
   * What the running build is: `change` while a few changed files are applied (a check of a draft
   * against the current index is then wasted work — the new index follows within a second — and
   * may wait for it), `full` while the whole corpus is built again (requests keep the current index
   * meanwhile), null when idle or not yet known.
   */
  building: "change" | "full" | null = null;
  corpusDir: string | undefined;
  private inFlight: Promise<LoadedCorpus> | undefined;
  private again = false;
  /** Paths changed since the running build started; `null` = look at every file. */
  private pending: Set<string> | null = new Set();
  /** The next build ignores the snapshot on disk (it was found damaged). */
  private rebuild = false;
  private state: State | undefined;
  private tokenizer: Promise<Tokenizer> | undefined;
  /** The cache folder of the first build (the dictionary's cache goes there too). */
  private cacheDir: string | undefined;
  private readonly changes: ChangeLoader;
  private changeListeners: ((c: LoadedCorpus) => void)[] = [];
  private progressListeners: ((p: IndexProgress) => void)[] = [];

  /** `servesRequests`: the language server's host (requests keep using the index while it is rebuilt). */
  constructor(private readonly deps: { log: Log; options: () => Promise<HostOptions>; servesRequests?: boolean }) {
    this.changes = new ChangeLoader(() => this.getTokenizer());
  }

  onDidChange(cb: (c: LoadedCorpus) => void): void {
    this.changeListeners.push(cb);
  }

  onProgress(cb: (p: IndexProgress) => void): void {
    this.progressListeners.push(cb);
  }

  /** The current index, building it first if there is none. */
  load(): Promise<LoadedCorpus> {
    if (this.current) return Promise.resolve(this.current);
    // The first build is under way: wait for it (asking again would queue a second one). A request
    // waiting for it must not hold the build's slices back (backgroundWork.ts).
    return waitingForBackground(this.inFlight ?? this.invalidate());
  }

  /**
   * Brings the index up to date; resolves with the new index. `paths` (absolute) are the files known
   * to have changed; without them every file's stat is compared.
   */
  invalidate(paths?: string[]): Promise<LoadedCorpus> {
    if (paths === undefined) this.pending = null;
    else if (this.pending) for (const p of paths) this.pending.add(path.resolve(p));
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.busy = true;
    // (Most builds of a loaded corpus apply a few changes; `update` says so once it knows.)
    this.building = this.state ? "change" : "full";
    const changed = this.pending;
    this.pending = new Set();
    this.inFlight = this.build(changed)
      .then((loaded) => {
        const had = !!this.current;
        this.current = loaded;
        if (had) for (const cb of this.changeListeners) cb(loaded);
        return loaded;
      })
      .finally(() => {
        this.inFlight = undefined;
        this.busy = false;
        this.building = null;
        if (this.again) {
          this.again = false;
          const next = this.pending;
          void this.invalidate(next === null ? undefined : [...next]);
        }
      });
    return this.inFlight;
  }

  /**
   * Waits (at most `ms`) until no build is running or queued. The snapshot is written within the
   * build, so a shutdown after this keeps it.
   */
  async flush(ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.inFlight && Date.now() < deadline) {
      await Promise.race([this.inFlight.catch(() => undefined), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref?.())]);
    }
  }

  /** Stops the background worker kept for changes (the CLI calls this before it exits). */
  dispose(): void {
    this.changes.close();
  }

  /**
   * Makes the snapshot on disk match the current index: when changes were applied on top of the
   * snapshot (or none could be written), the corpus is built again through the per-file cache and a
   * new snapshot written. `shutten index` ends with this, so a later start reads one clean file.
   */
  async refreshSnapshot(): Promise<boolean> {
    await this.load();
    await this.flush();
    const state = this.state;
    if (!state || (state.snapshotFile !== null && state.reader !== null && !state.patched)) return false;
    if (state.snapshotFile === null && state.cache === null) return false;
    this.rebuild = true;
    await this.invalidate();
    return true;
  }

  private emit(p: IndexProgress): void {
    for (const cb of this.progressListeners) cb(p);
  }

  private getTokenizer(): Promise<Tokenizer> {
    if (!this.tokenizer) {
      // The assembled dictionary is kept in the same cache folder as the analyses (dictionary.ts).
      this.tokenizer = loadTokenizer(undefined, { cacheDir: this.cacheDir });
      this.tokenizer.catch(() => (this.tokenizer = undefined));
    }
    return this.tokenizer;
  }

  private context(): BuildContext {
    return {
      background: !!this.deps.servesRequests && this.current !== undefined,
      servesRequests: !!this.deps.servesRequests,
      log: this.deps.log,
      progress: (done, total) => this.emit({ done, total, phase: "analyse" }),
      tokenizer: () => this.getTokenizer(),
      recover: (state, s) => this.recover(state(), s),
    };
  }

  /** A damaged snapshot record: the source comes from its file, and the snapshot is rebuilt. */
  private recover(state: State, s: FileSource): SourceRecord {
    if (!this.rebuild) {
      this.rebuild = true;
      this.deps.log("warn", `shutten: the index snapshot ${state.snapshotFile} is damaged; it is being rebuilt`);
      if (state.snapshotFile) void fsp.rm(state.snapshotFile, { force: true }).catch(() => undefined);
      setImmediate(() => void this.invalidate().catch(() => undefined));
    }
    return recoverRecord(state, s);
  }

  private async build(changed: Set<string> | null): Promise<LoadedCorpus> {
    const started = Date.now();
    const options = await this.deps.options();
    this.corpusDir = path.resolve(options.corpusDir);
    this.cacheDir ??= resolveCacheDir({ setting: options.cacheDir || null });
    const key = optionsKey(options);
    const prev = this.state;
    // The dictionary serves drafts and the feature catalogue; it loads (mostly off this thread)
    // while the snapshot is read or the corpus is built.
    const tokenizerLoading = this.getTokenizer();
    let counts: { analysed: number; cached: number; full: boolean };
    if (!prev || prev.optionsKey !== key || this.rebuild) {
      this.building = "full";
      counts = await this.start(options, key);
    } else counts = await this.update(prev, changed);
    const state = this.state!;
    const tokenizer = await tokenizerLoading;
    const ms = Date.now() - started;
    const index = state.index;
    this.deps.log("info", `shutten: indexed ${index.size} sources from ${options.corpusDir} in ${ms} ms (${counts.analysed} analysed, ${counts.cached} from cache)`);
    this.emit({ done: index.size, total: index.size, phase: "ready" });
    return { index, tokenizer, aliases: state.aliases, stats: { ms, ...counts } };
  }

  /** The stat of the snapshot file this host last read or wrote (a restart skips it unless another process wrote it since). */
  private knownSnapshot: { size: number; mtimeMs: number } | null = null;

  private async start(options: HostOptions, key: string, restart = false): Promise<{ analysed: number; cached: number; full: boolean }> {
    const counts = await this.startFrom(options, key, restart);
    const file = this.state?.snapshotFile;
    this.knownSnapshot = file ? await statOf(file) : null;
    return counts;
  }

  private async startFrom(options: HostOptions, key: string, restart: boolean): Promise<{ analysed: number; cached: number; full: boolean }> {
    const dir = path.resolve(options.corpusDir);
    const cacheDir = resolveCacheDir({ setting: options.cacheDir || null });
    const usable = !isInside(cacheDir, dir);
    const cache = usable ? new AnalysisCache(cacheDir, { tool: TOOL_VERSION, analysis: analysisVersion() }) : null;
    const snapshotFile = usable ? snapshotPath(cacheDir, key) : null;
    const aliasPath = options.aliasFile ? path.resolve(path.dirname(dir), options.aliasFile) : null;
    let ignoreSnapshot = this.rebuild;
    this.rebuild = false;
    // A restart after changes (a new catalogue, too many changes): the snapshot this host wrote or
    // read describes the corpus before them, and reading it would only hold up requests.
    const snapshotStat = snapshotFile ? await statOf(snapshotFile) : null;
    if (restart && this.knownSnapshot && sameStat(this.knownSnapshot, snapshotStat)) ignoreSnapshot = true;
    // No snapshot to start from: a cold build is certain, and its workers start now, loading their
    // code while the corpus is listed.
    const early = snapshotStat === null || ignoreSnapshot ? await prepareColdBuild(this.context(), { options, dir, cache }) : undefined;
    try {
      return await this.startWith(options, key, { dir, cache, snapshotFile, aliasPath, ignoreSnapshot, early });
    } finally {
      // (Closed by the cold build; again here, harmlessly, when something failed before it.)
      await early?.pool?.close();
    }
  }

  private async startWith(
    options: HostOptions,
    key: string,
    { dir, cache, snapshotFile, aliasPath, ignoreSnapshot, early }: { dir: string; cache: AnalysisCache | null; snapshotFile: string | null; aliasPath: string | null; ignoreSnapshot: boolean; early: EarlyBuild | undefined },
  ): Promise<{ analysed: number; cached: number; full: boolean }> {
    const listingProblems: CorpusProblem[] = [];
    const [snapshot, files, catalogueStat, aliasStat] = await Promise.all([
      snapshotFile && !ignoreSnapshot ? readSnapshot(snapshotFile, { tool: TOOL_VERSION, analysis: analysisVersion(), optionsKey: key }) : Promise.resolve(null),
      listCorpusFiles(dir, options, listingProblems).catch(() => null),
      statOf(path.join(dir, "sources.yaml")),
      aliasPath ? statOf(aliasPath) : Promise.resolve(null),
    ]);
    const old = this.state;
    const args: ColdBuildArgs = { options, optionsKey: key, dir, cache, snapshotFile, aliasPath, catalogueStat, aliasStat };
    if (snapshot && files && sameStat(snapshot.header.catalogue, catalogueStat) && sameStat(snapshot.header.aliasFile, aliasStat)) {
      const known = new Map(snapshot.header.files.map((f) => [f.rel, f]));
      const now = new Set(files.map((f) => f.rel));
      const roughly = files.filter((f) => {
        const k = known.get(f.rel);
        return !k || k.size !== f.size || k.abs !== f.abs;
      }).length;
      const removedCount = snapshot.header.files.filter((f) => !now.has(f.rel)).length;
      // Files whose size changed (or are new or gone) are changes for sure; mtime-only ones are
      // checked against their content hash in `planChanges`.
      if (!tooManyChanges(roughly + removedCount, files.length)) {
        const state = await fromSnapshot(this.context(), args, snapshot);
        this.state = state;
        old?.reader?.closeLater();
        const plan = await planChanges(state, null, { files, catalogueStat, aliasStat });
        if (!plan.restart) {
          if (plan.touched.length === 0 && plan.removed.size === 0) return { analysed: 0, cached: state.index.size, full: false };
          const applied = await applyChanges(state, plan, this.changes, (s, src) => this.recover(s(), src));
          this.state = applied.state;
          this.logFiles(applied.touched);
          return { analysed: applied.analysed, cached: applied.cached, full: false };
        }
      }
      snapshot.records.closeLater(0);
    }
    // (The listing above is the build's: the tree is not walked again.)
    const built = await coldBuild(this.context(), { ...args, early, ...(files ? { listed: { files, problems: listingProblems } } : {}) });
    this.state = built.state;
    old?.reader?.closeLater();
    return { analysed: built.analysed, cached: built.cached, full: true };
  }

  private async update(state: State, changed: Set<string> | null): Promise<{ analysed: number; cached: number; full: boolean }> {
    const plan = await planChanges(state, changed);
    this.building = plan.restart ? "full" : "change";
    // (The old index's snapshot stays open until the new index replaces it: `start` closes it then.)
    if (plan.restart) {
      // The change worker's memory goes with it: a later change starts a fresh one.
      this.changes.close();
      return this.start(state.options, state.optionsKey, true);
    }
    if (plan.touched.length === 0 && plan.removed.size === 0) return { analysed: 0, cached: 0, full: false };
    const applied = await applyChanges(state, plan, this.changes, (s, src) => this.recover(s(), src));
    this.state = applied.state;
    this.logFiles(applied.touched);
    return { analysed: applied.analysed, cached: applied.cached, full: false };
  }

  private logFiles(files: { problems: { path: string; message: string; severity: string }[] }[]): void {
    for (const f of files) for (const p of f.problems) this.deps.log(p.severity === "error" ? "error" : "warn", `shutten: ${p.path}: ${p.message}`);
  }
}

/** The snapshot's key: tool and analysis versions, the corpus directory and the options that shape it. */
export function optionsKey(options: HostOptions): string {
  const include = options.include && options.include.length > 0 ? options.include : DEFAULT_INCLUDE;
  return optionsKeyOf([TOOL_VERSION, analysisVersion(), path.resolve(options.corpusDir), include, options.exclude ?? [], options.aliasFile ? path.resolve(options.aliasFile) : null]);
}
