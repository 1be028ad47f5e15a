import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { buildCorpus } from "../../server/src/core/ingest/buildCorpus";
import { CorpusHost } from "../../server/src/core/corpusHost";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { StoredSource } from "../../server/src/core/index/snapshot";
import { loadTokenizer } from "../../server/src/core/text/tokenizer";

const work = mkdtempSync(join(tmpdir(), "shutten-host-"));
const corpus = join(work, "corpus");
const cacheDir = join(work, "cache");
cpSync(resolve(__dirname, "../../corpus"), corpus, { recursive: true });
after(() => rmSync(work, { recursive: true, force: true }));

function hostFor(): CorpusHost {
  return new CorpusHost({ log: () => undefined, options: async () => ({ corpusDir: corpus, cacheDir }) });
}

/** Everything a check reads from an index, as plain data. */
function lookups(index: CorpusIndex, phrases: string[]): unknown {
  return {
    keys: index.keys(),
    problems: index.problems.map((p) => `${p.path}:${p.message}`).sort(),
    sources: index.sources.map((s) => ({ meta: s.meta, text: s.text, body: s.body, sentences: s.sentences, quotes: s.quotes, entities: s.entities, events: s.events, numbers: s.numbers, dates: s.dates })),
    found: phrases.map((p) => ({
      exact: index.findExact(p).map((m) => [m.source.meta.key, m.span, m.sentence]),
      near: index.findNear(p, 0.7).map((m) => [m.source.meta.key, m.span, m.distance]),
      similar: index.similarSentences(p, 8).map((h) => [h.source.meta.key, h.index, h.score]),
      cited: index.similarSentences(p, 8, [index.keys()[0]]).map((h) => [h.source.meta.key, h.index, h.score]),
    })),
  };
}

async function fullRebuild(): Promise<CorpusIndex> {
  const built = await buildCorpus({ corpusDir: corpus, tokenizer: await loadTokenizer(), cache: null });
  return new CorpusIndex(built.sources, built.problems);
}

describe("corpus host: snapshot and incremental re-index", () => {
  it("a warm start from the snapshot and an overlay after a change answer as a full rebuild does", async () => {
    const cold = hostFor();
    const first = await cold.load();
    await cold.flush();
    const phrases = first.index.sources.flatMap((s) => s.quotes.slice(0, 3).map((q) => q.normalized)).filter((p) => p.length >= 4);
    assert.ok(phrases.length > 3);

    const warm = hostFor();
    const loaded = await warm.load();
    assert.ok(loaded.index.sources.every((s) => s instanceof StoredSource), "sources come from the snapshot");
    assert.deepEqual(lookups(loaded.index, phrases), lookups(await fullRebuild(), phrases));

    // Change one article (a sentence added) and add a new one: an overlay over the snapshot's base.
    const files = loaded.index.sources.map((s) => s.meta.path);
    const original = readFileSync(files[1], "utf8");
    try {
      writeFileSync(files[1], original.replace("。", "。ロシア側は協議の継続を表明した。"));
      writeFileSync(join(corpus, "zz_added.txt"), "追加の記事\n\n2025年4月1日\n\n両国の代表は「協議を続ける」と述べた。会談は3時間に及んだ。\n");
      const changed = await warm.invalidate([files[1], join(corpus, "zz_added.txt")]);
      assert.equal(changed.index.size, loaded.index.size + 1);
      assert.ok(changed.index.overlaySize >= 2);
      assert.deepEqual(lookups(changed.index, [...phrases, "協議を続ける"]), lookups(await fullRebuild(), [...phrases, "協議を続ける"]));
    } finally {
      writeFileSync(files[1], original);
      rmSync(join(corpus, "zz_added.txt"), { force: true });
    }
    const back = await warm.invalidate();
    assert.deepEqual(lookups(back.index, phrases), lookups(await fullRebuild(), phrases));
  });
});
