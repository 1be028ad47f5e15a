/**
 * The corpus as the CLI commands see it: the same corpus host as the language server, so `shutten
 * index` leaves the index snapshot a later server or `check` starts from, and `check` reads (and,
 * where it must build, refreshes) the same snapshot. Progress goes to stderr (progress.ts).
 */
import * as path from "node:path";
import { CorpusHost, type LoadedCorpus } from "../core/corpusHost";
import type { CliIo } from "./cliIo";
import { progressReporter } from "./progress";

export interface CliCorpus {
  host: CorpusHost;
  loaded: LoadedCorpus;
}

/** Opens (warm from the snapshot when it can, else built) the corpus in `corpusDir`. */
export async function openCorpus(corpusDir: string, io: CliIo, opts: { cacheDir?: string; quiet?: boolean; include?: string[]; exclude?: string[] } = {}): Promise<CliCorpus> {
  const host = new CorpusHost({
    // Problems are printed by the command from the index (each once); the rest is noise here.
    log: () => undefined,
    options: async () => ({ corpusDir: path.resolve(corpusDir), cacheDir: opts.cacheDir, include: opts.include, exclude: opts.exclude }),
  });
  const progress = opts.quiet ? null : progressReporter({ write: (s) => io.stderr(s) }, io.stderrStream);
  host.onProgress((p) => {
    if (p.phase === "analyse") progress?.update(p.done, p.total);
  });
  try {
    const loaded = await host.load();
    return { host, loaded };
  } finally {
    progress?.stop();
  }
}
