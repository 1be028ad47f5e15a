/**
 * Where the time of a cold index goes, stage by stage, on one thread: read, decode (+ hash), clean
 * (front matter / HTML, boilerplate, metadata), tokenise (kuromoji through the workers' clause memo and
 * `selectEntityTokens`), analyse (everything else of
 * `analyzeText`), index (`SegmentBuilder`), cache write (the record's JSON and its append). MeCab
 * runs over the same body text for scale. For decisions, pair it with instruction counts:
 *
 *   node --import tsx bench/profileStages.ts [--files N] [--only clean|tokenise] [DIR…]
 *   valgrind --tool=callgrind --smc-check=all-non-file node --import tsx bench/profileStages.ts --files 200 --only tokenise
 *
 * Times are this process's CPU time (`--wall` for wall time), MeCab's its own CPU time.
 *
 * Default corpus: the livedoor news corpus (../shared/corpora/ldcc, articles only).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { decodeBytes } from "../server/src/core/corpus/decode";
import { loadSource, parsePublished } from "../server/src/core/corpus/loadCorpus";
import { AnalysisCache, nodeCacheFsSync } from "../server/src/core/index/cache";
import { SegmentBuilder } from "../server/src/core/index/corpusIndex";
import type { AnalyzedText } from "../server/src/core/model";
import { analyzeText } from "../server/src/core/text/analyze";
import { loadDictionaryDataSync } from "../server/src/core/text/dictionary";
import { AliasTable, selectEntityTokens } from "../server/src/core/text/entities";
import { ClauseMemo, dictionaryPath, kuromojiOf, kuromojiTokens, splitClauses, type Token, type Tokenizer } from "../server/src/core/text/tokenizer";
import { articleFiles } from "./articleFiles";

const argv = process.argv.slice(2);
/**
 * The clock: this process's CPU time (user + system, ms) — on a shared, loaded machine wall time
 * counts the other processes' time too — or wall time with `--wall`.
 */
const wall = argv.includes("--wall");
const now = (): number => {
  if (wall) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const maxFiles = Number(opt("files") ?? "1000");
const only = opt("only");
const dirs = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--")));



async function main() {
  const files = articleFiles(dirs, maxFiles);
  const t: Record<string, number> = { read: 0, decode: 0, clean: 0, tokenise: 0, analyse: 0, index: 0, cacheWrite: 0 };
  // The dictionary as the ingestion workers get it (dictionary.ts), not kuromoji's own loader.
  const kuro = kuromojiOf(loadDictionaryDataSync(resolve(dictionaryPath())));
  let tokenChars = 0;
  const memo = new ClauseMemo<Token[]>(100_000);
  const tokenizer: Tokenizer = {
    tokenize(text: string): Token[] {
      const t0 = now();
      const out: Token[] = [];
      for (const c of splitClauses(text)) {
        // As the ingestion workers do (ingestWorker.ts): a clause memo, and only what
        // `selectEntityTokens` keeps of each clause (the tokens the analysis reads).
        const list = memo.get(c.text, () => {
          tokenChars += c.text.length;
          return selectEntityTokens(kuromojiTokens(kuro, c.text));
        });
        for (const k of list) out.push({ ...k, start: k.start + c.start });
      }
      t.tokenise += now() - t0;
      return out;
    },
  };
  // Warm the JIT and the dictionary's lazily built tables on a few files first.
  const cacheDir = mkdtempSync(join(tmpdir(), "shutten-profile-"));
  const cache = new AnalysisCache(cacheDir, { tool: "profile", analysis: "profile" }, nodeCacheFsSync);
  const segment = new SegmentBuilder();
  let bodyChars = 0;
  const bodies: string[] = [];
  let written = 0;
  for (const [pass, list] of [["warm", files.slice(0, 20)], ["measure", files]] as const) {
    if (pass === "measure") for (const k of Object.keys(t)) t[k] = 0;
    for (const f of list) {
      let t0 = now();
      const bytes = readFileSync(f);
      t.read += now() - t0;
      t0 = now();
      // decode + hash, then the rest of loadSource (front matter, boilerplate, metadata) as "clean".
      decodeBytes(bytes);
      createHash("sha256").update(bytes).digest("hex");
      const t1 = now();
      t.decode += t1 - t0;
      const loaded = loadSource(bytes, { path: f, relPath: f, catalogue: null });
      t.clean += Math.max(0, now() - t1 - (t1 - t0));
      const src = loaded.source;
      if (!src) continue;
      if (pass === "measure") for (const b of src.body) (bodyChars += b.end - b.start), bodies.push(src.text.slice(b.start, b.end));
      if (only === "clean") continue;
      const tokBefore = t.tokenise;
      t0 = now();
      const a: AnalyzedText = analyzeText(src.text, src.body, { published: parsePublished(src.meta.published), tokenizer, aliases: new AliasTable() });
      t.analyse += now() - t0 - (t.tokenise - tokBefore);
      if (only === "tokenise") continue;
      t0 = now();
      segment.add({ text: src.text, sentences: a.sentences });
      t.index += now() - t0;
      t0 = now();
      await cache.put(cache.keyFor({ hash: src.hash, published: src.meta.published, aliases: "", body: JSON.stringify(src.body) }), a);
      // A worker writes its held records once per batch of 8 files (ingestWorker.ts).
      if (++written % 8 === 0) await cache.flush();
      t.cacheWrite += now() - t0;
    }
  }
  const f0 = now();
  if (only === undefined) segment.finish();
  t.index += now() - f0;
  rmSync(cacheDir, { recursive: true, force: true });
  const total = Object.values(t).reduce((a, b) => a + b, 0);
  const bodyFile = join(tmpdir(), `shutten-profile-bodies-${process.pid}.txt`);
  writeFileSync(bodyFile, bodies.join("\n"));
  // MeCab's own CPU time (the shell's `times`: children's user and system time), or wall time.
  const m0 = performance.now();
  const run = spawnSync("sh", ["-c", `mecab < '${bodyFile}' > /dev/null; times`], { encoding: "utf8" });
  const wallMs = performance.now() - m0;
  const child = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(run.stdout ?? "");
  const mecabMs = wall || !child ? wallMs : (Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4])) * 1000;
  rmSync(bodyFile, { force: true });
  const rows = Object.entries(t).map(([k, v]) => `| ${k} | ${v.toFixed(0)} ms | ${((v / total) * 100).toFixed(1)} % | ${Math.round(bodyChars / v).toLocaleString("en")} kchars/s |`);
  console.log(`${files.length} files, ${bodyChars.toLocaleString("en")} body chars, ${tokenChars.toLocaleString("en")} chars tokenised\n`);
  console.log(`clock: ${wall ? "wall time" : "CPU time (user + system)"}; load average ${loadavg().map((x) => x.toFixed(2)).join(" ")}\n`);
  console.log("| stage | time (one thread) | share | body chars per stage-second |\n| --- | --- | --- | --- |");
  console.log(rows.join("\n"));
  console.log(`| **total** | ${total.toFixed(0)} ms | | ${Math.round(bodyChars / total).toLocaleString("en")} kchars/s |`);
  console.log(`\nMeCab on the same body text: ${mecabMs.toFixed(0)} ms (${Math.round(bodyChars / mecabMs).toLocaleString("en")} kchars/s); one-thread ratio ${(mecabMs / total).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
