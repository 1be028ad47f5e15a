/**
 * Numbers with counters (`30日間`, `4時間`, `3回目`, `1カ月以内`, `5組`, `三回`, `１カ月`), with the value
 * normalised from any numeral form and the counter from any spelling (カ月/ヶ月/か月/ケ月 → カ月).
 * Dates, years and times of day are not numbers here: they belong to dates.ts.
 */
import type { Span } from "../model";
import { foldWidth, parseJapaneseNumber } from "./normalize";
import { charSet, matchesWhere } from "./matches";

export interface ExtractedNumber extends Span {
  text: string;
  value: number;
  counter: string;
}

/** Counters, longest first; the key is how the text may spell it, the value its normal form. */
const COUNTERS: [string, string][] = [
  ["カ月間", "カ月間"], ["ヶ月間", "カ月間"], ["か月間", "カ月間"], ["ケ月間", "カ月間"], ["ヵ月間", "カ月間"], ["箇月間", "カ月間"],
  ["カ月", "カ月"], ["ヶ月", "カ月"], ["か月", "カ月"], ["ケ月", "カ月"], ["ヵ月", "カ月"], ["箇月", "カ月"], ["カ国", "カ国"], ["ヶ国", "カ国"], ["か国", "カ国"], ["カ所", "カ所"], ["ヶ所", "カ所"], ["か所", "カ所"], ["箇所", "カ所"],
  ["日間", "日間"], ["時間", "時間"], ["週間", "週間"], ["年間", "年間"], ["分間", "分間"], ["秒間", "秒間"],
  ["回目", "回目"], ["度目", "度目"], ["日目", "日目"], ["年目", "年目"], ["番目", "番目"], ["期目", "期目"],
  ["万人", "万人"], ["千人", "千人"], ["億円", "億円"], ["万円", "万円"], ["兆円", "兆円"], ["万ドル", "万ドル"], ["億ドル", "億ドル"],
  ["パーセント", "%"], ["%", "%"], ["ドル", "ドル"], ["ユーロ", "ユーロ"], ["ルーブル", "ルーブル"], ["円", "円"],
  ["キロメートル", "km"], ["キロ", "キロ"], ["km", "km"], ["メートル", "m"],
  ["人", "人"], ["名", "名"], ["回", "回"], ["度", "度"], ["件", "件"], ["組", "組"], ["機", "機"], ["隻", "隻"], ["発", "発"], ["両", "両"],
  ["基", "基"], ["カ国", "カ国"], ["か国", "カ国"], ["国", "カ国"], ["党", "党"], ["社", "社"], ["項目", "項目"], ["点", "点"], ["つ目", "つ目"], ["つ", "つ"],
  ["年ぶり", "年ぶり"], ["年連続", "年連続"], ["年半", "年半"], ["歳", "歳"], ["倍", "倍"], ["割", "割"], ["分", "分"], ["秒", "秒"], ["週", "週"], ["日", "日間"],
].sort((a, b) => b[0].length - a[0].length) as [string, string][];

/** `COUNTERS` by the first character of the spelling, each list in `COUNTERS`' order. */
const COUNTERS_BY_FIRST = new Map<string, [string, string][]>();
for (const c of COUNTERS) {
  let list = COUNTERS_BY_FIRST.get(c[0][0]);
  if (!list) COUNTERS_BY_FIRST.set(c[0][0], (list = []));
  list.push(c);
}

/** Words after a counter that qualify it (`以内`, `超`, `以上`…); kept in the span and text only. */
const QUALIFIER = /^(?:以内|以上|以下|未満|超|余り|あまり|近く|程度|前後|ぶり|を超え)/u;

/**
 * A numeral: Arabic digits (with `,` groups and decimals), optionally mixed with kanji magnitudes as
 * news writes large numbers (`8万5千`, `1万2000`, `560億`, `3千`), or kanji numerals alone (`三`, `十五`).
 */
const ARABIC = "[0-9][0-9,]*(?:\\.[0-9]+)?[千百]?";
const NUMERAL = `(?:${ARABIC}(?:[万億兆](?:${ARABIC})?)*|[〇一二三四五六七八九十百千万億兆]+)`;
// Not inside a model number or code (`iPhone4S`, `F-05D`, `G7`).
const NUMBER_RE = new RegExp(`(?<![0-9.,〇一二三四五六七八九十百千万億兆第A-Za-z\\-])(${NUMERAL})`, "uy");
/** The characters a numeral starts with: the search is only tried where one stands. */
const NUMERAL_FIRST = charSet("〇一二三四五六七八九十百千万億兆", [["0", "9"]]);

/**
 * A counter the list does not know: the word right after the numeral. Japanese counts with an open
 * set of counter nouns (`8選手`, `3連戦`, `2連覇`, `1コース`, `400m`), so the written word itself is the
 * counter: a run of kanji (at most two, `連戦` of `3連戦連勝`), of katakana, or of Latin letters (a unit).
 * Both sides of a comparison go through the same rule, so the same words give the same counter.
 */
