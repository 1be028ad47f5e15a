/**
 * Date expressions in Japanese news text, resolved against a reference date (the article's date).
 *
 * Handles `2025年6月9日(月)`, `令和7年6月9日`, `6月18日`, `11日`, `今月2日`, `先月`, `同日`, `昨年`, `昨日`/`本日`/`明日`,
 * `2025/06/20`, `2025-06-20`, `4/22`, `3月下旬` (month only) and kanji or full-width numerals.
 * Durations (`30日間`, `3日以内`, `数日`) are not dates.
 */
import type { PartialDate, Span } from "../model";
import { foldWidth, parseJapaneseNumber } from "./normalize";
import { allMatches, charSet, matchesWhere, stickyOf } from "./matches";
import { onFirstCall } from "../warmUp";

export interface ExtractedDate extends Span {
  text: string;
  date: PartialDate;
  /** What the text said explicitly before resolution (for `--MM-DD` style output and conflicts). */
  explicit: PartialDate;
}

// Maps, not records: a keyed load from a record by many different names deoptimises optimised code.
const ERAS = new Map([["令和", 2018], ["平成", 1988], ["昭和", 1925], ["大正", 1911], ["明治", 1867]]);
/** Years after the reference year (`同年` is the previous date's year). */
const YEAR_OFFSET = new Map([["今年", 0], ["同年", 0], ["昨年", -1], ["去年", -1], ["前年", -1], ["来年", 1]]);
/** Months after the reference month (`同月`/`前月` count from the previous date). */
const MONTH_OFFSET = new Map([["今月", 0], ["同月", 0], ["先月", -1], ["前月", -1], ["来月", 1]]);
/** Days after the article's date. */
const DAY_OFFSET = new Map([
  ["一昨日", -2], ["おととい", -2], ["昨日", -1], ["きのう", -1], ["昨夜", -1], ["昨晩", -1], ["本日", 0], ["今日", 0], ["今朝", 0], ["今夜", 0], ["今晩", 0],
  ["明日", 1], ["あした", 1], ["明後日", 2], ["あさって", 2],
]);
const N = "[0-9〇一二三四五六七八九十]";
const WEEKDAY = "(?:\\s?[(（][月火水木金土日](?:曜日?)?(?:[・,、][祝休])?[)）])?";
/** `WEEKDAY` tried in place (sticky) right after a date. */
const WEEKDAY_AT = new RegExp(WEEKDAY, "uy");
// Not a date: a duration (`3日間`, `3日以内`), a count (`3日連続`), a rate (`1日1回`, `1日に2杯`,
// `1日あたり`) or a whole day (`1日中`).
const DAY_NOT_DURATION = "(?!間|[0-9](?![0-9]?[時:])|以内|以上|以降の間|ぶり|余り|程度|前後|連続|分|中|あたり|当たり|平均|に?[0-9数何][0-9]*(?:[回杯本個件人度食粒錠箱枚]|時間)|に?[一二三四五六七八九十]+[回杯個件度食粒錠箱枚]|に?[一1]つ|に?ひとつ)";

/**
 * Each pattern with `need`: a simpler expression that every match of the pattern contains, tested
 * first (most sentences hold no date, and the patterns' lookbehinds are retried at every position).
 */
