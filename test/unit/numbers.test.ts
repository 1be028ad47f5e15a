import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { extractNumbers } from "../../server/src/core/text/numbers";

const check = (text: string, expected: [number, string][]) =>
  assert.deepEqual(extractNumbers(text).map((n) => [n.value, n.counter]), expected, text);

test("numbers with counters, qualifiers kept in the span", () => {
  check("30日間の停戦", [[30, "日間"]]);
  check("会談は4時間を超え", [[4, "時間"]]);
  assert.equal(extractNumbers("会談は4時間を超え")[0].text, "4時間を超え");
  check("対面会談は3回目となる", [[3, "回目"]]);
  check("1カ月以内に", [[1, "カ月"]]);
  check("5組10名様", [[5, "組"], [10, "名"]]);
});

test("full-width and kanji numerals, and every spelling of カ月", () => {
  check("１カ月", [[1, "カ月"]]);
  check("三回", [[3, "回"]]);
  check("2ヶ月と3か月と4ケ月", [[2, "カ月"], [3, "カ月"], [4, "カ月"]]);
});

test("dates, years and times of day are not numbers", () => {
  check("2025年3月18日08時57分", []);
  check("11日に会談", []);
});

test("kanji words that merely contain a numeral are not numbers", () => {
  check("一方、ロシアは", []);
});

test("property: any value with a counter round-trips", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 99999 }), fc.constantFrom("日間", "時間", "回目", "カ月", "人", "回"), (v, c) => {
      const found = extractNumbers(`約${v}${c}で`);
      assert.equal(found.length, 1);
      assert.equal(found[0].value, v);
      assert.equal(found[0].counter, c);
    }),
  );
});

test("counter words the list does not know are the word written after the number", () => {
  check("計8選手が出演", [[8, "選手"]]);
  check("6月の日本代表3連戦を振り返り", [[3, "連戦"]]);
  check("1コースと2コース", [[1, "コース"], [2, "コース"]]);
  check("男子400mメドレーリレー", [[400, "m"]]);
  check("2年連続のカンヌ選出", [[2, "年連続"]]);
});

test("large numbers written with kanji magnitudes have their full value", () => {
  check("約8万5千人が来場", [[85000, "人"]]);
  check("1万6千人と16000人", [[16000, "人"], [16000, "人"]]);
  check("560億円の利益", [[56_000_000_000, "円"]]);
  check("興行収入20億を超える", [[2_000_000_000, "(数)"]]);
});

test("a count of years is a number; a calendar year or an era year is not", () => {
  check("住友銀行に8年勤めた", [[8, "年"]]);
  check("2012年に", []);
  check("平成8年に", []);
  check("8年前に", []);
});

test("model numbers and codes are not quantities", () => {
  check("iPhone4SとF-05Dを比べた", []);
  check("G7の首脳", []);
});
