/**
 * Pipeline stage 0, find: the corpus files, in corpus order (directories walked in name order,
 * `node_modules` and `.git` skipped, symlinks followed, a directory or file reached twice taken once,
 * the catalogue never a source, a name that is not valid UTF-8 reported), with their stat when asked. The cold build reads what this finds;
 * a warm start compares the stats with the index snapshot's and reads only what changed.
 */
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { CorpusProblem } from "../model";
import { nodeCorpusFs, type CorpusFs } from "./corpusFs";
import { badNameMessage } from "./fileNames";
import { globToRegExp, matchesAny } from "./glob";
import { backgroundTurn } from "../backgroundWork";

export const DEFAULT_INCLUDE = ["**/*.{txt,md,markdown,html,htm}"];

/** One corpus file. `size` and `mtimeMs` are -1 when not asked for or when the stat failed. */
export interface CorpusFile {
  abs: string;
  /** Relative to the corpus directory, `/`-separated. */
  rel: string;
  size: number;
  mtimeMs: number;
}

/** @deprecated the old name of `CorpusFile` (kept for callers that named it). */
export type CorpusFileStat = CorpusFile;

export interface CorpusFilter {
  /** Globs relative to the corpus directory; default `DEFAULT_INCLUDE`. */
  include?: string[];
  exclude?: string[];
  /** The catalogue's file name inside the corpus directory (default `sources.yaml`); never a source. */
  catalogueName?: string;
}

export interface FindOptions extends CorpusFilter {
  fs?: CorpusFs;
  signal?: AbortSignal;
  /** Stat every file found (size and mtime), `STAT_CONCURRENCY` at a time. */
  stat?: boolean;
}

const STAT_CONCURRENCY = 32;
/** Entries followed and resolved per blocking call of `resolveMany` (a few milliseconds). */
const RESOLVE_CHUNK = 256;
/** Files stat'ed per blocking call of `statMany` (a few milliseconds). */
const STAT_CHUNK = 500;

/** The include globs in force (the default when none are given). */
export function includeGlobs(filter: CorpusFilter): string[] {
  return filter.include && filter.include.length > 0 ? filter.include : DEFAULT_INCLUDE;
}

/** Whether a relative path is a corpus file by the globs (the file itself is not looked at). */
export function isCorpusPath(rel: string, filter: CorpusFilter): boolean {
  const include = includeGlobs(filter).map(globToRegExp);
  const exclude = (filter.exclude ?? []).map(globToRegExp);
  if (rel === (filter.catalogueName ?? "sources.yaml")) return false;
  const parts = rel.split("/");
  if (parts.some((p) => p === "node_modules" || p === ".git" || p === ".." || p === "")) return false;
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join("/");
    if (matchesAny(dir + "/", exclude) || matchesAny(dir, exclude)) return false;
  }
  return matchesAny(rel, include) && !matchesAny(rel, exclude);
}

/** Corpus order: directories walked in name order, i.e. paths compared segment by segment. */
export function compareCorpusPaths(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length - y.length;
}

type DirEntry = Awaited<ReturnType<CorpusFs["readdir"]>>[number];

/** What a directory entry turned out to be, when finding out took a file-system call. */
interface ResolvedEntry {
  /** A symlink's target kind. */
  kind?: "file" | "directory" | "other";
  /** A corpus file's real path (only a link, or a path through a symlinked directory, can repeat a file). */
  realFile?: string;
  /** Why a symlink could not be followed. */
  brokenLink?: string;
  /** A linked file's size and mtime from the stat that followed the link (not stat'ed again). */
  size?: number;
  mtimeMs?: number;
}

/**
 * Stats links and resolves the real paths of linked corpus files for one directory's entries:
 * through `resolveMany` (blocking, `RESOLVE_CHUNK` at a time) when the file system has it, else at
 * most `STAT_CONCURRENCY` calls in flight (one round trip through libuv's thread pool after another
 * cost ~0.12 ms each, 1.8 s of an idle start for a corpus of 7,367 linked files).
 */