const PATTERN_SOURCES: { re: RegExp; kind: string; need?: RegExp }[] = [
  { kind: "era", need: /令和|平成|昭和|大正|明治/u, re: new RegExp(`(令和|平成|昭和|大正|明治)(元|${N}{1,2})年(?:(${N}{1,2})月(?:(${N}{1,3})日${DAY_NOT_DURATION})?)?`, "gu") },
  { kind: "ymd-slash", need: /\d{4}[/\-.]\d/u, re: /(?<![0-9])(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?![0-9])/gu },
  { kind: "ymd", need: /年/u, re: new RegExp(`(?<![0-9])(\\d{4}|[〇一二三四五六七八九]{4})年(?:(${N}{1,3})月(?:(${N}{1,3})日${DAY_NOT_DURATION})?)?(?![間度代])`, "gu") },
  { kind: "rel-md", need: /今年|昨年|去年|来年|同年|前年/u, re: new RegExp(`(今年|昨年|去年|来年|同年|前年)(?:(${N}{1,3})月(?:(${N}{1,3})日${DAY_NOT_DURATION})?)?`, "gu") },
  { kind: "rel-month-day", need: /今月|先月|来月|同月|前月/u, re: new RegExp(`(今月|先月|来月|同月|前月)(?:(${N}{1,3})日${DAY_NOT_DURATION})?`, "gu") },
  { kind: "md", need: /[0-9〇一二三四五六七八九十]月/u, re: new RegExp(`(?<![0-9〇一二三四五六七八九十年数何])(${N}{1,3})月(?:(${N}{1,3})日${DAY_NOT_DURATION})?(?:の?(上旬|中旬|下旬|初め|初旬|末))?`, "gu") },
  // Not a fraction (`約1/3`, `1/3程度`, `1/10スケール`).
  { kind: "md-slash", need: /\d\/\d/u, re: /(?<![0-9/\-.]|約|およそ|割合は?|比率は?|確率は?)(\d{1,2})\/(\d{1,2})(?![0-9/]|[\s\u3000]*(?:程度|以上|以下|未満|ほど|くらい|ぐらい|倍|の確率|に(?:減|増|縮|短|低)|スケール|サイズ))/gu },
  { kind: "same-day", re: /同日|当日|前日|翌日/gu },
  // Days named relative to the article's date; `本日21日`, `明日8月16日` give the explicit date instead.
  { kind: "rel-day", re: new RegExp(`(一昨日|おととい|昨日|きのう|昨夜|昨晩|本日|今日|今朝|今夜|今晩|明日|あした|明後日|あさって)(?![0-9]{1,2}[月日]|[〇一二三四五六七八九十]{1,3}月|[二三]?十[一二三四五六七八九]?日)`, "gu") },
  // Not a count of days (`残り4日`, `あと3日`, `わずか2日`).
  { kind: "d", need: /[0-9〇一二三四五六七八九十]日/u, re: new RegExp(`(?<![0-9〇一二三四五六七八九十月数何]|残り|あと|残す|わずか|たった|含めて)(${N}{1,3})日${DAY_NOT_DURATION}(?!本|曜|米|中|韓|銀|経|系|間)`, "gu") },
];

/**
 * The patterns whose matches start with a numeral (after a lookbehind that would be retried at every
 * position): searched in place only where a digit or kanji numeral stands (`matchesStartingWith`).
 */
const NUMERAL_START = charSet("〇一二三四五六七八九十", [["0", "9"]]);

/**
 * Characters some pattern cannot match without, as bits of one table: a sentence is read once for
 * them and a pattern (and its `need`) is tried only when every character class it requires stands.
 */
const G_YEAR = 1, G_MONTH = 2, G_DAY = 4, G_SLASH = 8, G_DIGIT = 16, G_YMD_SEP = 32, G_ERA = 64, G_REL_DAY = 128;
const GATE_BITS = new Uint8Array(0x10000);
GATE_BITS["年".charCodeAt(0)] |= G_YEAR;
GATE_BITS["月".charCodeAt(0)] |= G_MONTH;
GATE_BITS["日".charCodeAt(0)] |= G_DAY | G_REL_DAY;
GATE_BITS["/".charCodeAt(0)] |= G_SLASH | G_YMD_SEP;
for (const c of "-.") GATE_BITS[c.charCodeAt(0)] |= G_YMD_SEP;
for (const c of "0123456789") GATE_BITS[c.charCodeAt(0)] |= G_DIGIT;
for (const c of "令平昭大明") GATE_BITS[c.charCodeAt(0)] |= G_ERA;
// Every rel-day word holds 日 or starts with one of these.
for (const c of "おき昨今あ") GATE_BITS[c.charCodeAt(0)] |= G_REL_DAY;
/** The classes every match of a pattern holds (all of them). */
const GATES: Record<string, number> = {
  era: G_ERA | G_YEAR, "ymd-slash": G_DIGIT | G_YMD_SEP, ymd: G_YEAR, "rel-md": G_YEAR, "rel-month-day": G_MONTH, md: G_MONTH,
  "md-slash": G_SLASH | G_DIGIT, "same-day": G_DAY, "rel-day": G_REL_DAY, d: G_DAY,
};

/**
 * Where a numeral-led match can start, by the character its numeral must be followed by (the
 * numeral is one to three characters, or four for a year): tested before the expression, which
 * would retry its lookbehind at every numeral (一 of 一方 too).
 */
