/** `quote-mismatch`: the cited source has a near match but not these exact words; shows the difference. */
import { msg } from "../check/messages";
import { diffChars } from "../index/textSearch";
import { normalizeForMatch } from "../text/normalize";
import { evidence, finding, type Rule } from "./ruleContext";

/** A compact rendering of the changes: `だ→立`, `+北西部`, `−いつも`. */
export function describeDifference(draftWords: string, sourceWords: string): string {
  const runs = diffChars(normalizeForMatch(draftWords), normalizeForMatch(sourceWords));
  const parts: string[] = [];
  for (let i = 0; i < runs.length; i++) {
    const r = runs[i];
    if (r.kind === "equal") continue;
    const next = runs[i + 1];
    if (r.kind === "delete" && next?.kind === "insert") {
      parts.push(`「${r.text}」→「${next.text}」`);
      i++;
    } else parts.push(r.kind === "delete" ? `−「${r.text}」` : `+「${r.text}」`);
  }
  return parts.slice(0, 4).join(", ") + (parts.length > 4 ? ", …" : "");
}

export const quoteMismatch: Rule = {
  code: "quote-mismatch",
  run(ctx) {
    const m = msg(ctx.locale);
    return ctx.verdicts
      .filter((v) => v.verdict === "near")
      .map((v) => {
        const best = v.matches[0];
        return finding(
          "quote-mismatch",
          v.quote.span,
          m.quoteMismatch(best.source.meta.key, best.text, describeDifference(v.quote.text, best.text)),
          v.matches.slice(0, 3).map((x) => evidence(ctx, x)),
          [{ kind: "replace-quote", span: v.quote.span, text: best.text.replace(/\s*\n\s*/g, ""), title: m.fixReplaceQuote(best.text) }],
        );
      });
  },
};
