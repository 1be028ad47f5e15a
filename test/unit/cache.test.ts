import assert from "node:assert/strict";
import { appendFileSync, closeSync, cpSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { buildCorpus, type AnalyzeFn } from "../../server/src/core/ingest/buildCorpus";
import { AnalysisCache, nodeCacheFsSync, resolveCacheDir, type CacheFs } from "../../server/src/core/index/cache";
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

/** The records of every pack in the cache: pack path, header offset, entry length (from the index files). */
function records(cacheDir: string): { pack: string; offset: number; length: number }[] {
  const dir = join(cacheDir, "analysis-v3");
  const out: { pack: string; offset: number; length: number }[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".idx"))) {
    for (const line of readFileSync(join(dir, f), "latin1").split("\n").filter(Boolean)) {
      const [, , length, , offset] = line.split(" ");
      out.push({ pack: join(dir, f.replace(/\.idx$/, ".pack")), offset: Number(offset), length: Number(length) });
    }
  }
  return out;
}

test("corrupt entries and another version's entries are rebuilt", async () => {
  const { corpus, cacheDir, cleanup } = tempCorpus();
  try {
    const { analyze } = countingAnalyze();
    await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    // A cold build writes one pack (and its index), not a file per source.
    const files = readdirSync(join(cacheDir, "analysis-v3")).sort();
    assert.deepEqual(files.map((f) => f.replace(/^.*\./, "")), ["idx", "pack"]);
    // Corrupt every entry (the record headers stay intact: the entries themselves are bad).
    const recs = records(cacheDir);
    assert.equal(recs.length, 4);
    for (const r of recs) {
      const fd = openSync(r.pack, "r+");
      writeSync(fd, "{not json", r.offset + 91);
      closeSync(fd);
    }
    const c1 = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    const r1 = await buildCorpus({ dir: corpus, cache: c1, analyze, tokenizer: noTokenizer });
    assert.equal(r1.stats.analysed, 4);
    assert.equal(c1.stats.rejected, 4);
    const r2 = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    assert.equal(r2.stats.fromCache, 4);
    const r3 = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t2", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    assert.equal(r3.stats.analysed, 4, "a new tool version misses");
    // Packs and their indexes only: no temp files.
    for (const f of readdirSync(join(cacheDir, "analysis-v3"))) assert.ok(/\.(pack|idx)$/.test(f), f);
  } finally {
    cleanup();
  }
});

test("a same-length edit inside a record that leaves valid JSON is caught by its checksum and rebuilt", async () => {
  const { corpus, cacheDir, cleanup } = tempCorpus();
  try {
    const { analyze } = countingAnalyze();
    const first = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    for (const r of records(cacheDir)) {
      const bytes = readFileSync(r.pack);
      const json = bytes.subarray(r.offset + 91, r.offset + 91 + r.length).toString("latin1");
      // A sentence's end offset, one digit changed: still valid JSON, the same length, wrong data.
      const m = /"end":(\d)/.exec(json)!;
      const at = r.offset + 91 + m.index + 6;
      const fd = openSync(r.pack, "r+");
      writeSync(fd, m[1] === "9" ? "8" : String(Number(m[1]) + 1), at);
      closeSync(fd);
    }
    const c1 = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    const again = await buildCorpus({ dir: corpus, cache: c1, analyze, tokenizer: noTokenizer });
    assert.equal(c1.stats.rejected, 4);
    assert.equal(again.stats.analysed, 4);
    assert.deepEqual(again.sources.map((s) => s.sentences), first.sources.map((s) => s.sentences));
    const c2 = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    await buildCorpus({ dir: corpus, cache: c2, analyze, tokenizer: noTokenizer });
    assert.equal(c2.stats.hits, 4, "the rebuilt entries supersede the damaged ones");
  } finally {
    cleanup();
  }
});

test("a torn write (crash mid-append) reads as absent and leaves earlier entries intact", async () => {
  const { corpus, cacheDir, cleanup } = tempCorpus();
  try {
    const { analyze } = countingAnalyze();
    await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    const recs = records(cacheDir);
    const last = recs.reduce((a, b) => (b.offset > a.offset ? b : a));
    // The last record loses its tail; a half-written index line follows the complete ones.
    truncateSync(last.pack, last.offset + 91 + Math.floor(last.length / 2));
    appendFileSync(last.pack.replace(/\.pack$/, ".idx"), "SP3 0123");
    const c1 = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    const r1 = await buildCorpus({ dir: corpus, cache: c1, analyze, tokenizer: noTokenizer });
    assert.equal(r1.stats.fromCache, 3);
    assert.equal(r1.stats.analysed, 1);
    assert.equal(c1.stats.rejected, 1);
    // A pack with a garbled index reads as absent, never as wrong data.
    for (const f of readdirSync(join(cacheDir, "analysis-v3"))) if (f.endsWith(".idx")) writeFileSync(join(cacheDir, "analysis-v3", f), "x".repeat(104 * 3));
    const r2 = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    assert.equal(r2.stats.analysed, 4);
    const r3 = await buildCorpus({ dir: corpus, cache: new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }), analyze, tokenizer: noTokenizer });
    assert.equal(r3.stats.fromCache, 4);
    assert.deepEqual(r3.sources.map((s) => s.sentences.length), r1.sources.map((s) => s.sentences.length));
  } finally {
    cleanup();
  }
});

