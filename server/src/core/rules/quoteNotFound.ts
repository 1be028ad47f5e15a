/** `quote-not-found`: a speech quote found nowhere in the corpus. Term (scare) quotes are never reported. */
import { msg } from "../check/messages";
import { finding, type Rule } from "./ruleContext";

export const quoteNotFound: Rule = {
  code: "quote-not-found",
  run(ctx) {
    const m = msg(ctx.locale);
    return ctx.verdicts.filter((v) => v.verdict === "missing" && v.kind === "speech").map((v) => finding("quote-not-found", v.quote.span, m.quoteNotFound()));
  },
};
