/**
 * Where a warm `shutten check` (and a fresh server's first diagnostics) spends its time, phase by
 * phase, in one process: the corpus host's warm start (snapshot, listing, keys, index), the
 * dictionary, then the check of a draft (parse, analysis, verdicts, alignment, rules). CPU time per
 * phase beside wall time, so a busy machine does not mislead.
 *
 *   node --import tsx bench/profileCheck.ts --corpus DIR DRAFT [--cache DIR] [--repeat N]
 */
import { readFileSync } from "node:fs";
import { CorpusHost } from "../server/src/core/corpusHost";
import { parseDraft } from "../server/src/core/draft/parseDraft";
import { analyzeDraft } from "../server/src/core/check/draftAnalysis";
import { quoteVerdicts } from "../server/src/core/check/quoteVerdicts";
import { alignClaims } from "../server/src/core/check/claimAlignment";
import { checkDraft } from "../server/src/core/check/checkDraft";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const corpus = opt("corpus")!;
const draftFile = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--")))[0];
const repeat = Number(opt("repeat") ?? "1");

async function main() {
  let wall = performance.now();
  let cpu = process.cpuUsage();
  const lap = (what: string) => {
    const w = performance.now() - wall;
    const c = process.cpuUsage(cpu);
    console.log(`${what.padEnd(34)} wall ${w.toFixed(0).padStart(6)} ms  cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(6)} ms`);
    wall = performance.now();
    cpu = process.cpuUsage();
  };
  const host = new CorpusHost({ log: (l, m) => l !== "info" && console.error(m.slice(0, 200)), options: async () => ({ corpusDir: corpus, cacheDir: opt("cache") }) });
  const loaded = await host.load();
  lap(`host.load (${loaded.index.size} sources)`);
  host.dispose();
  const text = readFileSync(draftFile, "utf8");
  for (let r = 0; r < repeat; r++) {
    const draft = parseDraft(text);
    lap("parseDraft");
    const analysis = analyzeDraft(draft, { tokenizer: loaded.tokenizer, aliases: loaded.aliases });
    lap("analyzeDraft");
    const v = quoteVerdicts(analysis, loaded.index);
    lap(`quoteVerdicts (${v.length} quotes, ${v.reduce((n, x) => n + x.matches.length, 0)} matches)`);
    alignClaims(analysis, loaded.index, (a, b) => a === b);
    lap("alignClaims");
    const f = checkDraft(text, { index: loaded.index, tokenizer: loaded.tokenizer, aliases: loaded.aliases });
    lap(`checkDraft again (${f.length} findings)`);
  }
}
main().then(() => process.exit(0));
