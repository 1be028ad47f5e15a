/**
 * Editor features over a draft's reference library (bibliography files, inline `references:`),
 * beside the corpus features and in the same plain-data style:
 *
 *   completion  keys after `[@`, `@`, `本文@` by key, author, year, title (kanji or kana);
 *   hover       the reference formatted by citeproc in the writer's CSL style; a corpus source whose
 *               key is also a library entry gets the library's metadata below its card; a quote
 *               cited only to references without full text is said to be uncheckable;
 *   definition  the entry's line in its file;
 *   rename      the key in the library file (and what points at it there).
 *
 * Library keys have no text: nothing here searches or checks text.
 */
import type { Locale } from "../check/messages";
import { bibliographyText } from "../bibliography/messages";
import { formatReference } from "../bibliography/formatReference";
import { containerOf, entryDetail, entryPlace, issuedYear, authorsShort, titleOf, type ReferenceLibrary } from "../bibliography/library";
import { searchLibrary } from "../bibliography/libraryCatalog";
import type { CslData, LibraryEntry } from "../bibliography/model";
import type { ParsedDraft } from "../draft/draftModel";
import type { CorpusIndex } from "../index/corpusIndex";
import type { Span } from "../model";
import { citationItemAt, keyPrefixAt, quoteAt } from "./citationAtCursor";
import { withLazyDocumentation, type CompletionEntry } from "./completion";
import type { HoverResult } from "./hover";
import type { DocumentSymbolData, FileEdits, InlayHintData, SemanticTokenData } from "./navigation";
import { escapeMd, sourceCardMarkdown } from "./sourceCard";

export interface LibraryContext {
  library: ReferenceLibrary;
  /** A registered CSL style name (formatReference.ts); Chicago author-date when absent. */
  style?: string;
  locale?: Locale;
  /** How a file's path is shown (relative to the workspace). */
  relative?: (path: string) => string;
  /** Said on hover when the writer's style could not be used. */
  styleNote?: string;
}

const FORMAT_NAMES: Record<LibraryEntry["format"], string> = { bibtex: "BibTeX", "csl-json": "CSL-JSON", "csl-yaml": "CSL YAML" };
/** Text after which a bare `@` is glued to a word (Pandoc then reads no citation). */
const GLUED_BEFORE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u;

/** A short card for completion lists: no citeproc (fifty items a keystroke), just the fields. */
function entryCard(entry: LibraryEntry, ctx: LibraryContext): string {
  const t = bibliographyText(ctx.locale ?? "en");
  const csl = entry.csl;
  const lines: string[] = [];
  const who = [authorsShort(csl), issuedYear(csl) && `(${issuedYear(csl)})`].filter(Boolean).join(" ");
  if (who) lines.push(escapeMd(who));
  if (titleOf(csl)) lines.push(`**${escapeMd(titleOf(csl))}**`);
  if (containerOf(csl)) lines.push(`*${escapeMd(containerOf(csl))}*`);
  lines.push(`\`@${entry.key}\` · ${t.libraryEntry} · ${escapeMd(entryPlace(entry, ctx.relative))}`);
  return lines.join("\n\n");
}

/** Library keys being typed after `[@`, `@` or `本文@` (the last completed to `本文[@key]`, as Pandoc needs). */
export function completeLibraryKeys(text: string, offset: number, ctx: LibraryContext, limit = 50): { items: CompletionEntry[]; incomplete: boolean } | null {
  if (ctx.library.size === 0) return null;
  const at = keyPrefixAt(text, offset);
  if (!at) return null;
  const atSign = at.span.start - 1;
  const glued = !at.bracketed && atSign > 0 && GLUED_BEFORE.test(text[atSign - 1]);
  const span = glued ? { start: atSign, end: at.span.end } : at.span;
  const typed = glued ? text.slice(atSign, offset) : at.prefix;
  const { hits, truncated } = searchLibrary(ctx.library, at.prefix, limit);
  const items = hits.map(({ entry, rank }, i): CompletionEntry => {
    const csl = entry.csl;
    return withLazyDocumentation(
      {
        label: entry.key,
        kind: "source" as const,
        detail: entryDetail(entry),
        insertText: glued ? `[@${entry.key}]` : entry.key,
        snippet: false,
        span,
        // After the corpus keys of the same rank (`0…` then `0L…`), before the corpus's next rank.
        sortText: `${rank}L${String(i).padStart(5, "0")}`,
        // What is typed leads, so the client's own filter keeps items found by author, title or reading.
        filterText: `${typed} ${entry.key} ${authorsShort(csl)} ${issuedYear(csl)} ${titleOf(csl)}`,
      },
      // The reference as citeproc prints it: made only for the item the writer selects.
      () => entryCard(entry, ctx),
    );
  });
  return { items, incomplete: truncated };
}

