/**
 * A reference formatted as the writer's bibliography will show it: citeproc (through citation-js's
 * CSL plugin) in the chosen CSL style — by default Chicago author-date, the style Pandoc uses when a
 * draft names none — with the `ja-JP` locale for Japanese entries and `en-US` for the others.
 * Styles and locales are bundled (bundledCsl.ts, citation-js's own) or read from a file the writer
 * names; nothing is fetched.
 */
import { escapeMd } from "../features/sourceCard";
import { CHICAGO_AUTHOR_DATE, LOCALE_JA_JP, SIST02 } from "./bundledCsl";
import { isJapanese } from "./library";
import type { CslData } from "./model";

type CitationCore = {
  plugins: {
    config: { get(name: string): { styles: { add(name: string, xml: string): void; has(name: string): boolean }; locales: { add(name: string, xml: string): void; has(name: string): boolean } } };
    output: { format(name: string, data: CslData[], options: Record<string, unknown>): string };
  };
  logger: { _log: unknown[] };
};
let citationCore: CitationCore | undefined;
/** citation-js with its CSL plugin, loaded on first use (see bibtex.ts). */
function core(): CitationCore {
  if (!citationCore) {
    citationCore = require("@citation-js/core") as CitationCore;
    require("@citation-js/plugin-csl");
  }
  return citationCore;
}

export const DEFAULT_STYLE = "chicago-author-date";
/** Styles a setting can name without a file: ours and citation-js's. */
export const BUNDLED_STYLES = ["chicago-author-date", "apa", "harvard1", "vancouver", "sist02"] as const;

let registered = false;
function cslConfig() {
  const cfg = core().plugins.config.get("@csl");
  if (!registered) {
    registered = true;
    if (!cfg.styles.has("chicago-author-date")) cfg.styles.add("chicago-author-date", CHICAGO_AUTHOR_DATE);
    if (!cfg.styles.has("sist02")) cfg.styles.add("sist02", SIST02);
    if (!cfg.locales.has("ja-JP")) cfg.locales.add("ja-JP", LOCALE_JA_JP);
  }
  return cfg;
}

export function isBundledStyle(name: string): boolean {
  return (BUNDLED_STYLES as readonly string[]).includes(name);
}

/**
 * Registers a style read from a file under a name of its own (its path and version), so a changed
 * file is registered anew. Returns the name to format with, or an error when the text is no CSL style.
 */
export function registerStyleFile(path: string, version: string, xml: string): { name: string } | { error: string } {
  const name = `file:${path}@${version}`;
  const cfg = cslConfig();
  if (cfg.styles.has(name)) return { name };
  if (!/<style[\s>]/.test(xml) || !/xmlns="http:\/\/purl\.org\/net\/xbiblio\/csl"/.test(xml)) return { error: "not a CSL style (no <style> element in the CSL namespace)" };
  cfg.styles.add(name, xml);
  // Formatting one item once proves the style and builds citeproc's engine for it.
  try {
    core().plugins.output.format("bibliography", [{ id: "probe", type: "book", title: "Probe" }], { template: name, lang: "en-US", format: "html" });
  } catch (e) {
    return { error: e instanceof Error ? e.message.split("\n")[0] : String(e) };
  }
  return { name };
}

export interface FormattedReference {
  /** The bibliography entry, as Markdown. */
  entry: string;
  /** The in-text citation (`(Smith 2020)`), as Markdown; "" when the style gives none. */
  citation: string;
}

/** Formatted entries, per CSL item (kept while the item lives) and style: a hover repeated on a key is a lookup. */
const formatted = new WeakMap<CslData, Map<string, FormattedReference | null>>();

/** The entry and its citation in `style` (a bundled name or a registered file), or null when citeproc cannot format it. */
export function formatReference(csl: CslData, style: string = DEFAULT_STYLE): FormattedReference | null {
  let byStyle = formatted.get(csl);
  if (!byStyle) formatted.set(csl, (byStyle = new Map()));
  if (byStyle.has(style)) return byStyle.get(style)!;
  const result = formatUncached(csl, style);
  byStyle.set(style, result);
  return result;
}

function formatUncached(csl: CslData, style: string): FormattedReference | null {
  cslConfig();
  const lang = isJapanese(csl) ? "ja-JP" : "en-US";
  try {
    const html = core().plugins.output.format("bibliography", [csl], { template: style, lang, format: "html" });
    let citation = "";
    try {
      citation = core().plugins.output.format("citation", [csl], { template: style, lang, format: "html" });
    } catch {
      /* the entry is enough */
    }
    return { entry: htmlToMarkdown(html), citation: htmlToMarkdown(citation) };
  } catch {
    return null;
  } finally {
    core().logger._log.length = 0;
  }
}

/** Builds citeproc's engines for the style ahead of the first hover (the first format of a style takes a while). */
export function warmStyle(style: string = DEFAULT_STYLE): void {
  formatReference({ id: "warm", type: "book", title: "Warm", author: [{ family: "A", given: "B" }] }, style);
  formatReference({ id: "warm-ja", type: "book", title: "準備", author: [{ family: "山田", given: "太郎" }] }, style);
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") return String.fromCodePoint(e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** citeproc's HTML (italics, bold, small caps, block divs) as Markdown. */
export function htmlToMarkdown(html: string): string {
  let out = "";
  for (const part of html.split(/(<[^>]+>)/)) {
    if (!part) continue;
    if (part.startsWith("<")) {
      const tag = /^<\/?\s*([a-z0-9]+)/i.exec(part)?.[1]?.toLowerCase();
      if (tag === "i" || tag === "em") out += "*";
      else if (tag === "b" || tag === "strong") out += "**";
      else if (tag === "div" && part.startsWith("</")) out += " ";
      continue;
    }
    out += escapeMd(decodeEntities(part));
  }
  return out.replace(/\s+/g, " ").trim();
}
