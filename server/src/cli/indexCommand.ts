/**
 * `shutten index [--corpus DIR] [--cache-dir DIR] [--quiet]`: builds or refreshes everything a later
 * `shutten check` or language server needs to start warm — the per-file analysis cache and the
 * index snapshot — with a progress bar on stderr.
 */
import * as path from "node:path";
import { resolveCacheDir } from "../core/index/cache";
import { parseArgs, UsageError, type CliIo } from "./cliIo";
import { openCorpus } from "./corpusHostCli";
import { cliLocale } from "./cliText";
import { corpusArg, reportProblems } from "./sourcesCommand";

export async function runIndex(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, ["corpus", "cache-dir", "lang"], ["quiet"]);
  if (positional.length > 0) throw new UsageError(`index takes no arguments (got '${positional[0]}')`);
  const corpus = corpusArg(options, io);
  const cacheSetting = typeof options["cache-dir"] === "string" ? path.resolve(io.cwd, options["cache-dir"]) : undefined;
  const t0 = performance.now();
  const { host, loaded } = await openCorpus(corpus.abs, io, { cacheDir: cacheSetting, quiet: options.quiet === true });
  try {
    // Changes applied on top of an older snapshot are folded into a new one.
    const rebuilt = await host.refreshSnapshot();
    const final = host.current ?? loaded;
    reportProblems([...final.index.problems], io, cliLocale(options));
    // A refresh analyses nothing new (the per-file cache holds what the load analysed).
    const analysed = loaded.stats.analysed + (rebuilt ? final.stats.analysed : 0);
    const cached = final.index.size - analysed;
    const dir = resolveCacheDir({ setting: cacheSetting ?? null });
    io.stderr(`indexed ${final.index.size} sources in ${Math.round(performance.now() - t0)} ms: ${analysed} analysed, ${cached} from cache (${dir})\n`);
    return 0;
  } finally {
    host.dispose();
  }
}
