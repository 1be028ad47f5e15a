/**
 * A guard for optimisations that must change no output: runs N livedoor articles (an even spread over
 * the nine categories) through the cold-index file job exactly as an ingestion worker does (read,
 * decode, clean, the clause-memo tokenizer keeping `selectEntityTokens`' answer, `analyzeText`, the
 * cache write, the snapshot record and the index input) and writes one line per file with a digest
 * of each output, plus a digest of every token of every clause (all tokens, and the proper-noun
 * filter's). Run it before and after a change and `cmp` the two files.
 *
 *   node --import tsx bench/analysisGuard.ts [--files 800] [--out FILE] [DIR…]
 *
 * Default corpus: ../shared/corpora/ldcc (articles only).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { nodeCorpusFsSync } from "../server/src/core/corpus/corpusFs";
import { digestResult, runFileJob, type IngestContext } from "../server/src/core/ingest/fileJob";
import { AnalysisCache, nodeCacheFsSync } from "../server/src/core/index/cache";
import { segmentInput } from "../server/src/core/index/corpusIndex";
import { loadDictionaryDataSync } from "../server/src/core/text/dictionary";
import { entityTokenizer } from "../server/src/core/text/entityTokenizer";
import { ClauseMemo, dictionaryPath, kuromojiOf, kuromojiTokens, PROPER_NOUNS, splitClauses, type Token } from "../server/src/core/text/tokenizer";
import { articleFiles, ldccDir } from "./articleFiles";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const maxFiles = Number(opt("files") ?? "800");
const outFile = opt("out") ?? join(tmpdir(), "shutten-analysis-guard.txt");
const dirs = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--")));


const sha = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex").slice(0, 16);

async function main() {
  const files = articleFiles(dirs, maxFiles);
  const kuro = kuromojiOf(loadDictionaryDataSync(resolve(dictionaryPath())));
  const memo = new ClauseMemo<Token[]>(100_000);
  // The ingestion worker's tokenizer (ingestWorker.ts).
  const tokenizer = entityTokenizer(kuro, memo);
  const cacheDir = mkdtempSync(join(tmpdir(), "shutten-guard-"));
  const cache = new AnalysisCache(cacheDir, { tool: "guard", analysis: "guard" }, nodeCacheFsSync);
  const ctx: IngestContext = { fs: nodeCorpusFsSync, cache, aliasHash: "", tokenizer: () => tokenizer };
  const lines: string[] = [];
  const all = createHash("sha256");
  for (const f of files) {
    const r = await runFileJob({ abs: f, rel: f.slice(ldccDir.length + 1), catalogue: null, maxBytes: 50 * 1024 * 1024 }, ctx);
    const src = r.source;
    const parts: string[] = [f.slice(ldccDir.length + 1)];
    if (!src || !r.analysis) {
      parts.push("skipped", sha(JSON.stringify(r.problems)));
    } else {
      const { text, ...rest } = src;
      parts.push(`src=${sha(JSON.stringify(rest))}`, `text=${sha(text)}`, `analysis=${sha(JSON.stringify(r.analysis))}`);
      const seg = segmentInput({ text, sentences: r.analysis.sentences });
      parts.push(`segment=${sha(seg.norm + JSON.stringify(Array.from(seg.starts)) + JSON.stringify(Array.from(seg.spans)))}`);
      // Tokens of every body clause: all of them, and the proper-noun filter's.
      const th = createHash("sha256");
      const ph = createHash("sha256");
      for (const b of src.body) {
        for (const c of splitClauses(text.slice(b.start, b.end))) {
          th.update(JSON.stringify(kuromojiTokens(kuro, c.text)));
          ph.update(JSON.stringify(kuromojiTokens(kuro, c.text, PROPER_NOUNS)));
        }
      }
      parts.push(`tokens=${th.digest("hex").slice(0, 16)}`, `proper=${ph.digest("hex").slice(0, 16)}`);
      digestResult(r);
      const d = r.digest!;
      parts.push(`record=${sha(d.record.text)}:${sha(d.record.rest)}`, `events=${sha(JSON.stringify(d.events))}`, `mentions=${sha(JSON.stringify(d.mentions))}`);
      if (r.error) parts.push(`error=${r.error}`);
    }
    const line = parts.join(" ");
    all.update(line + "\n");
    lines.push(line);
  }
  // The cache records as written (one pack per writer, appended in file order).
  await cache.release();
  const packs = readdirSync(join(cacheDir, "analysis-v3")).filter((n) => n.endsWith(".pack"));
  for (const p of packs) lines.push(`pack ${sha(readFileSync(join(cacheDir, "analysis-v3", p)))}`);
  rmSync(cacheDir, { recursive: true, force: true });
  writeFileSync(outFile, lines.join("\n") + "\n");
  console.log(`${files.length} files, digest ${all.digest("hex").slice(0, 16)}, written to ${outFile}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
