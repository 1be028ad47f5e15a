import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { allMatches, charSet, charSetBits, matchesAt, matchesStartingWith, matchesWhere, positionsBySet, stickyOf } from "../../server/src/core/text/matches";

const shape = (ms: RegExpExecArray[]) => ms.map((m) => [m.index, ...m]);
const ALPHABET = [..."アロシーカタ米政府軍通信のが、・ 　入江陵介と「」さん氏ぁん𠮷ab12三十"];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 40 }).map((cs) => cs.join(""));

test("every match of a sentence pattern is found as matchAll finds it, empty matches and surrogate pairs included", () => {
  const patterns = [/(?<![ァ-ヴー])[ァ-ヴー]+/gu, /の|が|、/gu, /a*/gu, /(?:)/gu, /[^a]/gu, /\d+(?=[^\d])/gu];
  fc.assert(
    fc.property(text, (s) => {
      for (const re of patterns) assert.deepEqual(shape(allMatches(re, s)), shape([...s.matchAll(re)]));
    }),
  );
});

test("a search tried only where a match can start finds the same matches", () => {
  const words = /政府|通信社|通信|入江陵介|入江|米|ロシア/gu;
  const first = charSet(["政", "通", "入", "米", "ロ"]);
  const katakana = /(?<![ァ-ヴー])[ァ-ヴー]{2,}(?:政府|軍)/gu;
  const katakanaFirst = charSet("ー", [["ァ", "ヴ"]]);
  const runStart = (s: string, p: number) => p === 0 || !/[ァ-ヴー]/.test(s[p - 1]);
  const listItem = /(^|[、・])[入江陵介]{2,3}(?=と|、)/gu;
  const kanjiNext = (s: string, p: number) => /[入江陵介]/.test(s[p + 1] ?? "");
  fc.assert(
    fc.property(text, (s) => {
      assert.deepEqual(shape(matchesStartingWith(stickyOf(words), s, first)), shape([...s.matchAll(words)]));
      assert.deepEqual(shape(matchesWhere(stickyOf(katakana), s, katakanaFirst, runStart)), shape([...s.matchAll(katakana)]));
      assert.deepEqual(shape(matchesWhere(stickyOf(listItem), s, charSet("、・"), kanjiNext, true)), shape([...s.matchAll(listItem)]));
    }),
  );
});

test("searches tried at the positions one pass found for several tables find the same matches", () => {
  const words = /政府|通信社|通信|入江陵介|入江|米|ロシア/gu;
  const first = charSet(["政", "通", "入", "米", "ロ"]);
  const katakana = /(?<![ァ-ヴー])[ァ-ヴー]{2,}(?:政府|軍)/gu;
  const katakanaFirst = charSet("ー", [["ァ", "ヴ"]]);
  const runStart = (s: string, p: number) => p === 0 || !/[ァ-ヴー]/.test(s[p - 1]);
  const empty = /a*/gu;
  const aFirst = charSet("ab");
  const bits = charSetBits([first, katakanaFirst, aFirst]);
  fc.assert(
    fc.property(text, (s) => {
      const [atWords, atKatakana, atA] = positionsBySet(bits, 3, s);
      assert.deepEqual(shape(matchesAt(stickyOf(words), s, atWords)), shape([...s.matchAll(words)]));
      assert.deepEqual(shape(matchesAt(stickyOf(katakana), s, atKatakana, runStart)), shape([...s.matchAll(katakana)]));
      assert.deepEqual(shape(matchesAt(stickyOf(empty), s, atA)), shape(matchesStartingWith(stickyOf(empty), s, aFirst)));
    }),
  );
});
