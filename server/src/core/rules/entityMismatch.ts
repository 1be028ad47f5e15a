/** `entity-mismatch`: a cited claim names a different person, place or organisation than the aligned passage. */
import { msg } from "../check/messages";
import { mismatchFindings } from "./claimMismatch";
import type { Rule } from "./ruleContext";

export const entityMismatch: Rule = {
  code: "entity-mismatch",
  run: (ctx) => mismatchFindings(ctx, "entity-mismatch", (c) => c.entities, (d, s, key) => msg(ctx.locale).entityMismatch(d.text, s.text, key), "replace-entity"),
};
