import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildCorpus, type AnalyzeFn } from "../../server/src/core/corpus/loadCorpus";
import { AnalysisCache, resolveCacheDir } from "../../server/src/core/index/cache";
import type { AnalyzedText } from "../../server/src/core/model";

const root = join(__dirname, "..", "..");

/** A stand-in analysis: one sentence per body span, and a count of the calls. */
function countingAnalyze(): { analyze: AnalyzeFn; calls: string[] } {
  const calls: string[] = [];
  const analyze: AnalyzeFn = (text, regions) => {
    calls.push(text.slice(0, 20));
    const a: AnalyzedText = { sentences: regions.map((r, i) => ({ ...r, text: text.slice(r.start, r.end), paragraph: i })), quotes: [], entities: [], events: [], numbers: [], dates: [] };
    return a;
  };
  return { analyze, calls };
}

const noTokenizer = async () => ({ tokenize: () => [] });

function tempCorpus(): { corpus: string; cacheDir: string; cleanup: () => void } {
  const base = mkdtempSync(join(tmpdir(), "shutten-cache-"));
  const corpus = join(base, "corpus");
  cpSync(join(root, "corpus"), corpus, { recursive: true });
  return { corpus, cacheDir: join(base, "cache"), cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

test("warm start analyses nothing; one changed file re-indexes alone", async () => {
  const { corpus, cacheDir, cleanup } = tempCorpus();
  try {
    const run = async () => {
      const { analyze, calls } = countingAnalyze();
      const cache = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
      const r = await buildCorpus({ dir: corpus, cache, analyze, tokenizer: noTokenizer });
      return { r, calls };
    };
    const cold = await run();
    assert.deepEqual(cold.r.stats.analysed, 4);
    const warm = await run();
    assert.equal(warm.calls.length, 0);
    assert.equal(warm.r.stats.fromCache, 4);
    assert.deepEqual(warm.r.sources.map((s) => s.sentences.length), cold.r.sources.map((s) => s.sentences.length));
    appendFileSync(join(corpus, "002_a7bcb88a404c413b.txt"), "\n追記された一文である。これは本文として十分な長さの文章だ。\n");
    const changed = await run();
    assert.equal(changed.r.stats.analysed, 1);
    assert.equal(changed.r.stats.fromCache, 3);
    // The corpus folder holds nothing new.
    assert.deepEqual(readdirSync(corpus).sort(), ["000_18e08435f6f2fa29.txt", "001_ab86abc2cc8096fe.txt", "002_a7bcb88a404c413b.txt", "003_da387fb42327dcfe.txt", "sources.yaml"]);
  } finally {
    cleanup();
  }
});

test("corrupt entries and another version's entries are rebuilt", async () => {
  const { corpus, cacheDir, cleanup } = tempCorpus();
  try {
    const { analyze } = countingAnalyze();
    await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    // Corrupt every entry.
    const shards = join(cacheDir, "analysis-v1");
    for (const d of readdirSync(shards)) for (const f of readdirSync(join(shards, d))) writeFileSync(join(shards, d, f), "{not json");
    const c1 = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    const r1 = await buildCorpus({ dir: corpus, cache: c1, analyze, tokenizer: noTokenizer });
    assert.equal(r1.stats.analysed, 4);
    assert.equal(c1.stats.rejected, 4);
    const r2 = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    assert.equal(r2.stats.fromCache, 4);
    const r3 = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t2", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    assert.equal(r3.stats.analysed, 4, "a new tool version misses");
    // No temp files are left behind.
    for (const d of readdirSync(shards)) for (const f of readdirSync(join(shards, d))) assert.ok(f.endsWith(".json"), f);
  } finally {
    cleanup();
  }
});

test("a cache inside the corpus is refused", async () => {
  const { corpus, cleanup } = tempCorpus();
  try {
    const { analyze } = countingAnalyze();
    const r = await buildCorpus({ dir: corpus, cache: new AnalysisCache(join(corpus, ".cache")), analyze, tokenizer: noTokenizer });
    assert.ok(r.problems.some((p) => p.code === "cache"));
    assert.deepEqual(readdirSync(corpus).filter((f) => f.startsWith(".")), []);
  } finally {
    cleanup();
  }
});

test("cache location precedence", () => {
  assert.equal(resolveCacheDir({ env: { SHUTTEN_CACHE_DIR: "/x/c", XDG_CACHE_HOME: "/xdg" }, setting: "/s" }), "/x/c");
  assert.equal(resolveCacheDir({ env: { XDG_CACHE_HOME: "/xdg" }, setting: "/s" }), "/s");
  assert.equal(resolveCacheDir({ env: { XDG_CACHE_HOME: "/xdg" } }), "/xdg/shutten");
  assert.equal(resolveCacheDir({ env: {}, homedir: "/home/u" }), "/home/u/.cache/shutten");
  void readFileSync;
});
