/**
 * The index snapshot: everything a warm start needs, in one file in the cache folder, so opening a
 * project of 10,000 articles reads one file instead of re-reading, re-cleaning and re-indexing the
 * corpus. It holds the file table (path, size, mtime, content hash, metadata, per-file problems),
 * the base `Segment`'s arrays (typed arrays written as they are in memory), the corpus-wide alias
 * clusters, and one record per source (text, body, analysis) that is read only when something
 * touches that source (`StoredSource`).
 *
 * Layout: `SHTNSNAP` magic, the header's offset and length, the sections (8-byte aligned: typed
 * arrays, UTF-16 text, then the records as UTF-8 JSON strings), and last the header (JSON) that
 * addresses them.
 *
 * Architecture invariants: like the analysis cache, the snapshot lives in the user's cache folder,
 * never in the corpus; it is keyed by tool version, analysis version, corpus directory and options,
 * and a file in it is trusted only while its path, size and mtime are unchanged (changed files are
 * reloaded, their analysis coming from the per-file cache when their content hash is known). Writes
 * are atomic (temp file + rename); a snapshot that is corrupt or from another version is ignored.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { AnalyzedText, CorpusProblem, EventUnit, IndexedSource, SourceMetadata, Span } from "../model";
import { applyAliases } from "../text/analyze";
import type { AliasTable } from "../text/entities";
import type { SegmentData } from "./corpusIndex";

const MAGIC = "SHTNSNAP";
/** Bumped when the layout changes. */
const SNAPSHOT_FORMAT = 3;

/** One corpus file as the snapshot knows it. */
export interface SnapshotFile {
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
  /** Load and analysis problems of this file (duplicate keys excluded: they are recomputed). */
  problems: CorpusProblem[];
  /** Present when the file loaded as a source. */
  source?: {
    meta: SourceMetadata;
    hash: string;
    encoding: string;
    format?: "text" | "markdown" | "html";
    /** Events before the corpus-wide alias clusters are applied. */
    events: EventUnit[];
    /** Range in the `mentions` section of this source's entity mentions (ids into `mentionNames`), in order. */
    mentions: [number, number];
    /**
     * The record in the records section: offset, bytes of the text (UTF-16), bytes of the rest (JSON);
     * absent when the source was not analysed (a duplicate key).
     */
    record?: [number, number, number];
  };
}

export interface SnapshotHeader {
  format: number;
  tool: string;
  analysis: string;
  /** Hash of the corpus directory and options. */
  optionsKey: string;
  /** Stat of `sources.yaml` and of the alias file (`null` when absent). */
  catalogue: { size: number; mtimeMs: number } | null;
  aliasFile: { size: number; mtimeMs: number } | null;
  /** Problems not about one file (the catalogue, the alias file, the walk), in order. */
  globalProblems: CorpusProblem[];
  files: SnapshotFile[];
  /** Indices into `files` of the base segment's sources, in order. */
  base: number[];
  /** Distinct entity mentions, `type + "\u0000" + text` (the alias clusters can be rebuilt from them). */
  mentionNames: string[];
  /** The alias table's state (see `aliasState`), or null to rebuild it from the mentions. */
  aliases: AliasState | null;
  sections: Record<string, [number, number]>;
}

export interface AliasState {
  counts: [string, [string, number][]][];
  user: [string, string][];
  types: [string, string][];
}

/** The source-level data kept in a record (everything heavy, read on demand). */
export interface SourceRecord {
  text: string;
  body: Span[];
  analysis: Omit<AnalyzedText, "events">;
}

// ---------------------------------------------------------------------------------------------
// Alias table state. `AliasTable` keeps its clusters in three maps; copying them is exact and fast,
// where replaying every entity mention of 10,000 articles takes about a second.

type AliasInternals = { counts: Map<string, Map<string, number>>; userCanonical: Map<string, string>; types: Map<string, string> };

export function aliasState(table: AliasTable): AliasState | null {
  const t = table as unknown as AliasInternals;
  if (!(t.counts instanceof Map) || !(t.userCanonical instanceof Map) || !(t.types instanceof Map)) return null;
  return { counts: [...t.counts].map(([k, m]) => [k, [...m]]), user: [...t.userCanonical], types: [...t.types] };
}

/** Fills an empty table with a saved state; false when the table's shape is not the one saved. */
export function restoreAliasState(table: AliasTable, state: AliasState): boolean {
  const t = table as unknown as AliasInternals;
  if (!(t.counts instanceof Map) || !(t.userCanonical instanceof Map) || !(t.types instanceof Map)) return false;
  for (const [k, m] of state.counts) t.counts.set(k, new Map(m));
  for (const [k, v] of state.user) t.userCanonical.set(k, v);
  for (const [k, v] of state.types) t.types.set(k, v);
  return true;
}

