/**
 * Bibliography export: the corpus's sources as CSL-JSON, BibTeX or a Pandoc `references:` YAML
 * block, so a draft citing `[@key]` renders with `pandoc --citeproc --bibliography FILE`. The CSL
 * items are built here; citation-js (a maintained CSL/BibTeX library) writes BibTeX.
 */
import { Document, isScalar, parse, visit } from "yaml";
import type { IndexedSource } from "../model";

// citation-js ships no type declarations; its API is small and used only here. The plugins
// register themselves with the core on load.
type CitationJs = {
  Cite: new (data: unknown) => { format(name: string, options?: unknown): string };
  plugins: { config: { get(name: string): { format: Record<string, unknown> } } };
};
let loaded: CitationJs | undefined;
/** Loaded on first use: most processes never export (see core/bibliography/bibtex.ts). */
function citationJs(): CitationJs {
  if (!loaded) {
    loaded = require("@citation-js/core") as CitationJs;
    require("@citation-js/plugin-bibtex");
    require("@citation-js/plugin-csl");
  }
  return loaded;
}

export type BibliographyFormat = "csl-json" | "bibtex" | "pandoc-yaml";

/** One CSL-JSON item (the fields Shutten knows). */
export interface CslItem {
  id: string;
  "citation-key": string;
  type: "article-newspaper" | "webpage";
  title?: string;
  "container-title"?: string;
  publisher?: string;
  issued?: { "date-parts": number[][] };
  URL?: string;
  note?: string;
}

/** A source as a CSL item: a newspaper article when the outlet is known, else a web page. */
export function toCslItem(source: IndexedSource): CslItem {
  const m = source.meta;
  const item: CslItem = { id: m.key, "citation-key": m.key, type: m.outlet ? "article-newspaper" : "webpage" };
  if (m.title) item.title = m.title;
  if (m.outlet) item["container-title"] = m.outlet;
  const d = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(m.published ?? "");
  if (d) item.issued = { "date-parts": [[Number(d[1]), ...(d[2] ? [Number(d[2])] : []), ...(d[3] ? [Number(d[3])] : [])]] };
  if (m.url) item.URL = m.url;
  if (m.originals.length) item.note = `Quotes: ${m.originals.join(", ")}`;
  return item;
}

let bibtexConfigured = false;

function configureBibtex(): void {
  if (bibtexConfigured) return;
  const cfg = citationJs().plugins.config.get("@bibtex");
  // Keep Japanese as is (BibTeX files are UTF-8 for biber and pandoc) and our keys as labels.
  cfg.format.asciiOnly = false;
  cfg.format.useIdAsLabel = true;
  cfg.format.checkLabel = false;
  bibtexConfigured = true;
}

/**
 * Characters a BibTeX entry key cannot hold so that Pandoc (or biber) reads it back: the entry
 * syntax's own (`,` `{` `}` `"` `#` `%` `\`) and those the writer escapes or changes (`< > ^ | ~`).
 */
const NOT_IN_BIBTEX_KEY = /[\s,{}"#%\\<>^|~]/;

/**
 * A key as a Pandoc `references:` id in metadata: Pandoc reads the id as Markdown, so what Markdown
 * would turn into something else is escaped — `yamada\-\-2024` stays `yamada--2024` (not an en
 * dash), quotes stay straight, `*_[]<>&$^~@\`` stay themselves. Plain keys are written as they are.
 */
export function markdownLiteral(s: string): string {
  return s.replace(/-(?=-)|\.(?=\.\.)|[\\`*_[\]<>&$^~@"'{}|#!]/g, (m) => m.replace(/./g, "\\$&"));
}

/**
 * The bibliography file's text, and the extension it is usually saved with. Every key is written so
 * that Pandoc reads it back as the same key; a source whose key the format cannot hold (BibTeX:
 * `a,b`) is left out and listed in `skipped` (CSL-JSON holds every key). `enrich` gives, for a
 * source whose key is also a reference-library entry, the library's metadata (authors, container,
 * DOI, URL…), which completes the item.
 */
export function exportBibliography(
  sources: readonly IndexedSource[],
  format: BibliographyFormat,
  enrich?: (key: string) => Record<string, unknown> | undefined,
): { text: string; extension: string; skipped: string[] } {
  const skipped = format === "bibtex" ? sources.filter((s) => NOT_IN_BIBTEX_KEY.test(s.meta.key)).map((s) => s.meta.key) : [];
  const left = new Set(skipped);
  const items: CslItem[] = sources.filter((s) => !left.has(s.meta.key)).map((s) => ({ ...toCslItem(s), ...(enrich?.(s.meta.key) ?? {}) }));
  switch (format) {
    case "csl-json":
      return { text: JSON.stringify(items, null, 2) + "\n", extension: "json", skipped };
    case "bibtex": {
      configureBibtex();
      const note = skipped.length ? `% Left out: BibTeX cannot hold these keys (export CSL-JSON for them): ${skipped.join(" ")}\n\n` : "";
      return { text: note + new (citationJs().Cite)(items).format("bibtex"), extension: "bib", skipped };
    }
    case "pandoc-yaml": {
      const refs = items.map(({ "citation-key": _k, ...rest }) => ({ ...rest, id: markdownLiteral(rest.id) }));
      const doc = new Document({ references: refs });
      // Pandoc reads YAML 1.1-style: a plain `001`, `no` or `2024-05-10` would not come back as the
      // text it was, so such strings (and every id) are written quoted.
      visit(doc, {
        Pair(_, pair) {
          const v = pair.value;
          if (!isScalar(v) || typeof v.value !== "string") return;
          const key = isScalar(pair.key) ? pair.key.value : null;
          if (key === "id" || readsAsOtherThan(v.value)) v.type = "QUOTE_DOUBLE";
        },
      });
      return { text: `---\n${doc.toString({ lineWidth: 0 })}---\n`, extension: "yaml", skipped };
    }
  }
}

/** True when a YAML 1.1 reader would not read the plain scalar `s` back as the string `s`. */
function readsAsOtherThan(s: string): boolean {
  try {
    return parse(s, { version: "1.1" }) !== s;
  } catch {
    return true;
  }
}
