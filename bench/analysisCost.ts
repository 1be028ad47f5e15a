/**
 * CPU time of everything a cold-index file job does besides kuromoji's lattice: read, decode, clean,
 * `analyzeText` with every clause's tokens already in the workers' clause memo (so only the memo
 * lookups and token copies of tokenising remain), the cache write and the digest (snapshot record and
 * index input). A warm pass fills the memo; the measured pass repeats the same files `--rounds` times.
 * Run under `node --cpu-prof` to see where the rest of a worker's time goes.
 *
 *   node --import tsx bench/analysisCost.ts [--files 1500] [--rounds 2] [--profile FILE.cpuprofile] [DIR…]
 *
 * `--profile` writes a CPU profile of the measured rounds alone (no kuromoji lattice in it).
 */
import { Session } from "node:inspector/promises";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { nodeCorpusFsSync } from "../server/src/core/corpus/corpusFs";
import { readCorpusFile } from "../server/src/core/corpus/loadCorpus";
import { digestResult, runFileJob, type IngestContext } from "../server/src/core/ingest/fileJob";
import { AnalysisCache, nodeCacheFsSync } from "../server/src/core/index/cache";
import { loadDictionaryDataSync } from "../server/src/core/text/dictionary";
import { entityTokenizer } from "../server/src/core/text/entityTokenizer";
import { ClauseMemo, dictionaryPath, kuromojiOf, type Token } from "../server/src/core/text/tokenizer";
import { articleFiles } from "./articleFiles";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const maxFiles = Number(opt("files") ?? "1500");
const rounds = Number(opt("rounds") ?? "2");
const profileFile = opt("profile");
const dirs = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--")));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main() {
  const files = articleFiles(dirs, maxFiles);
  const kuro = kuromojiOf(loadDictionaryDataSync(resolve(dictionaryPath())));
  const memo = new ClauseMemo<Token[]>(1_000_000);
  // The ingestion worker's tokenizer (ingestWorker.ts).
  const tokenizer = entityTokenizer(kuro, memo);
  const t: Record<string, number> = { read: 0, job: 0, digest: 0 };
  const session = profileFile ? new Session() : null;
  session?.connect();
  let chars = 0;
  for (let round = 0; round <= rounds; round++) {
    const cacheDir = mkdtempSync(join(tmpdir(), "shutten-cost-"));
    const cache = new AnalysisCache(cacheDir, { tool: "cost", analysis: "cost" }, nodeCacheFsSync);
    const ctx: IngestContext = { fs: nodeCorpusFsSync, cache, aliasHash: "", tokenizer: () => tokenizer };
    let jobs = 0;
    if (round === 1) {
      for (const k of Object.keys(t)) t[k] = 0;
      if (session) {
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: 200 });
        await session.post("Profiler.start");
      }
    }
    for (const f of files) {
      let t0 = cpu();
      const loaded = await readCorpusFile({ abs: f, rel: f }, nodeCorpusFsSync, null, 50 * 1024 * 1024);
      t.read += cpu() - t0;
      if (round >= 1 && loaded.source) for (const b of loaded.source.body) chars += b.end - b.start;
      t0 = cpu();
      const r = await runFileJob({ abs: f, rel: f, catalogue: null, maxBytes: 50 * 1024 * 1024 }, ctx);
      // A worker writes its held cache records once per batch of 8 files (ingestWorker.ts).
      if (++jobs % 8 === 0) await cache.flush();
      t.job += cpu() - t0;
      t0 = cpu();
      digestResult(r);
      t.digest += cpu() - t0;
    }
    rmSync(cacheDir, { recursive: true, force: true });
  }
  if (session) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(profileFile!, JSON.stringify(profile));
  }
  const per = (ms: number) => `${ms.toFixed(0)} ms (${(ms / rounds).toFixed(0)} per round, ${((ms * 1e6) / chars).toFixed(0)} ns/char)`;
  console.log(`${files.length} files × ${rounds} rounds, ${chars / rounds} body chars per round`);
  console.log(`read+decode+clean: ${per(t.read)}`);
  console.log(`file job (read..cache write, memo-hit tokenising): ${per(t.job)}`);
  console.log(`  => without reading: ${per(t.job - t.read)}`);
  console.log(`digest: ${per(t.digest)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
