/** `quote-mismatch`: the cited source has a near match but not these exact words; shows the difference. */
import { msg } from "../check/messages";
import { diffChars } from "../index/textSearch";
import { normalizeQuote } from "../text/normalize";
import { evidence, finding, type Rule } from "./ruleContext";

/** A compact rendering of the changes: `だ→立`, `+北西部`, `−いつも`. */
export function describeDifference(draftWords: string, sourceWords: string): string {
  const runs = diffChars(normalizeQuote(draftWords), normalizeQuote(sourceWords));
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
        // The words shown and written back are whole phrases of the source (see `phraseMatch`);
        // when none is close enough, the whole source quote (else sentence) is shown and no fix offered.
        const phrase = best.phrase ?? null;
        const unit = best.source.quotes.find((q) => q.start < best.span.end && best.span.start < q.end);
        const shown = phrase ? phrase.text : unit ? unit.text : (best.source.sentences[best.sentence]?.text ?? best.text);
        // A sentence stop taken in is not part of the quoted words.
        const words = /[。．]$/.test(shown) && !/[。．]$/.test(v.quote.text) ? shown.slice(0, -1) : shown;
        const evidenceOf = (x: typeof best) => evidence(ctx, x.phrase ?? x);
        return finding(
          "quote-mismatch",
          v.quote.span,
          m.quoteMismatch(best.source.meta.key, words, describeDifference(v.quote.text, words)),
          v.matches.slice(0, 3).map(evidenceOf),
          phrase ? [{ kind: "replace-quote", span: v.quote.span, text: words.replace(/\s*\n\s*/g, ""), title: m.fixReplaceQuote(words) }] : [],
        );
      });
  },
};
