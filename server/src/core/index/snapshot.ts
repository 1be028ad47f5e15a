/**
 * The index snapshot: everything a warm start needs, in one file in the cache folder, so opening a
 * project of 10,000 articles reads one file instead of re-reading, re-cleaning and re-indexing the
 * corpus. It holds the file table (path, size, mtime, content hash, metadata, per-file problems),
 * the base `Segment`'s arrays (typed arrays written as they are in memory), the corpus-wide alias
 * clusters, and one record per source (text, body, analysis) that is read only when something
 * touches that source (`StoredSource`).
 *
 * Layout (format 6): a 24-byte prefix (`SHTNSNAP`, the header's offset, length and CRC-32), the
 * records (each source's text as UTF-16, then the rest as UTF-8 JSON), the sections (8-byte
 * aligned: typed arrays, UTF-16 text), and last the header (JSON, UTF-16) that addresses them with
 * their CRC-32s. The sources' events are columns of integers (`ev.*` sections, strings by id), not
 * JSON: at 10,000 articles they were half the header, and parsing them half a warm start's wait;
 * a source's events are built from the columns when first asked for. A cold build streams the records into the file as the sources are analysed
 * (`SnapshotWriter`), so the thread that builds the index never holds the corpus's texts.
 *
 * Architecture invariants: like the analysis cache, the snapshot lives in the user's cache folder,
 * never in the corpus; it is keyed by tool version, analysis version, corpus directory and options,
 * and a file in it is trusted only while its path, size and mtime (or, when only the mtime moved,
 * its content hash) are unchanged. Every part carries a checksum: a damaged header or section makes
 * the whole snapshot absent (it is rebuilt), a damaged record is reported when read
 * (`SnapshotDamage`) and that source is reloaded from its file. Writes go to a temp file renamed
 * into place; temp files left by a crashed writer are removed by the next writer.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { AnalyzedText, CorpusProblem, EventUnit, IndexedSource, SourceMetadata, Span } from "../model";
import { applyAliases } from "../text/analyze";
import type { AliasTable } from "../text/entities";
import { crc32 } from "./checksum";
import type { SegmentData } from "./corpusIndex";

const MAGIC = "SHTNSNAP";
/** Bumped when the layout changes. */
const SNAPSHOT_FORMAT = 6;

/** Where a record is in the records section: offset, bytes of the text (UTF-16), bytes of the rest (JSON), and the CRC-32 of each. */
export type RecordRange = [number, number, number, number, number];

