/**
 * The corpus host's incremental path: which files changed (the watcher's paths, or every file's
 * stat; a file whose mtime moved but whose bytes did not is not a change), their reload through
 * the pipeline on an ingestion worker (so a slow file — a huge or hostile page — never holds up
 * this thread's requests), and the new index: the old segments with a small overlay for the
 * changed sources (`CorpusIndex.withChangesInSlices`). Work on this thread that grows with the
 * corpus (alias clusters, new source objects, the overlay) is done in slices between requests, and
 * an edit that changes no key claim keeps every key (`keysAfterReload`).
 */
import * as path from "node:path";
import type { CorpusFile } from "../corpus/corpusFiles";
import { compareCorpusPaths, isCorpusPath, listCorpusFiles, statFile } from "../corpus/corpusFiles";
import { DEFAULT_MAX_FILE_BYTES } from "../corpus/readSource";
import type { SegmentInput } from "../index/corpusIndex";
import { canonicalMemo, MemoryRecord, type SourceRecord } from "../index/snapshot";
import type { IndexedSource } from "../model";
import { AliasTable } from "../text/entities";
import type { Tokenizer } from "../text/tokenizer";
import { nodeCorpusFs } from "../corpus/corpusFs";
import { runFileJob, type FileJob, type FileResult } from "../ingest/fileJob";
import { WorkerPool, workerScript } from "../ingest/workerPool";
import {
  assembleProblems,
  hashFile,
  keysAfterReload,
  aliasesAfterChange,
  normalizeRel,
  sameStat,
  slicer,
  sourceOf,
  statOf,
  tooManyChanges,
  type FileSource,
  type FileState,
  type State,
} from "./fileTable";

/** What changed since `state` was made; `restart` when the whole corpus must be built again. */
export type ChangePlan = { restart: true } | { restart: false; touched: CorpusFile[]; removed: Set<string> };

/**
 * The changes to apply: `changed` (absolute paths) are the files known to have changed; `null`
 * compares every file's stat. A changed catalogue or alias file, a new directory, or more changes
 * than `tooManyChanges` allows asks for a restart.
 */
export async function planChanges(
  state: State,
  changed: Set<string> | null,
  listed?: { files: CorpusFile[]; catalogueStat: State["catalogueStat"]; aliasStat: State["aliasStat"] },
): Promise<ChangePlan> {
  const dir = state.dir;
  const byRel = new Map(state.files.map((f) => [f.rel, f]));
  let walk = changed === null;
  const touched: CorpusFile[] = [];
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
    const [files, catalogueStat, aliasStat] = listed
      ? [listed.files, listed.catalogueStat, listed.aliasStat]
      : await Promise.all([listCorpusFiles(dir, state.options), statOf(path.join(dir, "sources.yaml")), state.aliasPath ? statOf(state.aliasPath) : Promise.resolve(null)]);
    if (!sameStat(catalogueStat, state.catalogueStat) || !sameStat(aliasStat, state.aliasStat)) return { restart: true };
    touched.length = 0;
    removed.clear();
    const now = new Set(files.map((f) => f.rel));
    for (const f of files) {
      const known = byRel.get(f.rel);
      if (!known || known.size !== f.size || known.mtimeMs !== f.mtimeMs || known.abs !== f.abs) touched.push(f);
    }
    for (const f of state.files) if (!now.has(f.rel)) removed.add(f.rel);
  }
  const real = await withoutUnchangedBytes(state, touched, byRel);
  if (tooManyChanges(real.length + removed.size, state.files.length)) return { restart: true };
  return { restart: false, touched: real, removed };
}

/**
 * Drops the files whose stat moved but whose bytes are the ones indexed (a fresh checkout, `touch`,
 * a copy that keeps the content); their stat is brought up to date in place.
 */
async function withoutUnchangedBytes(state: State, touched: CorpusFile[], byRel: Map<string, FileState>): Promise<CorpusFile[]> {
  const out: CorpusFile[] = [];
  const same: { known: FileState; now: CorpusFile }[] = [];
  let next = 0;
  const work = async () => {
    while (next < touched.length) {
      const f = touched[next++];
      const known = byRel.get(f.rel);
      if (known?.source && known.abs === f.abs && known.size === f.size && (await hashFile(f.abs)) === known.source.hash) same.push({ known, now: f });
      else out.push(f);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, touched.length) }, work));
  for (const { known, now } of same) {
    known.size = now.size;
    known.mtimeMs = now.mtimeMs;
  }
  // The snapshot on disk still has the old stats: `shutten index` rewrites it.
  if (same.length) state.patched = true;
  const order = new Map(touched.map((f, i) => [f.rel, i]));
  return out.sort((a, b) => order.get(a.rel)! - order.get(b.rel)!);
}

