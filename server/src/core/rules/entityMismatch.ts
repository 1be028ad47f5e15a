/**
 * `entity-mismatch`: a cited claim names a different person, place or organisation than the aligned
 * passage. The speaker of a quote the corpus holds is left to `speaker-mismatch`, so a
 * misattribution is reported once.
 */
import { msg } from "../check/messages";
import { mismatchFindings } from "./claimMismatch";
import type { Rule } from "./ruleContext";

export const entityMismatch: Rule = {
  code: "entity-mismatch",
  run(ctx) {
    const judgedSpeakers = (sentence: number) =>
      ctx.verdicts.filter((v) => v.quote.sentence === sentence && (v.verdict === "exact" || v.verdict === "near") && v.draftSpeaker).map((v) => v.draftSpeaker!);
    return mismatchFindings(
      ctx,
      "entity-mismatch",
      (c) => c.entities,
      (d, s, key) => msg(ctx.locale).entityMismatch(d.text, s.text, key),
      "replace-entity",
      (pair) => pair.draft.mention.type === "person" && judgedSpeakers(pair.sentence).some((sp) => ctx.sameEntity(sp, pair.draft.mention.canonical)),
    );
  },
};
