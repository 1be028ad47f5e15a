/**
 * `unknown-source`: a citation key that no corpus source has; suggests the nearest keys. When the
 * writer typed a corpus key that Pandoc cuts short (`@yamada--2024` reads as `@yamada` followed by
 * `--2024`), says so and offers the braced form that Pandoc reads whole (`@{yamada--2024}`).
 */
import { msg } from "../check/messages";
import type { CitationItem } from "../draft/draftModel";
import { citedKeyEdit } from "../draft/citations";
import type { CorpusIndex } from "../index/corpusIndex";
import { finding, type Rule } from "./ruleContext";

/** Longest key Pandoc's reading can have cut: keys are short, a citation is never this long. */
const MAX_TYPED = 200;

/** The corpus key the writer typed when Pandoc read only its beginning as `item.key`, or null. */
export function keyCutShort(text: string, item: CitationItem, index: CorpusIndex): string | null {
  const start = item.keySpan.start;
  if (text[start - 1] === "{") return null; // braced: Pandoc read the whole key
  let end = item.keySpan.end;
  const limit = Math.min(text.length, start + MAX_TYPED);
  while (end < limit && !/[\s\];,]/u.test(text[end])) end++;
  for (let e = end; e > item.keySpan.end; e--) {
    const typed = text.slice(start, e);
    if (index.has(typed)) return typed;
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
        .filter((item) => !ctx.index.has(item.key))
        .map((item) => {
          const typed = keyCutShort(text, item, ctx.index);
          if (typed) {
            const edit = citedKeyEdit(text, item, typed, item.keySpan.start + typed.length);
            return finding("unknown-source", { start: item.span.start, end: edit.span.end }, m.keyCutShort(typed, item.key), [], [{ kind: "replace-key" as const, ...edit, title: m.fixKey(typed) }]);
          }
          const near = ctx.index.nearestKeys(item.key, 3);
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
