/**
 * `shutten sources [--corpus DIR] --json`: the corpus sources and their metadata, as
 * `[{"key", "path", "title", "outlet", "published", "url"}]` (path as given, relative to the cwd).
 * Only loads and cleans the corpus: no analysis, no tokenizer.
 */
import * as path from "node:path";
import type { Locale } from "../core/check/messages";
import type { CorpusProblem } from "../core/model";
import { loadCorpus } from "../core/corpus/loadCorpus";
import { parseArgs, UsageError, type CliIo } from "./cliIo";
import { cliLocale, cliText } from "./cliText";
import { chooseCorpus, type ChosenCorpus } from "./corpusDiscovery";

export async function runSources(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, ["corpus", "lang"], ["json"]);
  if (positional.length > 0) throw new UsageError(`sources takes no arguments (got '${positional[0]}')`);
  const corpus = corpusArg(options, io);
  const { sources, problems } = await loadCorpus({ dir: corpus.abs });
  reportProblems(problems, io, cliLocale(options));
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

/** The `--corpus DIR` option, checked to be a folder; without it, the corpus found from the working directory up. */
export function corpusArg(options: Record<string, string | boolean>, io: CliIo): ChosenCorpus {
  return chooseCorpus(options.corpus, io.cwd, io, cliLocale(options));
}

/** A source's path as the user gave the corpus: relative stays relative (to the cwd), absolute stays absolute. */
export function shownPath(givenCorpus: string, relPath: string): string {
  const joined = path.join(givenCorpus, relPath);
  return joined.split(path.sep).join("/");
}

/** One line per problem on stderr: `path: severity: message` (the severity word in the CLI's language). */
export function reportProblems(problems: CorpusProblem[], io: CliIo, locale: Locale = "en"): void {
  const t = cliText(locale);
  for (const p of problems) {
    const shown = path.relative(io.cwd, p.path) || p.path;
    io.stderr(`${shown}: ${t.severity[p.severity] ?? p.severity}: ${p.message}\n`);
  }
}
