/**
 * Article extraction from HTML corpus files, with offsets that stay the file's own.
 *
 * How offsets stay honest: the text handed to the analysis is a *masked view* of the HTML source —
 * the same length and the same line breaks, with markup, comments, scripts and styles replaced by
 * spaces and character references (`&amp;`, `&#12354;`) replaced by the character they stand for,
 * padded with spaces to the reference's length. Every offset, line and column in the masked view is
 * therefore the same in the file. Which parts are article is decided by Mozilla Readability (over
 * linkedom); each block it returns is located in the masked view by its text (whitespace ignored), so
 * a block the extractor kept becomes a span of the file. A block that cannot be located is left out
 * and counted in `unmatchedBlocks`.
 *
 * Bounded cost: Readability's scoring walks each node's ancestors and text, so its time grows with
 * the square of the nesting depth (1,000 nested `<div>`s took 14 s). The DOM it sees is therefore
 * flattened below {@link MAX_DEPTH} levels — deeper tags are blanked in the copy it parses (their
 * text stays, in the deepest kept element) — and `flattenedDepth` tells the loader to say so. Very
 * large pages ({@link MAX_READABILITY_CHARS}) skip the DOM altogether: their body goes to the line
 * classifier, which is linear, so a 15 MB page costs neither minutes nor gigabytes.
 */
import type { Readability as ReadabilityClass } from "@mozilla/readability";
import type { parseHTML as ParseHtml } from "linkedom";

// Readability and linkedom are loaded with the first HTML page: initialising them costs every
// process (the CLI, the server, each ingestion worker) some 60 ms at start, and most corpora hold none.
let libs: { Readability: typeof ReadabilityClass; parseHTML: typeof ParseHtml } | undefined;
function htmlLibs(): NonNullable<typeof libs> {
  return (libs ??= { Readability: require("@mozilla/readability").Readability, parseHTML: require("linkedom").parseHTML });
}
import type { Span } from "../model";

export interface HtmlMetadata {
  title: string | null;
  siteName: string | null;
  byline: string | null;
  published: string | null;
  url: string | null;
  lang: string | null;
}

export interface HtmlExtraction {
  /** Masked view of the source: same length and line breaks, markup blanked, references decoded. */
  text: string;
  /** Article blocks as spans of `text` (hence of the file), in document order. */
  regions: Span[];
  meta: HtmlMetadata;
  extractor: "readability" | "fallback";
  unmatchedBlocks: number;
  /** The page's nesting depth when it exceeded {@link MAX_DEPTH} (the DOM was flattened), else 0. */
  flattenedDepth: number;
  /** True when the page was too large for the DOM and its body went to the line classifier. */
  tooLargeForDom: boolean;
}

/** Nesting deeper than this is flattened before Readability reads the page. */
export const MAX_DEPTH = 64;
/** Pages larger than this (UTF-16 units) are not parsed into a DOM at all. */
export const MAX_READABILITY_CHARS = 1_000_000;

/** Extracts the article of an HTML page. Never throws: a page Readability cannot read falls back to its `<body>`. */
export function extractHtml(html: string): HtmlExtraction {
  const masked = maskHtml(html);
  let meta: HtmlMetadata = { title: null, siteName: null, byline: null, published: null, url: null, lang: null };
  let blocks: string[] | null = null;
  let flattenedDepth = 0;
  const tooLargeForDom = html.length > MAX_READABILITY_CHARS;
  if (!tooLargeForDom) {
    try {
      const flat = flattenDeepNesting(html, MAX_DEPTH);
      flattenedDepth = flat.depth > MAX_DEPTH ? flat.depth : 0;
      const { document } = htmlLibs().parseHTML(flat.html);
      meta = readMeta(document);
      const { Readability } = htmlLibs();
      const article = new Readability(document as unknown as ConstructorParameters<typeof ReadabilityClass>[0], { charThreshold: 200 }).parse();
      if (article?.content) {
        blocks = leafBlockTexts(article.content);
        meta.title ??= clean(article.title);
        meta.siteName ??= clean(article.siteName);
        meta.byline ??= clean(article.byline);
        meta.published ??= clean(article.publishedTime);
      }
    } catch {
      blocks = null;
    }
  } else meta = readMetaFromSource(html);
  if (!blocks || blocks.length === 0) {
    const start = bodyStart(html);
    return { text: masked, regions: [{ start, end: masked.length }], meta, extractor: "fallback", unmatchedBlocks: 0, flattenedDepth, tooLargeForDom };
  }
  const { regions, unmatched } = locateBlocks(masked, blocks, bodyStart(html));
  return { text: masked, regions, meta, extractor: "readability", unmatchedBlocks: unmatched, flattenedDepth, tooLargeForDom };
}