const YEAR = 0x5e74, MONTH = 0x6708, DAY = 0x65e5, SLASH = 0x2f;
// Reads stay inside the string: charCodeAt past the end (NaN) deoptimises optimised callers.
const within3 = (s: string, p: number, c: number): boolean => {
  const end = Math.min(s.length, p + 4);
  for (let k = p + 1; k < end; k++) if (s.charCodeAt(k) === c) return true;
  return false;
};
const NUMERAL_AT: Record<string, (s: string, p: number) => boolean> = {
  "ymd-slash": (s, p) => { if (p + 4 >= s.length) return false; const c = s.charCodeAt(p + 4); return c === SLASH || c === 0x2d || c === 0x2e; },
  ymd: (s, p) => p + 4 < s.length && s.charCodeAt(p + 4) === YEAR,
  md: (s, p) => within3(s, p, MONTH),
  "md-slash": (s, p) => (p + 1 < s.length && s.charCodeAt(p + 1) === SLASH) || (p + 2 < s.length && s.charCodeAt(p + 2) === SLASH),
  d: (s, p) => within3(s, p, DAY),
};

/**
 * A pattern with what is tested before it: `gate`, `need`, and for a numeral-led one its sticky
 * twin and `at` (`NUMERAL_AT`). Every pattern has every field (null when unused): one hidden class.
 */
interface Pattern {
  kind: string;
  re: RegExp;
  need: RegExp | null;
  gate: number;
  sticky: RegExp | null;
  at: ((s: string, p: number) => boolean) | null;
}
const PATTERNS: Pattern[] = PATTERN_SOURCES.map(({ kind, re, need }) => {
  const at = NUMERAL_AT[kind] ?? null;
  return { kind, re, need: need ?? null, gate: GATES[kind], sticky: at === null ? null : stickyOf(re), at };
});

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  return parseJapaneseNumber(s);
}

function valid(d: PartialDate): boolean {
  if (d.month !== null && (d.month < 1 || d.month > 12)) return false;
  if (d.day !== null && (d.day < 1 || d.day > 31)) return false;
  if (d.year !== null && (d.year < 1800 || d.year > 2200)) return false;
  return true;
}

function compare(a: PartialDate, b: PartialDate): number {
  return ((a.year ?? 0) - (b.year ?? 0)) * 400 + ((a.month ?? 0) - (b.month ?? 0)) * 32 + ((a.day ?? 0) - (b.day ?? 0));
}

/** Formats as `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, `--MM-DD` or `--MM` (the SPEC's partial dates). */
export function formatPartialDate(d: PartialDate): string {
  const p2 = (n: number): string => String(n).padStart(2, "0");
  if (d.year !== null) {
    if (d.month === null) return String(d.year);
    return d.day === null ? `${d.year}-${p2(d.month)}` : `${d.year}-${p2(d.month)}-${p2(d.day)}`;
  }
  if (d.month !== null) return d.day === null ? `--${p2(d.month)}` : `--${p2(d.month)}-${p2(d.day)}`;
  return d.day === null ? "" : `---${p2(d.day)}`;
}

/** Parses `YYYY-MM-DD`, `YYYY-MM`, `--MM-DD`, an ISO date-time, or `YYYY/MM/DD` into a PartialDate. */
export function parsePartialDate(s: string | null | undefined): PartialDate | null {
  if (!s) return null;
  let m = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ].*)?$/.exec(s.trim());
  if (m) return { year: Number(m[1]), month: m[2] ? Number(m[2]) : null, day: m[3] ? Number(m[3]) : null };
  m = /^--(\d{2})(?:-(\d{2}))?$/.exec(s.trim());
  if (m) return { year: null, month: Number(m[1]), day: m[2] ? Number(m[2]) : null };
  return null;
}

/**
 * Year for a month-day without year: the nearest of the reference year and the ones before and after
 * it, weighing days ahead half again as much as days back (news looks back more than forward).
 */
function yearFor(month: number, day: number | null, ref: PartialDate | null): number | null {
  if (!ref || ref.year === null) return null;
  if (ref.month === null) return ref.year;
  const ahead = (month - ref.month) * 31 + ((day ?? 1) - (ref.day ?? 1));
  if (ahead > 7 * 31) return ref.year - 1;
  // A month well behind the reference is next year's when that is much nearer (a December article
  // announcing a release on 3月31日): days ahead weigh half again as much as days back.
  if (ahead < 0 && (ahead + 12 * 31) * 1.5 < -ahead) return ref.year + 1;
  return ref.year;
}

