/**
 * Navigation over drafts and the corpus, as plain offsets into texts the caller supplies:
 * definition (a key → its source's title or body start; a quote → the corpus passage holding it),
 * references (every citation of a key in a draft), rename (the draft edits plus the metadata edit —
 * in the source's front matter or in `sources.yaml`, wherever the key came from), document links,
 * symbols, inlay hints and semantic tokens.
 *
 * The caller reads the files (drafts, the catalogue); this module never touches the disk.
 */
import { isMap, isScalar, isSeq, parseDocument, type Pair, type Scalar, type YAMLMap } from "yaml";
import type { Locale } from "../check/messages";
import { citedKeyEdit, isCitableKey } from "../draft/citations";
import type { ParsedDraft } from "../draft/draftModel";
import type { CorpusIndex } from "../index/corpusIndex";
import type { IndexedSource, Span } from "../model";
import { normalizeForMatch } from "../text/normalize";
import { citationItemAt, quoteAt } from "./citationAtCursor";
import { foldForLookup, type CorpusCatalog } from "./corpusCatalog";
import { featureText } from "./featureText";

/** A place in a corpus file. */
export interface FileSpan {
  path: string;
  span: Span;
  /** The text there (for messages and symbol names). */
  text: string;
  key: string;
}

/** Where a source's article starts: its title line when the body holds it, else the first body region. */
export function sourceStart(source: IndexedSource): Span {
  const title = source.meta.title?.trim();
  if (title) {
    const first = source.body[0]?.start ?? 0;
    let at = source.text.indexOf(title, first);
    if (at < 0) at = source.text.indexOf(title.slice(0, Math.min(12, title.length)), first);
    if (at >= 0) return { start: at, end: at + Math.min(title.length, source.text.length - at) };
  }
  const first = source.body[0] ?? { start: 0, end: 0 };
  return { start: first.start, end: first.start };
}

function citedKeys(draft: ParsedDraft, sentenceIndex: number, index: CorpusIndex): string[] {
  const s = draft.sentences[sentenceIndex];
  if (!s) return [];
  return [...new Set(s.citations.flatMap((c) => draft.citations[c].items.map((i) => i.key)).filter((k) => index.has(k)))];
}

/** Go to definition: a key opens its source at the title; a quote opens the passage that holds it. */
export function definitionAt(draft: ParsedDraft, offset: number, index: CorpusIndex): FileSpan | null {
  const item = citationItemAt(draft, offset);
  if (item) {
    const source = index.get(item.item.key);
    if (!source) return null;
    const span = sourceStart(source);
    return { path: source.meta.path, span, text: source.text.slice(span.start, span.end), key: source.meta.key };
  }
  const q = quoteAt(draft, offset);
  if (!q) return null;
  const normalized = normalizeForMatch(q.quote.text);
  if (normalized.length < 2) return null;
  const cited = citedKeys(draft, q.quote.sentence, index);
  const match =
    (cited.length ? index.findExact(normalized, cited)[0] : undefined) ??
    index.findExact(normalized)[0] ??
    (cited.length ? index.findNear(normalized, 0.7, cited)[0] : undefined) ??
    index.findNear(normalized, 0.85)[0];
  if (!match) return null;
  return { path: match.source.meta.path, span: match.span, text: match.text, key: match.source.meta.key };
}

/** The key a rename or reference search is about, and the span of the key alone. */
export function keyAt(draft: ParsedDraft, offset: number): { key: string; span: Span } | null {
  const hit = citationItemAt(draft, offset);
  return hit ? { key: hit.item.key, span: hit.item.keySpan } : null;
}

/** Spans of `@key` (with `keyOnly`, of the key alone) for every citation of `key` in a draft. */
export function referencesIn(draft: ParsedDraft, key: string, keyOnly = false): Span[] {
  const out: Span[] = [];
  for (const c of draft.citations) for (const item of c.items) if (item.key === key) out.push(keyOnly ? item.keySpan : item.span);
  return out;
}

export interface TextEdit {
  span: Span;
  text: string;
}

/** The draft edits of a rename: every citation of `oldKey` made to cite `newKey`, braced where Pandoc needs it. */
export function renameEditsIn(draft: ParsedDraft, oldKey: string, newKey: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const c of draft.citations) for (const item of c.items) if (item.key === oldKey) out.push(citedKeyEdit(draft.text, item, newKey));
  return out;
}

const YAML_PLAIN_SAFE = /^[\p{L}\p{N}_][\p{L}\p{N}_.\-/]*$/u;
/** Plain scalars some YAML reader (core schema, or YAML 1.1 as Pandoc and PyYAML read) takes for no string. */
const YAML_NOT_TEXT =
  /^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|0[xob][0-9a-fA-F_]+|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;

/**
 * A YAML scalar that every YAML reader reads back as the text `s`: in the quotes the writer used
 * (`quote`), else plain when that is safe, else double-quoted.
 */
export function yamlText(s: string, quote = ""): string {
  if (quote === "'") return `'${s.replace(/'/g, "''")}'`;
  if (quote === '"') return JSON.stringify(s);
  return YAML_PLAIN_SAFE.test(s) && !YAML_NOT_TEXT.test(s) ? s : JSON.stringify(s);
}