/** One corpus file as the snapshot knows it. */
export interface SnapshotFile {
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
  /** Load and analysis problems of this file (key clashes excluded: they are recomputed). */
  problems: CorpusProblem[];
  /** Present when the file loaded as a source. */
  source?: {
    meta: SourceMetadata;
    hash: string;
    encoding: string;
    format?: "text" | "markdown" | "html";
    /**
     * Events before the corpus-wide alias clusters are applied. In the file, the range of this
     * source's rows in the `ev.*` sections; a snapshot read gives a getter that builds them then.
     */
    events: EventUnit[];
    /** Range in the `mentions` section of this source's entity mentions (ids into `mentionNames`), in order. */
    mentions: [number, number];
    /** The record in the records section. */
    record: RecordRange;
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
  /** Distinct entity mentions, `type + "\u0000" + text` (the alias clusters can be rebuilt from them). */
  mentionNames: string[];
  /** The alias table's state (see `aliasState`), or null to rebuild it from the mentions. */
  aliases: AliasState | null;
  /** Each section's offset, length and CRC-32. */
  sections: Record<string, [number, number, number]>;
  /** The strings the event columns refer to (predicates, places, participants, names). */
  eventStrings: string[];
  /** Events the columns cannot hold exactly (a field they do not know), by row: kept as they are. */
  eventExtras: Record<string, EventUnit>;
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
  const steps = aliasStateSteps(table);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** `aliasState` in steps (yields every 4,096 names) for a thread that serves requests. */
export function* aliasStateSteps(table: AliasTable): Generator<void, AliasState | null> {
  const t = table as unknown as AliasInternals;
  if (!(t.counts instanceof Map) || !(t.userCanonical instanceof Map) || !(t.types instanceof Map)) return null;
  const counts: AliasState["counts"] = [];
  for (const [k, m] of t.counts) {
    counts.push([k, [...m]]);
    if ((counts.length & 4095) === 0) yield;
  }
  yield;
  const user = [...t.userCanonical];
  const types = [...t.types];
  return { counts, user, types };
}

/** Fills an empty table with a saved state; false when the table's shape is not the one saved. */
export function restoreAliasState(table: AliasTable, state: AliasState): boolean {
  const t = table as unknown as AliasInternals;
  if (!(t.counts instanceof Map) || !(t.userCanonical instanceof Map) || !(t.types instanceof Map)) return false;
  for (const [k, m] of state.counts) t.counts.set(k, new Map(m));
  for (const [k, v] of state.user) t.userCanonical.set(k, v);
  for (const [k, v] of state.types) t.types.set(k, v);
  table.deriveRestored();
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

/** `u.text === text.slice(u.start, u.end)`, compared in place for an ordinary span (no copy made). */
function isSliceOf(text: string, u: Span & { text: string }): boolean {
  const { start, end } = u;
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= text.length)) return u.text === text.slice(start, end);
  return typeof u.text === "string" && u.text.length === end - start && text.startsWith(u.text, start);
}

/**
 * A record: the source text (UTF-16, read alone when only the text is needed) and the rest as JSON,
 * where unit texts that are exactly the source's slice are left out (restored on read).
 */
export function encodeRecord(text: string, body: Span[], analysis: AnalyzedText): { text: Buffer; rest: Buffer } {
  // The slice texts are set to 0 in place for the one stringify and put back after it (a copy of
  // every unit cost as much again as the stringify); the buffers are their own memory, so a worker
  // transfers them without a copy.
  const a: Record<string, unknown> = {};
  const saved: string[] = [];
  for (const f of TEXT_FIELDS) a[f] = analysis[f];
  let json: string;
  try {
    for (const f of TEXT_FIELDS) {
      for (const u of analysis[f] as (Span & { text: string | 0 })[]) {
        if (isSliceOf(text, u as Span & { text: string })) {
          saved.push(u.text as string);
          u.text = 0;
        }
      }
    }
    json = JSON.stringify({ body, analysis: a });
  } finally {
    let k = 0;
    for (const f of TEXT_FIELDS) for (const u of analysis[f] as (Span & { text: string | 0 })[]) if (u.text === 0 && k < saved.length) u.text = saved[k++];
  }
  return { text: ownBuffer(text, "utf16le"), rest: ownBuffer(json, "utf8") };
}

/** `Buffer.from(s, encoding)` in memory of its own (never a slice of the shared pool). */
function ownBuffer(s: string, encoding: "utf8" | "utf16le"): Buffer {
  const b = Buffer.allocUnsafeSlow(encoding === "utf16le" ? s.length * 2 : Buffer.byteLength(s, "utf8"));
  b.write(s, encoding);
  return b;
}

export function decodeRecord(text: string, json: string): SourceRecord {
  const r = JSON.parse(json) as Omit<SourceRecord, "text">;
  for (const f of TEXT_FIELDS) for (const u of r.analysis[f] as (Span & { text: string | 0 })[]) if (u.text === 0) u.text = text.slice(u.start, u.end);
  return { text, body: r.body, analysis: r.analysis };
}

/** A record whose bytes do not match their checksum (the snapshot file was damaged). */
export class SnapshotDamage extends Error {
  constructor(readonly file: string) {
    super(`the index snapshot ${file} is damaged`);
  }
}

/** Reads records from an open snapshot file, checking each against its CRC-32. */
/** What a source's record is read through: the snapshot file, or one record's bytes in memory. */
export interface RecordSource {
  read(range: RecordRange, text?: string): SourceRecord;
  readText(range: RecordRange): string;
}

/**
 * One record kept in memory as the worker encoded it (a changed source, until a snapshot holds
 * it): the thread that serves requests decodes it when the source is first read, never in one
 * piece with the change. `range` is its range (offsets into these bytes).
 */
export class MemoryRecord implements RecordSource {
  readonly range: RecordRange;
  constructor(private readonly record: { text: Uint8Array; rest: Uint8Array }) {
    this.range = [0, record.text.byteLength, record.rest.byteLength, 0, 0];
  }

