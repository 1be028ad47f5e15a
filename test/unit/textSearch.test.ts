import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { alignWithin, bigrams, Bm25, diffChars, editDistance } from "../../server/src/core/index/textSearch";

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
