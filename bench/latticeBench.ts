/**
 * The lean lattice alone (tokenizer.ts `kuromojiTokens`), on the distinct clauses of N livedoor
 * articles' lines, as the ingestion workers call it: CPU time per pass, best of the passes.
 * `--check` compares every clause's tokens with kuromoji's own first.
 *
 *   node --import tsx bench/latticeBench.ts [--files 1500] [--passes 3] [--check] [DIR…]
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { deepStrictEqual } from "node:assert";
import { loadDictionaryDataSync } from "../server/src/core/text/dictionary";
import { selectEntityTokens } from "../server/src/core/text/entities";
import { buildKuromoji, dictionaryPath, kuromojiOf, kuromojiReferenceTokens, kuromojiTokens, splitClauses } from "../server/src/core/text/tokenizer";
import { articleFiles } from "./articleFiles";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const dirs = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--")));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main() {
  const files = articleFiles(dirs, Number(opt("files") ?? "1500"));
  const seen = new Set<string>();
  for (const f of files) for (const line of readFileSync(f, "utf8").split("\n")) for (const c of splitClauses(line)) seen.add(c.text);
  const clauses = [...seen];
  const chars = clauses.reduce((a, c) => a + c.length, 0);
  const kuro = kuromojiOf(loadDictionaryDataSync(resolve(dictionaryPath())));
  if (argv.includes("--check")) {
    const ref = await buildKuromoji();
    for (const c of clauses) deepStrictEqual(kuromojiTokens(kuro, c), kuromojiReferenceTokens(ref, c), c);
    console.log(`check: ${clauses.length} clauses identical to kuromoji`);
  }
  let best = Infinity;
  let bestSel = Infinity;
  let sink = 0;
  for (let p = 0; p < Number(opt("passes") ?? "3"); p++) {
    let t0 = cpu();
    for (const c of clauses) sink += kuromojiTokens(kuro, c).length;
    best = Math.min(best, cpu() - t0);
    t0 = cpu();
    for (const c of clauses) sink += selectEntityTokens(kuromojiTokens(kuro, c)).length;
    bestSel = Math.min(bestSel, cpu() - t0);
  }
  console.log(`${files.length} files, ${clauses.length} clauses, ${chars.toLocaleString("en")} chars: lattice ${best.toFixed(0)} ms CPU (${Math.round(chars / best)} kchars/s); with selectEntityTokens ${bestSel.toFixed(0)} ms (${sink})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
