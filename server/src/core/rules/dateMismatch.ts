/** `date-mismatch`: a cited claim's date differs from the date in the same slot of the aligned source passage. */
import { msg } from "../check/messages";
import { mismatchFindings } from "./claimMismatch";
import type { Rule } from "./ruleContext";

export const dateMismatch: Rule = {
  code: "date-mismatch",
  run: (ctx) => mismatchFindings(ctx, "date-mismatch", (c) => c.dates, (d, s, key) => msg(ctx.locale).dateMismatch(d.text, s.text, key), "replace-date"),
};