function linkLines(csl: CslData): string[] {
  const out: string[] = [];
  if (typeof csl.DOI === "string" && csl.DOI) out.push(`DOI: [${escapeMd(csl.DOI)}](https://doi.org/${encodeURI(csl.DOI.replace(/^https?:\/\/(dx\.)?doi\.org\//i, ""))})`);
  if (typeof csl.URL === "string" && csl.URL) out.push(`URL: ${csl.URL}`);
  if (typeof csl.ISBN === "string" && csl.ISBN) out.push(`ISBN: ${escapeMd(csl.ISBN)}`);
  return out;
}

/** The hover card of a library entry: the reference as the bibliography will print it, its links and its place. */
export function libraryEntryMarkdown(entry: LibraryEntry, ctx: LibraryContext, options: { standalone?: boolean } = {}): string {
  const t = bibliographyText(ctx.locale ?? "en");
  const formatted = formatReference(entry.csl, ctx.style);
  const lines: string[] = [];
  if (formatted?.entry) lines.push(formatted.entry);
  else lines.push(`**${escapeMd(titleOf(entry.csl) || entry.key)}**`, "", escapeMd(entryDetail(entry)));
  if (formatted?.citation) lines.push("", `${t.inText}: ${formatted.citation}`);
  const links = linkLines(entry.csl);
  if (links.length) lines.push("", links.join(" · "));
  lines.push("", `\`@${entry.key}\` · ${FORMAT_NAMES[entry.format]} · ${escapeMd(entryPlace(entry, ctx.relative))}`);
  if (ctx.styleNote) lines.push("", `*${escapeMd(ctx.styleNote)}*`);
  if (options.standalone !== false) lines.push("", `*${t.noFullText}*`);
  return lines.join("\n");
}

/** Library keys cited in the sentence of draft sentence `i` that the corpus does not have. */
function libraryOnlyCitations(draft: ParsedDraft, sentence: number, index: CorpusIndex, library: ReferenceLibrary): { corpus: string[]; library: string[] } {
  const s = draft.sentences[sentence];
  const keys = s ? [...new Set(s.citations.flatMap((c) => draft.citations[c].items.map((it) => it.key)))] : [];
  return { corpus: keys.filter((k) => index.has(k)), library: keys.filter((k) => !index.has(k) && library.has(k)) };
}

/**
 * Hover for what the library knows, or null (the corpus hover then answers): a library key (alone,
 * or below the corpus card when the corpus has a source of the same key), or a quote whose sentence
 * cites only references without full text.
 */
export function hoverLibrary(draft: ParsedDraft, offset: number, index: CorpusIndex, ctx: LibraryContext): HoverResult | null {
  if (ctx.library.size === 0) return null;
  const t = bibliographyText(ctx.locale ?? "en");
  const hit = citationItemAt(draft, offset);
  if (hit) {
    const entry = ctx.library.get(hit.item.key);
    if (!entry) return null;
    const source = index.get(hit.item.key);
    if (!source) return { markdown: libraryEntryMarkdown(entry, ctx), span: hit.item.span };
    const markdown = `${sourceCardMarkdown(source, ctx.locale ?? "en")}\n\n---\n\n**${t.enriched}**\n\n${libraryEntryMarkdown(entry, ctx, { standalone: false })}`;
    return { markdown, span: hit.item.span };
  }
  const q = quoteAt(draft, offset);
  if (q) {
    const cited = libraryOnlyCitations(draft, q.quote.sentence, index, ctx.library);
    if (cited.corpus.length === 0 && cited.library.length > 0) return { markdown: t.quoteUnchecked(cited.library), span: q.quote.span };
  }
  return null;
}

/** Go to definition on a key the corpus does not have: the library entry (its key's place in its file). */
export function libraryDefinitionAt(draft: ParsedDraft, offset: number, index: CorpusIndex, library: ReferenceLibrary): { entry: LibraryEntry } | null {
  const hit = citationItemAt(draft, offset);
  if (!hit || index.has(hit.item.key)) return null;
  const entry = library.get(hit.item.key);
  return entry ? { entry } : null;
}

