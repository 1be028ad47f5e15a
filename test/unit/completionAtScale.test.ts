// Completion over a corpus far larger than the list a writer can read: what they see first, that the
// list is capped and marked incomplete (so the editor asks again as they type), that a quote repeated
// by hundreds of articles does not hide every other quote, and that the precomputed tables answer
// exactly as sorting every source would. The large corpus is the sample corpus's sources copied under
// other keys and dates (a newsroom archive repeats articles and quotes the same way).
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { complete, COMPLETION_LIMIT } from "../../server/src/core/features/completion";
import { catalogFor, foldForLookup, searchEvents, searchQuotes, SOURCES_PER_PHRASE, type CorpusCatalog } from "../../server/src/core/features/corpusCatalog";
import { searchSourceKeys, sourceKeyTable } from "../../server/src/core/features/sourceKeyTable";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import type { IndexedSource } from "../../server/src/core/model";
import { sampleCorpus, type SampleCorpus } from "./featureFixture";

const COPIES = 150;

let sample: SampleCorpus;
let big: { index: CorpusIndex; catalog: CorpusCatalog };
before(async () => {
  sample = await sampleCorpus();
  const sources: IndexedSource[] = [];
  for (let i = 0; i < COPIES; i++) {
    for (const s of sample.index.sources) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      sources.push({ ...s, meta: { ...s.meta, key: `${s.meta.key}-copy${String(i).padStart(3, "0")}`, published: `2024-${String(1 + (i % 12)).padStart(2, "0")}-${day}` } });
    }
  }
  const index = new CorpusIndex(sources, []);
  big = { index, catalog: catalogFor(index, sample.tokenizer) };
});

/** Completion at the end of `text`. */
const completeEnd = (text: string, on: { index: CorpusIndex; catalog: CorpusCatalog }) => complete(text, text.length, on.index, on.catalog);

