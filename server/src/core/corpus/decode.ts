/**
 * Bytes → text for corpus files: UTF-8 (with or without BOM), UTF-16 LE/BE with BOM, Shift_JIS/CP932,
 * EUC-JP and ISO-2022-JP, detected from the bytes. Nothing is ever decoded with replacement
 * characters: a file either decodes exactly or is rejected with a reason (binary, invalid UTF-8,
 * unknown encoding).
 *
 * Detection order, and why:
 *  1. A BOM is authoritative.
 *  2. Known binary signatures and NUL bytes mean binary (UTF-16 without a BOM is not supported:
 *     it cannot be told from binary reliably).
 *  3. Strict UTF-8 wins when the whole file is valid: legacy Japanese text almost never is.
 *  4. A file that is *mostly* valid UTF-8 (many well-formed multi-byte sequences, a few broken
 *     ones) is reported as invalid UTF-8 with the first bad byte, not re-read as Shift_JIS, which
 *     would turn it into plausible-looking kanji soup.
 *  5. Otherwise Shift_JIS/CP932 and EUC-JP are each decoded strictly — each by its own byte ranges:
 *     Shift_JIS has single-byte half-width katakana (A1–DF) and two-byte characters led by 81–9F or
 *     E0–FC, EUC-JP pairs of A1–FE (half-width kana behind 8E) — and the candidate whose text looks
 *     most like Japanese (kana, half-width kana where kana stand, common kanji, no private-use
 *     characters) wins; it must look like Japanese at all.
 */
import Encoding from "encoding-japanese";
import iconv from "iconv-lite";

export type DecodeResult =
  | {
      ok: true;
      /** Decoded text without the BOM. */
      text: string;
      /** `utf-8`, `utf-16le`, `utf-16be`, `shift_jis` (CP932), `euc-jp`, `iso-2022-jp`. */
      encoding: string;
      bom: boolean;
    }
  | {
      ok: false;
      /** `binary`, `invalid-utf8`, `invalid-utf16`, `unknown-encoding`. */
      code: string;
      reason: string;
    };

