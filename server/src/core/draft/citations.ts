/**
 * Pandoc citation syntax, scanned the way Pandoc's Markdown reader (`citations` extension) does:
 * bracketed `[see @a, p. 3; -@b]`, in-text `@key` with an optional `[locator]` after it, braced
 * keys `@{…}`. The rules are Pandoc's own (`citeKey`, `normalCite`, `textualCite` in
 * `Text.Pandoc.Readers.Markdown`), and `test/unit/citationsPandoc.test.ts` checks them against the
 * `pandoc` binary on generated drafts.
 *
 * One deliberate consequence, kept for Pandoc compatibility: `@` straight after a letter, digit or
 * `.` (`本文@key`, `mail@example.com`) is *not* a citation, because Pandoc renders it as text.
 * `本文[@key]`, `本文 @key` and `」@key` are citations. A `@key` glued to Japanese text is reported
 * as a draft problem (`citation-after-text`) so the writer learns to add brackets or a space.
 *
 * The scanner works on a string in which the caller may have replaced Markdown constructs by two
 * sentinels: {@link OPAQUE} (a code span, HTML, link markup, an escaped character: never part of a
 * key, never a bracket) and {@link STRING_END} (the closing mark of emphasis, after which Pandoc
 * considers itself "after a string").
 */

/** Sentinel for a construct that is neither text nor citation syntax (code span, HTML, escape…). */
export const OPAQUE = "\uE001";
/** Sentinel for the end of an emphasis, which Pandoc treats like the end of a word. */
export const STRING_END = "\uE000";
/** Sentinel for the `[` that opens a Markdown link: opaque, but Pandoc sees a `[` there. */
export const LINK_OPEN = "\uE002";

/** One item of a scanned citation; offsets index the scanned string. */
export interface ScannedItem {
  key: string;
  /** `@key` / `-@key` / `@{key}`, with the `-` when present. */
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  prefix: string;
  /** Everything after the key up to `;` or `]`, trimmed (`, 第3段落`, `p. 3`). */
  suffix: string;
  suppressAuthor: boolean;
  mode: CitationMode;
}

/** Pandoc's `citationMode`. */
export type CitationMode = "NormalCitation" | "AuthorInText" | "SuppressAuthor";

export interface ScannedCitation {
  start: number;
  end: number;
  inText: boolean;
  items: ScannedItem[];
}

export interface ScanProblem {
  start: number;
  end: number;
  code: "citation-without-key" | "citation-after-text";
  message: string;
}

/**
 * Longest prefix or suffix considered, so that a stray `[` in a huge paragraph cannot make the
 * scan quadratic. Pandoc has no such limit; no real citation comes near it.
 */
const MAX_PART = 1000;

const KEY_PUNCT = ":.#$%&-+?<>~/";

function codePointAt(s: string, i: number): string {
  const c = s.codePointAt(i);
  return c === undefined ? "" : String.fromCodePoint(c);
}

function codePointBefore(s: string, i: number): string {
  if (i <= 0) return "";
  const lo = s.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = s.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return s.slice(i - 2, i);
  }
  return s[i - 1];
}

/** Haskell's `isAlphaNum`: Unicode letters and numbers (not marks). */
function isAlphaNum(ch: string): boolean {
  return ch !== "" && /^[\p{L}\p{N}]$/u.test(ch);
}

function isRegChar(ch: string): boolean {
  return ch === "_" || isAlphaNum(ch);
}

/**
 * Pandoc's `notAfterString`: a key may not start right after a word (letters, digits, `.`) or
 * the end of an emphasis.
 */
export function isAfterString(s: string, i: number): boolean {
  const prev = codePointBefore(s, i);
  return prev === STRING_END || prev === "." || isAlphaNum(prev);
}

/** True when `key` is a valid unbraced Pandoc citation key (what `@key` accepts whole). */
export function isCitationKey(key: string): boolean {
  if (key === "") return false;
  const r = simpleIdentifier(key, 0);
  return r !== null && r === key.length;
}

