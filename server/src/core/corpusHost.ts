/**
 * Holds a project's current corpus index and keeps it up to date. Requests keep using the previous
 * index until the new one is ready; a rebuild asked for while one runs is coalesced into one more
 * (with the changed paths of both).
 *
 * - Warm start: the index snapshot (index/snapshot.ts) is read while kuromoji's dictionary loads and
 *   the corpus is listed with its stat; files whose path, size and mtime are unchanged come from the
 *   snapshot without being read, sources' texts and analyses are read only when used.
 * - A change (paths from the file watcher or a save): only those files are reloaded and analysed (the
 *   per-file cache first, else on this thread with the loaded tokenizer); the new index keeps the old
 *   base segment and adds an overlay for the changed sources (`CorpusIndex.withChanges`).
 * - Cold start, a changed catalogue or alias file, new options, or too many changes: the whole
 *   corpus is built through `buildCorpus` and the per-file cache, then a new snapshot is written in
 *   the background and the sources are swapped for ones read from it (same data, less memory).
 */
import { keyHolders } from "./corpus/metadata";
import { pushAll } from "./arrays";
import { createHash } from "node:crypto";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { analysisVersion, buildCorpus, DEFAULT_MAX_FILE_BYTES, loadCorpusFile, parsePublished } from "./corpus/loadCorpus";
import { decodeBytes } from "./corpus/decode";
import { parseCatalogue, type Catalogue } from "./corpus/metadata";
import { AnalysisCache, isInside, resolveCacheDir, TOOL_VERSION } from "./index/cache";
import { compareCorpusPaths, isCorpusPath, listCorpusFiles, statFile, type CorpusFileStat } from "./index/corpusFiles";
import { CorpusIndex, Segment } from "./index/corpusIndex";
import {
  aliasState,
  canonicalMemo,
  encodeRecord,
  optionsKeyOf,
  readSnapshot,
  restoreAliasState,
  snapshotPath,
  StoredSource,
  writeSnapshot,
  type RecordReader,
  type SnapshotFile,
} from "./index/snapshot";
import type { AnalyzedText, CorpusProblem, EventUnit, IndexedSource, SourceMetadata, Span } from "./model";
import { analyzeText, applyAliases } from "./text/analyze";
import { AliasTable } from "./text/entities";
import { deferredTokenizer, loadTokenizer, type Tokenizer } from "./text/tokenizer";
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

/** Changes beyond this share of the corpus (and at least `MIN_FULL_REBUILD`) rebuild it all. */
const INCREMENTAL_SHARE = 0.1;
const MIN_FULL_REBUILD = 64;

/** One loaded source of a file, before the corpus-wide alias clusters. */
interface FileSource {
  meta: SourceMetadata;
  hash: string;
  encoding: string;
  format?: "text" | "markdown" | "html";
  rawEvents: EventUnit[];
  /** Entity mentions in order, as ids of `State.mentionNames`. */
  mentions: Int32Array;
  /** Where the text and analysis are: the snapshot, or memory (fresh or not yet written). */
  stored?: { reader: RecordReader; range: [number, number, number] };
  /** `pre`: the analysis is the one before the alias clusters (false right after a full build, until persisted). */
  fresh?: { text: string; body: Span[]; analysis: AnalyzedText; pre: boolean };
}

interface FileState extends CorpusFileStat {
  problems: CorpusProblem[];
  source?: FileSource;
}

interface State {
  optionsKey: string;
  dir: string;
  options: HostOptions;
  cache: AnalysisCache | null;
  snapshotFile: string | null;
  files: FileState[];
  globalProblems: CorpusProblem[];
  catalogue: Catalogue;
  catalogueStat: { size: number; mtimeMs: number } | null;
  aliasPath: string | null;
  aliasStat: { size: number; mtimeMs: number } | null;
  aliasYaml: string | undefined;
  aliasHash: string;
  aliases: AliasTable;
  mentionNames: MentionNames;
  /** The accepted files of `index.sources`, parallel to it. */
  accepted: FileState[];
  index: CorpusIndex;
  reader: RecordReader | null;
}