const BINARY_SIGNATURES: Array<[string, number[]]> = [
  ["PDF", [0x25, 0x50, 0x44, 0x46, 0x2d]],
  ["PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["JPEG image", [0xff, 0xd8, 0xff]],
  ["ZIP archive (or Office document)", [0x50, 0x4b, 0x03, 0x04]],
  ["gzip archive", [0x1f, 0x8b]],
  ["ELF executable", [0x7f, 0x45, 0x4c, 0x46]],
  ["WebP/RIFF file", [0x52, 0x49, 0x46, 0x46]],
];

/** Decodes a corpus file's bytes, detecting the encoding. Never throws. */
export function decodeBytes(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { ok: true, text: "", encoding: "utf-8", bom: false };

  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const r = strictUtf8(bytes.subarray(3));
    if (r.ok) return finish(r.text, "utf-8", true);
    return { ok: false, code: "invalid-utf8", reason: `invalid UTF-8 after a UTF-8 BOM ${where(bytes, r.badByte + 3)}` };
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) {
    const le = bytes[0] === 0xff;
    const enc = le ? "utf-16le" : "utf-16be";
    if ((bytes.length - 2) % 2 !== 0) {
      return { ok: false, code: "invalid-utf16", reason: `${enc.toUpperCase()} file with an odd number of bytes (truncated?)` };
    }
    try {
      const text = new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(2));
      return finish(text, enc, true);
    } catch {
      return { ok: false, code: "invalid-utf16", reason: `invalid ${enc.toUpperCase()} (unpaired surrogate) after a BOM` };
    }
  }

  for (const [name, sig] of BINARY_SIGNATURES) {
    if (startsWith(bytes, sig)) return { ok: false, code: "binary", reason: `binary file (${name})` };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { ok: false, code: "binary", reason: `binary file: NUL byte at offset ${nul} (UTF-16 needs a BOM)` };
  }

  // ISO-2022-JP is 7-bit, hence also valid UTF-8: look for its escape sequences first.
  if (hasIso2022Escape(bytes) && bytes.every((b) => b < 0x80)) {
    const text = decodeIso2022jp(bytes);
    if (text !== null) return finish(text, "iso-2022-jp", false);
  }

  const utf8 = strictUtf8(bytes);
  if (utf8.ok) return finish(utf8.text, "utf-8", false);

  const candidates: Array<{ encoding: string; text: string; score: number; hiragana: number; kana: number; halfPunct: number; halfWidth: number; oddKanji: number }> = [];
  for (const [encoding, iconvName] of [
    ["shift_jis", "cp932"],
    ["euc-jp", "euc-jp"],
  ] as const) {
    const text = iconvStrict(bytes, iconvName);
    if (text !== null) candidates.push({ encoding, text, score: japaneseScore(text), hiragana: wordlyHiragana(text), kana: kanaCount(text), halfPunct: countIn(text, 0xff61, 0xff65), halfWidth: countIn(text, 0xff61, 0xff9f), oddKanji: rareKanjiHeavy(bytes, encoding) ? 1 : 0 });
  }
  // Among the readings that look Japanese, one whose kanji are mostly common ones (see
  // `rareKanjiHeavy`); then the one with more hiragana: EUC-JP read as Shift_JIS (or the reverse)
  // never makes any. Then the better score; then the one without a run of
  // half-width punctuation (EUC-JP's lead bytes A1–A5 read as ｡｢｣､･, a third of the half-width
  // characters or more); then more kana, fewer half-width katakana.
  const plausible = (c: { score: number }) => (c.score >= 0.5 ? 1 : 0);
  const misread = (c: { halfPunct: number; halfWidth: number }) => (c.halfPunct >= 3 && c.halfPunct > 0.3 * c.halfWidth ? 1 : 0);
  candidates.sort(
    (a, b) => plausible(b) - plausible(a) || a.oddKanji - b.oddKanji || b.hiragana - a.hiragana || b.score - a.score || misread(a) - misread(b) || b.kana - a.kana || a.halfWidth - b.halfWidth,
  );
  // Half-width katakana put together as words are (ｱﾌﾟﾘ, ﾆｭｰｽ: see `halfWidthKanaWellFormed`), with
  // more than twice as many such marks as the EUC-JP reading has hiragana: Shift_JIS. (EUC-JP prose
  // read as Shift_JIS puts a ､ for each of its hiragana, and its ﾞﾟｬｭｮ bytes land after any letter.)
  const sjis = candidates.find((c) => c.encoding === "shift_jis");
  const euc = candidates.find((c) => c.encoding === "euc-jp");
  if (sjis && euc && candidates[0] === euc && sjis.score >= 0.5 && halfWidthKanaWellFormed(sjis.text) > 2 * euc.hiragana) {
    candidates.splice(candidates.indexOf(sjis), 1);
    candidates.unshift(sjis);
  }
  const best = candidates[0];

  // In UTF-8 with a few corrupt bytes, nearly every non-ASCII byte still belongs to a well-formed
  // sequence; in Shift_JIS or EUC-JP most do not. A short legacy text can form chance UTF-8
  // sequences (EUC-JP `E8 A4 A2`), so the ratio only counts with enough bytes to go on, or when
  // neither legacy reading looks like Japanese.
  const stats = utf8Stats(bytes);
  const enoughEvidence = stats.nonAsciiBytes >= 64 || !(best && best.score >= 0.5);
  if (stats.invalid < 0.2 * stats.nonAsciiBytes && enoughEvidence) {
    return { ok: false, code: "invalid-utf8", reason: `invalid UTF-8 ${where(bytes, utf8.badByte)}` };
  }

  if (best && best.score >= 0.5) return finish(best.text, best.encoding, false);
  if (stats.valid > 0) {
    return { ok: false, code: "invalid-utf8", reason: `invalid UTF-8 ${where(bytes, utf8.badByte)}, and not Shift_JIS or EUC-JP either` };
  }
  return {
    ok: false,
    code: "unknown-encoding",
    reason: `unknown encoding: not UTF-8, UTF-16 with BOM, Shift_JIS or EUC-JP (first non-ASCII byte ${where(bytes, utf8.badByte)})`,
  };
}

