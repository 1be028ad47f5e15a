import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { alignWithin, bigrams, Bm25, diffChars, editDistance } from "../../server/src/core/index/textSearch";
import { SegmentBuilder, segmentInput } from "../../server/src/core/index/corpusIndex";

describe("text search primitives", () => {
  it("finds a quote with one changed character inside a long sentence", () => {
    const text = "米ホワイトハウスのレビット大統領報道官は「トランプ大統領は両当事者にいつもいら立っている」と述べた。";
    const a = alignWithin("トランプ大統領は両当事者にいつもいらだっている", text)!;
    assert.equal(a.distance, 1);
    assert.equal(text.slice(a.start, a.end), "トランプ大統領は両当事者にいつもいら立っている");
  });

  it("gives up early when no substring is within the allowed distance", () => {
    assert.equal(alignWithin("和平合意は目前に迫っている", "ロシアは行動しなければならない", 3), null);
  });

  it("alignment distance is never more than the plain edit distance to the whole text", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), (p, t) => {
        const a = alignWithin(p, t)!;
        assert.ok(a.distance <= editDistance(p, t));
        assert.equal(a.distance, editDistance(p, t.slice(a.start, a.end)));
      }),
    );
  });

  it("diff runs rebuild both strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), (a, b) => {
        const runs = diffChars(a, b);
        assert.equal(runs.filter((r) => r.kind !== "insert").map((r) => r.text).join(""), a);
        assert.equal(runs.filter((r) => r.kind !== "delete").map((r) => r.text).join(""), b);
      }),
    );
  });

  it("bigrams skip punctuation so sentences compare by content", () => {
    assert.deepEqual(bigrams("会談、合意"), ["会談", "合意"]);
  });

  it("BM25 ranks the sentence sharing rare bigrams first", () => {
    const bm = new Bm25();
    bm.add(bigrams("プーチン大統領は米特使と会談した"));
    bm.add(bigrams("トランプ氏は関税を警告した"));
    bm.add(bigrams("天気は晴れ"));
    const hits = bm.search(bigrams("トランプ大統領が関税を警告"), 3);
    assert.equal(hits[0].doc, 1);
  });
});

describe("BM25 built from text", () => {
  const sentences = ["プーチン大統領は米特使と会談した", "トランプ氏は関税を警告した", "天気は晴れ、𠮷野家は混んだ", "大統領は関税の見直しを表明した"];
  const built = () => {
    const bm = new Bm25();
    for (const s of sentences) bm.addText(s);
    return bm;
  };

  it("adding text equals adding its bigrams (terms, frequencies, scores)", () => {
    const byText = built();
    const byTerms = new Bm25();
    for (const s of sentences) byTerms.add(bigrams(s));
    assert.deepEqual(byText.toData(), byTerms.toData());
    const query = bigrams("大統領が関税を警告");
    assert.deepEqual(byText.search(query, 4), byTerms.search(query, 4));
  });

  it("a ranker restored from its arrays finds terms and ranks as the one built", () => {
    const bm = built();
    const restored = Bm25.fromData(bm.toData());
    const query = bigrams("大統領が関税を警告");
    assert.ok(restored.search(query, 4).length > 0);
    assert.deepEqual(restored.search(query, 4), bm.search(query, 4));
    assert.equal(restored.termId("関税"), bm.termId("関税"));
    assert.equal(restored.docFrequency(restored.termId("大統")!), 2);
    // Adding after a restore continues the same term ids.
    restored.addText("関税の会談");
    bm.addText("関税の会談");
    assert.deepEqual(restored.toData(), bm.toData());
  });

  it("a finished build keeps no spare room in its lists, and ranks and grows as before", async () => {
    const bm = built();
    const plain = built();
    await bm.preparePostings(async () => undefined);
    assert.deepEqual(bm.toData(), plain.toData());
    for (const a of [bm.toData().docTerm, bm.toData().docTf, bm.toData().docStart, bm.toData().lengths]) assert.equal(a.byteLength, a.buffer.byteLength);
    const query = bigrams("大統領が関税を警告");
    assert.deepEqual(bm.search(query, 4), plain.search(query, 4));
    bm.addText("関税の会談");
    plain.addText("関税の会談");
    assert.deepEqual(bm.toData(), plain.toData());
  });
});

