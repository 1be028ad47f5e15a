/**
 * Text normalisation for matching quotes and claims, with a map back to the original offsets.
 *
 * What is folded: NFKC (full/half width, compatibility forms), whitespace and line breaks (removed),
 * quote marks (removed, so 「」『』“”"" nesting and wrapping never matter), long vowel mark and dash
 * variants after kana (→ ー), comma variants (→ 、), Latin case. What is kept: kanji vs kana, so
 * 分かっている and わかっている stay different and a misquote is reported.
 */

/** Quote marks removed by normalisation. */
const QUOTE_MARKS = new Set(["「", "」", "『", "』", "“", "”", '"', "„", "‟", "〝", "〞", "〟", "«", "»", "‘", "’", "｢", "｣", "＂"]);
/** Dashes and long vowel marks that all mean ー after kana. */
const LONG_VOWELS = new Set(["ー", "ｰ", "－", "―", "‐", "‑", "–", "—", "−", "-", "─", "━", "〜", "～", "~"]);
const COMMAS = new Set(["、", "，", ",", "､"]);
/** Half-width voiced sound marks that NFKC composes with the preceding kana. */
const COMBINING = /[\uFF9E\uFF9F\u3099\u309A]/;

function isKana(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return (c >= 0x3041 && c <= 0x309f) || (c >= 0x30a0 && c <= 0x30ff);
}

export interface NormalizedWithMap {
  /** The normalised text. */
  text: string;
  /** `map[i]` is the offset in the input of the character that produced output char `i`. */
  map: number[];
  /** `map` extended with the input length, so an end offset `text.length` maps too. */
  toOriginal(offset: number): number;
  /** Maps a half-open range of the normalised text back to the smallest covering input range. */
  spanToOriginal(start: number, end: number): { start: number; end: number };
}

/**
 * True for characters NFKC, case folding and every rule above leave as they are: kana (except the
 * long vowel mark and the combining/voicing marks), unified CJK ideographs, ASCII lowercase letters
 * and digits. They take the fast path (no per-character regex or `normalize`).
 */
function isPlain(c: number): boolean {
  return (
    (c >= 0x3041 && c <= 0x3096) ||
    (c >= 0x30a1 && c <= 0x30fa) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x3002
  );
}

function isCombining(c: number): boolean {
  return c === 0xff9e || c === 0xff9f || c === 0x3099 || c === 0x309a;
}

/**
 * What normalisation makes of one code unit standing alone (not followed by a combining mark):
 * `SKIP` (whitespace, quote marks), `LONG` (a long vowel mark or dash: ー after kana, else the
 * fallback), or the output text. Filled on first use; the same steps as the general path below.
 */
const SKIP = 0;
const LONG = 1;
const unitOutput: (string | 0 | 1 | undefined)[] = [];
for (let k = 0; k < 0x10000; k++) unitOutput.push(undefined);
const longFallback: string[] = [];
function unitCase(c: number): string | 0 | 1 {
  let v = unitOutput[c];
  if (v !== undefined) return v;
  const piece = String.fromCharCode(c);
  if (/^\s+$/u.test(piece) || piece === "\u200b" || piece === "\ufeff" || QUOTE_MARKS.has(piece)) v = SKIP;
  else {
    const n = piece.normalize("NFKC");
    if (LONG_VOWELS.has(piece) || LONG_VOWELS.has(n)) {
      v = LONG;
      longFallback[c] = piece === "〜" || piece === "～" || piece === "~" ? "~" : "-";
    } else {
      const m = COMMAS.has(piece) || COMMAS.has(n) ? "、" : n.toLowerCase();
      v = "";
      for (const ch of m) if (!(/^\s$/u.test(ch) || QUOTE_MARKS.has(ch))) v += ch;
    }
  }
  unitOutput[c] = v;
  return v;
}

/**
 * The normalisation of `s` (see the module comment); `map`/`ends`, when given, receive for every
 * output char the input range it came from.
 */
