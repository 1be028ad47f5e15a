/**
 * Pipeline stage 2, clean: a decoded file becomes a source — front matter split off (Markdown and
 * text), the article extracted from an HTML page, page chrome dropped (boilerplate.ts), metadata
 * resolved (metadata.ts: front matter > catalogue > text > file name). Pure: no file system.
 *
 * The key resolved here is the file's own claim; `citationKeys.ts` makes the keys of the whole
 * corpus unique afterwards.
 */
import * as path from "node:path";
import type { CorpusProblem, SourceMetadata, Span } from "../model";
import { classifyAndClean } from "./boilerplate";
import { parseFrontMatter } from "./frontMatter";
import { extractHtml, MAX_DEPTH as HTML_MAX_DEPTH } from "./html";
import { inferMetadata, readFields, resolveMetadata, type CatalogueEntry } from "./metadata";
import type { DecodedFile } from "./readSource";

/** A decoded, cleaned source before analysis. */
export interface RawSource {
  meta: SourceMetadata;
  /** The decoded file text (for HTML, its masked view: see `IndexedSource.format`). */
  text: string;
  body: Span[];
  encoding: string;
  hash: string;
  format: "text" | "markdown" | "html";
  /** Path relative to the corpus directory, `/`-separated. */
  relPath: string;
}

export function formatOf(relPath: string): RawSource["format"] {
  const ext = path.extname(relPath).toLowerCase();
  return ext === ".html" || ext === ".htm" ? "html" : ext === ".md" || ext === ".markdown" ? "markdown" : "text";
}

/** Cleans one decoded file into a source; `source` is null when the file must be skipped. */
export function cleanSource(
  decoded: DecodedFile,
  args: { path: string; relPath: string; catalogue: CatalogueEntry | null },
): { source: RawSource | null; problems: CorpusProblem[] } {
  const problems: CorpusProblem[] = [];
  const { hash } = decoded;
  const format = formatOf(args.relPath);

  let text = decoded.text;
  let regions: Span[];
  let frontMatter: CatalogueEntry | null = null;
  let pageMeta: Parameters<typeof inferMetadata>[3];
  if (format === "html") {
    const html = extractHtml(text);
    text = html.text;
    regions = html.regions;
    pageMeta = { title: html.meta.title, siteName: html.meta.siteName, published: html.meta.published, url: html.meta.url };
    // A hostile or huge page costs bounded time (html.ts); the writer is told what was done instead.
    if (html.flattenedDepth > 0) {
      problems.push({ path: args.path, message: `page nested ${html.flattenedDepth} levels deep: tags below level ${HTML_MAX_DEPTH} were ignored to find the article (their text is kept)`, severity: "information", code: "html-extraction" });
    }
    if (html.tooLargeForDom) {
      const chars = decoded.text.length;
      problems.push({ path: args.path, message: `page too large to read as a document (${(chars / 1e6).toFixed(1)} million characters): the article was found by line classification alone`, severity: "information", code: "html-extraction" });
    }
    if (html.unmatchedBlocks > 0) {
      problems.push({ path: args.path, message: `${html.unmatchedBlocks} extracted block(s) could not be located in the page source and were left out`, severity: "information", code: "html-extraction" });
    }
  } else {
    const fm = parseFrontMatter(text);
    for (const p of fm.problems) problems.push({ path: args.path, message: p.message, severity: fm.fatal ? "error" : "warning", span: p.span, code: "front-matter" });
    if (fm.fatal) return { source: null, problems: problems.map((p) => ({ ...p, message: p.message.startsWith("skipped") ? p.message : `skipped: ${p.message}` })) };
    if (fm.data) {
      const { entry, errors } = readFields(fm.data);
      frontMatter = entry;
      for (const e of errors) problems.push({ path: args.path, message: `front matter: ${e}`, severity: "warning", span: fm.span ?? undefined, code: "front-matter" });
    }
    regions = [{ start: fm.bodyStart, end: text.length }];
  }

  const { lines, body } = classifyAndClean(text, regions);
  if (body.length === 0) problems.push({ path: args.path, message: "no article text left after cleaning", severity: "warning", code: "empty-body" });
  const inferred = inferMetadata(text, lines, body, pageMeta);
  const meta = resolveMetadata({ path: args.path, relPath: args.relPath, frontMatter, catalogue: args.catalogue, inferred });
  return { source: { meta, text, body, encoding: decoded.encoding, hash, format, relPath: args.relPath }, problems };
}