async function resolveLinks(
  fs: CorpusFs,
  abs: string,
  rel: string,
  underLink: boolean,
  entries: DirEntry[],
  isCorpusFile: (rel: string) => boolean,
  signal: AbortSignal | undefined,
): Promise<(ResolvedEntry | undefined)[]> {
  const out: (ResolvedEntry | undefined)[] = new Array(entries.length);
  const todo: number[] = [];
  entries.forEach((e, k) => {
    if (e.badName === undefined && (e.kind === "symlink" || (underLink && e.kind === "file"))) todo.push(k);
  });
  if (fs.resolveMany) {
    // Blocking, a chunk at a time, yielding between chunks (a server answers requests meanwhile).
    for (let i = 0; i < todo.length && !signal?.aborted; i += RESOLVE_CHUNK) {
      if (i > 0) await backgroundTurn();
      const chunk = todo.slice(i, i + RESOLVE_CHUNK);
      const found = fs.resolveMany(
        chunk.map((k) => {
          const entry = entries[k];
          return { path: path.join(abs, entry.name), link: entry.kind === "symlink", real: isCorpusFile(rel === "" ? entry.name : `${rel}/${entry.name}`) };
        }),
      );
      chunk.forEach((k, j) => {
        const f = found[j];
        const r: ResolvedEntry = {};
        out[k] = r;
        if (f.error !== undefined) r.brokenLink = f.error;
        else {
          if (f.kind !== undefined) r.kind = f.kind;
          if (f.mtimeMs !== undefined) {
            r.size = f.size;
            r.mtimeMs = f.mtimeMs;
          }
          if (f.real !== undefined) r.realFile = f.real;
        }
      });
    }
    return out;
  }
  let next = 0;
  const resolveOne = async (k: number): Promise<void> => {
    const entry = entries[k];
    const childAbs = path.join(abs, entry.name);
    const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
    const r: ResolvedEntry = {};
    out[k] = r;
    let kind = entry.kind;
    if (kind === "symlink") {
      try {
        const s = await fs.stat(childAbs);
        kind = r.kind = s.kind;
        if (s.mtimeMs !== undefined) {
          r.size = s.size;
          r.mtimeMs = s.mtimeMs;
        }
      } catch (e) {
        r.brokenLink = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        return;
      }
    }
    if (kind === "file" && isCorpusFile(childRel)) {
      try {
        r.realFile = await fs.realpath(childAbs);
      } catch {
        // reported when read
      }
    }
  };
  const worker = async () => {
    while (next < todo.length && !signal?.aborted) await resolveOne(todo[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, todo.length) }, worker));
  return out;
}

/**
 * Walks `dir` for corpus files. Directories that cannot be read, broken links and symlink loops are
 * added to `problems` (when given) and skipped; throws only when `dir` itself is unreadable.
 */
