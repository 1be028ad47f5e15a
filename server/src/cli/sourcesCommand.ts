/**
 * `shutten sources [--corpus DIR] --json`: the corpus sources and their metadata, as
 * `[{"key", "path", "title", "outlet", "published", "url"}]` (path as given, relative to the cwd).
 * Only loads and cleans the corpus: no analysis, no tokenizer.
 */
import { statSync } from "node:fs";
import * as path from "node:path";
import type { CorpusProblem } from "../core/model";
import { loadCorpus } from "../core/corpus/loadCorpus";
import { parseArgs, UsageError, type CliIo } from "./cliIo";

export async function runSources(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, ["corpus"], ["json"]);
  if (positional.length > 0) throw new UsageError(`sources takes no arguments (got '${positional[0]}')`);
  const corpus = corpusArg(options, io);
  const { sources, problems } = await loadCorpus({ dir: corpus.abs });
  reportProblems(problems, io);
  const rows = sources.map((s) => ({
    key: s.meta.key,
    path: shownPath(corpus.given, s.relPath),
    title: s.meta.title,
    outlet: s.meta.outlet,
    published: s.meta.published,
    url: s.meta.url,
  }));
  if (options.json) io.stdout(JSON.stringify(rows, null, 2) + "\n");
  else for (const r of rows) io.stdout(`${r.key}\t${r.published ?? "-"}\t${r.outlet ?? "-"}\t${r.title ?? "-"}\t${r.path}\n`);
  return 0;
}

/** The `--corpus DIR` option (default `corpus`), checked to be a folder. */
export function corpusArg(options: Record<string, string | boolean>, io: CliIo): { given: string; abs: string } {
  const given = typeof options.corpus === "string" ? options.corpus : "corpus";
  const abs = path.resolve(io.cwd, given);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`corpus folder not found: ${given}`);
  return { given, abs };
}

/** A source's path as the user gave the corpus: relative stays relative (to the cwd), absolute stays absolute. */
export function shownPath(givenCorpus: string, relPath: string): string {
  const joined = path.join(givenCorpus, relPath);
  return joined.split(path.sep).join("/");
}

/** One line per problem on stderr: `path: severity: message`. */
export function reportProblems(problems: CorpusProblem[], io: CliIo): void {
  for (const p of problems) {
    const shown = path.relative(io.cwd, p.path) || p.path;
    io.stderr(`${shown}: ${p.severity}: ${p.message}\n`);
  }
}
