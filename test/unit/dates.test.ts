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

test("days named relative to the article's date resolve against it", () => {
  const published = { year: 2012, month: 8, day: 24 };
  check("23日放送分に生出演", ["2012-08-23"], published);
  check("昨日から発売", ["2012-08-23"], published);
  check("明日は三春町で町会議", ["2012-08-25"], published);
  check("本日21日に公開", ["2012-08-21"], published);
  check("先日18日に行われた", ["2012-08-18"], published);
  check("今月11日に対戦する", ["2012-08-11"], published);
  check("2日深夜放送の番組", ["2012-08-02"], published);
  // Across a month's end.
  check("明日", ["2012-09-01"], { year: 2012, month: 8, day: 31 });
});

test("a bare day takes the month of a date listed right before it, not of any earlier date", () => {
  const published = { year: 2012, month: 3, day: 19 };
  check("8月25日、26日に六本木で開かれる", ["2012-08-25", "2012-08-26"], published);
  check("6月16日の全国公開に先駆けて、19日には完成報告会見が開かれ", ["2012-06-16", "2012-03-19"], published);
});

test("one day, a rate per day and fractions are not dates", () => {
  const published = { year: 2012, month: 8, day: 2 };
  check("昨日一日で全部勝ちたかった", ["2012-08-01"], published);
  check("1日1回飲む", [], published);
  check("1日に2杯まで", [], published);
  check("1日あたり100人", [], published);
  check("割合は1/3程度になっている", [], published);
  check("8/1に再度配信", ["2012-08-01"], published);
});