/** Elements that never hold children. */
const VOID = /^(?:area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr|keygen|frame|basefont|isindex)$/i;
/** Elements an HTML parser closes when a sibling of the same kind opens (`<p>a<p>b`, `<li>`). */
const SELF_CLOSING_SIBLING = /^(?:p|li|dt|dd|tr|td|th|option|optgroup|thead|tbody|tfoot|rt|rp)$/i;
const TAG_SCAN = /<!--[\s\S]*?(?:-->|$)|<(\/?)([A-Za-z][A-Za-z0-9:-]*)\b(?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;

/**
 * A copy of the page whose tags deeper than `maxDepth` are blanked with spaces (same length), and
 * the page's nesting depth. Linear in the number of tags; the depth follows the tags roughly as a
 * parser would (void elements, implicitly closed siblings, close tags matching an open ancestor).
 */
export function flattenDeepNesting(html: string, maxDepth: number): { html: string; depth: number } {
  const stack: Array<{ name: string; blanked: boolean }> = [];
  let depth = 0;
  let cut: Array<[number, number]> | null = null;
  let lowered: string | null = null;
  TAG_SCAN.lastIndex = 0;
  for (let m = TAG_SCAN.exec(html); m; m = TAG_SCAN.exec(html)) {
    const name = m[2];
    if (!name) continue; // a comment
    const tag = name.toLowerCase();
    if (m[1]) {
      // A close tag closes the nearest open element of its name (and whatever is open inside it).
      let k = stack.length - 1;
      while (k >= 0 && stack[k].name !== tag) k--;
      if (k < 0) continue;
      const blanked = stack[k].blanked;
      stack.length = k;
      if (blanked) (cut ??= []).push([m.index, m.index + m[0].length]);
      continue;
    }
    if (VOID.test(tag) || m[3]) {
      if (stack.length >= maxDepth) (cut ??= []).push([m.index, m.index + m[0].length]);
      continue;
    }
    if (SELF_CLOSING_SIBLING.test(tag) && stack.length > 0 && stack[stack.length - 1].name === tag) stack.pop();
    const blanked = stack.length >= maxDepth;
    stack.push({ name: tag, blanked });
    if (stack.length > depth) depth = stack.length;
    if (blanked) (cut ??= []).push([m.index, m.index + m[0].length]);
    if (tag === "script" || tag === "style" || tag === "textarea") {
      // Raw text: no tags inside.
      const close = (lowered ??= html.toLowerCase()).indexOf(`</${tag}`, TAG_SCAN.lastIndex);
      if (close >= 0) TAG_SCAN.lastIndex = close;
    }
  }
  if (!cut) return { html, depth };
  const parts: string[] = [];
  let at = 0;
  for (const [a, b] of cut) {
    parts.push(html.slice(at, a), " ".repeat(b - a));
    at = b;
  }
  parts.push(html.slice(at));
  return { html: parts.join(""), depth };
}

/** The page's own metadata read from its `<head>` alone (a page too large for a DOM). */
function readMetaFromSource(html: string): HtmlMetadata {
  const headEnd = html.search(/<body\b/i);
  const head = html.slice(0, headEnd < 0 ? Math.min(html.length, 200_000) : headEnd);
  try {
    return readMeta(htmlLibs().parseHTML(`<!doctype html><html>${head}</html>`).document);
  } catch {
    return { title: null, siteName: null, byline: null, published: null, url: null, lang: null };
  }
}

const RAW_TEXT = new Set(["script", "style", "noscript", "template", "svg", "math", "iframe", "object", "textarea"]);
const RUBY_READING = new Set(["rt", "rp"]);
const RUBY_END = /<\/?(?:rt|rp|ruby|rb|rtc)\b/gi;

/** Blanks markup with spaces (keeping line breaks) and decodes character references in place. */
export function maskHtml(html: string): string {
  // Pieces, not characters: a 15 MB page would otherwise be an array of millions of strings.
  const out: string[] = [];
  const blank = (from: number, to: number) => {
    if (to > from) out.push(html.slice(from, to).replace(/[^\r\n]/g, " "));
  };
  const special = /[<&]/g;
  let lowered: string | null = null;
  const lowerHtml = () => (lowered ??= html.toLowerCase());
  let i = 0;
  const n = html.length;
  while (i < n) {
    const c = html[i];
    if (c === "<") {
      if (html.startsWith("<!--", i)) {
        const e = html.indexOf("-->", i + 4);
        const end = e < 0 ? n : e + 3;
        blank(i, end);
        i = end;
        continue;
      }
      const m = /^<\/?([A-Za-z][A-Za-z0-9:-]*)/.exec(html.slice(i, i + 64));
      if (m || html[i + 1] === "!" || html[i + 1] === "?") {
        const end = tagEnd(html, i);
        blank(i, end);
        const name = m?.[1].toLowerCase();
        const opening = m !== null && !m[0].startsWith("</") && html[end - 2] !== "/";
        i = end;
        if (name && opening && RAW_TEXT.has(name)) {
          // Script and style content is not text: blank it up to the closing tag.
          const close = lowerHtml().indexOf(`</${name}`, i);
          const stop = close < 0 ? n : close;
          blank(i, stop);
          i = stop;
        } else if (name && opening && RUBY_READING.has(name)) {
          // Furigana (<rt>) and its fallback brackets (<rp>) are readings, not text: blanked up to
          // where the element ends (its end tag is optional: the next <rt>/<rp> or </ruby> ends it).
          RUBY_END.lastIndex = i;
          const m = RUBY_END.exec(html);
          const stop = m ? m.index : n;
          blank(i, stop);
          i = stop;
        }
        continue;
      }
    }
    if (c === "&") {
      const ref = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/.exec(html.slice(i, i + 40));
      if (ref) {
        const decoded = decodeReference(ref[1]);
        if (decoded !== null && decoded.length <= ref[0].length) {
          out.push(decoded + " ".repeat(ref[0].length - decoded.length));
          i += ref[0].length;
          continue;
        }
      }
    }
    // Plain text up to the next `<` or `&` is copied as it is.
    special.lastIndex = i + 1;
    const next = special.exec(html);
    const stop = next ? next.index : n;
    out.push(html.slice(i, stop));
    i = stop;
  }
  return out.join("");
}

function tagEnd(html: string, i: number): number {
  let quote: string | null = null;
  for (let k = i + 1; k < html.length; k++) {
    const c = html[k];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      // Quotes only delimit attribute values (after `=`); a stray apostrophe in `<a href=x'>` must not run on.
      if (/=\s*$/.test(html.slice(Math.max(i, k - 8), k))) quote = c;
    } else if (c === ">") return k + 1;
  }
  return html.length;
}