/** Rejects decoded text that is full of control characters (binary data that happened to decode). */
/** The control characters `finish` counts (C0 but tab, LF, VT, FF, CR and ESC; DEL). */
const CONTROL = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]/;

function finish(text: string, encoding: string, bom: boolean): DecodeResult {
  // One native scan answers for almost every text file; only one with controls is counted.
  if (!CONTROL.test(text)) return { ok: true, text, encoding, bom };
  let controls = 0;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Tab, LF, VT, FF, CR and ESC are normal in text files; the rest of C0 and DEL are not.
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 0x7f || c === 0) {
      if (first < 0) first = i;
      controls++;
    }
  }
  // A stray control character or two is tolerated (scraped text has them); more means binary.
  if (controls > Math.max(2, text.length / 1000)) {
    return { ok: false, code: "binary", reason: `binary file: ${controls} control characters (first at character ${first})` };
  }
  return { ok: true, text, encoding, bom };
}

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  if (bytes.length < sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[i] !== sig[i]) return false;
  return true;
}

function strictUtf8(bytes: Uint8Array): { ok: true; text: string } | { ok: false; badByte: number } {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, badByte: firstInvalidUtf8(bytes) };
  }
}

/** Length of the well-formed UTF-8 sequence at `i`, or 0. */
function utf8SeqLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  let n: number;
  let min: number;
  if (b >= 0xc2 && b <= 0xdf) (n = 2), (min = 0x80);
  else if (b >= 0xe0 && b <= 0xef) (n = 3), (min = 0x800);
  else if (b >= 0xf0 && b <= 0xf4) (n = 4), (min = 0x10000);
  else return 0;
  if (i + n > bytes.length) return 0;
  let cp = b & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const c = bytes[i + k];
    if ((c & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (c & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const n = utf8SeqLength(bytes, i);
    if (n === 0) return i;
    i += n;
  }
  return bytes.length;
}

/** Counts well-formed multi-byte UTF-8 sequences, invalid bytes and bytes ≥ 0x80. */
function utf8Stats(bytes: Uint8Array): { valid: number; invalid: number; nonAsciiBytes: number } {
  let valid = 0;
  let invalid = 0;
  let nonAsciiBytes = 0;
  for (const b of bytes) if (b >= 0x80) nonAsciiBytes++;
  for (let i = 0; i < bytes.length; ) {
    const n = utf8SeqLength(bytes, i);
    if (n === 0) {
      invalid++;
      i++;
    } else {
      if (n > 1) valid++;
      i += n;
    }
  }
  return { valid, invalid, nonAsciiBytes };
}

function hasIso2022Escape(bytes: Uint8Array): boolean {
  // Native search for ESC: most texts have none (a 10 MB library was scanned byte by byte before).
  for (let i = bytes.indexOf(0x1b); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0x1b, i + 1)) {
    if (bytes[i + 1] === 0x24 && (bytes[i + 2] === 0x42 || bytes[i + 2] === 0x40)) return true;
  }
  return false;
}

function decodeIso2022jp(bytes: Uint8Array): string | null {
  const text = Encoding.convert(Array.from(bytes), { to: "UNICODE", from: "JIS", type: "string" });
  return text.includes("\ufffd") || text.includes("\u001b") ? null : text;
}

/** Decodes with iconv-lite, or `null` when any byte sequence is invalid (iconv emits U+FFFD then). */
function iconvStrict(bytes: Uint8Array, encoding: string): string | null {
  if (!iconv.encodingExists(encoding)) return null;
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
  return text.includes("\ufffd") ? null : text;
}

const isHalfWidthLetter = (c: number) => c >= 0xff66 && c <= 0xff9d;

/** Characters of `text` in [lo, hi]. */
/** Small kana (ぁ ぃ ぅ ぇ ぉ っ ゃ ゅ ょ ゎ ゕ ゖ): they follow a kana, they never start a word. */
const SMALL_HIRAGANA = new Set([0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308e, 0x3095, 0x3096]);