test("one cache instance reads back what it wrote; a new instance reads every writer's entries", async () => {
  const { cacheDir, cleanup } = tempCorpus();
  try {
    const a = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    const b = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    const value = (n: number): AnalyzedText => ({ sentences: [{ start: 0, end: n, text: "「引用」".repeat(n), paragraph: 0 }], quotes: [], entities: [], events: [], numbers: [], dates: [] });
    const keys = [1, 2, 3].map((n) => a.keyFor({ hash: `h${n}`, published: null, aliases: "", body: "[]" }));
    assert.equal(await b.get(keys[0]), null);
    await Promise.all(keys.map((k, i) => a.put(k, value(i + 1))));
    assert.deepEqual(await a.get(keys[2]), value(3));
    const c = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    for (let i = 0; i < 3; i++) assert.deepEqual(await c.get(keys[i]), value(i + 1));
    assert.equal(a.stats.writes, 3);
  } finally {
    cleanup();
  }
});

test("a writer that keeps its files open holds records until flushed, writes the same records; release closes them; a failed write starts another pack", async () => {
  const { cacheDir, cleanup } = tempCorpus();
  try {
    let opened = 0;
    let open = 0;
    let failNext = false;
    const fsTracked: CacheFs = {
      ...nodeCacheFsSync,
      openAppend(p) {
        const h = nodeCacheFsSync.openAppend!(p);
        opened++;
        open++;
        return {
          append(data) {
            if (failNext) throw new Error("disk full");
            h.append(data);
          },
          close() {
            open--;
            h.close();
          },
        };
      },
    };
    const w = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" }, fsTracked);
    const value = (n: number): AnalyzedText => ({ sentences: [{ start: 0, end: n, text: "「引用」".repeat(n), paragraph: 0 }], quotes: [], entities: [], events: [], numbers: [], dates: [] });
    const keys = [1, 2, 3, 4, 5].map((n) => w.keyFor({ hash: `h${n}`, published: null, aliases: "", body: "[]" }));
    await w.put(keys[0], value(1));
    await w.put(keys[1], value(2));
    // Held until flushed; a read of a held entry flushes first.
    assert.equal(opened, 0);
    assert.deepEqual(await w.get(keys[1]), value(2));
    assert.equal(opened, 2);
    assert.equal(open, 2);
    await w.release();
    assert.equal(open, 0);
    await w.put(keys[2], value(3));
    await w.flush();
    assert.equal(opened, 4);
    failNext = true;
    await w.put(keys[3], value(4));
    await w.flush();
    failNext = false;
    assert.equal(open, 0);
    assert.equal(w.stats.writeErrors, 1);
    assert.equal(w.stats.writes, 3);
    await w.put(keys[4], value(5));
    await w.release();
    assert.equal(open, 0);
    const packs = readdirSync(join(cacheDir, "analysis-v3")).filter((f) => f.endsWith(".pack"));
    assert.equal(packs.length, 2);
    const recs = records(cacheDir);
    assert.equal(recs.length, 4);
    const r = new AnalysisCache(cacheDir, { tool: "t1", analysis: "a1" });
    for (const i of [0, 1, 2, 4]) assert.deepEqual(await r.get(keys[i]), value(i + 1));
    assert.equal(await r.get(keys[3]), null);
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

test("property: the checksum is CRC-32 as zlib computes it, whichever implementation runs", async () => {
  const { crc32, crc32Js } = await import("../../server/src/core/index/checksum");
  const zlib = await import("node:zlib");
  const native = (zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number }).crc32;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 50 }), (a, b) => {
      assert.equal(crc32Js(a), crc32(a));
      assert.equal(crc32Js(b, crc32Js(a)), crc32(Buffer.concat([a, b])), "continues from a seed");
      if (native) assert.equal(crc32Js(a), native(a));
    }),
  );
});