const OPEN_COUNTER = /^(?:[\p{Script=Han}々]{1,2}|[ァ-ヴヵヶ][ァ-ヴヵヶー]{0,7}|[a-zA-Z]{1,4}(?![a-zA-Z]))/u;
/** Kanji that start words rather than counters after a numeral (`3月`, `5日`, `2時`, `8年前`, `1位` is a rank). */
const NOT_OPEN_COUNTER = /^(?:[月日時年分秒週]|[以約超弱強余前後内外中])/u;
/** Years and durations in years: `8年` counts only as a duration (`8年間`, `8年勤めた`), never a calendar year. */
const YEAR_COUNT = /^年(?!度|代|月|生|版|式|号|前|後|末|始|初|頭|内|中|来|齢)/u;
const ERA_BEFORE = /(?:令和|平成|昭和|大正|明治|西暦)$/u;

const KANJI_NUMERAL = charSet("〇一二三四五六七八九十百千万億兆");
/** What may follow a kanji numeral that counts (the first characters of the counters allowed after one, below). */
const KANJI_COUNTER_FIRST = charSet("回度人カヶか日時週年つ倍割");

/**
 * Whether a match may start at `p`: not in a run of kanji numerals that no counter a kanji numeral
 * may take follows (一方, 一部: most of them), which would be dropped below anyway — a match at such
 * a run spans the whole run, and none starts inside it (the lookbehind).
 */
function mayCount(s: string, p: number): boolean {
  if (KANJI_NUMERAL[s.charCodeAt(p)] !== 1) return true;
  let e = p + 1;
  while (e < s.length && KANJI_NUMERAL[s.charCodeAt(e)] === 1) e++;
  // Not read past the end (NaN as an index deoptimises the optimised code).
  return e < s.length && KANJI_COUNTER_FIRST[s.charCodeAt(e)] === 1;
}

/** Extracts numbers with counters from `text`. Dates (`6月18日`, `2025年`) and times (`10時15分`) are skipped. */
export function extractNumbers(text: string): ExtractedNumber[] {
  const folded = foldWidth(text);
  const out: ExtractedNumber[] = [];
  for (const m of matchesWhere(NUMBER_RE, folded, NUMERAL_FIRST, mayCount)) {
    const start = m.index ?? 0;
    const numeral = m[1];
    let end = start + numeral.length;
    // Kanji numerals only count when they are clearly numbers (三回, 二十日間), not words (一方, 一部).
    const isKanji = /^[〇一二三四五六七八九十百千万億兆]+$/.test(numeral);
    const rest = folded.slice(end, end + 8);
    let counter: [string, string] | undefined = (rest.length === 0 ? undefined : COUNTERS_BY_FIRST.get(rest[0]))?.find((c) => rest.startsWith(c[0]));
    // Pairs are read by index: destructuring goes through the iterator protocol, more code to optimise.
    if (counter) {
      const spelling = counter[0];
      const normal = counter[1];
      // Dates and clock times are not numbers: 6月, 18日 after 月, 2025年, 10時15分.
      if (normal === "日間" && spelling === "日") continue;
      if (spelling === "分" && /時$/.test(folded.slice(Math.max(0, start - 1), start))) continue;
      if (isKanji && !/^(?:回|度|人|カ月|ヶ月|か月|日間|時間|週間|年間|つ|カ国|か国|倍|割)/.test(rest)) continue;
      if (isKanji && numeral === "一" && /^(?:つ|度|人)/.test(rest) && /[同唯]$/.test(folded.slice(start - 1, start))) continue;
    } else if (/^[月年時]/.test(rest) && !/^(?:時間|年間|年目|月間|年ぶり)/.test(rest)) {
      // `8年` as a count of years (`役所に8年勤めた`); `2012年`, `平成8年`, `8年度` are dates.
      if (isKanji || !/^年/.test(rest) || numeral.length > 3 || !YEAR_COUNT.test(rest) || ERA_BEFORE.test(folded.slice(Math.max(0, start - 2), start))) continue;
      counter = ["年", "年"];
    } else if (!isKanji) {
      const open = OPEN_COUNTER.exec(rest);
      if (open && !NOT_OPEN_COUNTER.test(open[0])) counter = [open[0], open[0].normalize("NFKC").toLowerCase()];
      // A bare large number (`売上高30億を超える`): its magnitude is its unit.
      else if (/[万億兆]$/.test(numeral)) counter = ["", "(数)"];
    }
    if (!counter) continue;
    const spelling = counter[0];
    const normal = counter[1];
    const value = parseJapaneseNumber(numeral.replace(/,/g, ""));
    if (value === null || Number.isNaN(value)) continue;
    end += spelling.length;
    const q = QUALIFIER.exec(folded.slice(end));
    if (q) end += q[0].length;
    out.push({ start, end, text: text.slice(start, end), value, counter: normal });
  }
  return out;
}
