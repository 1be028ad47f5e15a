/** `quote-wrong-source`: the quote is not in the cited source(s) but in another corpus source, which it names. */
import { msg } from "../check/messages";
import { citedKeyEdit } from "../draft/citations";
import { evidence, finding, matchKeys, type Rule } from "./ruleContext";

export const quoteWrongSource: Rule = {
  code: "quote-wrong-source",
  run(ctx) {
    const m = msg(ctx.locale);
    return ctx.verdicts
      .filter((v) => v.verdict === "elsewhere")
      .map((v) => {
        const found = matchKeys(v.matches);
        // The fix swaps the key of the (first) cited item in the quote's sentence.
        const sentence = ctx.draft.sentences[v.quote.sentence];
        const item = sentence.citations.flatMap((c) => ctx.draft.citations[c].items).find((it) => v.cited.includes(it.key));
        return finding(
          "quote-wrong-source",
          v.quote.span,
          m.quoteWrongSource(v.cited, found),
          v.matches.slice(0, 3).map((x) => evidence(ctx, x)),
          item ? found.slice(0, 3).map((k) => ({ kind: "replace-citation" as const, ...citedKeyEdit(ctx.draft.text, item, k), title: m.fixCite(k) })) : [],
        );
      });
  },
};
