import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { splitSentences } from "../../server/src/core/text/sentences";

const all = (t: string) => splitSentences(t, [{ start: 0, end: t.length }]);

test("sentences end at 。！？ but not inside a quote", () => {
  const t = "レビット氏は「事実だ。一歩になる」と語った。次の文です！三つ目？";
  assert.deepEqual(all(t).map((s) => s.text), ["レビット氏は「事実だ。一歩になる」と語った。", "次の文です！", "三つ目？"]);
});

test("each non-empty line ends a sentence and blank lines start paragraphs", () => {
  const t = "見出し\n\n本文の一文目。二文目\n三行目\n\n次の段落。";
  const s = all(t);
  assert.deepEqual(s.map((x) => x.text), ["見出し", "本文の一文目。", "二文目", "三行目", "次の段落。"]);
  assert.deepEqual(s.map((x) => x.paragraph), [0, 1, 1, 1, 2]);
});

test("bullets and emoji are stripped from the sentence start", () => {
  const t = "✅ 会談は4時間を超えた。\n💡 結論。\n  • 記事を印刷する";
  assert.deepEqual(all(t).map((s) => s.text), ["会談は4時間を超えた。", "結論。", "記事を印刷する"]);
});

test("an unbalanced closing quote at a line start does not swallow the article", () => {
  const t = "代表団をトルコに派遣する」と表明\n\n次の段落。\n\nその次。";
  assert.equal(all(t).length, 3);
});

test("an opening quote never closed stays within its line", () => {
  const t = "彼は「終わらない引用\n\n次の段落。";
  assert.deepEqual(all(t).map((s) => s.text), ["彼は「終わらない引用", "次の段落。"]);
});

test("a quote wrapped over two lines stays in one sentence", () => {
  const t = "彼は「一行目の\n二行目」と述べた。";
  assert.equal(all(t).length, 1);
});

test("sentences stay inside the given regions and spans slice the text", () => {
  const t = "除外する行。\n本文。\n除外。";
  const s = splitSentences(t, [{ start: 7, end: 11 }]);
  assert.deepEqual(s.map((x) => x.text), ["本文。"]);
  for (const x of s) assert.equal(t.slice(x.start, x.end), x.text);
});

test("property: splitting never loses text (only whitespace and bullets fall between sentences)", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(..."あ亜。！？「」『』\n \n✅・AB".split("")), maxLength: 60 }), (t) => {
      const s = all(t);
      let pos = 0;
      for (const x of s) {
        assert.ok(x.start >= pos && x.end > x.start && x.end <= t.length);
        assert.equal(t.slice(x.start, x.end), x.text);
        assert.match(t.slice(pos, x.start), /^[\s✅・]*$/u);
        pos = x.end;
      }
      assert.match(t.slice(pos), /^[\s✅・]*$/u);
    }),
  );
});
