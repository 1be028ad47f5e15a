/** `shutten index [--corpus DIR]`: builds or refreshes the analysis cache, with progress on stderr. */
import * as path from "node:path";
import { analysisVersion, buildCorpus } from "../core/corpus/loadCorpus";
import { AnalysisCache, resolveCacheDir, TOOL_VERSION } from "../core/index/cache";
import { parseArgs, UsageError, type CliIo } from "./cliIo";
import { cliLocale } from "./cliText";
import { corpusArg, reportProblems } from "./sourcesCommand";

export async function runIndex(args: string[], io: CliIo): Promise<number> {
  const { options, positional } = parseArgs(args, ["corpus", "cache-dir", "lang"], ["quiet"]);
  if (positional.length > 0) throw new UsageError(`index takes no arguments (got '${positional[0]}')`);
  const corpus = corpusArg(options, io);
  const dir = resolveCacheDir({ setting: typeof options["cache-dir"] === "string" ? path.resolve(io.cwd, options["cache-dir"]) : null });
  const cache = new AnalysisCache(dir, { tool: TOOL_VERSION, analysis: analysisVersion() });
  const quiet = options.quiet === true;
  const built = await buildCorpus({
    dir: corpus.abs,
    cache,
    onProgress: (done, total, relPath, fromCache) => {
      if (!quiet) io.stderr(`[${done}/${total}] ${relPath}${fromCache ? " (cached)" : ""}\n`);
    },
  });
  reportProblems(built.problems, io, cliLocale(options));
  const { analysed, fromCache, ms } = built.stats;
  io.stderr(`indexed ${built.sources.length} sources in ${Math.round(ms)} ms: ${analysed} analysed, ${fromCache} from cache (${dir})\n`);
  return 0;
}