/**
 * True when Pandoc can cite `key` at all: bare (`@key`, see {@link isCitationKey}) or in braces
 * (`@{key}`), which take any key without whitespace or backslash whose braces balance.
 */
export function isCitableKey(key: string): boolean {
  // (A backslash is a Markdown escape before the citation is read: `@{a\}` is not the key `a\`.)
  if (key === "" || /[\s\uE000-\uE002\\]/u.test(key)) return false;
  let depth = 0;
  for (const ch of key) {
    if (ch === "{") depth++;
    else if (ch === "}" && --depth < 0) return false;
  }
  return depth === 0;
}

/**
 * The key as Shutten writes it after `@`, so that Pandoc reads it back as the same key: bare when
 * Pandoc would read it whole (`nikkei-2025-06-20`), else in braces (`{yamada--2024}`,
 * `{yamada2024:}`: bare, Pandoc stops at `--` and drops a trailing `:`).
 */
export function writtenKey(key: string): string {
  return isCitationKey(key) ? key : `{${key}}`;
}

/** `@key` or `@{key}`: a citation of `key` as Pandoc reads it back. */
export function citeOf(key: string): string {
  return `@${writtenKey(key)}`;
}

/**
 * The edit that makes a cited item cite `key` instead: its `@key` (or `-@key`, `@{key}`) replaced
 * by the key as Pandoc reads it back. `end` overrides where the old citation ends (a key Pandoc cut
 * short, `@yamada--2024`, is replaced whole).
 */
export function citedKeyEdit(text: string, item: { span: { start: number; end: number }; keySpan: { start: number; end: number } }, key: string, end = item.span.end): { span: { start: number; end: number }; text: string } {
  const at = text.lastIndexOf("@", item.keySpan.start);
  const lead = at >= item.span.start ? text.slice(item.span.start, at + 1) : "@";
  return { span: { start: item.span.start, end }, text: lead + writtenKey(key) };
}

/** Parses Pandoc's `simpleCiteIdentifier` at `i`; returns the end offset or null. */
function simpleIdentifier(s: string, i: number): number | null {
  const first = codePointAt(s, i);
  if (!(isAlphaNum(first) || first === "_" || first === "*")) return null;
  let j = i + first.length;
  for (;;) {
    const ch = codePointAt(s, j);
    if (ch === "") break;
    if (isRegChar(ch)) {
      j += ch.length;
      continue;
    }
    const next = codePointAt(s, j + 1);
    if (KEY_PUNCT.includes(ch) && isRegChar(next)) {
      j += 1;
      continue;
    }
    if ((ch === ":" || ch === "/") && next === "/") {
      j += 1;
      continue;
    }
    break;
  }
  return j;
}

interface KeyMatch {
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  key: string;
  suppressAuthor: boolean;
}

/** Pandoc's `citeKey True` at `i` (`-@key`, `@key`, `@{key}`), including the after-string guard. */
function citeKey(s: string, i: number, citeEnd = -1): KeyMatch | null {
  // Pandoc's last-string position is not moved by a citation: `@a@b` holds two.
  if (i !== citeEnd && isAfterString(s, i)) return null;
  let j = i;
  const suppressAuthor = s[j] === "-";
  if (suppressAuthor) j++;
  if (s[j] !== "@") return null;
  j++;
  if (s[j] === "{") {
    let depth = 0;
    let k = j;
    for (; k < s.length; k++) {
      const ch = s[k];
      if (/\s/.test(ch) || ch === OPAQUE || ch === STRING_END) return null;
      if (ch === "{") depth++;
      else if (ch === "}") {
        depth--;
        if (depth === 0) break;
      }
    }
    if (k >= s.length || k === j + 1) return null;
    return { start: i, end: k + 1, keyStart: j + 1, keyEnd: k, key: s.slice(j + 1, k), suppressAuthor };
  }
  const end = simpleIdentifier(s, j);
  if (end === null) return null;
  return { start: i, end, keyStart: j, keyEnd: end, key: s.slice(j, end), suppressAuthor };
}

