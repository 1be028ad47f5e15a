/**
 * The corpus host's view of a project: every corpus file with its stat, problems and source (in
 * memory, or a record of the index snapshot), and the helpers that keep it consistent — entity
 * mention ids, the alias clusters replayed from them, unique keys, the problems in corpus order.
 */
import { createHash } from "node:crypto";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { pushAll } from "../arrays";
import { assignKeys, assignKeysSteps, type KeyClaim } from "../corpus/citationKeys";
import type { CorpusFile } from "../corpus/corpusFiles";
import { decodeBytes } from "../corpus/decode";
import { parseCatalogue, type Catalogue } from "../corpus/metadata";
import type { AnalysisCache } from "../index/cache";
import type { CorpusIndex, SegmentInput } from "../index/corpusIndex";
import { StoredSource, type RecordRange, type RecordReader, type RecordSource, type SourceRecord } from "../index/snapshot";
import type { AnalyzedText, CorpusProblem, EventUnit, IndexedSource, SourceMetadata, Span } from "../model";
import { applyAliases } from "../text/analyze";
import { AliasTable } from "../text/entities";
import { backgroundTurn } from "../backgroundWork";

export interface HostOptions {
  corpusDir: string;
  include?: string[];
  exclude?: string[];
  cacheDir?: string;
  aliasFile?: string;
}

/** One loaded source of a file, before the corpus-wide alias clusters. */
export interface FileSource {
  meta: SourceMetadata;
  hash: string;
  encoding: string;
  format?: "text" | "markdown" | "html";
  /** (A getter after a warm start: the snapshot's event columns are decoded when first read.) */
  rawEvents: EventUnit[];
  /** Entity mentions in order, as ids of `State.mentionNames`. */
  mentions: Int32Array;
  /** Where the text and analysis are: a snapshot record, or memory (`fresh`, the analysis before the alias clusters). */
  stored?: { reader: RecordSource; range: RecordRange };
  fresh?: { text: string; body: Span[]; analysis: AnalyzedText };
}

export interface FileState extends CorpusFile {
  problems: CorpusProblem[];
  source?: FileSource;
}

export interface State {
  optionsKey: string;
  dir: string;
  options: HostOptions;
  cache: AnalysisCache | null;
  snapshotFile: string | null;
  /** Every corpus file, in corpus order. */
  files: FileState[];
  /** Problems not about one file (walk, catalogue, alias file, cache), in order. */
  globalProblems: CorpusProblem[];
  catalogue: Catalogue;
  catalogueStat: { size: number; mtimeMs: number } | null;
  aliasPath: string | null;
  aliasStat: { size: number; mtimeMs: number } | null;
  aliasYaml: string | undefined;
  aliasHash: string;
  aliases: AliasTable;
  mentionNames: MentionNames;
  /** The files with a source, in corpus order: `index.sources[i]` is `accepted[i]`'s. */
  accepted: FileState[];
  index: CorpusIndex;
  /** The snapshot the stored sources read from (null when every source is in memory). */
  reader: RecordReader | null;
  /** Changes were applied since the snapshot was written (it no longer matches this state). */
  patched: boolean;
  /** The key clashes `makeKeys` reported for `files` (reused while no file's claim changes). */
  keyProblems: CorpusProblem[];
}

/** Changes beyond this share of the corpus (and at least `MIN_FULL_REBUILD`) rebuild it all. */
export const INCREMENTAL_SHARE = 0.1;
export const MIN_FULL_REBUILD = 64;

export function tooManyChanges(changes: number, files: number): boolean {
  return changes > Math.max(MIN_FULL_REBUILD, files * INCREMENTAL_SHARE);
}

