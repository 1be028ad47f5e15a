/**
 * The article files a one-thread benchmark reads: every `.txt`/`.md`/`.html` under the folders
 * given, or the livedoor news corpus's articles (`../shared/corpora/ldcc/*\/*-N.txt`); at most
 * `maxFiles`, spread evenly over the list (so over the categories, not the first N of one).
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot } from "./generateCorpus";

export const ldccDir = resolve(repoRoot, "..", "shared", "corpora", "ldcc");

export function articleFiles(dirs: string[], maxFiles: number): string[] {
  const roots = dirs.length ? dirs : [ldccDir];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (dirs.length ? /\.(txt|md|html?)$/.test(e.name) : /-\d+\.txt$/.test(e.name)) out.push(p);
    }
  };
  for (const r of roots) walk(r);
  if (out.length <= maxFiles) return out;
  const step = out.length / maxFiles;
  return Array.from({ length: maxFiles }, (_, i) => out[Math.floor(i * step)]);
}
