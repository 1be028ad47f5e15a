/**
/**
 * `unknown-source`: a citation key that is neither a corpus source's nor an entry of the draft's
 * bibliography; suggests the nearest keys of both. When the writer typed a known key that Pandoc
 * cuts short (`@yamada--2024` reads as `@yamada` followed by `--2024`), says so and offers the
 * braced form that Pandoc reads whole (`@{yamada--2024}`).
 */
import { msg } from "../check/messages";
import type { CitationItem } from "../draft/draftModel";
import { citedKeyEdit } from "../draft/citations";
import { editDistance } from "../index/textSearch";
import { finding, type Rule } from "./ruleContext";

/** Candidates by edit distance to the typed key (a shared prefix counts as closer), as the index ranks its own. */
function byCloseness(key: string, candidates: string[]): string[] {
  const k = key.toLowerCase();
  const score = (c: string) => editDistance(k, c.toLowerCase()) - (c.toLowerCase().startsWith(k) || k.startsWith(c.toLowerCase()) ? 2 : 0);
  return candidates.map((c) => ({ c, d: score(c) })).sort((a, b) => a.d - b.d || a.c.localeCompare(b.c)).map((x) => x.c);
}

/** Longest key Pandoc's reading can have cut: keys are short, a citation is never this long. */
const MAX_TYPED = 200;

/** The known key (`known.has`) the writer typed when Pandoc read only its beginning as `item.key`, or null. */
export function keyCutShort(text: string, item: CitationItem, known: { has(key: string): boolean }): string | null {
  const start = item.keySpan.start;
  if (text[start - 1] === "{") return null; // braced: Pandoc read the whole key
  let end = item.keySpan.end;
  const limit = Math.min(text.length, start + MAX_TYPED);
  while (end < limit && !/[\s\];,]/u.test(text[end])) end++;
  for (let e = end; e > item.keySpan.end; e--) {
    const typed = text.slice(start, e);
    if (known.has(typed)) return typed;
  }
  return null;
}

export const unknownSource: Rule = {
  code: "unknown-source",
  run(ctx) {
    const m = msg(ctx.locale);
    const text = ctx.draft.text;
    return ctx.draft.citations.flatMap((c) =>
      c.items
        .filter((item) => !ctx.index.has(item.key) && !ctx.library?.has(item.key))
        .map((item) => {
          const typed = keyCutShort(text, item, { has: (k) => ctx.index.has(k) || (ctx.library?.has(k) ?? false) });
          if (typed) {
            const edit = citedKeyEdit(text, item, typed, item.keySpan.start + typed.length);
            return finding("unknown-source", { start: item.span.start, end: edit.span.end }, m.keyCutShort(typed, item.key), [], [{ kind: "replace-key" as const, ...edit, title: m.fixKey(typed) }]);
          }
          const corpus = ctx.index.nearestKeys(item.key, 3);
          const library = ctx.library?.nearestKeys?.(item.key, 3) ?? [];
          const near = library.length ? byCloseness(item.key, [...new Set([...corpus, ...library])]).slice(0, 3) : corpus;
          return finding(
            "unknown-source",
            item.span,
            m.unknownSource(item.key, near),
            [],
            near.map((k) => ({ kind: "replace-key" as const, ...citedKeyEdit(text, item, k), title: m.fixKey(k) })),
          );
        }),
    );
  },
};