describe("nearest keys", () => {
  it("suggests the same keys, in the same order, as measuring every key (property)", async () => {
    const { CorpusIndex, suggestionSlack } = await import("../../server/src/core/index/corpusIndex");
    const naive = (keys: string[], key: string, limit: number) => {
      const k = key.toLowerCase();
      return keys
        .map((c) => ({ c, d: editDistance(k, c.toLowerCase()) - (c.toLowerCase().startsWith(k) || k.startsWith(c.toLowerCase()) ? 2 : 0) }))
        .filter((x) => x.d <= suggestionSlack(key))
        .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
        .slice(0, limit)
        .map((x) => x.c);
    };
    const keyChars = fc.constantFrom(..."abcdeXY-_:0123");
    const keyArb = fc.array(keyChars, { minLength: 1, maxLength: 12 }).map((cs) => cs.join(""));
    fc.assert(
      fc.property(fc.uniqueArray(keyArb, { minLength: 1, maxLength: 40 }), keyArb, fc.integer({ min: 1, max: 6 }), (keys, key, limit) => {
        const sources = keys.map((k) => ({ meta: { key: k, path: k, title: null, outlet: null, published: null, url: null, originals: [] }, text: "", body: [], sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [], hash: "", encoding: "utf-8" }));
        const index = new CorpusIndex(sources as never);
        assert.deepEqual(index.nearestKeys(key, limit), naive(keys, key, limit));
      }),
      { numRuns: 300 },
    );
  });
});

describe("nearest keys in a large corpus", () => {
  it("suggests nothing for a key unlike every key, and the closest among thousands of similar ones", async () => {
    const { CorpusIndex } = await import("../../server/src/core/index/corpusIndex");
    // Keys as a news archive has them: one outlet prefix and a long article number.
    const keys = Array.from({ length: 5000 }, (_, i) => `topic-news-${6000000 + i * 7}`);
    const sources = keys.map((k) => ({ meta: { key: k, path: k, title: null, outlet: null, published: null, url: null, originals: [] }, text: "", body: [], sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [], hash: "", encoding: "utf-8" }));
    const index = new CorpusIndex(sources as never);
    assert.deepEqual(index.nearestKeys("nifty電話占い", 3), []);
    assert.deepEqual(index.nearestKeys("topic-news-6000008", 3), ["topic-news-6000000", "topic-news-6000007", "topic-news-6000028"]);
  });
});

describe("edit distance on bit vectors", () => {
  it("equals the table's edit distance for keys up to 31 characters (property)", async () => {
    const { CorpusIndex } = await import("../../server/src/core/index/corpusIndex");
    // Through nearestKeys with limit 1 and a single key: the distance decides nothing there, so
    // compare the whole ranking of many keys instead (the ranking is the distance's only use).
    const chars = fc.constantFrom(..."abあい漢-0");
    const str = (max: number) => fc.array(chars, { minLength: 0, maxLength: max }).map((c) => c.join(""));
    fc.assert(
      fc.property(str(31), fc.uniqueArray(str(40), { minLength: 1, maxLength: 30 }), (key, keys) => {
        const sources = keys.map((k) => ({ meta: { key: k, path: k, title: null, outlet: null, published: null, url: null, originals: [] }, text: "", body: [], sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [], hash: "", encoding: "utf-8" }));
        const index = new CorpusIndex(sources as never);
        const want = keys
          .map((c) => ({ c, d: editDistance(key, c) - (c.startsWith(key) || key.startsWith(c) ? 2 : 0) }))
          .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
          .map((x) => x.c);
        assert.deepEqual(index.nearestKeys(key, keys.length, Infinity), want);
      }),
      { numRuns: 500 },
    );
  });
});

describe("a huge article is indexed in parts between requests", () => {
  it("the segment built in steps is the one built at once (trigrams, sentences, BM25)", () => {
    // Over 32,768 characters and 256 sentences, so the steps really split it.
    const sentence = (i: number) => `港市の第${i}回定例会見で市長は「図書館を無料にする」と述べ、予算は${i * 7}億円になる見通しだ。`;
    const text = Array.from({ length: 1200 }, (_, i) => sentence(i)).join("\n");
    const sentences: { start: number; end: number; text: string }[] = [];
    let at = 0;
    for (const line of text.split("\n")) {
      sentences.push({ start: at, end: at + line.length, text: line });
      at += line.length + 1;
    }
    const source = { text, sentences } as never;
    const whole = new SegmentBuilder();
    whole.add(source);
    const stepped = new SegmentBuilder();
    let yields = 0;
    for (const _ of stepped.addInputSteps(segmentInput(source))) yields++;
    for (const _ of stepped.finishSteps()) yields++;
    assert.ok(yields > 4, `it yielded (${yields} times)`);
    assert.deepEqual(stepped.finish().toData(), whole.finish().toData());
  });
});
