/** `number-mismatch`: a cited claim's number differs from the source's for the same counter (30日間 vs 60日間). */
import { msg } from "../check/messages";
import { mismatchFindings } from "./claimMismatch";
import type { Rule } from "./ruleContext";

export const numberMismatch: Rule = {
  code: "number-mismatch",
  run: (ctx) => mismatchFindings(ctx, "number-mismatch", (c) => c.numbers, (d, s, key) => msg(ctx.locale).numberMismatch(d.text, s.text, key), "replace-number"),
};
