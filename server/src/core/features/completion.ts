/**
 * Completion: source keys after `[@` / `@` (also straight after Japanese text). Items are plain
 * data; the LSP handler converts them.
 */
import type { CorpusIndex } from "../index/corpusIndex";
import type { Span } from "../model";
import type { Locale } from "../check/messages";
import { keyPrefixAt } from "./citationAtCursor";
import { sourceCardMarkdown } from "./sourceCard";

export interface CompletionEntry {
  label: string;
  kind: "source" | "quote" | "event" | "entity";
  detail: string;
  documentation: string;
  /** Text inserted over `span`; a snippet when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  span: Span;
  sortText: string;
  filterText: string;
}

export function completeSourceKeys(text: string, offset: number, index: CorpusIndex, locale: Locale = "en", limit = 200): CompletionEntry[] | null {
  const at = keyPrefixAt(text, offset);
  if (!at) return null;
  const prefix = at.prefix.toLowerCase();
  const scored = index.sources
    .map((s) => {
      const key = s.meta.key.toLowerCase();
      const hay = `${key} ${(s.meta.title ?? "").toLowerCase()} ${(s.meta.outlet ?? "").toLowerCase()}`;
      const rank = !prefix ? 1 : key.startsWith(prefix) ? 0 : hay.includes(prefix) ? 1 : -1;
      return { s, rank };
    })
    .filter((x) => x.rank >= 0)
    .sort((a, b) => a.rank - b.rank || (b.s.meta.published ?? "").localeCompare(a.s.meta.published ?? "") || a.s.meta.key.localeCompare(b.s.meta.key))
    .slice(0, limit);
  return scored.map(({ s, rank }, i) => ({
    label: s.meta.key,
    kind: "source",
    detail: [s.meta.title, s.meta.outlet, s.meta.published].filter(Boolean).join(" · "),
    documentation: sourceCardMarkdown(s, locale),
    insertText: s.meta.key,
    snippet: false,
    span: at.span,
    sortText: `${rank}${String(i).padStart(5, "0")}`,
    filterText: `${s.meta.key} ${s.meta.title ?? ""} ${s.meta.outlet ?? ""}`,
  }));
}