function normalizeInto(s: string, codes: number[], map: number[] | null, ends: number[] | null): void {
  let i = 0;
  while (i < s.length) {
    const c0 = s.charCodeAt(i);
    const combined = i + 1 < s.length && isCombining(s.charCodeAt(i + 1));
    if (isPlain(c0) && !combined) {
      codes.push(c0);
      if (map) {
        map.push(i);
        ends!.push(i + 1);
      }
      i++;
      continue;
    }
    if (!combined && (c0 < 0xd800 || c0 > 0xdbff || i + 1 >= s.length)) {
      // One code unit standing alone: its case, worked out once.
      const v = unitCase(c0);
      const start = i;
      i++;
      if (v === SKIP) continue;
      let out: string;
      if (v === LONG) {
        const prev = codes.length > 0 ? codes[codes.length - 1] : -1;
        out = prev >= 0 && ((prev >= 0x3041 && prev <= 0x309f) || (prev >= 0x30a0 && prev <= 0x30ff)) ? "ー" : longFallback[c0];
      } else out = v;
      for (let k = 0; k < out.length; k++) {
        codes.push(out.charCodeAt(k));
        if (map) {
          map.push(start);
          ends!.push(start + 1);
        }
      }
      continue;
    }
    const cp = s.codePointAt(i) ?? 0;
    let len = cp > 0xffff ? 2 : 1;
    let piece = s.slice(i, i + len);
    if (i + len < s.length && COMBINING.test(s[i + len])) {
      piece += s[i + len];
      len += 1;
    }
    const start = i;
    i += len;
    if (/^\s+$/u.test(piece) || piece === "\u200b" || piece === "\ufeff") continue;
    if (QUOTE_MARKS.has(piece)) continue;
    let n = piece.normalize("NFKC");
    if (LONG_VOWELS.has(piece) || LONG_VOWELS.has(n)) {
      const prev = codes.length > 0 ? String.fromCharCode(codes[codes.length - 1]) : "";
      n = prev !== "" && isKana(prev) ? "ー" : piece === "〜" || piece === "～" || piece === "~" ? "~" : "-";
    } else if (COMMAS.has(piece) || COMMAS.has(n)) {
      n = "、";
    } else {
      n = n.toLowerCase();
    }
    for (const ch of n) {
      if (/^\s$/u.test(ch) || QUOTE_MARKS.has(ch)) continue;
      for (let k = 0; k < ch.length; k++) {
        codes.push(ch.charCodeAt(k));
        if (map) {
          map.push(start);
          ends!.push(start + len);
        }
      }
    }
  }
}

function stringOf(codes: number[]): string {
  let out = "";
  for (let k = 0; k < codes.length; k += 8192) out += String.fromCharCode.apply(null, codes.slice(k, k + 8192));
  return out;
}

/** Normalises `s` and keeps, for every output char, the input offset it came from. */
export function normalizeWithMap(s: string): NormalizedWithMap {
  const codes: number[] = [];
  const map: number[] = [];
  const ends: number[] = [];
  normalizeInto(s, codes, map, ends);
  const out = stringOf(codes);
  const inputLength = s.length;
  return {
    text: out,
    map,
    toOriginal(offset: number): number {
      if (offset <= 0) return map.length > 0 ? map[0] : 0;
      if (offset >= map.length) return inputLength;
      return map[offset];
    },
    spanToOriginal(startOff: number, endOff: number) {
      if (map.length === 0) return { start: 0, end: 0 };
      const a = Math.max(0, Math.min(startOff, map.length - 1));
      const b = Math.max(a, Math.min(endOff, map.length));
      return { start: map[a], end: b > a ? ends[b - 1] : map[a] };
    },
  };
}

/** The normalised form used to compare quotes and claims (see the module comment). */
export function normalizeForMatch(s: string): string {
  const codes: number[] = [];
  normalizeInto(s, codes, null, null);
  return stringOf(codes);
}

/**
 * Folds full-width ASCII (digits, Latin, punctuation) to ASCII one char for one char, so offsets
 * in the result equal offsets in the input. Used by the date and number parsers.
 */