/** `aliases.canonical`, memoised (a table is never changed once an index uses it). */
export function canonicalMemo(aliases: AliasTable): AliasTable {
  const memo = new Map<string, string>();
  return {
    canonical(name: string) {
      let c = memo.get(name);
      if (c === undefined) memo.set(name, (c = aliases.canonical(name)));
      return c;
    },
  } as unknown as AliasTable;
}

// ---------------------------------------------------------------------------------------------
// Records

const TEXT_FIELDS = ["sentences", "quotes", "entities", "numbers", "dates"] as const;

/**
 * A record: the source text (UTF-16, read alone when only the text is needed) and the rest as JSON,
 * where unit texts that are exactly the source's slice are left out (restored on read).
 */
export function encodeRecord(text: string, body: Span[], analysis: AnalyzedText): { text: Buffer; rest: Buffer } {
  const a: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) {
    a[f] = (analysis[f] as (Span & { text: string })[]).map((u) => (u.text === text.slice(u.start, u.end) ? { ...u, text: 0 } : u));
  }
  return { text: Buffer.from(text, "utf16le"), rest: Buffer.from(JSON.stringify({ body, analysis: a }), "utf8") };
}

export function decodeRecord(text: string, json: string): SourceRecord {
  const r = JSON.parse(json) as Omit<SourceRecord, "text">;
  for (const f of TEXT_FIELDS) for (const u of r.analysis[f] as (Span & { text: string | 0 })[]) if (u.text === 0) u.text = text.slice(u.start, u.end);
  return { text, body: r.body, analysis: r.analysis };
}

/** Reads records from an open snapshot file. */
export class RecordReader {
  private closed = false;
  constructor(
    private readonly fd: number,
    private readonly base: number,
  ) {}

  private bytes(at: number, length: number): Buffer {
    if (this.closed) throw new Error("snapshot closed");
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, this.base + at + done);
      if (n <= 0) throw new Error("snapshot truncated");
      done += n;
    }
    return buf;
  }

  readText(range: [number, number, number]): string {
    return this.bytes(range[0], range[1]).toString("utf16le");
  }

  read(range: [number, number, number], text: string = this.readText(range)): SourceRecord {
    return decodeRecord(text, this.bytes(range[0] + range[1], range[2]).toString("utf8"));
  }

  /** Closes the file later (requests may still be reading sources of an older index). */
  closeLater(ms = 60_000): void {
    const t = setTimeout(() => {
      this.closed = true;
      fs.close(this.fd, () => undefined);
    }, ms);
    t.unref?.();
  }
}

/**
 * A source whose metadata and events are in memory and whose text and analysis are read from the
 * snapshot on first use (then kept). The corpus-wide alias clusters are applied when it is read.
 */
export class StoredSource implements IndexedSource {
  readonly events: EventUnit[];
  private loaded: { text: string; body: Span[]; analysis: Omit<AnalyzedText, "events"> } | undefined;
  private loadedText: string | undefined;

  constructor(
    readonly meta: SourceMetadata,
    readonly hash: string,
    readonly encoding: string,
    readonly format: "text" | "markdown" | "html" | undefined,
    rawEvents: EventUnit[],
    private readonly load: (text?: string) => SourceRecord,
    private readonly aliases: AliasTable,
    private readonly loadText?: () => string,
  ) {
    this.events = applyAliases({ sentences: [], quotes: [], entities: [], events: rawEvents, numbers: [], dates: [] }, aliases).events;
  }

  /** True once the text and analysis are in memory. */
  get isLoaded(): boolean {
    return this.loaded !== undefined;
  }

  private data() {
    if (!this.loaded) {
      const r = this.load(this.loadedText);
      this.loadedText = undefined;
      const a = applyAliases({ ...r.analysis, events: [] }, this.aliases);
      this.loaded = { text: r.text, body: r.body, analysis: { sentences: a.sentences, quotes: a.quotes, entities: a.entities, numbers: a.numbers, dates: a.dates } };
    }
    return this.loaded;
  }

  /** The record read without keeping it (bulk scans such as the feature catalogue). */
  peek(): { text: string; body: Span[]; analysis: Omit<AnalyzedText, "events"> } {
    if (this.loaded) return this.loaded;
    const r = this.load(this.loadedText);
    const a = applyAliases({ ...r.analysis, events: [] }, this.aliases);
    return { text: r.text, body: r.body, analysis: a };
  }

