/**
 * CPU time of `analyseText` alone, warm (every clause's tokens already in the workers' clause memo),
 * and of `selectEntityTokens` over every clause's kuromoji tokens: min and median over the rounds, for
 * paired A/B runs of analysis changes (run two builds alternately; compare the minima).
 *
 *   node --import tsx bench/analysisWarm.ts [files 1500] [rounds 5]
 *
 * Under tsx every closure a hot function creates also pays tsx's `__name` wrapper; bundle the bench
 * with esbuild (as the product is) to measure what the workers run.
 */
import { resolve } from "node:path";
import { nodeCorpusFsSync } from "../server/src/core/corpus/corpusFs";
import { parsePublished, readCorpusFile } from "../server/src/core/corpus/loadCorpus";
import { analyseText } from "../server/src/core/ingest/fileJob";
import { loadDictionaryDataSync } from "../server/src/core/text/dictionary";
import { selectEntityTokens } from "../server/src/core/text/entities";
import { entityTokenizer } from "../server/src/core/text/entityTokenizer";
import { splitSentences } from "../server/src/core/text/sentences";
import { ClauseMemo, dictionaryPath, kuromojiOf, kuromojiTokens, splitClauses, type Token } from "../server/src/core/text/tokenizer";
import { articleFiles } from "./articleFiles";
const argv = process.argv.slice(2);
const files = articleFiles([], Number(argv[0] ?? "1500"));
const rounds = Number(argv[1] ?? "5");
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const stat = (times: number[]) => { times.sort((a, b) => a - b); return `min ${times[0].toFixed(0)} ms median ${times[times.length >> 1].toFixed(0)} ms`; };
async function main() {
  const kuro = kuromojiOf(loadDictionaryDataSync(resolve(dictionaryPath())));
  const tokenizer = entityTokenizer(kuro, new ClauseMemo<Token[]>(1_000_000));
  const srcs = [];
  for (const f of files) { const l = await readCorpusFile({ abs: f, rel: f }, nodeCorpusFsSync, null, 50 * 1024 * 1024); if (l.source) srcs.push(l.source); }
  const times: number[] = [];
  for (let r = 0; r <= rounds; r++) {
    const t0 = cpu();
    for (const s of srcs) analyseText(s.text, s.body, parsePublished(s.meta.published), tokenizer, {});
    if (r > 0) times.push(cpu() - t0);
  }
  const clauses: Token[][] = [];
  for (const s of srcs) for (const sen of splitSentences(s.text, s.body)) for (const c of splitClauses(sen.text)) clauses.push(kuromojiTokens(kuro, c.text));
  const sel: number[] = [];
  let kept = 0;
  for (let r = 0; r <= rounds; r++) {
    const t0 = cpu();
    for (const c of clauses) kept += selectEntityTokens(c).length;
    if (r > 0) sel.push(cpu() - t0);
  }
  console.log(`analyse ${stat(times)} | select ${stat(sel)} (${srcs.length} files, ${clauses.length} clauses, ${rounds} rounds, ${kept})`);
}
void main();
