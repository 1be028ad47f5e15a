/** `uncited-quote`: a quote the corpus holds, in a sentence with no citation; offers to add one. */
import { msg } from "../check/messages";
import { citeOf } from "../draft/citations";
import { evidence, finding, matchKeys, type Rule } from "./ruleContext";

export const uncitedQuote: Rule = {
  code: "uncited-quote",
  run(ctx) {
    const m = msg(ctx.locale);
    return ctx.verdicts
      .filter((v) => v.verdict === "uncited")
      .map((v) => {
        const keys = matchKeys(v.matches);
        // Insert the citation before the sentence's closing 。 (Japanese style), else at its end.
        const s = ctx.draft.sentences[v.quote.sentence];
        const lastPlain = s.plain.length - 1;
        const endsWithStop = lastPlain >= 0 && /[。．.!?！？]/.test(s.plain[lastPlain]);
        const at = endsWithStop ? s.offsets[lastPlain] : s.offsets[s.plain.length];
        return finding(
          "uncited-quote",
          v.quote.span,
          m.uncitedQuote(keys),
          v.matches.slice(0, 3).map((x) => evidence(ctx, x)),
          keys.slice(0, 3).map((k) => ({ kind: "add-citation" as const, span: { start: at, end: at }, text: `[${citeOf(k)}]`, title: m.fixAddCitation(k) })),
        );
      });
  },
};