  readText(): string {
    const t = this.record.text;
    return Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString("utf16le");
  }

  read(_range: RecordRange, text: string = this.readText()): SourceRecord {
    const r = this.record.rest;
    return decodeRecord(text, Buffer.from(r.buffer, r.byteOffset, r.byteLength).toString("utf8"));
  }
}

export class RecordReader implements RecordSource {
  private closed = false;
  /** Called once, with the error, when a damaged record is read. */
  onDamage: ((e: SnapshotDamage) => void) | undefined;
  private damaged = false;
  constructor(
    private readonly fd: number,
    private readonly base: number,
    readonly file: string,
  ) {}

  private bytes(at: number, length: number, crc: number): Buffer {
    if (this.closed) throw new Error("snapshot closed");
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, buf, done, length - done, this.base + at + done);
      if (n <= 0) break;
      done += n;
    }
    if (done < length || crc32(buf) !== crc) {
      const e = new SnapshotDamage(this.file);
      if (!this.damaged) {
        this.damaged = true;
        this.onDamage?.(e);
      }
      throw e;
    }
    return buf;
  }

  readText(range: RecordRange): string {
    return this.bytes(range[0], range[1], range[3]).toString("utf16le");
  }

  read(range: RecordRange, text: string = this.readText(range)): SourceRecord {
    return decodeRecord(text, this.bytes(range[0] + range[1], range[2], range[4]).toString("utf8"));
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
  private aliasedEvents: EventUnit[] | undefined;
  private loaded: { text: string; body: Span[]; analysis: Omit<AnalyzedText, "events"> } | undefined;
  private loadedText: string | undefined;

  constructor(
    readonly meta: SourceMetadata,
    readonly hash: string,
    readonly encoding: string,
    readonly format: "text" | "markdown" | "html" | undefined,
    private readonly rawEvents: () => EventUnit[],
    private readonly load: (text?: string) => SourceRecord,
    private readonly aliases: AliasTable,
    private readonly loadText?: () => string,
  ) {}

  /** The events with the alias clusters applied, made on first use (a warm start reads none). */
  get events(): EventUnit[] {
    return (this.aliasedEvents ??= applyAliases({ sentences: [], quotes: [], entities: [], events: this.rawEvents(), numbers: [], dates: [] }, this.aliases).events);
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
// Events as columns. One row of EV_STRIDE integers per event; participants are a run of string ids
// in `ev.parts` from `ev.partStart[row]`; NONE stands for null (a date part, a place) or absence.

const EV_STRIDE = 11;
const NONE = -0x80000000;
const EVENT_KEYS = new Set(["start", "end", "date", "dateSpan", "predicate", "participants", "place", "sentence", "name"]);

/** True when the columns hold `e` exactly (every field known, every number a 32-bit integer). */
function columnar(e: EventUnit): boolean {
  const int = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n > NONE && n <= 0x7fffffff;
  const intOrNull = (n: unknown) => n === null || int(n);
  for (const k of Object.keys(e)) if (!EVENT_KEYS.has(k)) return false;
  const d = e.date as unknown as Record<string, unknown>;
  const ds = e.dateSpan as unknown as Record<string, unknown>;
  return (
    int(e.start) && int(e.end) && int(e.sentence) && typeof e.predicate === "string" && (e.place === null || typeof e.place === "string") &&
    (e.name === undefined || typeof e.name === "string") && Array.isArray(e.participants) && e.participants.every((p) => typeof p === "string") &&
    d !== null && typeof d === "object" && Object.keys(d).length === 3 && intOrNull(d.year) && intOrNull(d.month) && intOrNull(d.day) &&
    ds !== null && typeof ds === "object" && Object.keys(ds).length === 2 && int(ds.start) && int(ds.end)
  );
}

interface EventColumns {
  rows: Int32Array;
  partStart: Int32Array;
  parts: Int32Array;
  strings: string[];
  extras: Record<string, EventUnit>;
}

/** The columns of every file's events, in file order, and each file's range of rows. */
export function encodeEvents(lists: readonly (readonly EventUnit[])[]): { columns: EventColumns; ranges: [number, number][] } {
  const steps = encodeEventsSteps(lists);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** `encodeEvents` in steps (yields every 256 files) for a thread that serves requests. */
function* encodeEventsSteps(lists: readonly (readonly EventUnit[])[]): Generator<void, { columns: EventColumns; ranges: [number, number][] }> {
  const encoder = new EventEncoder();
  for (let i = 0; i < lists.length; i++) {
    encoder.add(lists[i]);
    if ((i & 255) === 255) yield;
  }
  return encoder.finish();
}

/**
 * The event columns made one file at a time, in file order (a cold build adds each file's events
 * as its answer arrives, so the snapshot's finish has none left to encode): `encodeEvents`'s columns.
 */
export class EventEncoder {
  private rows: Int32Array = new Int32Array(1024 * EV_STRIDE);
  private partStart: Int32Array = new Int32Array(1024);
  private parts: Int32Array = new Int32Array(1024);
  private row = 0;
  private p = 0;
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly extras: Record<string, EventUnit> = {};
  private readonly ranges: [number, number][] = [];

  private id(x: string | null | undefined): number {
    if (x === null || x === undefined) return NONE;
    let i = this.ids.get(x);
    if (i === undefined) this.ids.set(x, (i = this.strings.push(x) - 1));
    return i;
  }

  /** The next file's events. */
  add(l: readonly EventUnit[]): void {
    let partCount = 0;
    for (const e of l) partCount += Array.isArray(e.participants) ? e.participants.length : 0;
    const rowsNeeded = (this.row + l.length) * EV_STRIDE;
    if (rowsNeeded > this.rows.length) this.rows = grownTo(this.rows, rowsNeeded);
    if (this.row + l.length + 1 > this.partStart.length) this.partStart = grownTo(this.partStart, this.row + l.length + 1);
    if (this.p + partCount > this.parts.length) this.parts = grownTo(this.parts, this.p + partCount);
    const rows = this.rows;
    const parts = this.parts;
    const from = this.row;
    let row = this.row;
    let p = this.p;
    for (const e of l) {
      this.partStart[row] = p;
      if (!columnar(e)) {
        this.extras[row] = e;
        rows.fill(NONE, row * EV_STRIDE, (row + 1) * EV_STRIDE);
      } else {
        const o = row * EV_STRIDE;
        rows[o] = e.start;
        rows[o + 1] = e.end;
        rows[o + 2] = e.date.year ?? NONE;
        rows[o + 3] = e.date.month ?? NONE;
        rows[o + 4] = e.date.day ?? NONE;
        rows[o + 5] = e.dateSpan.start;
        rows[o + 6] = e.dateSpan.end;
        rows[o + 7] = this.id(e.predicate);
        rows[o + 8] = this.id(e.place);
        rows[o + 9] = e.sentence;
        rows[o + 10] = this.id(e.name);
        for (const x of e.participants) parts[p++] = this.id(x);
      }
      row++;
    }
    this.row = row;
    this.p = p;
    this.ranges.push([from, row]);
  }

  /** The columns of the files added, and each file's range of rows. */
  finish(): { columns: EventColumns; ranges: [number, number][] } {
    this.partStart[this.row] = this.p;
    return {
      columns: { rows: this.rows.slice(0, this.row * EV_STRIDE), partStart: this.partStart.slice(0, this.row + 1), parts: this.parts.slice(0, this.p), strings: this.strings, extras: this.extras },
      ranges: this.ranges,
    };
  }
}

function grownTo(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(Math.max(n, a.length * 2));
  b.set(a);
  return b;
}

/** The events of rows `from`..`to`, as they were encoded. */
export function decodeEvents(c: EventColumns, from: number, to: number): EventUnit[] {
  const out: EventUnit[] = [];
  const val = (n: number) => (n === NONE ? null : n);
  for (let row = from; row < to; row++) {
    const extra = c.extras[row];
    if (extra) {
      out.push(structuredClone(extra));
      continue;
    }
    const o = row * EV_STRIDE;
    const r = c.rows;
    const participants: string[] = [];
    for (let k = c.partStart[row]; k < c.partStart[row + 1]; k++) participants.push(c.strings[c.parts[k]]);
    const e: EventUnit = {
      start: r[o],
      end: r[o + 1],
      date: { year: val(r[o + 2]), month: val(r[o + 3]), day: val(r[o + 4]) },
      dateSpan: { start: r[o + 5], end: r[o + 6] },
      predicate: c.strings[r[o + 7]],
      participants,
      place: r[o + 8] === NONE ? null : c.strings[r[o + 8]],
      sentence: r[o + 9],
    };
    if (r[o + 10] !== NONE) e.name = c.strings[r[o + 10]];
    out.push(e);
  }
  return out;
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
const EVENT_SECTIONS = ["ev.rows", "ev.partStart", "ev.parts"] as const;

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

/** What a finished snapshot holds besides the records (written as the build went). */
export interface SnapshotContent {
  header: Omit<SnapshotHeader, "format" | "sections" | "eventStrings" | "eventExtras">;
  segment: SegmentData;
  /** The mention ids the files' `mentions` ranges index. */
  mentionIds: Int32Array;
  /** The sources' events already encoded (`EventEncoder`, the header's sources in order); else encoded here. */
  events?: { columns: EventColumns; ranges: [number, number][] };
}

const PREFIX = 24;
/** Records are written in chunks of about this size. */
const WRITE_CHUNK = 1 << 20;
/** Bytes being written (not yet waited for) before the writer waits for the oldest write. */
const IN_FLIGHT = 64 << 20;
/** A temp file older than this is removed whoever left it (a writer never takes this long). */
const STALE_TEMP_MS = 24 * 3600_000;

/** The temp file name of a writer: the snapshot's name, this host, this process, a random part. */
function tempName(file: string): string {
  return `${file}.${os.hostname().replace(/[^A-Za-z0-9-]/g, "_")}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temp files that crashed writers left in `dir`: those of a process of this host that
 * no longer runs, and any older than a day. A live writer's temp file is never touched.
 */
export async function removeOrphanTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return removed;
  }
  const host = os.hostname().replace(/[^A-Za-z0-9-]/g, "_");
  for (const name of names) {
    if (!name.endsWith(".tmp")) continue;
    // `<snapshot>.<host>.<pid>.<random>.tmp`, or `<snapshot>.<pid>.<random>.tmp` from older versions.
    const m = /\.snap\.(?:([A-Za-z0-9_-]+)\.)?(\d+)\.[a-z0-9]+\.tmp$/.exec(name);
    const p = path.join(dir, name);
    let stale = false;
    try {
      stale = Date.now() - (await fsp.stat(p)).mtimeMs > STALE_TEMP_MS;
    } catch {
      continue;
    }
    const ours = m && (m[1] === undefined || m[1] === host);
    if (stale || (ours && !processAlive(Number(m![2])))) {
      await fsp.rm(p, { force: true }).catch(() => undefined);
      removed.push(p);
    }
  }
  return removed;
}

/** Bytes checksummed between two breaths of `SnapshotWriter.finish`. */
const CRC_SLICE = 4 << 20;
/** Characters of header JSON turned into bytes at a time. */
const HEADER_PART_CHARS = 1 << 20;

/** A long string as UTF-16 buffers of at most a million characters each, made as they are taken. */
function* utf16Parts(text: string): Generator<Buffer> {
  const step = 1 << 20;
  if (text.length === 0) yield Buffer.alloc(0);
  for (let k = 0; k < text.length; k += step) yield Buffer.from(text.slice(k, k + step), "utf16le");
}

/**
 * `JSON.stringify(value)` in pieces, the same text once joined: objects down to `depth` levels are
 * written member by member, arrays 256 elements a piece with a null yielded after each (a place to
 * breathe). Deeper values, and everything not a plain object or array, are `JSON.stringify`'s.
 */
export function* jsonParts(value: unknown, depth: number): Generator<string | null> {
  if (depth > 0 && Array.isArray(value)) {
    // 256 elements a piece, each piece one `JSON.stringify` (a call per term or name of the header
    // cost more than its JSON): the same text as the elements' own, joined by commas.
    if (value.length === 0) yield "[]";
    for (let i = 0; i < value.length; i += 256) {
      const piece = JSON.stringify(value.slice(i, i + 256));
      yield (i === 0 ? "[" : ",") + piece.slice(1, -1) + (i + 256 >= value.length ? "]" : "");
      yield null;
    }
    return;
  }
  if (depth > 0 && value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && typeof (value as { toJSON?: unknown }).toJSON !== "function") {
    let run = "{";
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
      run += (first ? "" : ",") + JSON.stringify(k) + ":";
      first = false;
      if (depth === 1 || v === null || typeof v !== "object") run += JSON.stringify(v);
      else {
        yield run;
        run = "";
        yield* jsonParts(v, depth - 1);
      }
    }
    yield run + "}";
    return;
  }
  yield JSON.stringify(value) ?? "null";
}

/**
 * Writes a snapshot: records first, appended as the build analyses each source, then the sections
 * and the header (`finish`). Everything goes to a temp file renamed over the snapshot at the end, so
 * readers see the old snapshot or the new one, never a part. Never throws: a failed write makes
 * `append` answer null and `finish` false (the caller keeps its sources in memory instead).
 */
export class SnapshotWriter {
  private at = PREFIX;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private failed = false;
  private constructor(
    readonly file: string,
    private readonly tmp: string,
    private handle: fsp.FileHandle | undefined,
  ) {}

  static async open(file: string): Promise<SnapshotWriter | null> {
    try {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await removeOrphanTemps(path.dirname(file));
      const tmp = tempName(file);
      const handle = await fsp.open(tmp, "wx");
      return new SnapshotWriter(file, tmp, handle);
    } catch {
      return null;
    }
  }

  get ok(): boolean {
    return !this.failed;
  }

  /**
   * Writes `buf` at the end, without waiting for it (it must not change until written): this thread
   * goes on with the next section (its checksum, the header's JSON) while the write is done. Waits
   * only while more than `IN_FLIGHT` bytes made for writing are being written (`view`: the bytes are
   * an index array's, which stays in memory anyway, and do not count); `settle` waits for them all.
   */
  private async write(buf: Buffer, view = false): Promise<void> {
    const handle = this.handle!;
    const at = this.at;
    this.at += buf.length;
    const written = (async () => {
      let done = 0;
      while (done < buf.length) done += (await handle.write(buf, done, buf.length - done, at + done)).bytesWritten;
    })();
    written.catch(() => undefined);
    const bytes = view ? 0 : buf.length;
    this.inFlight.push({ written, bytes });
    this.inFlightBytes += bytes;
    while (this.inFlightBytes > IN_FLIGHT) await this.settleOne();
  }

  private inFlight: { written: Promise<void>; bytes: number }[] = [];
  private inFlightBytes = 0;

  private async settleOne(): Promise<void> {
    const w = this.inFlight.shift()!;
    this.inFlightBytes -= w.bytes;
    await w.written;
  }

  /** Waits for every write; throws the first failure. */
  private async settle(): Promise<void> {
    while (this.inFlight.length) await this.settleOne();
  }

  private async flush(): Promise<void> {
    if (!this.pendingBytes) return;
    const chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.write(chunk);
    } catch {
      await this.abort();
    }
  }

  /** Appends one source's record; its range, or null once the writer has failed. */
  async append(record: { text: Uint8Array; rest: Uint8Array }): Promise<RecordRange | null> {
    if (this.failed) return null;
    const text = Buffer.from(record.text.buffer, record.text.byteOffset, record.text.byteLength);
    const rest = Buffer.from(record.rest.buffer, record.rest.byteOffset, record.rest.byteLength);
    const range: RecordRange = [this.at + this.pendingBytes - PREFIX, text.length, rest.length, crc32(text), crc32(rest)];
    this.pending.push(text, rest);
    this.pendingBytes += text.length + rest.length;
    if (this.pendingBytes >= WRITE_CHUNK) await this.flush();
    return this.failed ? null : range;
  }

  /**
   * Writes the sections and the header and puts the file in place; answers a reader of its records
   * (opened before the rename, so it reads this file whatever replaces it later), or null when it
   * could not. `breathe` is awaited between steps (checksums a few megabytes at a time, the event
   * columns and the header a few hundred files at a time): a thread that serves requests meanwhile
   * is never held for long.
   */
  async finish(content: SnapshotContent, breathe: () => Promise<void> = async () => undefined): Promise<RecordReader | null> {
    await this.flush();
    if (this.failed) return null;
    let fd: number | undefined;
    try {
      const recordsLength = this.at - PREFIX;
      const sections: Record<string, [number, number, number]> = { records: [PREFIX, recordsLength, 0] };
      const align = async () => {
        const pad = (8 - (this.at % 8)) % 8;
        if (pad) await this.write(Buffer.alloc(pad));
      };
      /** Writes `bufs` as one section (they are made one at a time, so a long text is never one more copy). */
      const pushParts = async (name: string, bufs: Iterable<Buffer>, views = false) => {
        await align();
        const at = this.at;
        let crc = 0;
        for (const buf of bufs) {
          for (let k = 0; k < buf.length; k += CRC_SLICE) {
            crc = crc32(buf.subarray(k, Math.min(buf.length, k + CRC_SLICE)), crc);
            await breathe();
          }
          await this.write(buf, views);
        }
        sections[name] = [at, this.at - at, crc];
      };
      const push = (name: string, buf: Buffer) => pushParts(name, [buf], true);
      const arrays = arraysOf(content.segment);
      for (const name of ARRAYS) {
        const a = arrays[name];
        await push(name, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      }
      await pushParts("norms", utf16Parts(content.segment.norms));
      await push("mentions", Buffer.from(content.mentionIds.buffer, content.mentionIds.byteOffset, content.mentionIds.byteLength));
      let ev = content.events;
      const withEvents = content.header.files.filter((f) => f.source);
      if (!ev || ev.ranges.length !== withEvents.length) {
        const evSteps = encodeEventsSteps(withEvents.map((f) => f.source!.events));
        let evStep = evSteps.next();
        while (!evStep.done) {
          await breathe();
          evStep = evSteps.next();
        }
        ev = evStep.value;
      }
      const evArrays = { "ev.rows": ev.columns.rows, "ev.partStart": ev.columns.partStart, "ev.parts": ev.columns.parts };
      for (const name of EVENT_SECTIONS) {
        const a = evArrays[name];
        await push(name, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      }
      // In the file, a source's events are its range of rows.
      const files: SnapshotFile[] = new Array(content.header.files.length);
      let row = 0;
      for (let i = 0; i < files.length; i++) {
        const f = content.header.files[i];
        files[i] = f.source ? { ...f, source: { ...f.source, events: ev.ranges[row++] as unknown as EventUnit[] } } : f;
        if ((i & 1023) === 1023) await breathe();
      }
      const header: SnapshotHeader = { ...content.header, files, format: SNAPSHOT_FORMAT, sections, eventStrings: ev.columns.strings, eventExtras: ev.columns.extras };
      // UTF-16: decoding it is a copy, where UTF-8 with Japanese titles takes a third of the parse.
      // Made a few hundred files at a time (the text is JSON.stringify's, in pieces).
      const json = { ...header, terms: content.segment.bm25.terms, trigramCount: content.segment.trigrams.count, totalLength: content.segment.bm25.totalLength };
      const headerAt = this.at;
      let headerCrc = 0;
      let pending: string[] = [];
      let pendingChars = 0;
      const writeHeaderPart = async () => {
        const buf = Buffer.from(pending.join(""), "utf16le");
        pending = [];
        pendingChars = 0;
        headerCrc = crc32(buf, headerCrc);
        await this.write(buf);
      };
      const parts = jsonParts(json, 3);
      for (let r = parts.next(); !r.done; r = parts.next()) {
        if (r.value === null) {
          if (pendingChars >= HEADER_PART_CHARS) await writeHeaderPart();
          await breathe();
          continue;
        }
        pending.push(r.value);
        pendingChars += r.value.length;
      }
      await writeHeaderPart();
      const headerLength = this.at - headerAt;
      await this.settle();
      const prefix = Buffer.alloc(PREFIX);
      prefix.write(MAGIC, 0, "latin1");
      prefix.writeDoubleLE(headerAt, 8);
      prefix.writeUInt32LE(headerLength, 16);
      prefix.writeUInt32LE(headerCrc, 20);
      await this.handle!.write(prefix, 0, PREFIX, 0);
      await this.handle!.close();
      this.handle = undefined;
      fd = fs.openSync(this.tmp, "r");
      await fsp.rename(this.tmp, this.file);
      return new RecordReader(fd, PREFIX, this.file);
    } catch {
      if (fd !== undefined) fs.close(fd, () => undefined);
      await this.abort();
      return null;
    }
  }

  /** Gives up: the temp file is removed. */
  async abort(): Promise<void> {
    this.failed = true;
    this.pending = [];
    this.pendingBytes = 0;
    const writes = this.inFlight.map((w) => w.written);
    this.inFlight = [];
    this.inFlightBytes = 0;
    await Promise.allSettled(writes);
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
    await fsp.rm(this.tmp, { force: true }).catch(() => undefined);
  }
}

export interface LoadedSnapshot {
  header: SnapshotHeader;
  segment: SegmentData;
  mentionIds: Int32Array;
  records: RecordReader;
  /**
   * The events of a header file's source, decoded from the event columns. Until then the header
   * holds only their row range (`source.events` is `[from, to]`): decoding 10,000 sources' events,
   * or giving each a getter of its own, would cost every start for events few requests read.
   */
  eventsOf(source: { events: EventUnit[] }): EventUnit[];
}

function readAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
}

/**
 * Reads a snapshot (everything but the records, which stay on disk), checking every checksum; null
 * when absent, damaged or from another version.
 */
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
    if (crc32(headerBuf) !== prefix.readUInt32LE(20)) throw new Error("damaged header");
    const header = JSON.parse(headerBuf.toString("utf16le")) as SnapshotHeader & { terms?: string[]; trigramCount: number; totalLength: number };
    if (header.format !== SNAPSHOT_FORMAT || header.tool !== expect.tool || header.analysis !== expect.analysis || header.optionsKey !== expect.optionsKey) throw new Error("other version");
    const readSection = async (name: string): Promise<Buffer> => {
      const [off, len, crc] = header.sections[name];
      const buf = Buffer.from(new ArrayBuffer(len));
      await readFully(buf, off);
      if (crc32(buf) !== crc) throw new Error(`damaged section ${name}`);
      return buf;
    };
    const arrays = {} as Record<(typeof ARRAYS)[number], Typed>;
    await Promise.all(
      ARRAYS.map(async (name) => {
        const buf = await readSection(name);
        arrays[name] = name === "tri.keys" ? new Float64Array(buf.buffer, 0, buf.length / 8) : new Int32Array(buf.buffer, 0, buf.length / 4);
      }),
    );
    const evBufs = await Promise.all(EVENT_SECTIONS.map(readSection));
    const int32 = (buf: Buffer) => new Int32Array(buf.buffer, 0, buf.length / 4);
    const columns: EventColumns = { rows: int32(evBufs[0]), partStart: int32(evBufs[1]), parts: int32(evBufs[2]), strings: header.eventStrings, extras: header.eventExtras };
    const eventsOf = (source: { events: EventUnit[] }) => {
      const [from, to] = source.events as unknown as [number, number];
      return decodeEvents(columns, from, to);
    };
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
    return { header, segment, mentionIds, records: new RecordReader(fd, header.sections.records[0], file), eventsOf };
  } catch {
    if (fd !== undefined) fs.close(fd, () => undefined);
    return null;
  }
}