/** Pandoc's `spnl`: spaces, at most one newline, spaces — but not a blank line. */
function spnl(s: string, i: number): number {
  let j = i;
  while (s[j] === " " || s[j] === "\t") j++;
  if (s[j] === "\n") {
    j++;
    while (s[j] === " " || s[j] === "\t") j++;
  }
  return j;
}

function cleanText(t: string): string {
  return t.replaceAll(OPAQUE, "").replaceAll(STRING_END, "").replace(/\s+/g, " ").trim();
}

/** Parses the citation list inside brackets from `i` up to (not including) the closing `]`. */
function citeList(s: string, i: number, mode: CitationMode): { items: ScannedItem[]; end: number } | null {
  const items: ScannedItem[] = [];
  let j = i;
  for (;;) {
    // Prefix: text up to a key (Pandoc: `manyTill inline (']' <|> lookAhead (optional ';' >> citeKey))`).
    let k = j;
    let key: KeyMatch | null = null;
    for (;;) {
      if (k >= s.length || s[k] === "]" || s[k] === "[" || k - j > MAX_PART) return null;
      let k2 = k;
      if (s[k2] === ";") k2 = spnl(s, k2 + 1);
      const m = citeKey(s, k2);
      if (m) {
        if (k2 !== k) return null;
        key = m;
        break;
      }
      k++;
    }
    const prefix = cleanText(s.slice(j, k));
    // Suffix: up to `;` or `]`.
    let e = key.end;
    while (e < s.length && s[e] !== ";" && s[e] !== "]" && e - key.end <= MAX_PART) e++;
    if (e >= s.length || (s[e] !== ";" && s[e] !== "]")) return null;
    items.push({
      key: key.key,
      start: key.start,
      end: key.end,
      keyStart: key.keyStart,
      keyEnd: key.keyEnd,
      prefix,
      suffix: cleanText(s.slice(key.end, e)),
      suppressAuthor: key.suppressAuthor,
      mode: key.suppressAuthor ? "SuppressAuthor" : mode,
    });
    if (s[e] === ";") {
      j = spnl(s, e + 1);
      continue;
    }
    return { items, end: e };
  }
}