  /** The text alone is read without the analysis (a match in this source needs only its text). */
  get text() {
    if (this.loaded) return this.loaded.text;
    if (this.loadText) return (this.loadedText ??= this.loadText());
    return this.data().text;
  }
  get body() {
    return this.data().body;
  }
  get sentences() {
    return this.data().analysis.sentences;
  }
  get quotes() {
    return this.data().analysis.quotes;
  }
  get entities() {
    return this.data().analysis.entities;
  }
  get numbers() {
    return this.data().analysis.numbers;
  }
  get dates() {
    return this.data().analysis.dates;
  }
}

// ---------------------------------------------------------------------------------------------
// File

/** Where a corpus's snapshot lives in the cache folder. */
export function snapshotPath(cacheDir: string, optionsKey: string): string {
  return path.join(cacheDir, `snapshot-v${SNAPSHOT_FORMAT}`, `${optionsKey}.snap`);
}

export function optionsKeyOf(parts: unknown): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 32);
}

type Typed = Int32Array | Float64Array;
const ARRAYS = ["normStart", "sentenceStarts", "sentenceSpans", "firstSentence", "tri.keys", "tri.rows", "tri.start", "tri.docs", "bm.df", "bm.docStart", "bm.docTerm", "bm.docTf", "bm.lengths"] as const;

function arraysOf(seg: SegmentData): Record<(typeof ARRAYS)[number], Typed> {
  return {
    normStart: seg.normStart,
    sentenceStarts: seg.sentenceStarts,
    sentenceSpans: seg.sentenceSpans,
    firstSentence: seg.firstSentence,
    "tri.keys": seg.trigrams.keys,
    "tri.rows": seg.trigrams.rows,
    "tri.start": seg.trigrams.start,
    "tri.docs": seg.trigrams.docs,
    "bm.df": seg.bm25.df,
    "bm.docStart": seg.bm25.docStart,
    "bm.docTerm": seg.bm25.docTerm,
    "bm.docTf": seg.bm25.docTf,
    "bm.lengths": seg.bm25.lengths,
  };
}

export interface SnapshotContent {
  header: Omit<SnapshotHeader, "format" | "sections" | "files"> & { files: SnapshotFile[] };
  segment: SegmentData;
  /** The record of file `i` (undefined for a file without one); called once per file, in order. */
  record: (i: number) => Promise<{ text: Buffer; rest: Buffer } | undefined>;
  /** The mention ids the files' `mentions` ranges index. */
  mentionIds: Int32Array;
}

const PREFIX = 24;

/**
 * Writes a snapshot atomically (temp file + rename), streaming the records so no second copy of the
 * corpus is held in memory; returns false (never throws) when it cannot.
 */
export async function writeSnapshot(file: string, content: SnapshotContent): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  let handle: fsp.FileHandle | undefined;
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    handle = await fsp.open(tmp, "w");
    const sections: Record<string, [number, number]> = {};
    let at = PREFIX;
    const write = async (buf: Buffer) => {
      let done = 0;
      while (done < buf.length) done += (await handle!.write(buf, done, buf.length - done, at + done)).bytesWritten;
      at += buf.length;
    };
    const align = async () => {
      const pad = (8 - (at % 8)) % 8;
      if (pad) await write(Buffer.alloc(pad));
    };
    const push = async (name: string, buf: Buffer) => {
      await align();
      sections[name] = [at, buf.length];
      await write(buf);
    };
    const arrays = arraysOf(content.segment);
    for (const name of ARRAYS) {
      const a = arrays[name];
      await push(name, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    }
    await push("norms", Buffer.from(content.segment.norms, "utf16le"));
    await push("mentions", Buffer.from(content.mentionIds.buffer, content.mentionIds.byteOffset, content.mentionIds.byteLength));
    // Records: each file's range is relative to the records section.
    await align();
    const recordsAt = at;
    const files: SnapshotFile[] = [];
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes) await write(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    for (let i = 0; i < content.header.files.length; i++) {
      const f = content.header.files[i];
      const rec = f.source ? await content.record(i) : undefined;
      if (!f.source || rec === undefined) {
        files.push(f);
        continue;
      }
      files.push({ ...f, source: { ...f.source, record: [at + pendingBytes - recordsAt, rec.text.length, rec.rest.length] } });
      pending.push(rec.text, rec.rest);
      pendingBytes += rec.text.length + rec.rest.length;
      if (pendingBytes >= 1 << 20) await flush();
    }
    await flush();
    sections.records = [recordsAt, at - recordsAt];
    const header: SnapshotHeader = { ...content.header, files, format: SNAPSHOT_FORMAT, sections };
    const headerBuf = Buffer.from(JSON.stringify({ ...header, terms: content.segment.bm25.terms, trigramCount: content.segment.trigrams.count, totalLength: content.segment.bm25.totalLength }), "utf8");
    const headerAt = at;
    await write(headerBuf);
    const prefix = Buffer.alloc(PREFIX);
    prefix.write(MAGIC, 0, "latin1");
    prefix.writeDoubleLE(headerAt, 8);
    prefix.writeUInt32LE(headerBuf.length, 16);
    await handle.write(prefix, 0, PREFIX, 0);
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, file);
    return true;
  } catch {
    await handle?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
}