export class CorpusHost {
  current: LoadedCorpus | undefined;
  busy = false;
  corpusDir: string | undefined;
  private inFlight: Promise<LoadedCorpus> | undefined;
  private again = false;
  /** Paths changed since the running build started; `null` = look at every file. */
  private pending: Set<string> | null = new Set();
  private state: State | undefined;
  private tokenizer: Promise<Tokenizer> | undefined;
  /** The snapshot being written after a full build, if any. */
  private persisting: Promise<void> | undefined;
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
    // The first build is under way: wait for it (asking again would queue a second one).
    if (this.inFlight) return this.inFlight;
    return this.invalidate();
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
        if (this.again) {
          this.again = false;
          const next = this.pending;
          void this.invalidate(next === null ? undefined : [...next]);
        }
      });
    return this.inFlight;
  }

  /** Waits (at most `ms`) for a snapshot being written, so a shutdown right after a full build keeps it. */
  async flush(ms = 30_000): Promise<void> {
    if (this.persisting) await Promise.race([this.persisting, new Promise((r) => setTimeout(r, ms).unref?.())]);
  }

  private emit(p: IndexProgress): void {
    for (const cb of this.progressListeners) cb(p);
  }

  private getTokenizer(): Promise<Tokenizer> {
    if (!this.tokenizer) {
      this.tokenizer = loadTokenizer();
      this.tokenizer.catch(() => (this.tokenizer = undefined));
    }
    return this.tokenizer;
  }

  private async build(changed: Set<string> | null): Promise<LoadedCorpus> {
    const started = Date.now();
    const options = await this.deps.options();
    this.corpusDir = path.resolve(options.corpusDir);
    const key = optionsKey(options);
    let counts = { analysed: 0, cached: 0 };
    const prev = this.state;
    // The dictionary serves drafts and the feature catalogue; it loads (mostly off this thread)
    // while the snapshot is read. A cold start (no snapshot to read) defers it until the index is
    // built: the build's workers load their own dictionaries, and a third load on this thread would
    // compete with them for the cores. Until then drafts get a tokenizer that loads on first use.
    const cold = !this.tokenizer && (!prev || prev.optionsKey !== key) && !(await this.snapshotExists(options, key));
    const tokenizerLoading = cold ? null : this.getTokenizer();
    if (!prev || prev.optionsKey !== key) {
      counts = await this.start(options, key);
    } else {
      counts = await this.update(prev, changed);
    }
    const state = this.state!;
    let tokenizer: Tokenizer;
    if (tokenizerLoading) tokenizer = await tokenizerLoading;
    else {
      tokenizer = deferredTokenizer().tokenizer;
      setImmediate(() => void this.getTokenizer().catch(() => undefined));
    }
    const ms = Date.now() - started;
    const index = state.index;
    this.deps.log("info", `shutten: indexed ${index.size} sources from ${options.corpusDir} in ${ms} ms (${counts.analysed} analysed, ${counts.cached} from cache)`);
    this.emit({ done: index.size, total: index.size, phase: "ready" });
    return { index, tokenizer, aliases: state.aliases, stats: { ms, analysed: counts.analysed, cached: counts.cached } };
  }

  /** True when a snapshot file for these options exists (its validity is checked when read). */
  private async snapshotExists(options: HostOptions, key: string): Promise<boolean> {
    const cacheDir = resolveCacheDir({ setting: options.cacheDir || null });
    if (isInside(cacheDir, path.resolve(options.corpusDir))) return false;
    return (await statOf(snapshotPath(cacheDir, key))) !== null;
  }

  // -------------------------------------------------------------------------------------------
  // Start: snapshot, else full build

  private async start(options: HostOptions, key: string): Promise<{ analysed: number; cached: number }> {
    const dir = path.resolve(options.corpusDir);
    const cacheDir = resolveCacheDir({ setting: options.cacheDir || null });
    const usable = !isInside(cacheDir, dir);
    const cache = usable ? new AnalysisCache(cacheDir, { tool: TOOL_VERSION, analysis: analysisVersion() }) : null;
    const snapshotFile = usable ? snapshotPath(cacheDir, key) : null;
    const aliasPath = options.aliasFile ? path.resolve(path.dirname(dir), options.aliasFile) : null;
    const [snapshot, files, catalogueStat, aliasStat] = await Promise.all([
      snapshotFile ? readSnapshot(snapshotFile, { tool: TOOL_VERSION, analysis: analysisVersion(), optionsKey: key }) : Promise.resolve(null),
      listCorpusFiles(dir, options).catch(() => null),
      statOf(path.join(dir, "sources.yaml")),
      aliasPath ? statOf(aliasPath) : Promise.resolve(null),
    ]);
    const old = this.state;
    if (snapshot && files && sameStat(snapshot.header.catalogue, catalogueStat) && sameStat(snapshot.header.aliasFile, aliasStat)) {
      const known = new Map(snapshot.header.files.map((f) => [f.rel, f]));
      const now = new Map(files.map((f) => [f.rel, f]));
      const changed = files.filter((f) => {
        const k = known.get(f.rel);
        return !k || k.size !== f.size || k.mtimeMs !== f.mtimeMs || k.abs !== f.abs;
      });
      const removed = snapshot.header.files.filter((f) => !now.has(f.rel)).map((f) => f.rel);
      if (changed.length + removed.length <= Math.max(MIN_FULL_REBUILD, files.length * INCREMENTAL_SHARE)) {
        const state = await this.fromSnapshot(options, key, dir, cache, snapshotFile!, snapshot, aliasPath, catalogueStat, aliasStat);
        if (state) {
          this.state = state;
          for (const p of state.index.problems) this.deps.log(p.severity === "error" ? "error" : "warn", `shutten: ${p.path}: ${p.message}`);
          old?.reader?.closeLater();
          if (changed.length || removed.length) return this.applyChanges(state, changed, new Set(removed));
          return { analysed: 0, cached: state.index.size };
        }
      }
      snapshot.records.closeLater(0);
    } else snapshot?.records.closeLater(0);
    const counts = await this.fullBuild(options, key, dir, cache, snapshotFile, files ?? [], aliasPath, catalogueStat, aliasStat);
    old?.reader?.closeLater();
    return counts;
  }

  private async fromSnapshot(
    options: HostOptions,
    key: string,
    dir: string,
    cache: AnalysisCache | null,
    snapshotFile: string,
    snapshot: NonNullable<Awaited<ReturnType<typeof readSnapshot>>>,
    aliasPath: string | null,
    catalogueStat: State["catalogueStat"],
    aliasStat: State["aliasStat"],
  ): Promise<State | null> {
    const { header, records } = snapshot;
    const mentionNames = new MentionNames(header.mentionNames);
    const aliasYaml = aliasPath ? await readText(aliasPath) : undefined;
    const files: FileState[] = header.files.map((f) => ({
      abs: f.abs,
      rel: f.rel,
      size: f.size,
      mtimeMs: f.mtimeMs,
      problems: f.problems,
      source: f.source && {
        meta: f.source.meta,
        hash: f.source.hash,
        encoding: f.source.encoding,
        format: f.source.format,
        rawEvents: f.source.events,
        mentions: snapshot.mentionIds.slice(f.source.mentions[0], f.source.mentions[1]),
        stored: f.source.record ? { reader: records, range: f.source.record } : undefined,
      },
    }));
    const fresh = aliasYaml ? AliasTable.fromYaml(aliasYaml) : new AliasTable();
    if (!(header.aliases && restoreAliasState(fresh, header.aliases))) {
      observeAll(fresh, header.base.map((i) => files[i]), mentionNames);
    }
    const memo = canonicalMemo(fresh);
    const accepted = header.base.map((i) => files[i]);
    const sources = accepted.map((f) => storedSource(f.source!, memo));
    const problems = assembleProblems(header.globalProblems, files, duplicateProblems(files));
    const index = CorpusIndex.fromSegment(sources, problems, Segment.fromData(snapshot.segment));
    return {
      optionsKey: key,
      dir,
      options,
      cache,
      snapshotFile,
      files,
      globalProblems: header.globalProblems,
      catalogue: await readCatalogue(dir),
      catalogueStat,
      aliasPath,
      aliasStat,
      aliasYaml,
      aliasHash: aliasYaml ? sha256(aliasYaml) : "",
      aliases: fresh,
      mentionNames,
      accepted,
      index,
      reader: records,
    };
  }

  private async fullBuild(
    options: HostOptions,
    key: string,
    dir: string,
    cache: AnalysisCache | null,
    snapshotFile: string | null,
    listed: CorpusFileStat[],
    aliasPath: string | null,
    catalogueStat: State["catalogueStat"],
    aliasStat: State["aliasStat"],
  ): Promise<{ analysed: number; cached: number }> {
    const result = await buildCorpus({
      corpusDir: dir,
      include: options.include,
      exclude: options.exclude,
      cache,
      aliasFile: options.aliasFile,
      tokenizer: () => this.getTokenizer(),
      workers: defaultWorkerCount(),
      onProgress: (done: number, total: number) => this.emit({ done, total, phase: "analyse" }),
    });
    for (const p of result.problems) this.deps.log(p.severity === "error" ? "error" : "warn", `shutten: ${p.path}: ${p.message}`);
    this.emit({ done: result.sources.length, total: result.sources.length, phase: "index" });
    const aliasYaml = aliasPath ? await readText(aliasPath) : undefined;
    const aliasHash = aliasYaml ? sha256(aliasYaml) : "";
    // The file table: every listed file, its problems, and its source before the alias clusters.
    const byAbs = new Map<string, FileState>();
    const files: FileState[] = listed.map((f) => {
      const s: FileState = { ...f, problems: [] };
      byAbs.set(f.abs, s);
      return s;
    });
    const globalProblems: CorpusProblem[] = [];
    const mentionNames = new MentionNames([]);
    for (const p of result.problems) {
      if (p.code === "duplicate-key") continue;
      const f = byAbs.get(p.path);
      if (f) f.problems.push(p);
      else globalProblems.push(p);
    }
    const accepted: FileState[] = [];
    for (const s of result.sources) {
      let f = byAbs.get(s.meta.path);
      if (!f) {
        // Listed after the walk (a race with the file system): reloaded on the next change.
        f = { abs: s.meta.path, rel: normalizeRel(path.relative(dir, s.meta.path)), size: -1, mtimeMs: -1, problems: [] };
        byAbs.set(f.abs, f);
        files.push(f);
      }
      // The analysis before the alias clusters is read back from the per-file cache when the
      // snapshot is written (`persist`); until then the source is kept as built.
      f.source = {
        meta: s.meta,
        hash: s.hash,
        encoding: s.encoding,
        format: s.format,
        rawEvents: s.events,
        mentions: mentionNames.of(s.entities),
        fresh: { text: s.text, body: s.body, analysis: s, pre: false },
      };
      accepted.push(f);
    }
    // Files skipped for a duplicate key keep their key (so the clash is recomputed after a change).
    for (const p of result.problems) {
      const m = /^skipped: duplicate citation key '(.*)' \(from (.*)\), already used by /.exec(p.message);
      const f = m && p.code === "duplicate-key" ? byAbs.get(p.path) : undefined;
      if (!f || f.source) continue;
      const meta: SourceMetadata = { key: m![1], title: null, outlet: null, published: null, url: null, originals: [], path: f.abs, provenance: { key: m![2] } };
      f.source = { meta, hash: "", encoding: "", rawEvents: [], mentions: new Int32Array(0) };
    }
    files.sort((a, b) => compareCorpusPaths(a.rel, b.rel));
    const index = result.segment ? CorpusIndex.fromSegment(result.sources, result.problems, result.segment) : new CorpusIndex(result.sources, result.problems);
    const state: State = {
      optionsKey: key,
      dir,
      options,
      cache,
      snapshotFile,
      files,
      globalProblems,
      catalogue: await readCatalogue(dir),
      catalogueStat,
      aliasPath,
      aliasStat,
      aliasYaml,
      aliasHash,
      aliases: result.aliases,
      mentionNames,
      accepted,
      index,
      reader: null,
    };
    this.state = state;
    if (state.snapshotFile) {
      this.persisting = new Promise<void>((resolve) => setTimeout(() => void this.persist(state).finally(resolve), 0));
      this.persisting.catch(() => undefined);
    }
    return { analysed: result.stats.analysed, cached: result.stats.cached };
  }

  /**
   * Writes the snapshot of a freshly built state, then (if it is still current) swaps its in-memory
   * sources for ones read back from the snapshot on demand: same data, a fraction of the memory.
   */
  private async persist(state: State): Promise<void> {
    if (!state.snapshotFile || !state.cache || state.index.overlaySize > 0) return;
    if (state.accepted.some((f) => !f.source?.fresh)) return;
    // Background work: yield to requests every few milliseconds.
    let slice = performance.now();
    const breathe = async () => {
      if (performance.now() - slice < 10) return;
      await new Promise((r) => setImmediate(r));
      slice = performance.now();
    };
    // The analysis before the alias clusters, from the per-file cache the build just filled (read
    // one source at a time while its record is written).
    const preOf = async (f: FileState): Promise<AnalyzedText> => {
      const fresh = f.source!.fresh!;
      if (fresh.pre) return fresh.analysis;
      const a = await state.cache!.get(state.cache!.keyFor({ hash: f.source!.hash, published: f.source!.meta.published, aliases: state.aliasHash, body: JSON.stringify(fresh.body) }));
      if (!a) throw new Error(`${f.rel} is not in the analysis cache`);
      return a;
    };
    if (this.state !== state) return;
    let mentionCount = 0;
    for (const f of state.files) mentionCount += f.source?.mentions.length ?? 0;
    const mentionIds = new Int32Array(mentionCount);
    let mentionAt = 0;
    const mentionRange = (ids: Int32Array): [number, number] => {
      mentionIds.set(ids, mentionAt);
      mentionAt += ids.length;
      return [mentionAt - ids.length, mentionAt];
    };
    const files: SnapshotFile[] = state.files.map((f) => ({
      rel: f.rel,
      abs: f.abs,
      size: f.size,
      mtimeMs: f.mtimeMs,
      problems: f.problems,
      source: f.source && { meta: f.source.meta, hash: f.source.hash, encoding: f.source.encoding, format: f.source.format, events: f.source.rawEvents, mentions: mentionRange(f.source.mentions) },
    }));
    const fileIndex = new Map(state.files.map((f, i) => [f, i]));
    const isAccepted = new Set(state.accepted);
    const ok = await writeSnapshot(state.snapshotFile, {
      header: {
        tool: TOOL_VERSION,
        analysis: analysisVersion(),
        optionsKey: state.optionsKey,
        catalogue: state.catalogueStat,
        aliasFile: state.aliasStat,
        globalProblems: state.globalProblems,
        files,
        base: state.accepted.map((f) => fileIndex.get(f)!),
        aliases: aliasState(state.aliases),
        mentionNames: state.mentionNames.names,
      },
      mentionIds,
      segment: state.index.baseSegment.toData(),
      record: async (i) => {
        const f = state.files[i];
        if (!isAccepted.has(f)) return undefined;
        if (this.state !== state) throw new Error("superseded");
        await breathe();
        const pre = await preOf(f);
        files[i].source!.events = pre.events;
        return encodeRecord(f.source!.fresh!.text, f.source!.fresh!.body, pre);
      },
    });
    if (!ok) {
      this.deps.log("warn", `shutten: could not write the index snapshot ${state.snapshotFile}`);
      return;
    }
    // Swap only if nothing changed meanwhile (a running or finished update made a new state).
    if (this.state !== state || this.inFlight) return;
    const snapshot = await readSnapshot(state.snapshotFile, { tool: TOOL_VERSION, analysis: analysisVersion(), optionsKey: state.optionsKey });
    if (!snapshot || this.state !== state || this.inFlight) {
      snapshot?.records.closeLater(0);
      return;
    }
    const memo = canonicalMemo(state.aliases);
    snapshot.header.files.forEach((sf, i) => {
      const f = state.files[i];
      if (f.source && sf.source?.record && sf.rel === f.rel) {
        f.source.stored = { reader: snapshot.records, range: sf.source.record };
        f.source.rawEvents = sf.source.events;
        f.source.fresh = undefined;
      }
    });
    const sources = state.accepted.map((f) => storedSource(f.source!, memo));
    state.index = CorpusIndex.fromSegment(sources, [...state.index.problems], state.index.baseSegment);
    state.reader = snapshot.records;
    if (this.current) {
      this.current = { ...this.current, index: state.index };
      for (const cb of this.changeListeners) cb(this.current);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Incremental update

  private async update(state: State, changed: Set<string> | null): Promise<{ analysed: number; cached: number }> {
    const dir = state.dir;
    const byRel = new Map(state.files.map((f) => [f.rel, f]));
    let walk = changed === null;
    const touched: CorpusFileStat[] = [];
    const removed = new Set<string>();
    if (!walk) {
      for (const abs of changed!) {
        const rel = normalizeRel(path.relative(dir, abs));
        if (abs === state.aliasPath || rel === "sources.yaml") {
          walk = true;
          break;
        }
        const st = await statFile(abs);
        const known = byRel.get(rel);
        if (!st) {
          if (known) removed.add(rel);
          else if (!isCorpusPath(rel, state.options) && !rel.startsWith("..")) walk = true; // a directory, maybe
          continue;
        }
        if (!st.isFile) {
          walk = true;
          break;
        }
        if (known) {
          if (known.size !== st.size || known.mtimeMs !== st.mtimeMs) touched.push({ abs: known.abs, rel, size: st.size, mtimeMs: st.mtimeMs });
        } else if (!rel.startsWith("..") && !path.isAbsolute(rel) && isCorpusPath(rel, state.options)) {
          touched.push({ abs, rel, size: st.size, mtimeMs: st.mtimeMs });
        }
      }
    }
    if (walk) {
      const [files, catalogueStat, aliasStat] = await Promise.all([
        listCorpusFiles(dir, state.options),
        statOf(path.join(dir, "sources.yaml")),
        state.aliasPath ? statOf(state.aliasPath) : Promise.resolve(null),
      ]);
      if (!sameStat(catalogueStat, state.catalogueStat) || !sameStat(aliasStat, state.aliasStat)) {
        state.reader?.closeLater();
        return this.start(state.options, state.optionsKey);
      }
      touched.length = 0;
      removed.clear();
      const now = new Set(files.map((f) => f.rel));
      for (const f of files) {
        const known = byRel.get(f.rel);
        if (!known || known.size !== f.size || known.mtimeMs !== f.mtimeMs || known.abs !== f.abs) touched.push(f);
      }
      for (const f of state.files) if (!now.has(f.rel)) removed.add(f.rel);
    }
    if (touched.length + removed.size > Math.max(MIN_FULL_REBUILD, state.files.length * INCREMENTAL_SHARE)) {
      return this.start(state.options, state.optionsKey).catch((e) => Promise.reject(e));
    }
    return this.applyChanges(state, touched, removed);
  }

  /** Reloads `touched` files, drops `removed` ones, and makes the new index over an overlay. */
  private async applyChanges(state: State, touched: CorpusFileStat[], removed: Set<string>): Promise<{ analysed: number; cached: number }> {
    const counts = { analysed: 0, cached: 0 };
    const replaced = new Map<string, FileState>();
    for (const f of touched) replaced.set(f.rel, await this.loadFile(state, f, counts));
    let files = state.files.filter((f) => !removed.has(f.rel)).map((f) => replaced.get(f.rel) ?? f);
    const known = new Set(files.map((f) => f.rel));
    const added = [...replaced.values()].filter((f) => !known.has(f.rel));
    if (added.length) files = [...files, ...added].sort((a, b) => compareCorpusPaths(a.rel, b.rel));
    // A duplicate that is now the first of its key was never analysed: load it too.
    for (;;) {
      const missing = acceptedFiles(files).filter((f) => f.source && !f.source.stored && !f.source.fresh);
      if (!missing.length) break;
      for (const m of missing) {
        const again = await this.loadFile(state, m, counts);
        files = files.map((f) => (f === m ? again : f));
      }
    }
    const accepted = acceptedFiles(files);
    // The alias clusters change only if the sequence of entity mentions does.
    const sameMentions = mentionsEqual(state.accepted, accepted);
    let aliases = state.aliases;
    if (!sameMentions) {
      aliases = state.aliasYaml ? AliasTable.fromYaml(state.aliasYaml) : new AliasTable();
      observeAll(aliases, accepted, state.mentionNames);
    }
    if (!sameMentions && accepted.some((f) => f.source!.fresh && !f.source!.fresh.pre)) {
      // Right after a full build, before its snapshot: the clusters changed, rebuild it all.
      return this.start(state.options, state.optionsKey);
    }
    const memo = canonicalMemo(aliases);
    const oldId = new Map(state.accepted.map((f, i) => [f, i]));
    const kept = new Int32Array(accepted.length).fill(-1);
    const sources = accepted.map((f, i) => {
      const id = oldId.get(f);
      if (id !== undefined) {
        kept[i] = id;
        if (sameMentions) return state.index.sources[id];
      }
      return f.source!.stored ? storedSource(f.source!, memo) : freshSource(f.source!, memo);
    });
    const problems = assembleProblems(state.globalProblems, files, duplicateProblems(files));
    for (const f of touched) for (const p of replaced.get(f.rel)?.problems ?? []) this.deps.log(p.severity === "error" ? "error" : "warn", `shutten: ${p.path}: ${p.message}`);
    const index = state.index.withChanges(sources, problems, kept);
    this.state = { ...state, files, accepted, aliases, index };
    return counts;
  }

  /** Loads and analyses one file (the per-file cache first, else on this thread). */
  private async loadFile(state: State, f: CorpusFileStat, counts: { analysed: number; cached: number }): Promise<FileState> {
    const stat = await statFile(f.abs);
    const loaded = await loadCorpusFile(f.abs, { dir: state.dir, include: state.options.include, exclude: state.options.exclude, catalogue: state.catalogue, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
    const out: FileState = { abs: f.abs, rel: f.rel, size: stat?.size ?? -1, mtimeMs: stat?.mtimeMs ?? -1, problems: [...loaded.problems] };
    const raw = loaded.source;
    if (!raw) return out;
    const key = state.cache?.keyFor({ hash: raw.hash, published: raw.meta.published, aliases: state.aliasHash, body: JSON.stringify(raw.body) });
    let analysis = key && state.cache ? await state.cache.get(key) : null;
    if (analysis) counts.cached++;
    else {
      try {
        const aliases = state.aliasYaml ? AliasTable.fromYaml(state.aliasYaml) : new AliasTable();
        analysis = analyzeText(raw.text, raw.body, { published: parsePublished(raw.meta.published), tokenizer: await this.getTokenizer(), aliases });
      } catch (e) {
        out.problems.push({ path: raw.meta.path, message: `analysis failed: ${(e as Error).message}`, severity: "error", code: "analysis" });
        analysis = { sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };
      }
      counts.analysed++;
      if (key && state.cache) await state.cache.put(key, analysis);
    }
    out.source = {
      meta: raw.meta,
      hash: raw.hash,
      encoding: raw.encoding,
      format: raw.format,
      rawEvents: analysis.events,
      mentions: state.mentionNames.of(analysis.entities),
      fresh: { text: raw.text, body: raw.body, analysis, pre: true },
    };
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Distinct entity mentions (`type`, `text`), numbered: a source's mentions are a small Int32Array. */
class MentionNames {
  private readonly ids = new Map<string, number>();
  constructor(readonly names: string[]) {
    names.forEach((n, i) => this.ids.set(n, i));
  }
  of(entities: { type: string; text: string }[]): Int32Array {
    const out = new Int32Array(entities.length);
    entities.forEach((e, k) => {
      const name = `${e.type}\u0000${e.text}`;
      let id = this.ids.get(name);
      if (id === undefined) {
        id = this.names.length;
        this.names.push(name);
        this.ids.set(name, id);
      }
      out[k] = id;
    });
    return out;
  }
}

/** Replays every mention of the accepted sources, in order, as `buildCorpus` does. */
function observeAll(table: AliasTable, accepted: FileState[], names: MentionNames): void {
  const split = names.names.map((n) => {
    const at = n.indexOf("\u0000");
    return [n.slice(0, at), n.slice(at + 1)] as const;
  });
  for (const f of accepted) for (const id of f.source!.mentions) table.observe(split[id][1], split[id][0] as never);
}

function optionsKey(options: HostOptions): string {
  return optionsKeyOf([TOOL_VERSION, analysisVersion(), path.resolve(options.corpusDir), options.include ?? null, options.exclude ?? null, options.aliasFile ?? null]);
}

function storedSource(s: FileSource, memo: AliasTable): IndexedSource {
  const stored = s.stored!;
  return new StoredSource(s.meta, s.hash, s.encoding, s.format, s.rawEvents, (text) => stored.reader.read(stored.range, text), memo, () => stored.reader.readText(stored.range));
}

function freshSource(s: FileSource, memo: AliasTable): IndexedSource {
  const f = s.fresh!;
  return { ...applyAliases(f.analysis, memo), meta: s.meta, text: f.text, body: f.body, encoding: s.encoding, hash: s.hash, format: s.format };
}

/** The files whose source holds its key (see `keyHolders`), in corpus order. */
function acceptedFiles(files: FileState[]): FileState[] {
  const withSource = files.filter((f) => f.source);
  const holders = keyHolders(withSource, (f) => f.source!.meta.key, (f) => f.source!.meta.provenance?.key);
  return withSource.filter((f, i) => holders.get(f.source!.meta.key) === i);
}

/** The duplicate-key problems `loadCorpus` reports, for the current files. */
function duplicateProblems(files: FileState[]): CorpusProblem[] {
  const withSource = files.filter((f) => f.source);
  const holders = keyHolders(withSource, (f) => f.source!.meta.key, (f) => f.source!.meta.provenance?.key);
  const out: CorpusProblem[] = [];
  withSource.forEach((f, i) => {
    const k = f.source!.meta.key;
    const owner = withSource[holders.get(k)!];
    if (holders.get(k) === i) return;
    out.push({
      path: f.source!.meta.path,
      message: `skipped: duplicate citation key '${k}' (from ${f.source!.meta.provenance?.key ?? "?"}), already used by ${owner.rel} (from ${owner.source!.meta.provenance?.key ?? "?"})`,
      severity: "error",
      code: "duplicate-key",
    });
    out.push({ path: owner.source!.meta.path, message: `citation key '${k}' is also claimed by ${f.rel}, which was skipped`, severity: "warning", code: "duplicate-key" });
  });
  return out;
}

function assembleProblems(global: CorpusProblem[], files: FileState[], duplicates: CorpusProblem[]): CorpusProblem[] {
  const out = [...global];
  for (const f of files) pushAll(out, f.problems);
  pushAll(out, duplicates);
  return out;
}

function mentionsEqual(a: FileState[], b: FileState[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const x = a[i].source!.mentions;
    const y = b[i].source!.mentions;
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

function sameStat(a: { size: number; mtimeMs: number } | null, b: { size: number; mtimeMs: number } | null): boolean {
  return a === null || b === null ? a === b : a.size === b.size && a.mtimeMs === b.mtimeMs;
}

async function statOf(p: string): Promise<{ size: number; mtimeMs: number } | null> {
  const s = await statFile(p);
  return s ? { size: s.size, mtimeMs: s.mtimeMs } : null;
}

async function readText(p: string): Promise<string | undefined> {
  try {
    const text = await fsp.readFile(p, "utf8");
    AliasTable.fromYaml(text);
    return text;
  } catch {
    return undefined;
  }
}

async function readCatalogue(dir: string): Promise<Catalogue> {
  try {
    const decoded = decodeBytes(await fsp.readFile(path.join(dir, "sources.yaml")));
    if (decoded.ok) return parseCatalogue(decoded.text);
  } catch {
    // none
  }
  return { entries: new Map(), problems: [] };
}

function normalizeRel(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
