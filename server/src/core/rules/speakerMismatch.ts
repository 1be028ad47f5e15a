/**
 * `speaker-mismatch`: the draft attributes a quote to someone other than the cited source does.
 * Only judged when both sides name a speaker, and only when no matching source quote has the
 * draft's speaker (the same words may be quoted in a headline and in the body).
 */
import { msg } from "../check/messages";
import { evidence, finding, type Rule } from "./ruleContext";

export const speakerMismatch: Rule = {
  code: "speaker-mismatch",
  run(ctx) {
    const m = msg(ctx.locale);
    const out = [];
    for (const v of ctx.verdicts) {
      if ((v.verdict !== "exact" && v.verdict !== "near") || !v.draftSpeaker) continue;
      const attributed = v.matches
        .map((x) => ({ match: x, speaker: ctx.index.quoteAt(x.source, x.span)?.speaker ?? null }))
        .filter((x): x is { match: typeof x.match; speaker: string } => x.speaker !== null);
      if (attributed.length === 0) continue;
      if (attributed.some((a) => ctx.sameEntity(a.speaker, v.draftSpeaker!))) continue;
      const first = attributed[0];
      out.push(
        finding("speaker-mismatch", v.quote.span, m.speakerMismatch(v.draftSpeaker, first.speaker, first.match.source.meta.key), attributed.slice(0, 3).map((a) => evidence(ctx, a.match))),
      );
    }
    return out;
  },
};
