import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { foldWidth, normalizeForMatch, normalizeWithMap, parseJapaneseNumber } from "../../server/src/core/text/normalize";

test("full and half width forms compare equal after normalisation", () => {
  assert.equal(normalizeForMatch("１カ月ＡＢＣ"), normalizeForMatch("1カ月abc"));
  assert.equal(normalizeForMatch("ｶﾞｽ"), normalizeForMatch("ガス"));
});

test("whitespace, line breaks and quote marks do not matter", () => {
  assert.equal(normalizeForMatch("「ロシアは\n 行動しなければ　ならない」"), normalizeForMatch("ロシアは行動しなければならない"));
  assert.equal(normalizeForMatch("『検討』が必要"), normalizeForMatch("“検討”が必要"));
});

test("long vowel mark variants after kana are unified", () => {
  assert.equal(normalizeForMatch("エネルギ－"), normalizeForMatch("エネルギー"));
  assert.equal(normalizeForMatch("エネルギ―"), normalizeForMatch("エネルギー"));
});

test("kanji and kana spellings stay different, so a misquote is visible", () => {
  assert.notEqual(normalizeForMatch("いら立っている"), normalizeForMatch("いらだっている"));
});

test("a match in normalised text maps back to the exact original span", () => {
  const src = "米高官「交渉停滞 いら立ち」と述べた";
  const n = normalizeWithMap(src);
  const at = n.text.indexOf("交渉停滞いら立ち");
  const span = n.spanToOriginal(at, at + "交渉停滞いら立ち".length);
  assert.equal(src.slice(span.start, span.end), "交渉停滞 いら立ち");
});

test("kanji, full-width and mixed numerals parse to numbers", () => {
  assert.equal(parseJapaneseNumber("三"), 3);
  assert.equal(parseJapaneseNumber("三十五"), 35);
  assert.equal(parseJapaneseNumber("二〇二五"), 2025);
  assert.equal(parseJapaneseNumber("１２"), 12);
  assert.equal(parseJapaneseNumber("1万2000"), 12000);
  assert.equal(parseJapaneseNumber("千三百"), 1300);
  assert.equal(parseJapaneseNumber("abc"), null);
});

test("property: every normalised char maps back into the input, in order", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(..."あア亜「」『』ー－ 　\nｶﾞ１aA、，。!?漢字停戦".split("")), maxLength: 40 }), (s) => {
      const n = normalizeWithMap(s);
      assert.equal(n.map.length, n.text.length);
      let prev = -1;
      for (const o of n.map) {
        assert.ok(o >= 0 && o < s.length);
        assert.ok(o >= prev);
        prev = o;
      }
      const span = n.spanToOriginal(0, n.text.length);
      assert.ok(span.start >= 0 && span.end <= s.length && span.start <= span.end);
    }),
  );
});

test("property: width folding keeps the length and is idempotent", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 30 }), (s) => {
      const f = foldWidth(s);
      assert.equal(f.length, s.length);
      assert.equal(foldWidth(f), f);
    }),
  );
});
