/**
 * The persisted analysis cache: one entry per analysed source, keyed by the file's content hash,
 * the tool version, the analysis version and every input the analysis depends on besides the text
 * (the article date, the user alias file). Unchanged files are therefore never re-tokenised and a
 * changed file re-indexes alone.
 *
 * Layout (`analysis-v2/`): entries are appended to pack files, one pack per writer (a process's
 * thread, for the life of its `AnalysisCache` instance), so a cold build creates a handful of files
 * instead of one per source (creating a file costs several times the write on ext4). A pack
 * `NAME.pack` is a sequence of records — a 91-byte header line `SP3 <key> <length> <crc32>` then the
 * entry's JSON and a line break — and `NAME.idx` repeats each record's header with its offset in the
 * pack, one fixed-width line per record, appended after the record. Readers load the index lines
 * (newer packs win), read a record by its offset and check the header, the checksum of the JSON
 * bytes, the JSON, the format, the versions and the key: a torn, damaged or corrupt record or index
 * line reads as absent, and the entry is rewritten (appended again, so it supersedes the bad one).
 *
 * Architecture invariants: the cache lives in the user's cache folder, never in the corpus or the
 * drafts; a pack has exactly one writer, which only appends (a crash leaves every earlier record
 * intact and at most a torn last one); an entry that is corrupt, from another version or for another
 * key is treated as absent and rewritten.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { threadId } from "node:worker_threads";
import type { AnalyzedText } from "../model";
import { crc32 } from "./checksum";
import pkg from "../../../../package.json";

/** The tool's version (package.json), part of every cache key. */
export const TOOL_VERSION: string = (pkg as { version?: string }).version ?? "0.0.0";

/** Bumped when the cache's own layout changes. */
const CACHE_FORMAT = 3;

/**
 * A record's header line: `SP3 ` + the 64-hex key + ` ` + the entry's UTF-8 length (12 digits) + ` ` +
 * the CRC-32 of the entry's bytes (8 hex digits) + `\n`.
 */
const MAGIC = `SP${CACHE_FORMAT} `;
const HEADER_BYTES = MAGIC.length + 64 + 1 + 12 + 1 + 8 + 1;
/** An index line: the header without its line break, ` `, the record's offset (12 digits), `\n`. */
const INDEX_BYTES = HEADER_BYTES + 13;
const INDEX_LINE = new RegExp(`^${MAGIC}([0-9a-f]{64}) (\\d{12}) ([0-9a-f]{8}) (\\d{12})\\n$`);
const KEY = /^[0-9a-f]{64}$/;
/** Index lines read per call while scanning. */
const SCAN_LINES = 8192;
/** Bytes of records a writer holds before writing them (see `AnalysisCache.flush`). */
const FLUSH_BYTES = 1 << 20;
/** A miss rescans the index files (for entries other writers added since) at most this often. */
const RESCAN_MS = 1000;

const pad12 = (n: number) => String(n).padStart(12, "0");
const hex8 = (n: number) => n.toString(16).padStart(8, "0");
const headerOf = (key: string, length: number, crc: number) => `${MAGIC}${key} ${pad12(length)} ${hex8(crc)}\n`;

/** The file operations the cache needs, injectable for tests. */
export interface CacheFs {
  /** The names in folder `p`; fails (ENOENT) when it does not exist. */
  list(p: string): Promise<string[]>;
  /** Up to `length` bytes of `p` from `offset` (fewer only at the end of the file). */
  read(p: string, offset: number, length: number): Promise<Uint8Array>;
  /** Appends `data` to `p`; with `create`, `p` must not exist yet (fails with EEXIST). */
  append(p: string, data: string | Uint8Array, create: boolean): Promise<void>;
  mkdir(p: string): Promise<void>;
  /**
   * Optional: `p` opened for appending (it must exist), so a writer's records do not each open and
   * close its files (two opens per record were most of a cold build's file system calls).
   */
  openAppend?(p: string): AppendHandle;
}