const NAMED: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", hellip: "…", mdash: "—", ndash: "–",
  lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", copy: "©", reg: "®", trade: "™", middot: "·", bull: "•",
  yen: "¥", times: "×", divide: "÷", laquo: "«", raquo: "»", larr: "←", rarr: "→", uarr: "↑", darr: "↓",
  emsp: "\u2003", ensp: "\u2002", thinsp: "\u2009", zwj: "\u200d", zwnj: "\u200c", shy: "\u00ad", deg: "°",
  plusmn: "±", sect: "§", para: "¶", euro: "€", pound: "£", cent: "¢", prime: "′", Prime: "″",
};

function decodeReference(ref: string): string | null {
  if (ref.startsWith("#")) {
    const cp = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    return String.fromCodePoint(cp);
  }
  return NAMED[ref] ?? null;
}

const BLOCK_SELECTOR = "p, li, h1, h2, h3, h4, h5, h6, blockquote, pre, figcaption, td, th, dd, dt, caption";

const BLOCK_TAGS = new Set(BLOCK_SELECTOR.split(",").map((t) => t.trim().toUpperCase()));

/** Texts of the innermost block elements of Readability's output, in order (one walk of the tree). */
function leafBlockTexts(content: string): string[] {
  const { document } = htmlLibs().parseHTML(`<!doctype html><html><body>${content}</body></html>`);
  // Ruby readings are not text (the masked view blanks them too).
  for (const el of Array.from(document.querySelectorAll("rt, rp")) as any[]) el.remove();
  const texts: string[] = [];
  /** Walks `el`; returns true when a block element is inside it. */
  const walk = (el: any): boolean => {
    let hasBlock = false;
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) if (walk(c)) hasBlock = true;
    const isBlock = BLOCK_TAGS.has(String(el.tagName).toUpperCase());
    if (isBlock && !hasBlock) {
      const t = el.textContent ?? "";
      if (t.trim() !== "") texts.push(t);
    }
    return hasBlock || isBlock;
  };
  if (document.body) walk(document.body);
  if (texts.length > 0) return texts;
  const whole = document.body?.textContent ?? "";
  return whole.split(/\n+/).filter((t: string) => t.trim() !== "");
}

