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
import { onFirstCall } from "../warmUp";

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
  warmUp();
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

// Warm-up, as in boilerplate.ts: the first call cleans made-up files that take the rare branches of
// metadata inference (a date inside a headline, credit and copyright lines, a labelled address), so
// `inferMetadata` is compiled with their type feedback instead of deoptimising when one first occurs.
// (Five rounds: V8 records feedback only after a function's first calls, and three were just enough.)
const warmUp = onFirstCall(() => {
  const prose = "政府は10日、新しい方針を決めたと発表した。関係する省庁が来月から具体的な検討を始め、年内に結論を出す見通しだという。担当者は今後の日程についても説明した。";
  const texts = [
    ["https://example.com/news/1", "2025年1月10日(金) 10時00分 配信", "# 2025年の新しい方針を発表", "", prose, "(共同通信)", "", "Copyright © 共同通信社"],
    ["NHK NEWS WEB Logo Menu", "公開日: 2025/01/10", "タイトル：新しい方針", "", prose, "出典: https://example.com/source", "元記事: [記事](https://example.com/page)"],
    ["[新しい方針](https://example.com/x)", "2025年1月10日 東京発", "**新しい方針**", prose, "有料会員になると日経電子版とロイターが読み放題", "© 2025 Example"],
    ["𠮷の字の見出し", prose, "", "Copyright © 2025 共同通信社"],
    ["2025年13月1日 配信", "新しい方針".repeat(62), prose],
    ["Example Logo", prose],
    ["架空新聞 Logo", "2012-08-02T11:00:00+0900", "見出し", prose],
    [""],
  ];
  const markdown = ["---", "key: warm-up", "title: 新しい方針", "outlet: 共同通信", "published: 2025-01-10", "---", "", prose].join("\n");
  // (Made as a catalogue's entries are: objects of the same shape.)
  const catalogue = readFields({ key: "warm-up", title: "新しい方針", outlet: "共同通信", published: "2025-01-10", url: "https://example.com/x" }).entry;
  for (let round = 0; round < 5; round++) {
    for (const lines of texts) cleanSource({ text: lines.join("\n"), encoding: "utf-8", hash: "" }, { path: "warm-up.txt", relPath: "warm-up.txt", catalogue: null });
    cleanSource({ text: markdown, encoding: "utf-8", hash: "" }, { path: "warm-up.md", relPath: "warm-up.md", catalogue: null });
    cleanSource({ text: texts[0].join("\n"), encoding: "utf-8", hash: "" }, { path: "warm-up.txt", relPath: "warm-up.txt", catalogue });
  }
});