/**
 * Hiragana as Japanese writes them: a small kana counts only after another kana. (Half-width
 * katakana of Shift_JIS read as EUC-JP make ぁ of ､｡ — A4 A1 — with no kana before it.)
 */
function wordlyHiragana(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3041 || c > 0x309f) continue;
    if (SMALL_HIRAGANA.has(c)) {
      const p = i > 0 ? text.charCodeAt(i - 1) : 0;
      if (!((p >= 0x3041 && p <= 0x309f) || (p >= 0x30a1 && p <= 0x30ff))) continue;
    }
    n++;
  }
  return n;
}

function countIn(text: string, lo: number, hi: number): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= lo && c <= hi) n++;
  }
  return n;
}

function kanaCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x3041 && c <= 0x30ff) || (c >= 0xff66 && c <= 0xff9d)) n++;
  }
  return n;
}
/** Half-width kana a voiced mark (ﾞ) may follow: ｳ, ｶ–ﾄ, ﾊ–ﾎ, ﾜ, ｦ. */
const takesDakuten = (c: number) => c === 0xff73 || (c >= 0xff76 && c <= 0xff84) || (c >= 0xff8a && c <= 0xff8e) || c === 0xff9c || c === 0xff66;
const isFullKana = (c: number) => c >= 0x3041 && c <= 0x30ff;
/**
 * Symbols of JIS X 0208 and CP932's extensions, common in Japanese pages (※ → ○ ━ ① ㈱ ￥ ∀ Α Я):
 * Shift_JIS writes them with lead bytes 81–84 and 87, which EUC-JP bytes never are, so a misreading
 * does not produce them.
 */
const isJisSymbol = (c: number) =>
  (c >= 0x2010 && c <= 0x2312) || (c >= 0x2460 && c <= 0x24ff) || (c >= 0x2500 && c <= 0x26ff) || (c >= 0x3200 && c <= 0x33ff) || (c >= 0x0391 && c <= 0x03c9) || (c >= 0x0401 && c <= 0x0451) || c === 0xffe5 || c === 0xffe2 || c === 0xffe4 || c === 0x00a7 || c === 0x00a8 || c === 0x00b0 || c === 0x00b1 || c === 0x00b4 || c === 0x00b6 || c === 0x00d7 || c === 0x00f7;

/**
 * How Japanese a decoded text looks, in [0, 1]: the share of its non-ASCII characters that are kana,
 * CJK ideographs or full-width punctuation, penalised for private-use and C1 characters (what
 * EUC-JP read as Shift_JIS, or the reverse, turns into) and for a lack of kana.
 *
 * Half-width katakana (Shift_JIS's single bytes A1–DF: ｽﾏｰﾄﾌｫﾝ, ｻｰﾋﾞｽ, ｢…｣) are real text on
 * Japanese sites and count as kana where they sit as kana do: a voiced mark after a kana that takes
 * it, a small kana or ｰ after a kana; a voiced mark after a kana that cannot take it (ﾅﾞ) is a
 * misreading. When both readings look Japanese, the one with hiragana wins (`decodeBytes`): EUC-JP
 * read as Shift_JIS, or the reverse, never makes any.
 */