export async function findCorpusFiles(dir: string, options: FindOptions = {}, problems: CorpusProblem[] = []): Promise<CorpusFile[]> {
  const fs = options.fs ?? nodeCorpusFs;
  const include = includeGlobs(options).map(globToRegExp);
  const exclude = (options.exclude ?? []).map(globToRegExp);
  const catalogueName = options.catalogueName ?? "sources.yaml";
  const found: CorpusFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const walk = async (abs: string, rel: string): Promise<void> => {
    let real: string;
    try {
      real = await fs.realpath(abs);
    } catch (e) {
      if (rel === "") throw new Error(`cannot read corpus directory ${abs}: ${(e as Error).message}`);
      problems.push({ path: abs, message: `cannot resolve directory: ${(e as Error).message}`, severity: "warning", code: "unreadable" });
      return;
    }
    // A directory reached twice (a symlink loop or two links to one folder) is walked once.
    if (seenDirs.has(real)) {
      problems.push({ path: abs, message: `skipped: directory already visited as ${real} (symlink loop?)`, severity: "information", code: "symlink-loop" });
      return;
    }
    seenDirs.add(real);
    let entries: Awaited<ReturnType<CorpusFs["readdir"]>>;
    try {
      entries = await fs.readdir(abs);
    } catch (e) {
      if (rel === "") throw new Error(`cannot read corpus directory ${abs}: ${(e as Error).message}`);
      problems.push({ path: abs, message: `cannot read directory: ${(e as Error).message}`, severity: "warning", code: "unreadable" });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const resolved = await resolveLinks(fs, abs, rel, real !== abs, entries, (childRel) => matchesAny(childRel, include) && !matchesAny(childRel, exclude), options.signal);
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[k];
      if (options.signal?.aborted) return;
      const childAbs = path.join(abs, entry.name);
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      // A name that is not valid UTF-8 names no file once read as UTF-8: said as such (a folder, or
      // a file the globs or its extension make a corpus file), never reported as ENOENT.
      if (entry.badName !== undefined) {
        if (entry.kind === "directory" || matchesAny(childRel, include) || /\.(?:txt|md|markdown|html?)$/i.test(entry.name)) {
          problems.push({ path: childAbs, message: badNameMessage(entry.badName), severity: "error", code: "file-name" });
        }
        continue;
      }
      const link = entry.kind === "symlink";
      const r = resolved[k];
      if (r?.brokenLink !== undefined) {
        problems.push({ path: childAbs, message: `broken symbolic link: ${r.brokenLink}`, severity: "warning", code: "unreadable" });
        continue;
      }
      const kind = link ? r!.kind! : entry.kind;
      if (kind === "directory") {
        if (entry.name === "node_modules" || entry.name === ".git") continue;
        if (matchesAny(childRel + "/", exclude) || matchesAny(childRel, exclude)) continue;
        await walk(childAbs, childRel);
      } else if (kind === "file") {
        if (childRel === catalogueName) continue;
        if (!matchesAny(childRel, include) || matchesAny(childRel, exclude)) continue;
        const realFile = r?.realFile ?? childAbs;
        if (seenFiles.has(realFile)) continue;
        seenFiles.add(realFile);
        const known = options.stat && r?.mtimeMs !== undefined;
        found.push({ abs: childAbs, rel: childRel, size: known ? r!.size! : -1, mtimeMs: known ? r!.mtimeMs! : -1 });
      }
    }
  };
  await walk(path.resolve(dir), "");
  // Linked files have their stat from following the link; the rest are stat'ed now.
  const unstated = options.stat ? found.filter((f) => f.mtimeMs === -1) : [];
  if (options.stat && fs.statMany) {
    // In chunks, yielding between them, so a server answers requests while it lists a big corpus.
    for (let i = 0; i < unstated.length; i += STAT_CHUNK) {
      if (i > 0) await backgroundTurn();
      const chunk = unstated.slice(i, i + STAT_CHUNK);
      const stats = fs.statMany(chunk.map((f) => f.abs));
      chunk.forEach((f, k) => {
        const s = stats[k];
        if (s) {
          f.size = s.size;
          f.mtimeMs = s.mtimeMs;
        }
      });
    }
  } else if (options.stat) {
    let next = 0;
    const worker = async () => {
      while (next < unstated.length) {
        const f = unstated[next++];
        try {
          const s = await fs.stat(f.abs);
          f.size = s.size;
          f.mtimeMs = s.mtimeMs ?? -1;
        } catch {
          // reported when read
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, unstated.length) }, worker));
  }
  return found;
}

/** Lists the corpus files with their stat; throws only when `dir` itself is unreadable. */
export function listCorpusFiles(dir: string, filter: CorpusFilter, problems: CorpusProblem[] = []): Promise<CorpusFile[]> {
  return findCorpusFiles(dir, { ...filter, stat: true }, problems);
}

/** The stat of one file, or null when it cannot be read. */
export async function statFile(abs: string): Promise<{ size: number; mtimeMs: number; isFile: boolean } | null> {
  try {
    const s = await fsp.stat(abs);
    return { size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile() };
  } catch {
    return null;
  }
}
