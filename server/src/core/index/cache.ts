/**
 * The persisted analysis cache: one JSON file per analysed source, keyed by the file's content hash,
 * the tool version, the analysis version and every input the analysis depends on besides the text
 * (the article date, the user alias file). Unchanged files are therefore never re-tokenised and a
 * changed file re-indexes alone.
 *
 * Architecture invariants: the cache lives in the user's cache folder, never in the corpus or the
 * drafts; an entry that is corrupt (a torn write included), from another version or for another key
 * is treated as absent and rewritten. A new entry is created in place, exclusively (`wx`: a rename
 * per file costs several times the write on ext4, and a cold build writes one per source); an
 * existing entry is only ever replaced atomically (temp file + rename), so a crash leaves the old
 * entry, the new one, or a torn new file that reads as absent.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { AnalyzedText } from "../model";
import pkg from "../../../../package.json";

/** The tool's version (package.json), part of every cache key. */
export const TOOL_VERSION: string = (pkg as { version?: string }).version ?? "0.0.0";

/** Bumped when the cache's own layout changes. */
const CACHE_FORMAT = 1;

/** The file operations the cache needs, injectable for tests. */
export interface CacheFs {
  readFile(p: string): Promise<Uint8Array>;
  writeFile(p: string, data: string): Promise<void>;
  /** Creates `p` with `data`, failing (EEXIST) when it exists; optional (else temp file + rename). */
  createFile?(p: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  rm(p: string): Promise<void>;
}

export const nodeCacheFs: CacheFs = {
  readFile: (p) => fsp.readFile(p),
  writeFile: (p, data) => fsp.writeFile(p, data, "utf8"),
  createFile: (p, data) => fsp.writeFile(p, data, { encoding: "utf8", flag: "wx" }),
  rename: (a, b) => fsp.rename(a, b),
  mkdir: async (p) => void (await fsp.mkdir(p, { recursive: true })),
  rm: (p) => fsp.rm(p, { force: true }),
};

/**
 * The same operations done synchronously: for worker threads, whose only job is this work, so
 * blocking costs nothing while a round trip through libuv's small shared thread pool (also busy
 * gunzipping dictionaries) does.
 */
export const nodeCacheFsSync: CacheFs = {
  readFile: async (p) => fs.readFileSync(p),
  writeFile: async (p, data) => fs.writeFileSync(p, data, "utf8"),
  createFile: async (p, data) => fs.writeFileSync(p, data, { encoding: "utf8", flag: "wx" }),
  rename: async (a, b) => fs.renameSync(a, b),
  mkdir: async (p) => void fs.mkdirSync(p, { recursive: true }),
  rm: async (p) => fs.rmSync(p, { force: true }),
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

export class AnalysisCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, rejected: 0, writes: 0, writeErrors: 0 };
  private readonly root: string;
  /** Shard folders known to exist (created or written to by this instance). */
  private readonly made = new Set<string>();

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

  private fileOf(key: string): string {
    return path.join(this.root, key.slice(0, 2), `${key}.json`);
  }

  /** The cached analysis, or `null` when absent, corrupt or from another version. */
  async get(key: string): Promise<AnalyzedText | null> {
    let raw: Uint8Array;
    try {
      raw = await this.fs.readFile(this.fileOf(key));
    } catch {
      this.stats.misses++;
      return null;
    }
    try {
      const entry = JSON.parse(Buffer.from(raw).toString("utf8")) as CacheEntry;
      if (
        entry &&
        entry.format === CACHE_FORMAT &&
        entry.tool === this.versions.tool &&
        entry.analysis === this.versions.analysis &&
        entry.key === key &&
        isAnalyzedText(entry.value)
      ) {
        this.stats.hits++;
        return entry.value;
      }
    } catch {
      // corrupt JSON: fall through, the entry is rebuilt
    }
    this.stats.rejected++;
    this.stats.misses++;
    return null;
  }

  /** Stores an analysis atomically. Failures are counted, never thrown: a cache is optional. */
  async put(key: string, value: AnalyzedText): Promise<void> {
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const dir = path.dirname(file);
    try {
      const entry: CacheEntry = { format: CACHE_FORMAT, tool: this.versions.tool, analysis: this.versions.analysis, key, value };
      const data = JSON.stringify(entry);
      if (this.fs.createFile) {
        const create = this.fs.createFile;
        try {
          try {
            await create(file, data);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
            // The shard folder does not exist yet.
            await this.fs.mkdir(dir);
            await create(file, data);
          }
          this.made.add(dir);
          this.stats.writes++;
          return;
        } catch {
          // It exists (a stale or corrupt entry: replaced below), or cannot be created.
        }
      }
      if (!this.made.has(dir)) await this.fs.mkdir(dir);
      try {
        await this.fs.writeFile(tmp, data);
      } catch (e) {
        if (!this.made.has(dir)) throw e;
        // The folder went away since: make it again.
        this.made.delete(dir);
        await this.fs.mkdir(dir);
        await this.fs.writeFile(tmp, data);
      }
      this.made.add(dir);
      await this.fs.rename(tmp, file);
      this.stats.writes++;
    } catch {
      this.stats.writeErrors++;
      await this.fs.rm(tmp).catch(() => undefined);
    }
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
