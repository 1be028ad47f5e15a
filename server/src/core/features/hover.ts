/** Hover: a source card on a citation key. */
import type { ParsedDraft } from "../draft/draftModel";
import type { CorpusIndex } from "../index/corpusIndex";
import type { Span } from "../model";
import type { Locale } from "../check/messages";
import { citationItemAt } from "./citationAtCursor";
import { sourceCardMarkdown } from "./sourceCard";

export interface HoverResult {
  markdown: string;
  span: Span;
}

export function hoverKey(draft: ParsedDraft, offset: number, index: CorpusIndex, locale: Locale = "en"): HoverResult | null {
  const hit = citationItemAt(draft, offset);
  if (!hit) return null;
  const source = index.get(hit.item.key);
  if (!source) return null;
  return { markdown: sourceCardMarkdown(source, locale), span: hit.item.span };
}