/** The `]` matching the `[` at `i` (nested brackets balanced), or -1. */
function matchBracket(s: string, i: number): number {
  let depth = 0;
  const limit = Math.min(s.length, i + 4 * MAX_PART);
  for (let k = i; k < limit; k++) {
    if (s[k] === "[" || s[k] === LINK_OPEN) depth++;
    else if (s[k] === "]") {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** `[ … ]` at `i`: Pandoc's `normalCite`. */
function normalCite(s: string, i: number): ScannedCitation | null {
  const list = citeList(s, spnl(s, i + 1), "NormalCitation");
  if (!list) return null;
  // citeList stops at `]` (suffixes swallow trailing spaces), so the bracket closes here.
  return { start: i, end: list.end + 1, inText: false, items: list.items };
}

/** `@key` or `@key [p. 3]` at `i` (an `@`): Pandoc's `textualCite`. */
function textualCite(s: string, i: number, citeEnd: number): ScannedCitation | null {
  const key = citeKey(s, i, citeEnd);
  if (!key) return null;
  const first: ScannedItem = {
    key: key.key,
    start: key.start,
    end: key.end,
    keyStart: key.keyStart,
    keyEnd: key.keyEnd,
    prefix: "",
    suffix: "",
    suppressAuthor: key.suppressAuthor,
    mode: key.suppressAuthor ? "SuppressAuthor" : "AuthorInText",
  };
  const b = spnl(s, key.end);
  // `@a [see @b, p. 3]`: a bracketed citation right after joins this one.
  if (s[b] === "[") {
    const rest = normalCite(s, b);
    if (rest && !"[(\uE002".includes(s[rest.end] ?? "x")) return { start: i, end: rest.end, inText: true, items: [first, ...rest.items] };
  }
  // Pandoc's `bareloc`: an optional `[locator; @more]` after the key.
  if (s[b] === "[" && s[b + 1] !== "^") {
    let e = b + 1;
    while (e < s.length && s[e] !== ";" && s[e] !== "]" && e - b <= MAX_PART) e++;
    let items: ScannedItem[] = [];
    let ok = s[e] === ";" || s[e] === "]";
    if (ok && s[e] === ";") {
      const rest = citeList(s, spnl(s, e + 1), "NormalCitation");
      if (rest) items = rest.items;
      ok = rest !== null;
      if (rest) {
        const close = rest.end;
        if (ok && !"[(\uE002".includes(s[close + 1] ?? "x")) {
          return {
            start: i,
            end: close + 1,
            inText: true,
            items: [{ ...first, suffix: cleanText(s.slice(b + 1, e)) }, ...items],
          };
        }
      }
    } else if (ok && !"[(\uE002".includes(s[e + 1] ?? "x")) {
      return { start: i, end: e + 1, inText: true, items: [{ ...first, suffix: cleanText(s.slice(b + 1, e)) }] };
    }
  }
  return { start: i, end: key.end, inText: true, items: [first] };
}

/**
 * Finds every citation in `s`, in order, the way Pandoc would, plus problems: a bracket that looks
 * like a citation with no key (`[@]`, `[@ ]`, `[see @, p. 3]`), and `@key` glued to Japanese text.
 */
export function scanCitations(s: string): { citations: ScannedCitation[]; problems: ScanProblem[] } {
  const citations: ScannedCitation[] = [];
  const problems: ScanProblem[] = [];
  let i = 0;
  const n = s.length;
  let citeEnd = -1;
  // The second bracket of `[x][y]`, which Pandoc re-reads on its own once the reference fails.
  let isolated = -1;
  while (i < n) {
    const ch = s[i];
    if (ch === "[") {
      // Pandoc tries a reference link before a citation: `[@a][x]` (x undefined) falls back to
      // text, its first bracket read as inlines (`@a` in-text), its second re-read on its own.
      // `![…]` is an image to Pandoc (its text read as inlines), never a citation.
      let refLink = s[i - 1] === "!";
      if (i !== isolated && !refLink) {
        const close = matchBracket(s, i);
        if (close >= 0 && (s[close + 1] === "[" || s[close + 1] === LINK_OPEN)) {
          refLink = true;
          if (s[close + 1] === "[" && matchBracket(s, close + 1) >= 0) isolated = close + 1;
        }
      }
      const c = refLink ? null : normalCite(s, i);
      if (c) {
        citations.push(c);
        i = citeEnd = c.end;
        continue;
      }
      const close = s.indexOf("]", i);
      const nextOpen = s.indexOf("[", i + 1);
      if (close >= 0 && (nextOpen < 0 || close < nextOpen) && close - i < 500) {
        if (/(?:^|[\s;])-?@(?:\{\s*\})?(?=$|[\s,;])/u.test(s.slice(i + 1, close))) {
          problems.push({
            start: i,
            end: close + 1,
            code: "citation-without-key",
            message: "This citation has no key: write `[@key]` with a source key after `@`.",
          });
          // Keep scanning inside, as Pandoc does: `[@a; @]` still cites `@a` in-text.
        }
      }
      i++;
      continue;
    }
    // In-text citations start at `@` only: Pandoc reads the `-` of an in-text `-@key` as text
    // (its mode stays AuthorInText); `-@` suppresses the author inside brackets only.
    if (ch === "@") {
      const c = textualCite(s, i, citeEnd);
      if (c) {
        citations.push(c);
        i = citeEnd = c.end;
        continue;
      }
      {
        const prev = codePointBefore(s, i);
        const glued = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]$/u.test(prev);
        const end = glued ? simpleIdentifier(s, i + 1) : null;
        if (glued && end !== null) {
          problems.push({
            start: i,
            end,
            code: "citation-after-text",
            message:
              "`@key` straight after Japanese text is not a citation (Pandoc reads it as text): write `[@key]` or put a space before `@`.",
          });
          i = end;
          continue;
        }
      }
    }
    i++;
  }
  return { citations, problems };
}

/**
 * Returns `text` with the Markdown-significant characters inside citation keys (`@_x`, `@a_b_`,
 * `@a<b`, `@a&b`, `@{a*b}`) replaced by `x`, one unit for one unit. Pandoc reads a key before any
 * emphasis, HTML or entity; giving the masked text to a CommonMark parser keeps it from pairing an
 * underscore in a key with another far away. Offsets are unchanged.
 */
/**
 * Where the braced key opening at `open` (a `{`) closes: the offset of its balancing `}` (nested
 * braces count, as Pandoc reads `@{a{b}c}`), or null when whitespace or a backslash comes first or
 * it does not close within 500 characters.
 */
function bracedKeyEnd(text: string, open: number): number | null {
  let depth = 0;
  const limit = Math.min(text.length, open + 500);
  for (let k = open; k < limit; k++) {
    const c = text[k];
    if (c === "{") depth++;
    else if (c === "}") {
      if (--depth === 0) return k > open + 1 ? k : null;
    } else if (c === "\\" || /\s/.test(c)) return null;
  }
  return null;
}

export function maskCitationKeys(text: string): string {
  let out: string[] | null = null;
  let i = text.indexOf("@");
  let keyEnd = -1;
  while (i >= 0) {
    const prev = codePointBefore(text, i);
    if (i === keyEnd || !(prev === "." || isAlphaNum(prev))) {
      let start = i + 1;
      let end: number | null = null;
      if (text[start] === "{") end = bracedKeyEnd(text, start);
      else end = simpleIdentifier(text, start);
      if (end !== null) {
        const key = text.slice(start, end);
        if (/[_*<&`\[\]\\!]/.test(key)) {
          out ??= text.split("");
          for (let k = start; k < end; k++) if (/[_*<&`\[\]\\!]/.test(text[k])) out[k] = "x";
        }
        keyEnd = text[start] === "{" ? end + 1 : end;
        i = text.indexOf("@", Math.max(end, i + 1));
        continue;
      }
    }
    i = text.indexOf("@", i + 1);
  }
  return out ? out.join("") : text;
}

const LOCATOR_LABEL =
  /^(?:p|pp|page|pages|chap|chapter|ch|sec|section|para|paragraph|l|line|ll|fig|figure|vol|no|art|col)\.?\s*\S/i;
const JA_LOCATOR = /^(?:第\s*)?[0-9０-９一二三四五六七八九十百千]+\s*(?:段落|ページ|頁|行|節|章|項|条|面|段)/;

/**
 * Splits a Pandoc suffix into a locator and the rest: `, 第3段落` → `第3段落`; `p. 3, emphasis added`
 * → `p. 3` + `emphasis added`. Without a recognisable locator the whole text stays the suffix.
 */
export function splitLocator(suffix: string): { locator: string | null; suffix: string } {
  const t = suffix.replace(/^[,，、]\s*/, "").trim();
  if (t === "") return { locator: null, suffix: "" };
  const comma = t.search(/[,，、](?!\d)/);
  const head = (comma < 0 ? t : t.slice(0, comma)).trim();
  const rest = comma < 0 ? "" : t.slice(comma + 1).trim();
  if (LOCATOR_LABEL.test(head) || JA_LOCATOR.test(head) || /^[0-9０-９]+(?:[-–][0-9]+)?$/.test(head)) {
    return { locator: head, suffix: rest };
  }
  return { locator: null, suffix: t };
}