export interface LoadedSnapshot {
  header: SnapshotHeader;
  segment: SegmentData;
  mentionIds: Int32Array;
  records: RecordReader;
}

function readAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/** Reads a snapshot (everything but the records, which stay on disk); null when absent, corrupt or from another version. */
export async function readSnapshot(file: string, expect: { tool: string; analysis: string; optionsKey: string }): Promise<LoadedSnapshot | null> {
  let fd: number | undefined;
  try {
    fd = await new Promise<number>((resolve, reject) => fs.open(file, "r", (err, n) => (err ? reject(err) : resolve(n))));
    const readFully = async (buf: Buffer, position: number) => {
      let done = 0;
      while (done < buf.length) {
        const n = await readAt(fd!, buf, done, buf.length - done, position + done);
        if (n <= 0) throw new Error("truncated");
        done += n;
      }
    };
    const prefix = Buffer.alloc(PREFIX);
    await readFully(prefix, 0);
    if (prefix.toString("latin1", 0, 8) !== MAGIC) throw new Error("not a snapshot");
    const headerAt = prefix.readDoubleLE(8);
    const headerLength = prefix.readUInt32LE(16);
    const headerBuf = Buffer.alloc(headerLength);
    await readFully(headerBuf, headerAt);
    const header = JSON.parse(headerBuf.toString("utf8")) as SnapshotHeader & { terms?: string[]; trigramCount: number; totalLength: number };
    if (header.format !== SNAPSHOT_FORMAT || header.tool !== expect.tool || header.analysis !== expect.analysis || header.optionsKey !== expect.optionsKey) throw new Error("other version");
    const base = 0;
    const readSection = async (name: string): Promise<Buffer> => {
      const [off, len] = header.sections[name];
      const buf = Buffer.from(new ArrayBuffer(len));
      await readFully(buf, base + off);
      return buf;
    };
    const arrays = {} as Record<(typeof ARRAYS)[number], Typed>;
    await Promise.all(
      ARRAYS.map(async (name) => {
        const buf = await readSection(name);
        arrays[name] = name === "tri.keys" ? new Float64Array(buf.buffer, 0, buf.length / 8) : new Int32Array(buf.buffer, 0, buf.length / 4);
      }),
    );
    const norms = (await readSection("norms")).toString("utf16le");
    const mentionBuf = await readSection("mentions");
    const mentionIds = new Int32Array(mentionBuf.buffer, 0, mentionBuf.length / 4);
    const terms = header.terms ?? [];
    delete header.terms;
    const segment: SegmentData = {
      norms,
      normStart: arrays.normStart as Int32Array,
      sentenceStarts: arrays.sentenceStarts as Int32Array,
      sentenceSpans: arrays.sentenceSpans as Int32Array,
      firstSentence: arrays.firstSentence as Int32Array,
      trigrams: { keys: arrays["tri.keys"] as Float64Array, rows: arrays["tri.rows"] as Int32Array, count: header.trigramCount, start: arrays["tri.start"] as Int32Array, docs: arrays["tri.docs"] as Int32Array },
      bm25: {
        terms,
        df: arrays["bm.df"] as Int32Array,
        docStart: arrays["bm.docStart"] as Int32Array,
        docTerm: arrays["bm.docTerm"] as Int32Array,
        docTf: arrays["bm.docTf"] as Int32Array,
        lengths: arrays["bm.lengths"] as Int32Array,
        totalLength: header.totalLength,
      },
    };
    return { header, segment, mentionIds, records: new RecordReader(fd, base + header.sections.records[0]) };
  } catch {
    if (fd !== undefined) fs.close(fd, () => undefined);
    return null;
  }
}
