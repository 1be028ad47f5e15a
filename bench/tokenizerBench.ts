/**
 * The ingestion workers' tokenizer path (`entityTokenizer`: clause memo, lean lattice,
 * `selectEntityTokens`) under the conditions of a real cold index: the clauses exactly as
 * `analyzeText` hands them to the tokenizer, in file order, one worker's share of the files, and
 * (`--evict MB`) that much other memory touched between files, as the rest of a file job and the
 * young generation do — the lattice's dictionary arrays are then out of the caches at each file.
 *
 *   node --import tsx bench/tokenizerBench.ts --record FILE [DIR]       the clause stream of DIR's files
 *   node --import tsx bench/tokenizerBench.ts --stream FILE [--every 2] [--evict 16] [--memo 100000[,0]]
 *        [--passes 3] [--root DIR[,DIR]]                               CPU per clause character
 *
 * `--every k` keeps every k-th file (a worker's share of k workers); `--memo 0` runs without the
 * memo; `--root` imports server/src from other trees (the old code, for an A/B). Several roots or
 * memo sizes are measured file by file in turn in one process, so they share the machine's load.
 * Prints the memo's hit rate (clauses and characters) and CPU ns per character of the stream.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot } from "./generateCorpus";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function record(out: string, dir: string) {
  const { nodeCorpusFsSync } = await import("../server/src/core/corpus/corpusFs");
  const { runFileJob } = await import("../server/src/core/ingest/fileJob");
  const { articleFiles } = await import("./articleFiles");
  const files = articleFiles([dir], 1e9);
  const stream: string[][] = [];
  let clauses: string[] = [];
  const { splitClauses } = await import("../server/src/core/text/tokenizer");
  const tokenizer = {
    entityTokensOnly: true,
    tokenize: () => [],
    tokenizeInto(text: string) {
      for (const c of splitClauses(text)) clauses.push(c.text);
    },
  };
  for (const f of files) {
    clauses = [];
    await runFileJob({ abs: f, rel: f.slice(dir.length + 1), catalogue: null, maxBytes: 50 * 1024 * 1024 }, { fs: nodeCorpusFsSync, cache: null, aliasHash: "", tokenizer: () => tokenizer });
    stream.push(clauses);
  }
  writeFileSync(out, JSON.stringify(stream));
  console.log(`${files.length} files, ${stream.reduce((a, c) => a + c.length, 0)} clauses written to ${out}`);
}

/** One tree's worker tokenizer path over the shared stream (a fresh memo per pass, as a fresh worker has). */
async function variant(root: string, memoSize: number) {
  const src = (m: string) => join(root, "server", "src", "core", "text", m);
  const { loadDictionaryDataSync } = await import(src("dictionary.ts"));
  const { ClauseMemo, dictionaryPath, kuromojiOf } = await import(src("tokenizer.ts"));
  const { entityTokenizer } = await import(src("entityTokenizer.ts"));
  const kuro = kuromojiOf(loadDictionaryDataSync(resolve(dictionaryPath())));
  const noMemo = { get: (_: string, compute: () => unknown) => compute() };
  return () => {
    const memo = new ClauseMemo(memoSize > 0 ? memoSize : 1);
    const stats = { tokenized: 0, memo };
    const tok = entityTokenizer(kuro, memoSize > 0 ? memo : (noMemo as never), (n: number) => (stats.tokenized += n));
    return { tok, stats };
  };
}

async function run(streamFile: string) {
  // `--root A,B`: the trees measured, file by file in turn (A then B on one file, B then A on the
  // next), so both see the same load from other processes; `--memo` likewise one size per tree.
  const roots = (opt("root") ?? repoRoot).split(",").map((r) => resolve(r));
  const memoSizes = (opt("memo") ?? "100000").split(",").map(Number);
  const runs = Math.max(roots.length, memoSizes.length);
  const makers = [];
  for (let v = 0; v < runs; v++) makers.push(await variant(roots[Math.min(v, roots.length - 1)], memoSizes[Math.min(v, memoSizes.length - 1)]));
  const all = JSON.parse(readFileSync(streamFile, "utf8")) as string[][];
  const every = Number(opt("every") ?? "2");
  const files = all.filter((_, i) => i % every === 0);
  const evict = new Uint8Array(Number(opt("evict") ?? "0") * 1024 * 1024);
  let chars = 0;
  for (const f of files) for (const c of f) chars += c.length;
  const best = makers.map(() => Infinity);
  let sink = 0;
  for (let p = 0; p < Number(opt("passes") ?? "3"); p++) {
    const made = makers.map((m) => m());
    const ms = makers.map(() => 0);
    const out: unknown[] = [];
    for (let i = 0; i < files.length; i++) {
      for (let k = 0; k < runs; k++) {
        const v = i % 2 === 0 ? k : runs - 1 - k;
        if (evict.length) for (let j = 0; j < evict.length; j += 64) evict[j]++;
        const t0 = cpu();
        out.length = 0;
        for (const c of files[i]) made[v].tok.tokenizeInto(c, 0, out as never);
        sink += out.length;
        ms[v] += cpu() - t0;
      }
    }
    for (let v = 0; v < runs; v++) best[v] = Math.min(best[v], ms[v]);
    if (p === 0) {
      for (const { stats } of made) {
        const m = stats.memo;
        if (m.hits + m.misses > 0) console.log(`memo: ${m.hits} hits / ${m.hits + m.misses} clauses (${((100 * m.hits) / (m.hits + m.misses)).toFixed(1)} %), ${(100 * (1 - stats.tokenized / chars)).toFixed(1)} % of chars`);
      }
    }
    console.log(`pass ${p}: ` + ms.map((x) => `${((x * 1e6) / chars).toFixed(0)}`).join(" / ") + " ns/char");
  }
  for (let v = 0; v < runs; v++) {
    console.log(`${files.length} files, ${chars.toLocaleString("en")} chars, ${roots[Math.min(v, roots.length - 1)]} memo ${memoSizes[Math.min(v, memoSizes.length - 1)]}: best ${best[v].toFixed(0)} ms CPU, ${((best[v] * 1e6) / chars).toFixed(0)} ns/char (evicting ${evict.length >> 20} MB before each file)`);
  }
  if (sink < 0) console.log(sink);
}

const rec = opt("record");
(rec ? record(rec, resolve(argv[argv.indexOf("--record") + 2] ?? ".")) : run(opt("stream") ?? "/tmp/clauses.json")).catch((e) => {
  console.error(e);
  process.exit(1);
});
