import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { extractDates, formatPartialDate, parsePartialDate } from "../../server/src/core/text/dates";

const ref = { year: 2025, month: 4, day: 12 };
const check = (text: string, expected: string[], reference: typeof ref | null = ref) =>
  assert.deepEqual(extractDates(text, reference).map((d) => formatPartialDate(d.date)), expected, text);

test("full dates, weekday suffixes, slashes and era names", () => {
  check("2025年3月24日(月)08時57分", ["2025-03-24"]);
  assert.equal(extractDates("2025年3月24日(月)08時57分", ref)[0].text, "2025年3月24日(月)");
  check("公開日:2025/04/12", ["2025-04-12"]);
  check("令和7年3月24日", ["2025-03-24"]);
  check("２０２５年３月２４日", ["2025-03-24"]);
  check("三月十八日", ["2025-03-18"]);
});

test("month-day takes the reference year; a bare day the reference month or the one before", () => {
  check("3月18日に", ["2025-03-18"]);
  check("11日、会談した", ["2025-04-11"]);
  check("20日に", ["2025-03-20"]);
  check("今月2日に", ["2025-04-02"]);
  check("先月2日に", ["2025-03-02"]);
});

test("two dates in a range give two dates, and a bare day follows the month just named", () => {
  check("2月12日と3月18日の2回", ["2025-02-12", "2025-03-18"]);
  check("2月12日、13日の両日", ["2025-02-12", "2025-02-13"]);
});

test("同日 repeats the previous date and 昨年 is the year before", () => {
  check("11日に会談。同日の記者会見で", ["2025-04-11", "2025-04-11"]);
  check("昨年の大統領選", ["2024"]);
  assert.equal(formatPartialDate(extractDates("同日", ref, { year: 2025, month: 4, day: 11 })[0].date), "2025-04-11");
});

test("a month with a period word is a month-only date", () => {
  check("3月下旬に米政府は", ["2025-03"]);
});

test("without a reference the unknown parts stay unknown", () => {
  check("5月15日にも開始", ["--05-15"], null);
});

test("durations and counters are not dates", () => {
  check("30日間の停戦", []);
  check("1カ月以内に", []);
  check("数日間", []);
});

test("property: a written y/m/d round-trips through extraction and formatting", () => {
  fc.assert(
    fc.property(fc.integer({ min: 1900, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
      const found = extractDates(`本文${y}年${m}月${d}日に`, null);
      assert.equal(found.length, 1);
      assert.deepEqual(found[0].date, { year: y, month: m, day: d });
      assert.deepEqual(parsePartialDate(formatPartialDate(found[0].date)), found[0].date);
    }),
  );
});
