/**
 * Completion, by what the writer is typing:
 *   `[@`, `@`, `本文@` → source keys (title, outlet, date), and events whose date or participant
 *                        matches what is typed (`[@6月18日`), inserting the reporting source's key;
 *   after 「 or 『     → corpus quotes ranked against the typed text in kanji or kana (readings),
 *                        inserting the exact words, the closing mark and the citation as one snippet;
 *   after a date       → the corpus's events of that date, with their citation;
 *   after a name part  → entity names from the corpus.
 * Items are plain data; the LSP handler converts them. Lookups go through the catalogue built once
 * per index (corpusCatalog.ts), so a keystroke never re-tokenises or scans the corpus text.
 */
import type { Locale } from "../check/messages";
import type { CorpusIndex } from "../index/corpusIndex";
import { citeOf, writtenKey } from "../draft/citations";
import type { Span } from "../model";
import { keyPrefixAt, openQuoteAt, type KeyPrefix } from "./citationAtCursor";
import { searchEntities, searchEvents, searchQuotes, type CatalogEntity, type CatalogEvent, type CorpusCatalog } from "./corpusCatalog";
import { searchSourceKeys, sourceKeyTable } from "./sourceKeyTable";
import { featureText } from "./featureText";
import { passageMarkdown } from "./hover";
import { escapeMd, sourceCardMarkdown } from "./sourceCard";

export interface CompletionEntry {
  label: string;
  kind: "source" | "quote" | "event" | "entity";
  detail: string;
  /**
   * Markdown shown beside the selected item. Made when first read (a getter on the entries this
   * module makes): the LSP layer sends it only when the client resolves the item.
   */
  documentation: string;
  /** Text inserted over `span`; a snippet when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  span: Span;
  sortText: string;
  filterText: string;
}

export interface CompletionResult {
  items: CompletionEntry[];
  /** True when typing more may change the set (the client should ask again, not filter locally). */
  incomplete: boolean;
}

/** Text after which a bare `@` is glued to a word (Pandoc then reads no citation). */
const GLUED_BEFORE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]/u;

/** Default cap on items per request: the list is marked incomplete, so typing more asks again. */
export const COMPLETION_LIMIT = 100;

/** `entry` with `documentation` made by `make` when first read. */
export function withLazyDocumentation<T extends Omit<CompletionEntry, "documentation">>(entry: T, make: () => string): T & { documentation: string } {
  let doc: string | undefined;
  return Object.defineProperty(entry, "documentation", { get: () => (doc ??= make()), enumerable: true, configurable: true }) as T & { documentation: string };
}

export function completeSourceKeys(text: string, offset: number, index: CorpusIndex, locale: Locale = "en", limit = 200): CompletionEntry[] | null {
  const at = keyPrefixAt(text, offset);
  if (!at) return null;
  const found = searchSourceKeys(sourceKeyTable(index), at.prefix.toLowerCase(), limit);
  const { span, typed, insert } = keyInsertion(text, offset, at);
  return found.map(({ source: s, rank }, i) =>
    withLazyDocumentation(
      {
        label: s.meta.key,
        kind: "source" as const,
        detail: [s.meta.title, s.meta.outlet, s.meta.published].filter(Boolean).join(" · "),
        insertText: insert(s.meta.key),
        snippet: false,
        span,
        sortText: `${rank}${String(i).padStart(5, "0")}`,
        // What is typed leads, so the client's own filter keeps items matched by title or outlet.
        filterText: `${typed} ${s.meta.key} ${s.meta.title ?? ""} ${s.meta.outlet ?? ""}`,
      },
      () => sourceCardMarkdown(s, locale),
    ),
  );
}

/**
 * What a chosen key replaces and how it is written, so that Pandoc reads the result as a citation
 * of that key: in braces when the key needs them (`@{yamada--2024}`) or the writer typed `@{`;
 * `本文@` glued to Japanese text becomes `本文[@key]`; the IME's `［＠` or `＠` is written again in
 * ASCII (`[@key`, with `］` after the cursor turned into `]`).
 */
export function keyInsertion(text: string, offset: number, at: KeyPrefix): { span: Span; typed: string; insert: (key: string) => string } {
  const glued = !at.bracketed && at.at > 0 && GLUED_BEFORE.test(text[at.at - 1]);
  let start = at.span.start;
  let end = at.span.end;
  let lead = "";
  let tail = "";
  if (glued || at.fullWidth) {
    start = at.at;
    lead = "@";
    if (at.fullWidth && text[at.at - 1] === "［") {
      start = at.at - 1;
      lead = "[@";
      if (text[offset] === "］") {
        end = offset + 1;
        tail = "]";
      }
    }
  } else if (at.braced) start = at.span.start - 1;
  if (at.braced && text[end] === "}") end++;
  const typed = text.slice(start, at.span.end);
  const keyText = (key: string) => (at.braced ? `{${key}}` : writtenKey(key));
  const insert = glued ? (key: string) => `[@${keyText(key)}]` : (key: string) => lead + keyText(key) + tail;
  return { span: { start, end }, typed, insert };
}

