/**
 * Bibliography export: the corpus's sources as CSL-JSON, BibTeX or a Pandoc `references:` YAML
 * block, so a draft citing `[@key]` renders with `pandoc --citeproc --bibliography FILE`. The CSL
 * items are built here; citation-js (a maintained CSL/BibTeX library) writes BibTeX.
 */
import { stringify } from "yaml";
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
 * The bibliography file's text, and the extension it is usually saved with. `enrich` gives, for a
 * source whose key is also a reference-library entry, the library's metadata (authors, container,
 * DOI, URL…), which completes the item.
 */
export function exportBibliography(
  sources: readonly IndexedSource[],
  format: BibliographyFormat,
  enrich?: (key: string) => Record<string, unknown> | undefined,
): { text: string; extension: string } {
  const items: CslItem[] = sources.map((s) => ({ ...toCslItem(s), ...(enrich?.(s.meta.key) ?? {}) }));
  switch (format) {
    case "csl-json":
      return { text: JSON.stringify(items, null, 2) + "\n", extension: "json" };
    case "bibtex": {
      configureBibtex();
      return { text: new (citationJs().Cite)(items).format("bibtex"), extension: "bib" };
    }
    case "pandoc-yaml": {
      const refs = items.map(({ "citation-key": _k, ...rest }) => rest);
      return { text: `---\n${stringify({ references: refs }, { lineWidth: 0 })}---\n`, extension: "yaml" };
    }
  }
}