/** Changed files larger than this together (a few hundred articles' worth) close the change worker after them. */
const BIG_CHANGE_BYTES = 1 << 20;

/** How long the change worker waits for more work before it goes (and its memory with it). */
const CHANGE_WORKER_IDLE_MS = 5 * 60_000;

/**
 * Loads changed files through the pipeline on one ingestion worker, started on the first change
 * and stopped after a while without any; on this thread when no worker can be used (running from
 * sources, or a cache reached through an injected file system).
 */
export class ChangeLoader {
  private pool: WorkerPool | null = null;
  private poolConfig = "";
  private idle: NodeJS.Timeout | undefined;

  constructor(private readonly tokenizer: () => Promise<Tokenizer>) {}

  async load(state: State, files: CorpusFile[]): Promise<FileResult[]> {
    // The worker answers with each source's digest: its record as bytes, and its sentences
    // normalised for the index (the overlay segment is built from them).
    const jobs: FileJob[] = files.map((f) => ({ abs: f.abs, rel: f.rel, catalogue: state.catalogue.entries.get(f.rel) ?? null, maxBytes: DEFAULT_MAX_FILE_BYTES, digest: true }));
    const script = workerScript();
    const portable = state.cache === null || state.cache.portable !== null;
    if (!script || !portable || jobs.length === 0) {
      const ctx = { fs: nodeCorpusFs, cache: state.cache, aliasYaml: state.aliasYaml, aliasHash: state.aliasHash, tokenizer: this.tokenizer };
      const out: FileResult[] = [];
      for (const job of jobs) out.push(await runFileJob(job, ctx));
      return out;
    }
    const config = { cache: state.cache?.portable ?? null, aliasYaml: state.aliasYaml, aliasHash: state.aliasHash };
    const key = JSON.stringify(config);
    if (!this.pool || this.poolConfig !== key) {
      void this.pool?.close();
      this.pool = new WorkerPool(script, 1, config, { unref: true });
      this.poolConfig = key;
    }
    clearTimeout(this.idle);
    try {
      const answers = await this.pool.run(jobs);
      return answers.map(
        (a, i) => a.ok ?? { source: null, problems: [{ path: jobs[i].abs, message: `skipped: cannot load file (${a.error})`, severity: "error", code: "unreadable" }] },
      );
    } catch (e) {
      // The worker died (out of memory on a hostile file, say): a fresh one next time.
      void this.pool?.close();
      this.pool = null;
      return jobs.map((j) => ({ source: null, problems: [{ path: j.abs, message: `skipped: cannot load file (${(e as Error).message})`, severity: "error" as const, code: "unreadable" }] }));
    } finally {
      // A worker that has just analysed a huge file keeps the heap it grew: it goes now.
      const bytes = files.reduce((n, f) => n + f.size, 0);
      if (bytes > BIG_CHANGE_BYTES) this.close();
      else {
        this.idle = setTimeout(() => this.close(), CHANGE_WORKER_IDLE_MS);
        this.idle.unref?.();
      }
    }
  }

  close(): void {
    clearTimeout(this.idle);
    void this.pool?.close();
    this.pool = null;
  }
}

/**
 * `files` (in corpus order) with `added` put in their places: a binary search each, not a sort of
 * every path again (each comparison splits two paths).
 */
export function withAdded<T extends { rel: string }>(files: T[], added: T[]): T[] {
  const sorted = [...added].sort((a, b) => compareCorpusPaths(a.rel, b.rel));
  const out: T[] = [];
  let at = 0;
  for (const f of sorted) {
    let lo = at;
    let hi = files.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCorpusPaths(files[mid].rel, f.rel) < 0) lo = mid + 1;
      else hi = mid;
    }
    while (at < lo) out.push(files[at++]);
    out.push(f);
  }
  while (at < files.length) out.push(files[at++]);
  return out;
}