/** The outline's detail for a citation of a library key the corpus does not have: `Smith 2020 · On things`. */
export function librarySymbolDetail(symbol: DocumentSymbolData, index: CorpusIndex, library: ReferenceLibrary): string | null {
  if (symbol.kind !== "citation") return null;
  const key = symbol.name.replace(/^@/, "");
  if (index.has(key)) return null;
  const entry = library.get(key);
  return entry ? entryDetail(entry) : null;
}

/** After each citation of library keys the corpus lacks: `Smith 2020` (as the corpus's show outlet and date). */
export function libraryInlayHints(draft: ParsedDraft, index: CorpusIndex, library: ReferenceLibrary, range?: Span): InlayHintData[] {
  if (library.size === 0) return [];
  const out: InlayHintData[] = [];
  for (const c of draft.citations) {
    if (range && (c.span.end < range.start || c.span.start > range.end)) continue;
    const entries = c.items.filter((i) => !index.has(i.key)).map((i) => library.get(i.key)).filter((e): e is LibraryEntry => !!e);
    const parts = entries.map((e) => [authorsShort(e.csl), issuedYear(e.csl)].filter(Boolean).join(" ")).filter(Boolean);
    if (!parts.length) continue;
    out.push({ offset: c.span.end, label: parts.join("; "), tooltip: entries.map((e) => titleOf(e.csl) || e.key).join("\n") });
  }
  return out;
}

/** Two hint lists as one: hints at the same place are joined (a citation of a corpus source and a reference). */
export function mergeHints(a: InlayHintData[], b: InlayHintData[]): InlayHintData[] {
  const byOffset = new Map<number, InlayHintData>();
  for (const h of [...a, ...b]) {
    const prior = byOffset.get(h.offset);
    byOffset.set(h.offset, prior ? { offset: h.offset, label: `${prior.label}; ${h.label}`, tooltip: `${prior.tooltip}\n${h.tooltip}` } : h);
  }
  return [...byOffset.values()].sort((x, y) => x.offset - y.offset);
}

/** Semantic tokens with library keys no longer marked unknown. */
export function withLibraryKeysKnown(tokens: SemanticTokenData[], draft: ParsedDraft, library: ReferenceLibrary): SemanticTokenData[] {
  if (library.size === 0) return tokens;
  const known = new Set<number>();
  for (const c of draft.citations) for (const item of c.items) if (library.has(item.key)) known.add(item.span.start);
  return tokens.map((t) => (t.modifiers & 1 && known.has(t.span.start) ? { ...t, modifiers: t.modifiers & ~1 } : t));
}

/** A key as its file format writes it: a JSON string's escapes, YAML quotes when plain text would not do. */
function keyText(entry: LibraryEntry, key: string): string {
  if (entry.format === "csl-json") return JSON.stringify(key).slice(1, -1);
  return key;
}

/**
 * The edits renaming a library entry's key in its file (`fileText` is the file's current text): the
 * key itself and, in a `.bib`, the `crossref`/`xdata` fields of other entries that name it.
 */
export function libraryRenameEdits(entry: LibraryEntry, fileText: string, newKey: string): FileEdits {
  const edits = [{ span: entry.keySpan, text: keyText(entry, newKey) }];
  if (entry.format === "bibtex") {
    const escaped = entry.key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`\\b(crossref|xdata|xref)(\\s*=\\s*[{"]\\s*)${escaped}(?=\\s*[}"])`, "gi");
    for (const m of fileText.matchAll(re)) {
      const start = (m.index ?? 0) + m[1].length + m[2].length;
      if (start >= entry.keySpan.start && start < entry.keySpan.end) continue;
      edits.push({ span: { start, end: start + entry.key.length }, text: newKey });
    }
  }
  return { path: entry.path, edits };
}

/** What a library entry adds to a corpus source of the same key: who wrote it, where, and its identifiers. */
export function enrichmentOf(entry: LibraryEntry): Partial<CslData> {
  const out: Record<string, unknown> = {};
  const fields = ["author", "editor", "translator", "container-title", "collection-title", "publisher", "publisher-place", "volume", "issue", "page", "DOI", "URL", "ISBN", "ISSN", "language", "title-short"];
  for (const f of fields) if (entry.csl[f] !== undefined) out[f] = entry.csl[f];
  return out;
}