export function japaneseScore(text: string): number {
  let nonAscii = 0;
  let good = 0;
  let kana = 0;
  let bad = 0;
  let prev = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const before = prev;
    prev = c;
    if (c < 0x80) continue;
    nonAscii++;
    if ((c >= 0x3040 && c <= 0x30ff) || c === 0x30fc) {
      kana++;
      good++;
    } else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff5e) || isJisSymbol(c)) {
      good++;
    } else if (c >= 0xff61 && c <= 0xff9f) {
      if (c >= 0xff61 && c <= 0xff65) {
        good++;
      } else if (c === 0xff9e || c === 0xff9f) {
        // ﾞ ﾟ: kana after a kana that takes them; after one that cannot (ﾅﾞ), a misreading. After
        // anything else they are symbols (emoticons such as (ﾟ∀ﾟ)).
        if (c === 0xff9e ? takesDakuten(before) : before >= 0xff8a && before <= 0xff8e) (kana++, good++);
        else if (isHalfWidthLetter(before)) bad++;
      } else if ((c >= 0xff67 && c <= 0xff70) || c === 0xff6f) {
        // Small kana and the long-vowel mark follow a kana.
        if (isHalfWidthLetter(before) || isFullKana(before) || before === 0xff9e || before === 0xff9f) (kana++, good++);
      } else if (isHalfWidthLetter(c)) {
        kana++;
        good++;
      } else good++; // ｡ ｢ ｣
    } else if ((c >= 0xe000 && c <= 0xf8ff) || (c >= 0x80 && c <= 0x9f)) {
      bad++;
    }
  }
  if (nonAscii === 0) return 1;
  const ratio = (good - 2 * bad) / nonAscii;
  // Running Japanese prose is at least a fifth kana; kanji-only output is a sign of a wrong guess.
  const kanaShare = kana / nonAscii;
  const kanaFactor = nonAscii < 20 || kanaShare >= 0.15 ? 1 : 0.5 + kanaShare * 3;
  return Math.max(0, Math.min(1, ratio * kanaFactor));
}

/**
 * Whether a reading's kanji are a quarter or more JIS level 2 (the rare ones): running Japanese uses
 * them for a few per cent of its kanji, while half-width katakana of Shift_JIS read as EUC-JP pair up
 * into kanji of which a third are level 2 (ｱﾌﾟﾘ → 餅慴). Counted on the bytes: level 2 starts at
 * EUC-JP lead D0 and Shift_JIS lead 98 (second half) up to EA.
 */
function rareKanjiHeavy(bytes: Uint8Array, encoding: "shift_jis" | "euc-jp"): boolean {
  let kanji = 0;
  let rare = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) continue;
    if (encoding === "euc-jp") {
      if (b === 0x8e || b === 0x8f) {
        i += b === 0x8f ? 2 : 1;
        continue;
      }
      if (b >= 0xb0 && b <= 0xf4) (kanji++, b >= 0xd0 && rare++);
      i++;
    } else {
      if (b >= 0xa1 && b <= 0xdf) continue; // half-width katakana: one byte
      if ((b >= 0x88 && b <= 0x9f) || (b >= 0xe0 && b <= 0xea)) (kanji++, (b >= 0x99 || (b === 0x98 && bytes[i + 1] >= 0x9f)) && rare++);
      i++;
    }
  }
  return kanji >= 2 && rare * 4 >= kanji;
}

/** Half-width kana of the i-row (ｲｷｼﾁﾆﾋﾐﾘ), which a small ｬｭｮ follows. */
const isIRow = (c: number) => c === 0xff72 || c === 0xff77 || c === 0xff7c || c === 0xff81 || c === 0xff86 || c === 0xff8b || c === 0xff90 || c === 0xff98;

/**
 * How many marks show half-width katakana put together as words are — voiced marks (ﾞ ﾟ) after a
 * kana that takes them, small ｬｭｮ after an i-row kana (voiced or not), small ｧ–ｫ, ｯ and ｰ after a
 * kana — or 0 when any mark sits where no word puts it.
 */
function halfWidthKanaWellFormed(text: string): number {
  let shown = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const before = i > 0 ? text.charCodeAt(i - 1) : 0;
    const base = (before === 0xff9e || before === 0xff9f) && i > 1 ? text.charCodeAt(i - 2) : before;
    if (c === 0xff9e || c === 0xff9f) {
      if (!(c === 0xff9e ? takesDakuten(before) : before >= 0xff8a && before <= 0xff8e)) return 0;
      shown++;
    } else if (c >= 0xff6c && c <= 0xff6e) {
      if (!isIRow(base)) return 0;
      shown++;
    } else if ((c >= 0xff67 && c <= 0xff6b) || c === 0xff6f || c === 0xff70) {
      if (!(isHalfWidthLetter(before) || before === 0xff9e || before === 0xff9f)) return 0;
      shown++;
    }
  }
  return shown;
}

/** "at byte 123 (line 4)", for messages. */
function where(bytes: Uint8Array, offset: number): string {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return `at byte ${offset} (line ${line})`;
}
