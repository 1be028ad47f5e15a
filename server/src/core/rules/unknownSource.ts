/** `unknown-source`: a citation key that no corpus source has; suggests the nearest keys. */
import { msg } from "../check/messages";
import { finding, type Rule } from "./ruleContext";

export const unknownSource: Rule = {
  code: "unknown-source",
  run(ctx) {
    const m = msg(ctx.locale);
    return ctx.draft.citations.flatMap((c) =>
      c.items
        .filter((item) => !ctx.index.has(item.key))
        .map((item) => {
          const near = ctx.index.nearestKeys(item.key, 3);
          return finding(
            "unknown-source",
            item.span,
            m.unknownSource(item.key, near),
            [],
            near.map((k) => ({ kind: "replace-key" as const, span: item.keySpan, text: k, title: m.fixKey(k) })),
          );
        }),
    );
  },
};