/** Finds each block's text (whitespace ignored) in the masked view, moving forward through the page. */
function locateBlocks(masked: string, blocks: string[], from: number): { regions: Span[]; unmatched: number } {
  const chars: string[] = [];
  const at: number[] = [];
  for (let i = 0; i < masked.length; i++) {
    if (!/\s/.test(masked[i])) {
      chars.push(masked[i]);
      at.push(i);
    }
  }
  const compact = chars.join("");
  const regions: Span[] = [];
  let unmatched = 0;
  // The <head> (whose <title> repeats the headline) is never article.
  let floor = at.findIndex((o) => o >= from);
  if (floor < 0) floor = compact.length;
  let cursor = floor;
  const find = (needle: string): Span | null => {
    if (needle.length === 0) return null;
    let p = compact.indexOf(needle, cursor);
    if (p < 0) p = compact.indexOf(needle, floor);
    if (p < 0) return null;
    cursor = p + needle.length;
    return { start: at[p], end: at[p + needle.length - 1] + 1 };
  };
  for (const block of blocks) {
    const whole = find(block.replace(/\s+/g, ""));
    if (whole) {
      regions.push(whole);
      continue;
    }
    // Readability may have removed something inside the block: place its pieces one by one.
    let placed = false;
    for (const piece of block.split(/\s+/)) {
      if (piece.length < 4) continue;
      const s = find(piece);
      if (s) {
        regions.push(s);
        placed = true;
      }
    }
    if (!placed) unmatched++;
  }
  regions.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const r of regions) {
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return { regions: merged, unmatched };
}

function bodyStart(html: string): number {
  const m = /<body\b[^>]*>/i.exec(html);
  return m ? m.index + m[0].length : 0;
}

function readMeta(document: any): HtmlMetadata {
  const metaContent = (selector: string): string | null => clean(document.querySelector(selector)?.getAttribute("content"));
  const ld = jsonLd(document);
  return {
    title: metaContent('meta[property="og:title"]') ?? clean(ld.headline) ?? clean(document.querySelector("title")?.textContent),
    siteName: metaContent('meta[property="og:site_name"]') ?? clean(ld.publisher),
    byline: metaContent('meta[name="author"]') ?? clean(ld.author),
    published:
      metaContent('meta[property="article:published_time"]') ??
      clean(ld.datePublished) ??
      metaContent('meta[name="pubdate"]') ??
      metaContent('meta[name="date"]') ??
      clean(document.querySelector("time[datetime]")?.getAttribute("datetime")),
    url: clean(document.querySelector('link[rel="canonical"]')?.getAttribute("href")) ?? metaContent('meta[property="og:url"]'),
    lang: clean(document.documentElement?.getAttribute("lang")),
  };
}

/** The first NewsArticle-like object of the page's JSON-LD, flattened to strings. */
function jsonLd(document: any): { headline?: string; datePublished?: string; publisher?: string; author?: string } {
  for (const script of Array.from(document.querySelectorAll('script[type="application/ld+json"]')) as any[]) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? "");
    } catch {
      continue;
    }
    const items = (Array.isArray(data) ? data : [data]).flatMap((d: any) => (d && Array.isArray(d["@graph"]) ? d["@graph"] : [d]));
    for (const d of items as any[]) {
      if (!d || typeof d !== "object") continue;
      const type = [].concat(d["@type"] ?? []).join(" ");
      if (!/Article|Posting|Report/i.test(type)) continue;
      const name = (v: any): string | undefined =>
        typeof v === "string" ? v : Array.isArray(v) ? name(v[0]) : v && typeof v.name === "string" ? v.name : undefined;
      return { headline: d.headline, datePublished: d.datePublished, publisher: name(d.publisher), author: name(d.author) };
    }
  }
  return {};
}

function clean(s: unknown): string | null {
  if (typeof s !== "string") return null;
  const t = s.replace(/\s+/g, " ").trim();
  return t === "" ? null : t;
}