/**
 * A file's new state from its reload. The worker sends the source's digest (its record as bytes,
 * its segment input, events and mentions), not the analysis: receiving, aliasing and collecting a
 * 600,000-character article's analysis held this thread for a few hundred milliseconds. The source reads its
 * text and analysis from the record when first asked, as a snapshot's sources do.
 */
function fileStateOf(state: State, f: CorpusFile, r: FileResult): { file: FileState; input?: SegmentInput } {
  const out: FileState = { abs: f.abs, rel: f.rel, size: f.size, mtimeMs: f.mtimeMs, problems: [...r.problems] };
  const src = r.source;
  if (!src || !r.digest) return { file: out };
  if (r.error !== undefined) out.problems.push({ path: src.meta.path, message: `analysis failed: ${r.error}`, severity: "error", code: "analysis" });
  const record = new MemoryRecord(r.digest.record);
  out.source = {
    meta: src.meta,
    hash: src.hash,
    encoding: src.encoding,
    format: src.format,
    rawEvents: r.digest.events,
    mentions: state.mentionNames.ofNames(r.digest.mentions),
    stored: { reader: record, range: record.range },
  };
  return { file: out, input: r.digest.segment };
}

/**
 * Reloads `touched` files, drops `removed` ones, and makes the new state: the index over an overlay,
 * keys made unique again, the alias clusters replayed only if the corpus's mentions changed.
 */
export async function applyChanges(
  state: State,
  plan: { touched: CorpusFile[]; removed: Set<string> },
  loader: ChangeLoader,
  recover: (state: () => State, s: FileSource) => SourceRecord,
): Promise<{ state: State; analysed: number; cached: number; touched: FileState[] }> {
  const { touched, removed } = plan;
  const counts = { analysed: 0, cached: 0 };
  const results = await loader.load(state, touched);
  const replaced = new Map<string, FileState>();
  const inputOf = new Map<FileState, SegmentInput>();
  touched.forEach((f, i) => {
    const r = results[i];
    if (r.source) {
      if (r.fromCache) counts.cached++;
      else counts.analysed++;
    }
    const { file, input } = fileStateOf(state, f, r);
    replaced.set(f.rel, file);
    if (input) inputOf.set(file, input);
  });
  // Which old file each reloaded one replaces (null when a file came or went: keys are made again).
  let swapped: Map<FileState, FileState> | null = removed.size === 0 ? new Map() : null;
  let files = state.files.filter((f) => !removed.has(f.rel)).map((f) => {
    const now = replaced.get(f.rel);
    if (!now) return f;
    swapped?.set(f, now);
    return now;
  });
  if (swapped && swapped.size !== replaced.size) swapped = null;
  const known = new Set(files.map((f) => f.rel));
  const added = [...replaced.values()].filter((f) => !known.has(f.rel));
  if (added.length) files = withAdded(files, added);
  const accepted = files.filter((f) => f.source);
  const keys = await keysAfterReload(state.keyProblems, files, swapped);
  // The alias clusters change only if the sequence of entity mentions does.
  const newAliases = await aliasesAfterChange(state.aliases, state.accepted, accepted, state.mentionNames, () =>
    state.aliasYaml ? AliasTable.fromYaml(state.aliasYaml) : new AliasTable(),
  );
  const sameMentions = newAliases === null;
  const aliases = newAliases ?? state.aliases;
  const memo = canonicalMemo(aliases);
  const oldId = new Map(state.accepted.map((f, i) => [f, i]));
  const kept = new Int32Array(accepted.length).fill(-1);
  let next: State | undefined;
  const rescue = (s: FileSource) => recover(() => next!, s);
  const sources: IndexedSource[] = new Array(accepted.length);
  const breathe = slicer();
  for (let i = 0; i < accepted.length; i++) {
    const f = accepted[i];
    const id = oldId.get(f);
    if (id !== undefined) kept[i] = id;
    sources[i] = id !== undefined && sameMentions && !keys.changed.has(f.source!) ? state.index.sources[id] : sourceOf(f.source!, memo, rescue);
    if ((i & 255) === 0) await breathe();
  }
  const problems = assembleProblems(state.globalProblems, files, keys.problems);
  const inputs = accepted.map((f) => inputOf.get(f));
  const index = await state.index.withChangesInSlices(sources, problems, kept, inputs, breathe);
  next = { ...state, files, accepted, aliases, index, patched: true, keyProblems: keys.problems };
  return { state: next, ...counts, touched: [...replaced.values()] };
}