/** Escapes text for a snippet body (`$`, `}` and `\` are snippet syntax). */
export function escapeSnippet(s: string): string {
  return s.replace(/[\\$}]/g, "\\$&");
}

const CLOSING: Record<string, string> = { "「": "」", "『": "』" };

function eventLabel(e: CatalogEvent): string {
  const who = e.event.participants.length ? ` (${e.event.participants.join(", ")})` : "";
  const where = e.event.place ? ` @ ${e.event.place}` : "";
  return `${e.date} ${e.event.predicate}${who}${where}`;
}

function eventDocumentation(e: CatalogEvent): string {
  const sentence = e.source.sentences[e.event.sentence];
  const span = { start: e.event.dateSpan.start, end: e.event.dateSpan.end };
  return sentence ? passageMarkdown(e.source, span) + `\n\n\`@${e.source.meta.key}\`` : `\`@${e.source.meta.key}\``;
}

/** Quotes after an open 「/『: the exact source words, the closing mark and `[@key]`, as one snippet. */
export function completeQuotes(text: string, offset: number, catalog: CorpusCatalog, locale: Locale = "en", limit = COMPLETION_LIMIT): CompletionResult | null {
  const open = openQuoteAt(text, offset);
  if (!open) return null;
  const t = featureText(locale);
  const close = CLOSING[open.mark] ?? "」";
  // An auto-closed mark right after the cursor is replaced, not doubled.
  const span = { start: open.span.start, end: text.startsWith(close, offset) ? offset + 1 : offset };
  const hits = searchQuotes(catalog, open.typed, limit);
  const items = hits.map(({ quote, rank }, i): CompletionEntry => {
    const key = quote.source.meta.key;
    const words = quote.unit.text.replace(/\s*\n\s*/g, "");
    const speaker = quote.unit.speaker;
    return withLazyDocumentation(
      {
        label: words.length > 60 ? words.slice(0, 59) + "…" : words,
        kind: "quote" as const,
        detail: [speaker ?? (quote.unit.kind === "term" ? t.term : t.unknownSpeaker), `@${key}`, quote.source.meta.outlet].filter(Boolean).join(" · "),
        insertText: `${escapeSnippet(words)}${close}[${escapeSnippet(citeOf(key))}]$0`,
        snippet: true,
        span,
        // The list's own order (match, then variety across phrases): the rank alone would regroup it.
        sortText: `${Math.min(rank, 9)}${String(i).padStart(5, "0")}`,
        filterText: `${open.typed} ${quote.reading} ${words}`,
      },
      () => `${passageMarkdown(quote.source, quote.unit)}\n\n${t.speaker}: ${speaker ? escapeMd(speaker) : `*${t.unknownSpeaker}*`} · \`@${key}\``,
    );
  });
  return { items, incomplete: true };
}

/** Events whose date or participant matches the typed key prefix (`[@6月18日`): inserts the reporting source's key. */
function completeEventKeys(text: string, offset: number, at: KeyPrefix, catalog: CorpusCatalog, locale: Locale, limit: number): CompletionEntry[] {
  const prefix = at.prefix;
  if (!prefix || /^[\x21-\x7e]+$/.test(prefix)) return [];
  const t = featureText(locale);
  const { span, insert } = keyInsertion(text, offset, at);
  return searchEvents(catalog, prefix, limit).map((e, i) =>
    withLazyDocumentation(
      {
        label: eventLabel(e),
        kind: "event" as const,
        detail: `${t.event} · @${e.source.meta.key}`,
        insertText: insert(e.source.meta.key),
        snippet: false,
        span,
        sortText: `2${String(i).padStart(5, "0")}`,
        filterText: `${prefix} ${eventLabel(e)}`,
      },
      () => eventDocumentation(e),
    ),
  );
}

/** The run of Japanese text, digits and date marks just before `offset` on its line (at most 16 chars). */
function wordBefore(text: string, offset: number): { word: string; start: number } {
  let i = offset;
  while (i > 0 && offset - i < 16 && /[\p{Script=Han}\p{Script=Katakana}\p{Script=Hiragana}ー々0-9０-９/／]/u.test(text[i - 1])) i--;
  return { word: text.slice(i, offset), start: i };
}