export function foldWidth(s: string): string {
  // The date and number parsers fold the same sentence one after the other.
  if (s === lastFolded.input) return lastFolded.output;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if ((c >= 0xff01 && c <= 0xff5e) || c === 0x3000) break;
    i++;
  }
  let out = s;
  if (i < s.length) {
    if (foldCodes.length < s.length) foldCodes = new Uint16Array(Math.max(s.length, 2 * foldCodes.length));
    let surrogate = false;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdfff) surrogate = true;
      foldCodes[k] = c >= 0xff01 && c <= 0xff5e ? c - 0xfee0 : c === 0x3000 ? 0x20 : c;
    }
    if (!surrogate) out = UTF16.decode(new Uint8Array(foldCodes.buffer, 0, 2 * s.length));
    else {
      // (A decoder would replace a lone surrogate: those few texts are built code by code.)
      out = "";
      for (let k = 0; k < s.length; k += 8192) out += String.fromCharCode.apply(null, Array.from(foldCodes.subarray(k, Math.min(s.length, k + 8192))));
    }
  }
  lastFolded.input = s;
  lastFolded.output = out;
  return out;
}
const lastFolded = { input: "", output: "" };
let foldCodes = new Uint16Array(1024);
const UTF16 = new TextDecoder("utf-16le", { ignoreBOM: true });

// Maps, not records: a record read by many different keys deoptimises optimised code ("wrong name").
const KANJI_DIGITS = new Map<string, number>(Object.entries({
  〇: 0, 零: 0, 一: 1, 壱: 1, 二: 2, 弐: 2, 三: 3, 参: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
}));
const KANJI_SMALL_UNITS = new Map<string, number>(Object.entries({ 十: 10, 拾: 10, 百: 100, 千: 1000 }));
const KANJI_BIG_UNITS = new Map<string, number>(Object.entries({ 万: 1e4, 億: 1e8, 兆: 1e12 }));

/** Characters that may appear in a numeral: ASCII and full-width digits, kanji numerals, separators. */
export const NUMERAL_CHARS = "0-9０-９〇零一二三四五六七八九十百千万億兆壱弐参拾.．,，";

/**
 * Parses a numeral written with ASCII or full-width digits, kanji (`三十五`, `二〇二五`), or a mix
 * (`1万2000`, `3.5万`). Returns `null` when `s` is not a numeral.
 */
export function parseJapaneseNumber(s: string): number | null {
  const t = foldWidth(s).replace(/[,，]/g, "").replace(/．/g, ".");
  if (t.length === 0) return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  // Positional kanji digits without units: 二〇二五 = 2025.
  if (/^[〇零一二三四五六七八九]{2,}$/.test(t)) {
    return Number([...t].map((c) => KANJI_DIGITS.get(c)).join(""));
  }
  let total = 0;
  let section = 0; // below 万
  let current: number | null = null;
  let i = 0;
  let any = false;
  while (i < t.length) {
    const ch = t[i];
    const m = /^\d+(\.\d+)?/.exec(t.slice(i));
    if (m) {
      current = Number(m[0]);
      i += m[0].length;
      any = true;
      continue;
    }
    const digit = KANJI_DIGITS.get(ch);
    if (digit !== undefined) {
      current = digit;
      i++;
      any = true;
      continue;
    }
    const small = KANJI_SMALL_UNITS.get(ch);
    if (small !== undefined) {
      section += (current ?? 1) * small;
      current = null;
      i++;
      any = true;
      continue;
    }
    const big = KANJI_BIG_UNITS.get(ch);
    if (big !== undefined) {
      total += (section + (current ?? 0) || 1) * big;
      section = 0;
      current = null;
      i++;
      any = true;
      continue;
    }
    return null;
  }
  if (!any) return null;
  return total + section + (current ?? 0);
}

/** Short editorial insertions in parentheses: `(ボルコフ)大統領`, `（中略）`, `(笑)`. */
const PARENTHETICAL = /[(（][^()（）\n]{1,20}[)）]/g;

/**
 * Blanks short parentheticals with spaces (which normalisation drops), keeping every offset: a
 * quote that leaves out the editor's `(ボルコフ)` matches the source's words, and one that keeps
 * it matches too.
 */
export function maskParentheticals(s: string): string {
  return s.replace(PARENTHETICAL, (m) => " ".repeat(m.length));
}

/** The form quotes are compared in: `normalizeForMatch` after masking editorial parentheticals. */
export function normalizeQuote(s: string): string {
  return normalizeForMatch(maskParentheticals(s));
}