/**
 * Finds the dates in `text` and resolves them against `reference` (year and month filled in; a bare
 * `11日` takes the reference month, or the previous month when day 11 would be after the reference).
 * `同日` repeats the previous date found in the same call, or `previous` (the last date of the text before).
 */
export function extractDates(text: string, reference: PartialDate | null, previous: PartialDate | null = null): ExtractedDate[] {
  warmUp();
  const folded = foldWidth(text);
  const found: { start: number; end: number; kind: string; m: RegExpMatchArray }[] = [];
  let present = 0;
  for (let i = 0; i < folded.length; i++) present |= GATE_BITS[folded.charCodeAt(i)];
  for (const { re, kind, need, gate, sticky, at } of PATTERNS) {
    if ((present & gate) !== gate) continue;
    if (need !== null && !need.test(folded)) continue;
    for (const m of sticky !== null ? matchesWhere(sticky, folded, NUMERAL_START, at!) : allMatches(re, folded)) {
      const start = m.index ?? 0;
      found.push({ start, end: start + m[0].length, kind, m });
    }
  }
  // Earlier patterns win overlaps (they are the more specific ones); then by position.
  const taken: typeof found = [];
  for (const f of found) if (!taken.some((t) => f.start < t.end && t.start < f.end)) taken.push(f);
  taken.sort((a, b) => a.start - b.start);

  const out: ExtractedDate[] = [];
  const ref = reference;
  let last: PartialDate | null = previous;
  let lastHere: PartialDate | null = null;
  let lastHereEnd = -1;
  for (const { start, end, kind, m } of taken) {
    // What the cases below read of the dates before, read here for every match: a read first made in
    // a rarer case after extractDates is optimised would deoptimise it.
    const lastYear = last === null ? null : last.year;
    const lastMonth = last === null ? null : last.month;
    const lastDay = last === null ? null : last.day;
    const hereYear = lastHere === null ? null : lastHere.year;
    const hereMonth = lastHere === null ? null : lastHere.month;
    /** The text since the date before in this sentence ("" when none). */
    const gap = lastHereEnd >= 0 ? folded.slice(lastHereEnd, start) : "";
    let explicit: PartialDate = { year: null, month: null, day: null };
    let date: PartialDate;
    let stop = end;
    switch (kind) {
      case "era": {
        const y = m[2] === "元" ? 1 : num(m[2]);
        explicit = { year: y === null ? null : ERAS.get(m[1])! + y, month: num(m[3]), day: num(m[4]) };
        date = explicit;
        break;
      }
      case "ymd-slash":
      case "ymd":
        explicit = { year: num(m[1]), month: num(m[2]), day: num(m[3]) };
        date = explicit;
        break;
      case "rel-md": {
        const base = ref?.year ?? null;
        const y = m[1] === "同年" || m[1] === "前年" ? (lastYear ?? base) : base;
        explicit = { year: null, month: num(m[2]), day: num(m[3]) };
        date = { year: y === null ? null : y + YEAR_OFFSET.get(m[1])!, month: explicit.month, day: explicit.day };
        break;
      }
      case "rel-month-day": {
        const baseRef = m[1] === "同月" || m[1] === "前月" ? (last ?? ref) : ref;
        explicit = { year: null, month: null, day: num(m[2]) };
        if (baseRef && baseRef.year !== null && baseRef.month !== null) {
          // A step across a year end without arithmetic of its own: code first run after the
          // function is optimised deoptimises it.
          const mo = baseRef.month + MONTH_OFFSET.get(m[1])!;
          const back = mo < 1 ? 1 : 0;
          const on = mo > 12 ? 1 : 0;
          date = { year: baseRef.year + on - back, month: mo + 12 * (back - on), day: explicit.day };
        } else {
          date = explicit;
        }
        break;
      }
      case "md":
      case "md-slash": {
        const month = num(m[1]);
        const day = num(m[2]);
        explicit = { year: null, month, day };
        // `2011年の3月11日`: a year named just before gives its year.
        const yearJustBefore = lastHereEnd >= 0 && hereMonth === null && hereYear !== null && /^[\s\u3000]*の?[\s\u3000]*$/u.test(gap);
        date = { year: month === null ? null : yearJustBefore ? hereYear : yearFor(month, day, ref), month, day };
        break;
      }
      case "same-day": {
        const delta = m[0] === "前日" ? -1 : m[0] === "翌日" ? 1 : 0;
        if (lastDay === null) continue;
        const day = lastDay + delta;
        if (day < 1 || day > 31) continue;
        // Built as every other date is (a spread of `last` would give the object another hidden class).
        date = { year: lastYear, month: lastMonth, day };
        break;
      }
      case "rel-day": {
        // Only against the article's own date: a block quoting another article has its own `公開日`.
        if (!ref || ref.year === null || ref.month === null || ref.day === null) continue;
        const t = new Date(Date.UTC(ref.year, ref.month - 1, ref.day + DAY_OFFSET.get(m[1])!));
        date = { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
        break;
      }
      case "d": {
        // A bare kanji day below ten (`一日`, `三日`) is a count of days far more often than a date.
        if (/^[〇一二三四五六七八九]$/.test(m[1])) continue;
        const day = num(m[1]);
        explicit = { year: null, month: null, day };
        // A bare day follows the month of a date just listed before it (`2月12日、13日`, `25日から28日`)
        // or of a past date whose story the sentence goes on with (`5月29日に試合があって、30日に帰国`);
        // after a date still to come it is the reference's (`9月16日の発売を前に、19日には会見`), and
        // so it is after `先日`/`本日` (`先日18日`).
        const listed = lastHereEnd >= 0 && /^[\s\u3000、,・とや〜~～\-－]*(?:から|及び|および|または|又は|か)?[\s\u3000、,]*$/u.test(gap);
        const toldOn = lastHereEnd >= 0 && !!lastHere && (!ref || compare(lastHere, ref) <= 0) && !/(?:先日|去る|本日|今日|昨日|明日|今週|先週|来週)[\s\u3000]*$/u.test(folded.slice(0, start));
        const base = (listed || toldOn) && hereMonth !== null ? lastHere : ref;
        if (base && base.month !== null && day !== null) {
          let mo = base.month;
          let y = base.year;
          if (base === ref && ref.day !== null && day > ref.day) {
            // The month before; December of the year before (no arithmetic of its own, as above).
            mo -= 1;
            const wrap = mo < 1 ? 1 : 0;
            if (wrap === 1) mo = 12;
            y = y === null ? null : y - wrap;
          }
          date = { year: y, month: mo, day };
        } else {
          date = explicit;
        }
        break;
      }
      default:
        continue;
    }
    // Trailing weekday `(月)` belongs to the date's span.
    WEEKDAY_AT.lastIndex = stop;
    const wd = WEEKDAY_AT.exec(folded);
    if (wd && wd[0].length > 0 && (date.day !== null)) stop += wd[0].length;
    if (!valid(date)) continue;
    out.push({ start, end: stop, text: text.slice(start, stop), date, explicit });
    last = date;
    lastHere = date;
    lastHereEnd = stop;
  }
  return out;
}

/**
 * Made-up sentences that take every case of `extractDates`, run on its first call (`warmUp`). V8
 * optimises extractDates after a few files, and a case first met after that (`同日`, a bare day after
 * another date, a step back across a year end…) deoptimises it: one more compile of a large function
 * each. Code run before has the type feedback the optimiser needs, and is compiled in.
 */
const WARM_UP = [
  "令和元年5月1日(水)と平成24年3月、2000/01/02、2000-1-2、2000年1月2日(日)に",
  "昨年3月、同年4月5日、今年、前年12月に",
  "先月2日、来月、同月3日、前月に",
  "2000年の3月11日、12月20日、3月下旬、3/4に",
  "1月1日の同日、前日、翌日に",
  "1月9日の翌日に",
  "昨日、本日、明日に",
  "20日、一日、2月12日、13日、1月3日に決勝があって、5日に帰国。先日18日、13月40日に",
];
const warmUp = onFirstCall(() => {
  // Each sentence with each reference: V8 records no feedback for a function until it has run for a
  // while (about eight times its bytecode's length).
  for (const reference of [{ year: 2000, month: 1, day: 15 }, { year: 2000, month: 12, day: 15 }, null]) {
    let previous: PartialDate | null = null;
    for (const s of WARM_UP) for (const d of extractDates(s, reference, previous)) previous = d.date;
  }
});