/** Edits to one file; `create` when the file does not exist yet. */
export interface FileEdits {
  path: string;
  create?: boolean;
  edits: TextEdit[];
}

export type RenameProblem = "invalid-key" | "key-taken" | "unknown-key";

/**
 * The metadata edit that renames `source`'s key: where the key came from (front matter or catalogue)
 * it is changed in place; a key inferred from the text or the file name is pinned by a new
 * catalogue entry, so the rename survives re-indexing.
 *
 * @param catalogue the catalogue's path and current text (`text: null` when it does not exist)
 * @param relPath   the source's path relative to the corpus folder, `/`-separated
 */
export function metadataRenameEdit(source: IndexedSource, newKey: string, catalogue: { path: string; text: string | null }, relPath: string): FileEdits | null {
  const from = source.meta.provenance?.key;
  if (from === "front-matter") {
    const fm = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\s*(?:\r?\n|$)/.exec(source.text);
    if (!fm) return null;
    const bodyStart = fm[0].indexOf(fm[1]);
    const re = /^(key|id|citekey)([ \t]*:[ \t]*)(['"]?)([^'"\r\n#]*?)\3[ \t]*(?:#.*)?$/gm;
    for (const m of fm[1].matchAll(re)) {
      if (m[4].trim() !== source.meta.key) continue;
      const start = bodyStart + (m.index ?? 0) + m[1].length + m[2].length;
      return { path: source.meta.path, edits: [{ span: { start, end: start + 2 * m[3].length + m[4].length }, text: yamlText(newKey, m[3]) }] };
    }
    return null;
  }
  const text = catalogue.text;
  if (text === null || text.trim() === "") {
    return { path: catalogue.path, create: text === null, edits: [{ span: { start: 0, end: text?.length ?? 0 }, text: `${yamlKey(relPath)}:\n  key: ${yamlText(newKey)}\n` }] };
  }
  const doc = parseDocument(text);
  const contents = doc.contents;
  const entryOf = (): YAMLMap | null => {
    if (isMap(contents)) {
      const list = contents.get("sources");
      if (isSeq(list)) return findInList(list.items);
      for (const pair of contents.items as Pair[]) {
        if (isScalar(pair.key) && String(pair.key.value) === relPath && isMap(pair.value)) return pair.value as YAMLMap;
      }
      return null;
    }
    if (isSeq(contents)) return findInList(contents.items);
    return null;
  };
  const findInList = (items: unknown[]): YAMLMap | null => {
    for (const item of items) if (isMap(item) && [item.get("path"), item.get("file")].some((p) => p === relPath)) return item as YAMLMap;
    return null;
  };
  const entry = entryOf();
  if (entry) {
    for (const name of ["key", "id", "citekey"]) {
      const pair = (entry.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === name);
      const value = pair?.value as Scalar | undefined;
      if (value && isScalar(value) && value.range) {
        const quote = value.type === "QUOTE_DOUBLE" ? '"' : value.type === "QUOTE_SINGLE" ? "'" : "";
        return { path: catalogue.path, edits: [{ span: { start: value.range[0], end: value.range[1] }, text: yamlText(newKey, quote) }] };
      }
    }
    // The entry exists without a key: add one as its first field, at the fields' indentation.
    const at = entry.range?.[0];
    if (at === undefined || entry.flow) return null;
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    const indent = text.slice(lineStart, at).replace(/[^ ]/g, " ");
    return { path: catalogue.path, edits: [{ span: { start: at, end: at }, text: `key: ${yamlText(newKey)}\n${indent}` }] };
  }
  const sep = text.endsWith("\n") ? "" : "\n";
  const entryText = isSeq(contents) ? `- path: ${yamlKey(relPath)}\n  key: ${yamlText(newKey)}\n` : isMap(contents) && !isSeq(contents.get("sources")) ? `\n${yamlKey(relPath)}:\n  key: ${yamlText(newKey)}\n` : null;
  if (!entryText) return null;
  return { path: catalogue.path, edits: [{ span: { start: text.length, end: text.length }, text: sep + entryText }] };
}

function yamlKey(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : JSON.stringify(s);
}

/** Why a new key cannot be used, or null when it can. */
export function checkNewKey(index: CorpusIndex, oldKey: string, newKey: string): RenameProblem | null {
  if (!index.has(oldKey)) return "unknown-key";
  if (!isCitableKey(newKey)) return "invalid-key";
  if (newKey !== oldKey && index.has(newKey)) return "key-taken";
  return null;
}

export interface DocumentSymbolData {
  name: string;
  detail: string;
  kind: "citation" | "quote";
  span: Span;
  selection: Span;
}

/** The draft's outline: its citations and quotes, in document order. */
export function documentSymbols(draft: ParsedDraft, index: CorpusIndex, locale: Locale = "en"): DocumentSymbolData[] {
  const t = featureText(locale);
  const out: DocumentSymbolData[] = [];
  for (const c of draft.citations)
    for (const item of c.items) {
      const source = index.get(item.key);
      out.push({ name: `@${item.key}`, detail: source ? [source.meta.outlet, source.meta.published?.slice(0, 10)].filter(Boolean).join(" · ") : t.unknownKey, kind: "citation", span: item.span, selection: item.keySpan });
    }
  for (const q of draft.quotes) {
    const text = q.text.length > 40 ? q.text.slice(0, 39) + "…" : q.text;
    out.push({ name: `${q.mark}${text}${q.mark === "『" ? "』" : q.mark === "「" ? "」" : q.mark}`, detail: t.quote, kind: "quote", span: q.span, selection: q.span });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

export interface WorkspaceSymbolData extends FileSpan {
  name: string;
  kind: "event" | "quote";
  container: string;
}

/**
 * Events and quotes of the corpus matching a query (text or kana reading, participants, dates): the
 * first `limit`, found without looking further (a short query matches most of a large corpus).
 */
export function workspaceSymbols(catalog: CorpusCatalog, query: string, limit = 100): WorkspaceSymbolData[] {
  const q = foldForLookup(query);
  const out: WorkspaceSymbolData[] = [];
  for (const e of catalog.events) {
    if (out.length >= limit) return out;
    const name = `${e.date} ${e.event.predicate}${e.event.participants.length ? ` (${e.event.participants.join(", ")})` : ""}`;
    if (q && !foldForLookup(name).includes(q)) continue;
    const sentence = e.source.sentences[e.event.sentence];
    const span = { start: e.event.start, end: e.event.end };
    out.push({ name, kind: "event", container: e.source.meta.key, path: e.source.meta.path, span, text: sentence?.text ?? "", key: e.source.meta.key });
  }
  for (const x of catalog.quotes) {
    if (out.length >= limit) return out;
    if (q && !x.folded.includes(q) && !x.reading.includes(q)) continue;
    const words = x.unit.text.replace(/\s+/g, "");
    const name = `「${words.length > 50 ? words.slice(0, 49) + "…" : words}」${x.unit.speaker ? ` — ${x.unit.speaker}` : ""}`;
    out.push({ name, kind: "quote", container: x.source.meta.key, path: x.source.meta.path, span: { start: x.unit.start, end: x.unit.end }, text: x.unit.text, key: x.source.meta.key });
  }
  return out;
}

export interface DocumentLinkData {
  span: Span;
  /** An absolute corpus file path, or a URL. */
  target: string;
  kind: "source" | "url";
  tooltip: string;
}

const URL_RE = /https?:\/\/[^\s<>()\[\]「」『』、。]+/g;

/** Links: each known key to its corpus file; bare URLs in the draft. */
export function documentLinks(draft: ParsedDraft, index: CorpusIndex): DocumentLinkData[] {
  const out: DocumentLinkData[] = [];
  for (const c of draft.citations)
    for (const item of c.items) {
      const source = index.get(item.key);
      if (source) out.push({ span: item.keySpan, target: source.meta.path, kind: "source", tooltip: source.meta.title ?? source.meta.key });
    }
  for (const m of draft.text.matchAll(URL_RE)) {
    const start = m.index ?? 0;
    out.push({ span: { start, end: start + m[0].replace(/[.,;:!?]+$/, "").length }, target: m[0].replace(/[.,;:!?]+$/, ""), kind: "url", tooltip: m[0] });
  }
  return out;
}

export interface InlayHintData {
  /** Where the hint shows: just after the citation. */
  offset: number;
  label: string;
  tooltip: string;
}

/** After each citation of known sources: their outlet and date (`日本経済新聞 2025-06-20`). */
export function inlayHints(draft: ParsedDraft, index: CorpusIndex, range?: Span): InlayHintData[] {
  const out: InlayHintData[] = [];
  for (const c of draft.citations) {
    if (range && (c.span.end < range.start || c.span.start > range.end)) continue;
    const parts = c.items
      .map((i) => index.get(i.key))
      .filter((s): s is IndexedSource => !!s)
      .map((s) => [s.meta.outlet, s.meta.published?.slice(0, 10)].filter(Boolean).join(" "))
      .filter(Boolean);
    if (!parts.length) continue;
    out.push({ offset: c.span.end, label: parts.join("; "), tooltip: c.items.map((i) => index.get(i.key)?.meta.title ?? i.key).join("\n") });
  }
  return out;
}

export const SEMANTIC_TOKEN_TYPES = ["citationKey"] as const;
export const SEMANTIC_TOKEN_MODIFIERS = ["unknown"] as const;

export interface SemanticTokenData {
  span: Span;
  type: (typeof SEMANTIC_TOKEN_TYPES)[number];
  /** Bit set over SEMANTIC_TOKEN_MODIFIERS. */
  modifiers: number;
}

/** Citation keys (`@key`), the unknown ones marked so a theme can show them apart. */
export function semanticTokens(draft: ParsedDraft, index: CorpusIndex): SemanticTokenData[] {
  const out: SemanticTokenData[] = [];
  for (const c of draft.citations) for (const item of c.items) out.push({ span: item.span, type: "citationKey", modifiers: index.has(item.key) ? 0 : 1 });
  return out.sort((a, b) => a.span.start - b.span.start);
}
