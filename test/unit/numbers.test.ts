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