/** Distinct entity mentions (`type` NUL `text`), numbered: a source's mentions are a small Int32Array. */
export class MentionNames {
  private readonly ids = new Map<string, number>();
  constructor(readonly names: string[]) {
    names.forEach((n, i) => this.ids.set(n, i));
  }
  of(entities: { type: string; text: string }[]): Int32Array {
    return this.ofNames(entities.map((e) => `${e.type}\u0000${e.text}`));
  }
  ofNames(names: string[]): Int32Array {
    const out = new Int32Array(names.length);
    names.forEach((name, k) => {
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
  /** Name `id` split into its type and text. */
  splitOne(id: number): readonly [string, string] {
    const n = this.names[id];
    const at = n.indexOf("\u0000");
    return [n.slice(0, at), n.slice(at + 1)] as const;
  }
}

/** Yields to the event loop when this slice of background work has run long enough. */
export function slicer(budgetMs = 8): () => Promise<void> {
  let slice = performance.now();
  return async () => {
    if (performance.now() - slice < budgetMs) return;
    await backgroundTurn();
    slice = performance.now();
  };
}

/** Replays every mention of the accepted sources, in order, as a build does; in slices. */
export async function observeAll(table: AliasTable, accepted: FileState[], names: MentionNames): Promise<void> {
  await observeFiles(table, accepted, 0, names);
}

/**
 * Observes the mentions of `accepted[from..]`, in order, in slices (a huge article's thousands of
 * mentions too); each mention name is split once, when first met.
 */
async function observeFiles(table: AliasTable, accepted: FileState[], from: number, names: MentionNames): Promise<void> {
  const split: ((readonly [string, string]) | undefined)[] = new Array(names.names.length);
  const breathe = slicer();
  let n = 0;
  for (let i = from; i < accepted.length; i++) {
    const mentions = accepted[i].source!.mentions;
    for (let k = 0; k < mentions.length; k++) {
      const id = mentions[k];
      const s = (split[id] ??= names.splitOne(id));
      table.observe(s[1], s[0] as never);
      if ((++n & 511) === 0) await breathe();
    }
    if ((i & 63) === 0) await breathe();
  }
}

/**
 * The alias clusters of `accepted`, from `prev` (those of `before`) where that is exact: when the
 * new list is the old one with files added after it (new articles named to sort last, as dated
 * names do), the old table is copied and only the new files' mentions observed — the same table a
 * replay of every mention makes, since a replay observes them in that order. Otherwise every
 * mention is replayed. Null when the mentions are the same (`prev` stays).
 */
export async function aliasesAfterChange(
  prev: AliasTable,
  before: FileState[],
  accepted: FileState[],
  names: MentionNames,
  fresh: () => AliasTable,
): Promise<AliasTable | null> {
  const shared = sameMentionsPrefix(before, accepted);
  if (shared && before.length === accepted.length) return null;
  const breathe = slicer();
  if (shared) {
    const steps = prev.copySteps();
    let r = steps.next();
    while (!r.done) {
      await breathe();
      r = steps.next();
    }
    await observeFiles(r.value, accepted, before.length, names);
    return r.value;
  }
  const table = fresh();
  await observeAll(table, accepted, names);
  return table;
}

/** Whether `b` starts with files of the same mentions as every file of `a`. */
function sameMentionsPrefix(a: FileState[], b: FileState[]): boolean {
  if (b.length < a.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    const x = a[i].source!.mentions;
    const y = b[i].source!.mentions;
    if (x.length !== y.length) return false;
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return false;
  }
  return true;
}

/** The index source of a file: read from the snapshot on demand, or from memory. */
export function sourceOf(s: FileSource, memo: AliasTable, recover: (s: FileSource) => SourceRecord): IndexedSource {
  if (s.stored) {
    const stored = s.stored;
    const load = (text?: string): SourceRecord => {
      try {
        return stored.reader.read(stored.range, text);
      } catch {
        // A damaged record (the reader tells the host, which rebuilds the snapshot) or a snapshot
        // closed under an old index: this source comes from its file instead.
        return recover(s);
      }
    };
    const loadText = () => {
      try {
        return stored.reader.readText(stored.range);
      } catch {
        return recover(s).text;
      }
    };
    return new StoredSource(s.meta, s.hash, s.encoding, s.format, () => s.rawEvents, load, memo, loadText);
  }
  const f = s.fresh!;
  return { ...applyAliases(f.analysis, memo), meta: s.meta, text: f.text, body: f.body, encoding: s.encoding, hash: s.hash, format: s.format };
}

/** The files that hold a source, in corpus order. */
export function acceptedFiles(files: FileState[]): FileState[] {
  return files.filter((f) => f.source);
}

/** What a file's source claims as its key (the input of `assignKeys`). */
function claimOf(f: FileState): KeyClaim {
  const m = f.source!.meta;
  return { key: m.claimedKey ?? m.key, provenance: m.provenance?.key, published: m.published, rel: f.rel, path: m.path };
}

/**
 * Makes the keys of `files` unique (citationKeys.ts). A source whose key changes gets a new `meta`
 * object (an index in use keeps the old one); returns the clash problems and those sources.
 */
export function makeKeys(files: FileState[]): { problems: CorpusProblem[]; changed: Set<FileSource> } {
  const accepted = acceptedFiles(files);
  const { keys, problems } = assignKeys(accepted.map(claimOf));
  const changed = new Set<FileSource>();
  accepted.forEach((f, i) => giveKey(f.source!, keys[i], changed));
  return { problems, changed };
}

/** `makeKeys` on a thread that serves requests: the new keys are given out in slices. */
export async function makeKeysInSlices(files: FileState[]): Promise<{ problems: CorpusProblem[]; changed: Set<FileSource> }> {
  const breathe = slicer();
  const accepted: FileState[] = [];
  const claims: KeyClaim[] = [];
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    if (f.source) {
      accepted.push(f);
      claims.push(claimOf(f));
    }
    if ((i & 255) === 255) await breathe();
  }
  const steps = assignKeysSteps(claims);
  let r = steps.next();
  while (!r.done) {
    await breathe();
    r = steps.next();
  }
  const { keys, problems } = r.value;
  const changed = new Set<FileSource>();
  for (let i = 0; i < accepted.length; i++) {
    giveKey(accepted[i].source!, keys[i], changed);
    if ((i & 255) === 255) await breathe();
  }
  return { problems, changed };
}

function giveKey(s: FileSource, key: string, changed: Set<FileSource>): void {
  if (s.meta.key === key) return;
  const claimed = s.meta.claimedKey ?? s.meta.key;
  const meta: SourceMetadata = { ...s.meta, key };
  if (key === claimed) delete meta.claimedKey;
  else meta.claimedKey = claimed;
  s.meta = meta;
  changed.add(s);
}

/**
 * `makeKeys` after some files were reloaded (`replaced`: old file → its new state), in the same
 * places of the same file list: when every reloaded file claims what it claimed before (an edit of
 * an article's text, not of its key, date or title), every key is the one it had, and the 10,000
 * claims are not disambiguated again. Otherwise (or when a file came, went, or lost its source)
 * the whole corpus is, as after any other change.
 */
export async function keysAfterReload(prevProblems: CorpusProblem[], files: FileState[], replaced: Map<FileState, FileState> | null): Promise<{ problems: CorpusProblem[]; changed: Set<FileSource> }> {
  if (!replaced) return makeKeysInSlices(files);
  for (const [old, now] of replaced) {
    if (!old.source || !now.source) return makeKeysInSlices(files);
    const a = claimOf(old);
    const b = claimOf(now);
    if (a.key !== b.key || a.provenance !== b.provenance || a.published !== b.published || a.path !== b.path) return makeKeysInSlices(files);
  }
  const changed = new Set<FileSource>();
  for (const [old, now] of replaced) giveKey(now.source!, old.source!.meta.key, changed);
  return { problems: prevProblems, changed };
}

export function assembleProblems(global: CorpusProblem[], files: FileState[], keyProblems: CorpusProblem[]): CorpusProblem[] {
  const out = [...global];
  for (const f of files) pushAll(out, f.problems);
  pushAll(out, keyProblems);
  return out;
}

export function sameStat(a: { size: number; mtimeMs: number } | null, b: { size: number; mtimeMs: number } | null): boolean {
  return a === null || b === null ? a === b : a.size === b.size && a.mtimeMs === b.mtimeMs;
}

export async function statOf(p: string): Promise<{ size: number; mtimeMs: number } | null> {
  try {
    const s = await fsp.stat(p);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/** The alias file's text when it reads as an alias table, else undefined. */
export async function readAliasText(p: string): Promise<string | undefined> {
  try {
    const text = await fsp.readFile(p, "utf8");
    AliasTable.fromYaml(text);
    return text;
  } catch {
    return undefined;
  }
}

export async function readCatalogueOf(dir: string): Promise<Catalogue> {
  try {
    const decoded = decodeBytes(await fsp.readFile(path.join(dir, "sources.yaml")));
    if (decoded.ok) return parseCatalogue(decoded.text);
  } catch {
    // none
  }
  return { entries: new Map(), problems: [] };
}

/** Problems of catalogue entries whose file is not in the corpus (as `loadCorpus` reports them). */
export function catalogueOrphans(catalogue: Catalogue, files: { rel: string }[], dir: string): CorpusProblem[] {
  const rels = new Set(files.map((f) => f.rel));
  const out: CorpusProblem[] = [];
  for (const [rel] of catalogue.entries) {
    if (!rels.has(rel)) out.push({ path: path.join(dir, "sources.yaml"), message: `sources.yaml: no corpus file '${rel}'`, severity: "information", code: "catalogue" });
  }
  return out;
}

/** The SHA-256 of a file's bytes, or null when it cannot be read. */
export async function hashFile(p: string): Promise<string | null> {
  try {
    return createHash("sha256").update(await fsp.readFile(p)).digest("hex");
  } catch {
    return null;
  }
}

export function normalizeRel(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

export function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