describe("completion on a large corpus", () => {
  it("typing 「 and two characters of a quote offers that quote first", () => {
    const r = completeEnd("プーチン氏は「検討", big)!;
    assert.equal(r.items[0].label, "検討が必要");
    assert.equal(r.items[0].kind, "quote");
    const kana = completeEnd("プーチン氏は「けん", big)!;
    assert.ok(kana.items.slice(0, SOURCES_PER_PHRASE * 3).some((i) => i.label === "検討が必要"), kana.items.map((i) => i.label).join(" | "));
  });

  it("every quote of the corpus is offered after its first two characters, among the first few phrases", () => {
    const seen = new Set<string>();
    for (const q of sample.catalog.quotes) {
      const words = q.unit.text.replace(/\s*\n\s*/g, "");
      const typed = q.unit.text.replace(/\s+/g, "").slice(0, 2);
      if (seen.has(words) || typed.length < 2) continue;
      seen.add(words);
      const r = completeEnd(`本文。「${typed}`, big)!;
      assert.ok(r, typed);
      const labels = r.items.map((i) => i.label);
      const label = words.length > 60 ? words.slice(0, 59) + "…" : words;
      assert.ok(labels.includes(label), `「${typed} → ${labels.slice(0, 10).join(" | ")} (want ${label})`);
      // A quote starting with what was typed exists, so the first one offered starts with it too.
      assert.ok(foldForLookup(r.items[0].label).startsWith(foldForLookup(typed)), `「${typed} → ${r.items[0].label}`);
    }
    assert.ok(seen.size > 20, `${seen.size} quotes tried`);
  });

  it("the quote list is capped and marked incomplete", () => {
    const r = completeEnd("記事は「", big)!;
    assert.equal(r.items.length, COMPLETION_LIMIT);
    assert.equal(r.incomplete, true);
    const one = completeEnd("記事は「と", big)!;
    assert.ok(one.items.length <= COMPLETION_LIMIT && one.incomplete);
  });

  it("a quote reported by hundreds of sources leaves room for the other quotes that match", () => {
    const hits = searchQuotes(big.catalog, "", COMPLETION_LIMIT);
    const firstPhrases = new Set(hits.slice(0, SOURCES_PER_PHRASE * 5).map((h) => h.quote.phrase.id));
    assert.equal(firstPhrases.size, 5, "each phrase offers its first sources before the next phrase");
    // Typed in full, the one quote that matches lists its sources, up to the cap.
    const all = searchQuotes(big.catalog, "検討が必要", COMPLETION_LIMIT);
    assert.ok(all.length >= COPIES / 2 || all.length === COMPLETION_LIMIT, `${all.length}`);
    assert.ok(all.every((h) => h.quote.folded.startsWith(foldForLookup("検討が必要")) || h.rank > 0));
  });

  it("quote hits are sorted by how they match, all match, and a short list is every match", () => {
    const typedSamples = fc.sample(fc.constantFrom(...big.catalog.phrases.map((p) => p.folded)), 60);
    fc.assert(
      fc.property(fc.constantFrom(...typedSamples), fc.nat(6), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 120 }), (words, from, len, limit) => {
        const q = words.slice(from, from + len);
        const hits = searchQuotes(big.catalog, q, limit);
        assert.ok(hits.length <= limit);
        for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].rank <= hits[i].rank, "sorted by rank");
        for (const h of hits) assert.ok(h.quote.folded.includes(q) || h.quote.reading.includes(q), `${h.quote.folded} holds ${q}`);
        assert.equal(new Set(hits.map((h) => h.quote.id)).size, hits.length, "no quote twice");
        if (hits.length < limit) {
          const every = big.catalog.quotes.filter((x) => x.folded.includes(q) || x.reading.includes(q));
          assert.equal(hits.length, every.length, "a list shorter than the cap holds every match");
        }
      }),
      { numRuns: 80 },
    );
  });

  it("`[@` lists the newest sources first, capped and marked incomplete", () => {
    const r = completeEnd("本文[@", big)!;
    assert.equal(r.items.length, COMPLETION_LIMIT);
    assert.equal(r.incomplete, true);
    const published = r.items.map((i) => big.index.sources.find((s) => s.meta.key === i.label)!.meta.published ?? "");
    for (let i = 1; i < published.length; i++) assert.ok(published[i - 1] >= published[i], "newest first");
  });

  it("key completion answers as sorting every source would: key prefix first, then title or outlet, newest first, then by key", () => {
    const table = sourceKeyTable(big.index);
    const reference = (prefix: string, limit: number) =>
      big.index.sources
        .map((s) => {
          const key = s.meta.key.toLowerCase();
          const hay = `${key} ${(s.meta.title ?? "").toLowerCase()} ${(s.meta.outlet ?? "").toLowerCase()}`;
          return { s, rank: !prefix ? 1 : key.startsWith(prefix) ? 0 : hay.includes(prefix) ? 1 : -1 };
        })
        .filter((x) => x.rank >= 0)
        .sort((a, b) => a.rank - b.rank || (b.s.meta.published ?? "").localeCompare(a.s.meta.published ?? "") || a.s.meta.key.localeCompare(b.s.meta.key))
        .slice(0, limit)
        .map((x) => `${x.rank}:${x.s.meta.key}`);
    const keys = big.index.sources.map((s) => s.meta.key.toLowerCase());
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.nat(30), fc.integer({ min: 0, max: 250 }), fc.constantFrom("", "日本", "news", "z"), (key, len, limit, other) => {
        const prefix = len > 25 ? other : key.slice(0, len);
        const got = searchSourceKeys(table, prefix, limit).map((x) => `${x.rank}:${x.source.meta.key}`);
        assert.deepEqual(got, reference(prefix, limit));
      }),
      { numRuns: 60 },
    );
  });

  it("events by date or participant come by date, then key, capped", () => {
    for (const typed of ["3月18日", "3月", "ぷーちん", "トランプ"]) {
      const hits = searchEvents(big.catalog, typed, 40);
      assert.ok(hits.length > 0 && hits.length <= 40, `${typed}: ${hits.length}`);
      for (let i = 1; i < hits.length; i++) {
        const [a, b] = [hits[i - 1], hits[i]];
        assert.ok(a.date < b.date || (a.date === b.date && a.source.meta.key.localeCompare(b.source.meta.key) <= 0), `${typed}: ${a.date} ${a.source.meta.key} before ${b.date} ${b.source.meta.key}`);
      }
    }
  });

  it("documentation is made only when read (the editor resolves the selected item)", () => {
    const r = completeEnd("本文。「検討", big)!;
    const item = r.items[0];
    assert.ok(Object.getOwnPropertyDescriptor(item, "documentation")?.get, "a getter, not a string made up front");
    assert.match(item.documentation, /\*\*検討が必要\*\*/);
  });
});
