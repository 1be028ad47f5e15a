/**
 * `unknown-source`: a citation key that is neither a corpus source's nor an entry of the draft's
 * bibliography; suggests the nearest keys of both.
 */
import { msg } from "../check/messages";
import { editDistance } from "../index/textSearch";
import { finding, type Rule } from "./ruleContext";

/** Candidates by edit distance to the typed key (a shared prefix counts as closer), as the index ranks its own. */
function byCloseness(key: string, candidates: string[]): string[] {
  const k = key.toLowerCase();
  const score = (c: string) => editDistance(k, c.toLowerCase()) - (c.toLowerCase().startsWith(k) || k.startsWith(c.toLowerCase()) ? 2 : 0);
  return candidates.map((c) => ({ c, d: score(c) })).sort((a, b) => a.d - b.d || a.c.localeCompare(b.c)).map((x) => x.c);
}

export const unknownSource: Rule = {
  code: "unknown-source",
  run(ctx) {
    const m = msg(ctx.locale);
    return ctx.draft.citations.flatMap((c) =>
      c.items
        .filter((item) => !ctx.index.has(item.key) && !ctx.library?.has(item.key))
        .map((item) => {
          const corpus = ctx.index.nearestKeys(item.key, 3);
          const library = ctx.library?.nearestKeys?.(item.key, 3) ?? [];
          const near = library.length ? byCloseness(item.key, [...new Set([...corpus, ...library])]).slice(0, 3) : corpus;
          return finding(
            "unknown-source",
            item.span,
            m.unknownSource(item.key, near),
            [],
            near.map((k) => ({ kind: "replace-key" as const, span: item.keySpan, text: k, title: m.fixKey(k) })),
          );
        }),
    );
  },
};
