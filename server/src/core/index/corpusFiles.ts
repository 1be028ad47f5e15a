/**
 * The corpus files and their stat (size, modification time), found the way `loadCorpus` finds them
 * (same include/exclude globs, directories in name order, `node_modules` and `.git` skipped,
 * symlinks followed, a directory or file reached twice taken once, the catalogue never a source).
 * The snapshot compares this list with the one it was built from: a file whose path, size and
 * mtime are unchanged is taken from the snapshot without being read.
 */
import { badlyEncodedNames } from "../corpus/fileNames";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { DEFAULT_INCLUDE } from "../corpus/loadCorpus";
import { globToRegExp, matchesAny } from "../corpus/glob";

export interface CorpusFileStat {
  abs: string;
  /** Relative to the corpus directory, `/`-separated. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface CorpusFilter {
  include?: string[];
  exclude?: string[];
  catalogueName?: string;
}

const STAT_CONCURRENCY = 32;

/** Whether a relative path is a corpus file by the globs (the file itself is not looked at). */
export function isCorpusPath(rel: string, filter: CorpusFilter): boolean {
  const include = (filter.include && filter.include.length > 0 ? filter.include : DEFAULT_INCLUDE).map(globToRegExp);
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

/** Lists the corpus files with their stat; throws only when `dir` itself is unreadable. */
export async function listCorpusFiles(dir: string, filter: CorpusFilter): Promise<CorpusFileStat[]> {
  const include = (filter.include && filter.include.length > 0 ? filter.include : DEFAULT_INCLUDE).map(globToRegExp);
  const exclude = (filter.exclude ?? []).map(globToRegExp);
  const catalogueName = filter.catalogueName ?? "sources.yaml";
  const found: { abs: string; rel: string }[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const walk = async (abs: string, rel: string): Promise<void> => {
    let real: string;
    try {
      real = await fsp.realpath(abs);
    } catch (e) {
      if (rel === "") throw e;
      return;
    }
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fsp.readdir(abs, { withFileTypes: true });
    } catch (e) {
      if (rel === "") throw e;
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // A name that is not valid UTF-8 cannot be opened by name: left out (the loader reports it).
    const bad = await badlyEncodedNames(abs, entries.map((e) => e.name));
    for (const entry of entries) {
      if (bad.has(entry.name)) continue;
      const childAbs = path.join(abs, entry.name);
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      let kind: "file" | "directory" | "other" = entry.isDirectory() ? "directory" : entry.isFile() ? "file" : "other";
      const link = entry.isSymbolicLink();
      if (link) {
        try {
          const s = await fsp.stat(childAbs);
          kind = s.isFile() ? "file" : s.isDirectory() ? "directory" : "other";
        } catch {
          continue;
        }
      }
      if (kind === "directory") {
        if (entry.name === "node_modules" || entry.name === ".git") continue;
        if (matchesAny(childRel + "/", exclude) || matchesAny(childRel, exclude)) continue;
        await walk(childAbs, childRel);
      } else if (kind === "file") {
        if (childRel === catalogueName) continue;
        if (!matchesAny(childRel, include) || matchesAny(childRel, exclude)) continue;
        // Only a path through a symlinked directory or a link can repeat a file: realpath is needed
        // only then (a plain walk never meets the same file twice).
        let realFile = childAbs;
        if (link || real !== abs) {
          try {
            realFile = await fsp.realpath(childAbs);
          } catch {
            // reported when read
          }
        }
        if (seenFiles.has(realFile)) continue;
        seenFiles.add(realFile);
        found.push({ abs: childAbs, rel: childRel });
      }
    }
  };
  await walk(dir, "");
  const out: CorpusFileStat[] = new Array(found.length);
  let next = 0;
  const worker = async () => {
    while (next < found.length) {
      const i = next++;
      const f = found[i];
      try {
        const s = await fsp.stat(f.abs);
        out[i] = { ...f, size: s.size, mtimeMs: s.mtimeMs };
      } catch {
        out[i] = { ...f, size: -1, mtimeMs: -1 };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, found.length) }, worker));
  return out;
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