/** A file open for appending: each `append` writes all its bytes at the end, in order. */
export interface AppendHandle {
  append(data: string | Uint8Array): void;
  close(): void;
}

function appendHandleSync(p: string): AppendHandle {
  let fd: number | null = fs.openSync(p, "a");
  return {
    append(data) {
      if (fd === null) throw new Error("closed");
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      for (let n = 0; n < buf.length; ) n += fs.writeSync(fd, buf, n, buf.length - n);
    },
    close() {
      if (fd === null) return;
      const f = fd;
      fd = null;
      fs.closeSync(f);
    },
  };
}

function readRangeSync(p: string, offset: number, length: number): Uint8Array {
  const fd = fs.openSync(p, "r");
  try {
    const buf = Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const k = fs.readSync(fd, buf, n, length - n, offset + n);
      if (k === 0) break;
      n += k;
    }
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export const nodeCacheFs: CacheFs = {
  list: (p) => fsp.readdir(p),
  async read(p, offset, length) {
    const fh = await fsp.open(p, "r");
    try {
      const buf = Buffer.allocUnsafe(length);
      let n = 0;
      while (n < length) {
        const { bytesRead } = await fh.read(buf, n, length - n, offset + n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      return buf.subarray(0, n);
    } finally {
      await fh.close();
    }
  },
  append: (p, data, create) => fsp.writeFile(p, data, { encoding: "utf8", flag: create ? "wx" : "a" }),
  mkdir: async (p) => void (await fsp.mkdir(p, { recursive: true })),
};

/**
 * The same operations done synchronously: for worker threads, whose only job is this work, so
 * blocking costs nothing while a round trip through libuv's small shared thread pool (also busy
 * gunzipping dictionaries) does.
 */
export const nodeCacheFsSync: CacheFs = {
  list: async (p) => fs.readdirSync(p),
  read: async (p, offset, length) => readRangeSync(p, offset, length),
  append: async (p, data, create) => fs.writeFileSync(p, data, { encoding: "utf8", flag: create ? "wx" : "a" }),
  mkdir: async (p) => void fs.mkdirSync(p, { recursive: true }),
  openAppend: appendHandleSync,
};

/**
 * Where the cache lives: `SHUTTEN_CACHE_DIR` > the `shutten.cache.directory` setting >
 * `$XDG_CACHE_HOME/shutten` > `~/.cache/shutten`.
 */
export function resolveCacheDir(opts: { env?: Record<string, string | undefined>; setting?: string | null; homedir?: string } = {}): string {
  const env = opts.env ?? process.env;
  if (env.SHUTTEN_CACHE_DIR) return path.resolve(env.SHUTTEN_CACHE_DIR);
  if (opts.setting) return path.resolve(opts.setting);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, "shutten");
  return path.join(opts.homedir ?? os.homedir(), ".cache", "shutten");
}

/** Everything besides the text that the analysis of one source depends on. */
export interface CacheKeyParts {
  /** Content hash of the file's bytes. */
  hash: string;
  /** The article date handed to the analysis (ISO string or null). */
  published: string | null;
  /** Hash of the user alias file, `""` without one. */
  aliases: string;
  /** Hash of the body regions handed to the analysis (cleaning is versioned with the tool). */
  body: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Entries found unreadable, corrupt or from another version (rebuilt). */
  rejected: number;
  writes: number;
  writeErrors: number;
}

interface CacheEntry {
  format: number;
  tool: string;
  analysis: string;
  key: string;
  value: AnalyzedText;
}

/** Where a record is: its pack's file name, the header's offset, the entry's length in bytes and its CRC-32. */
interface Location {
  pack: string;
  offset: number;
  length: number;
  crc: number;
}

export class AnalysisCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0, writes: 0, writeErrors: 0 };
  private readonly root: string;
  /** Key → newest record known (from the index files read so far and this instance's writes). */
  private readonly locations = new Map<string, Location>();
  /** Bytes of each index file read so far (whole lines only). */
  private readonly scanned = new Map<string, number>();
  private lastScan = -Infinity;
  /** This instance's pack (created on the first write), its length and, while kept open, its files. */
  private writer: { name: string; size: number; files: { pack: AppendHandle; idx: AppendHandle } | null } | null = null;
  /** Writes run one after the other (offsets are this instance's running pack length). */
  private writing: Promise<void> = Promise.resolve();
  /** Records written by `put` but not yet on disk (see `flush`), with their index lines. */
  private pending: { key: string; record: Buffer; line: string; loc: Location }[] = [];
  private pendingBytes = 0;

  /**
   * @param dir the cache directory (see `resolveCacheDir`)
   * @param versions the tool version and the analysis module's version
   */
  constructor(
    readonly dir: string,
    private readonly versions: { tool: string; analysis: string } = { tool: TOOL_VERSION, analysis: "0" },
    private readonly fs: CacheFs = nodeCacheFs,
  ) {
    this.root = path.join(dir, `analysis-v${CACHE_FORMAT}`);
  }

  /**
   * What another thread needs to open this same cache (directory and versions), or null when this
   * cache reaches the disk through an injected file system (it must then stay on this thread).
   */
  get portable(): { dir: string; tool: string; analysis: string } | null {
    return this.fs === nodeCacheFs || this.fs === nodeCacheFsSync ? { dir: this.dir, tool: this.versions.tool, analysis: this.versions.analysis } : null;
  }

  /** Adds the statistics of another thread's instance of this cache (see `portable`). */
  absorb(stats: CacheStats): void {
    for (const k of Object.keys(this.stats) as (keyof CacheStats)[]) this.stats[k] += stats[k];
  }

  keyFor(parts: CacheKeyParts): string {
    const h = createHash("sha256");
    h.update(JSON.stringify([CACHE_FORMAT, this.versions.tool, this.versions.analysis, parts.hash, parts.published, parts.aliases, parts.body]));
    return h.digest("hex");
  }

  /**
   * Reads the index lines added since the last scan, in pack-name order (names start with their
   * creation time, so a newer record of a key wins). A partial last line is left for the next scan;
   * a line that does not parse is skipped.
   */
  private async scan(): Promise<void> {
    this.lastScan = performance.now();
    let names: string[];
    try {
      names = await this.fs.list(this.root);
    } catch {
      return;
    }
    for (const name of names.filter((n) => n.endsWith(".idx")).sort()) {
      const pack = `${name.slice(0, -4)}.pack`;
      const file = path.join(this.root, name);
      let done = this.scanned.get(name) ?? 0;
      for (;;) {
        let chunk: Uint8Array;
        try {
          chunk = await this.fs.read(file, done, SCAN_LINES * INDEX_BYTES);
        } catch {
          break;
        }
        const whole = chunk.length - (chunk.length % INDEX_BYTES);
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, whole).toString("latin1");
        for (let i = 0; i < whole; i += INDEX_BYTES) {
          const m = INDEX_LINE.exec(text.slice(i, i + INDEX_BYTES));
          if (m) this.locations.set(m[1], { pack, offset: Number(m[4]), length: Number(m[2]), crc: parseInt(m[3], 16) });
        }
        done += whole;
        if (chunk.length < SCAN_LINES * INDEX_BYTES) break;
      }
      this.scanned.set(name, done);
    }
  }

  /** The cached analysis, or `null` when absent, corrupt or from another version. */
  async get(key: string): Promise<AnalyzedText | null> {
    if (this.isPending(key)) await this.flush();
    let loc = this.locations.get(key);
    if (!loc && performance.now() - this.lastScan >= RESCAN_MS) {
      await this.writing;
      await this.scan();
      loc = this.locations.get(key);
    }
    if (!loc) {
      this.stats.misses++;
      return null;
    }
    try {
      const raw = await this.fs.read(path.join(this.root, loc.pack), loc.offset, HEADER_BYTES + loc.length);
      const value = this.decode(raw, key, loc);
      if (value) {
        this.stats.hits++;
        return value;
      }
    } catch {
      // unreadable: fall through, the entry is rebuilt
    }
    this.stats.rejected++;
    this.stats.misses++;
    return null;
  }

  /**
   * `get` with blocking reads, for a caller that cannot wait (a source whose snapshot record is
   * damaged, read in the middle of a request); null when this cache is not on the node file system.
   */
  getSync(key: string): AnalyzedText | null {
    if (this.portable === null) return null;
    if (this.isPending(key)) this.flushPending();
    if (!this.locations.has(key)) {
      // Index lines added since the last scan (the scan itself is asynchronous only in name here).
      this.scanSync();
    }
    const loc = this.locations.get(key);
    if (!loc) return null;
    try {
      return this.decode(readRangeSync(path.join(this.root, loc.pack), loc.offset, HEADER_BYTES + loc.length), key, loc);
    } catch {
      return null;
    }
  }

  private scanSync(): void {
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return;
    }
    for (const name of names.filter((n) => n.endsWith(".idx")).sort()) {
      const pack = `${name.slice(0, -4)}.pack`;
      let text: string;
      try {
        text = fs.readFileSync(path.join(this.root, name), "latin1");
      } catch {
        continue;
      }
      for (let i = 0; i + INDEX_BYTES <= text.length; i += INDEX_BYTES) {
        const m = INDEX_LINE.exec(text.slice(i, i + INDEX_BYTES));
        if (m) this.locations.set(m[1], { pack, offset: Number(m[4]), length: Number(m[2]), crc: parseInt(m[3], 16) });
      }
    }
  }

  /** A record's entry when its header, checksum, JSON, versions and key all check out; else null. */
  private decode(raw: Uint8Array, key: string, loc: Location): AnalyzedText | null {
    const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
    if (buf.length !== HEADER_BYTES + loc.length || buf.toString("latin1", 0, HEADER_BYTES) !== headerOf(key, loc.length, loc.crc)) return null;
    if (crc32(buf.subarray(HEADER_BYTES)) !== loc.crc) return null;
    let entry: CacheEntry;
    try {
      entry = JSON.parse(buf.toString("utf8", HEADER_BYTES)) as CacheEntry;
    } catch {
      return null;
    }
    const ok =
      entry &&
      entry.format === CACHE_FORMAT &&
      entry.tool === this.versions.tool &&
      entry.analysis === this.versions.analysis &&
      entry.key === key &&
      isAnalyzedText(entry.value);
    return ok ? entry.value : null;
  }

  /** Stores an analysis (appended to this instance's pack). Failures are counted, never thrown: a cache is optional. */
  put(key: string, value: AnalyzedText): Promise<void> {
    const run = this.writing.then(() => this.append(key, value));
    this.writing = run;
    return run;
  }

  private async append(key: string, value: AnalyzedText): Promise<void> {
    try {
      if (!KEY.test(key)) throw new Error(`not a cache key: ${key}`);
      const entry: CacheEntry = { format: CACHE_FORMAT, tool: this.versions.tool, analysis: this.versions.analysis, key, value };
      const json = Buffer.from(JSON.stringify(entry), "utf8");
      const length = json.length;
      const w = this.writer ?? (await this.openPack());
      const offset = w.size;
      const crc = crc32(json);
      const header = headerOf(key, length, crc);
      const record = Buffer.concat([Buffer.from(header, "latin1"), json, Buffer.from("\n")]);
      const line = `${header.slice(0, -1)} ${pad12(offset)}\n`;
      w.size += HEADER_BYTES + length + 1;
      const loc = { pack: `${w.name}.pack`, offset, length, crc };
      if (this.fs.openAppend) {
        // Held until `flush` (one write per file for a batch of records).
        this.pending.push({ key, record, line, loc });
        this.pendingBytes += record.length;
        if (this.pendingBytes >= FLUSH_BYTES) this.flushPending();
        return;
      }
      await this.fs.append(path.join(this.root, loc.pack), record, false);
      // The index line goes after its record: a reader never finds a line for a record not written.
      await this.fs.append(path.join(this.root, `${w.name}.idx`), line, false);
      this.locations.set(key, loc);
      this.stats.writes++;
    } catch {
      this.failed(1);
    }
  }

  private isPending(key: string): boolean {
    for (const p of this.pending) if (p.key === key) return true;
    return false;
  }

  /** The pack's length is no longer known for sure: the next write starts another pack. */
  private failed(records: number): void {
    this.stats.writeErrors += records;
    this.closeFiles();
    this.writer = null;
  }

  /** Writes the records held by `append` (on a file system with `openAppend`), then their index lines. */
  private flushPending(): void {
    const list = this.pending;
    if (list.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    const w = this.writer;
    try {
      if (!w || !this.fs.openAppend) throw new Error("no pack");
      if (!w.files) {
        const pack = this.fs.openAppend(path.join(this.root, `${w.name}.pack`));
        try {
          w.files = { pack, idx: this.fs.openAppend(path.join(this.root, `${w.name}.idx`)) };
        } catch (e) {
          pack.close();
          throw e;
        }
      }
      w.files.pack.append(list.length === 1 ? list[0].record : Buffer.concat(list.map((p) => p.record)));
      // The index lines go after their records: a reader never finds a line for a record not written.
      w.files.idx.append(list.map((p) => p.line).join(""));
      for (const p of list) this.locations.set(p.key, p.loc);
      this.stats.writes += list.length;
    } catch {
      this.failed(list.length);
    }
  }

  /**
   * Writes the records `put` holds (a writer that keeps its files open holds a batch's records and
   * writes each file once): a worker flushes before it answers, so an answered file's entry is on disk.
   */
  flush(): Promise<void> {
    return (this.writing = this.writing.then(() => this.flushPending()));
  }

  /**
   * `flush`, then closes the pack's files (the next write opens them again): a writer calls it when
   * it goes idle, so a long-lived process holds no descriptors between builds.
   */
  release(): Promise<void> {
    return (this.writing = this.writing.then(() => {
      this.flushPending();
      this.closeFiles();
    }));
  }

  private closeFiles(): void {
    const files = this.writer?.files;
    if (!files) return;
    this.writer!.files = null;
    for (const f of [files.pack, files.idx]) {
      try {
        f.close();
      } catch {
        // nothing was buffered: every append was written when it returned
      }
    }
  }

  /** Creates this instance's pack and index files (exclusively: a name no other writer has). */
  private async openPack(): Promise<{ name: string; size: number }> {
    const name = `${Date.now().toString(36).padStart(9, "0")}-${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}`;
    const create = async () => {
      await this.fs.append(path.join(this.root, `${name}.pack`), "", true);
      await this.fs.append(path.join(this.root, `${name}.idx`), "", true);
    };
    try {
      await create();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      await this.fs.mkdir(this.root);
      await create();
    }
    this.writer = { name, size: 0, files: null };
    return this.writer;
  }
}

function isAnalyzedText(v: unknown): v is AnalyzedText {
  if (!v || typeof v !== "object") return false;
  const a = v as Record<string, unknown>;
  return ["sentences", "quotes", "entities", "events", "numbers", "dates"].every((k) => Array.isArray(a[k]));
}

/** True when `inner` is `outer` or inside it (used to refuse a cache inside the corpus). */
export function isInside(inner: string, outer: string): boolean {
  const rel = path.relative(path.resolve(outer), path.resolve(inner));
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}