/** After a date (`6月18日`): the corpus's events on it, inserting the date, the happening and its citation. */
function completeEventsAfterDate(text: string, offset: number, catalog: CorpusCatalog, locale: Locale, limit: number): CompletionEntry[] {
  const { word, start } = wordBefore(text, offset);
  const m = /(?:[0-9０-９]{4}年)?[0-9０-９]{1,2}月(?:[0-9０-９]{1,2}日)?$/.exec(word);
  if (!m) return [];
  const t = featureText(locale);
  const span = { start: start + (m.index ?? 0), end: offset };
  const typed = m[0];
  return searchEvents(catalog, typed, limit).map((e, i) => {
    // Only what the source states: the date, the happening and its citation; the writer adds the rest.
    const insert = `${typed}の${e.event.predicate}[${citeOf(e.source.meta.key)}]`;
    return withLazyDocumentation(
      {
        label: eventLabel(e),
        kind: "event" as const,
        detail: `${t.event} · @${e.source.meta.key}`,
        insertText: insert,
        snippet: false,
        span,
        sortText: `1${String(i).padStart(5, "0")}`,
        filterText: `${typed} ${eventLabel(e)}`,
      },
      () => eventDocumentation(e),
    );
  });
}

/** How many sources an entity's documentation names before saying how many more there are. */
const ENTITY_KEYS_SHOWN = 20;

function entityDocumentation(e: CatalogEntity, locale: Locale): string {
  const keys = [...e.keys].sort().slice(0, ENTITY_KEYS_SHOWN).map((k) => `\`@${k}\``).join(", ");
  const more = e.keys.length > ENTITY_KEYS_SHOWN ? `\n\n${featureText(locale).alsoReported(e.keys.length - ENTITY_KEYS_SHOWN)}` : "";
  return `${e.spellings.map(escapeMd).join(" · ")}\n\n${keys}${more}`;
}

/** After part of a name (`ボル`, `ぼる`, `コワレ`): entity names from the corpus, most mentioned first. */
function completeEntities(text: string, offset: number, catalog: CorpusCatalog, locale: Locale, limit: number): CompletionEntry[] {
  const { word, start } = wordBefore(text, offset);
  const t = featureText(locale);
  // The longest tail of the run that starts some name wins (`会談したボル` → `ボル`).
  for (let from = 0; from <= word.length - 2; from++) {
    const tail = word.slice(from);
    if (/^[0-9０-９]/.test(tail)) continue;
    const found = searchEntities(catalog, tail, limit);
    if (!found.length) continue;
    const span = { start: start + from, end: offset };
    return found.map((e, i) =>
      withLazyDocumentation(
        {
          label: e.canonical,
          kind: "entity" as const,
          detail: t.entity(t.types[e.type] ?? e.type, e.count),
          insertText: e.canonical,
          snippet: false,
          span,
          sortText: `3${String(i).padStart(5, "0")}`,
          filterText: `${tail} ${e.spellings.join(" ")}`,
        },
        () => entityDocumentation(e, locale),
      ),
    );
  }
  return [];
}

/** True when the completion at `offset` is of citation keys: the index alone answers it (`complete` with no catalogue). */
export function completesKeys(text: string, offset: number): boolean {
  return keyPrefixAt(text, offset) !== null;
}

/**
 * Every completion at `offset`, or null when the cursor is in no completable context. Without a
 * catalogue (still being built) only citation keys are completed, marked incomplete so the editor
 * asks again at the next keystroke and then gets the events too.
 */
export function complete(text: string, offset: number, index: CorpusIndex, catalog: CorpusCatalog | null, locale: Locale = "en", limit = COMPLETION_LIMIT): CompletionResult | null {
  const keyAt = keyPrefixAt(text, offset);
  if (keyAt) {
    const keys = completeSourceKeys(text, offset, index, locale, limit) ?? [];
    const events = catalog ? completeEventKeys(text, offset, keyAt, catalog, locale, Math.max(0, limit - keys.length)) : [];
    return { items: [...keys, ...events], incomplete: !catalog || events.length > 0 || keys.length >= limit };
  }
  if (!catalog) return null;
  const quotes = completeQuotes(text, offset, catalog, locale, limit);
  if (quotes) return quotes;
  const items = [...completeEventsAfterDate(text, offset, catalog, locale, limit), ...completeEntities(text, offset, catalog, locale, limit)].slice(0, limit);
  return items.length ? { items, incomplete: true } : null;
}
