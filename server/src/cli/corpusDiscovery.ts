/**
 * Which corpus a command uses: `--corpus DIR` when given; otherwise the project's, found the way
 * linters find their configuration — from the draft's folder (or the working directory) upwards,
 * the nearest folder holding a `corpus/` folder (that folder), or a `sources.yaml` (itself).
 */
import { statSync } from "node:fs";
import * as path from "node:path";
import type { Locale } from "../core/check/messages";
import { UsageError, type CliIo } from "./cliIo";
import { cliText } from "./cliText";

export interface ChosenCorpus {
  /** As the user would write it: the `--corpus` value, or the found folder relative to the cwd. */
  given: string;
  abs: string;
  /** True when it was found by walking up rather than given. */
  discovered: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The nearest corpus at or above `start`: a `corpus/` folder, or a folder with a `sources.yaml`. */
export function findCorpusUpwards(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const sub = path.join(dir, "corpus");
    if (isDir(sub)) return sub;
    if (isFile(path.join(dir, "sources.yaml"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The folder a draft path starts the search from: its own folder for a file, itself for a folder. */
export function searchStart(abs: string): string {
  return isDir(abs) ? abs : path.dirname(abs);
}

/**
 * The corpus for a command: `--corpus` (checked to be a folder), else found upwards from `start`
 * (and said on stderr, so the writer knows which one was used).
 */
export function chooseCorpus(option: string | boolean | undefined, start: string, io: CliIo, locale: Locale): ChosenCorpus {
  const t = cliText(locale);
  if (typeof option === "string") {
    const abs = path.resolve(io.cwd, option);
    if (!isDir(abs)) throw new UsageError(t.corpusNotFound(option));
    return { given: option, abs, discovered: false };
  }
  const found = findCorpusUpwards(start);
  const shownStart = path.relative(io.cwd, start) || ".";
  if (!found) throw new UsageError(t.noCorpusFound(shownStart));
  const given = path.relative(io.cwd, found) || ".";
  // The default — `./corpus` of the working directory — goes without saying.
  if (path.resolve(io.cwd, "corpus") !== found) io.stderr(t.usingCorpus(given, shownStart));
  return { given, abs: found, discovered: true };
}
