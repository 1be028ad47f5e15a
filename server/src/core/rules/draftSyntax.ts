/**
 * Draft syntax problems the parser found: a citation with no key, `@key` glued to Japanese text
 * (not a citation for Pandoc), a citation typed with the IME's full-width `＠`/`［］`, `@key.` opening
 * a paragraph (an example-list item to Pandoc), an unbalanced 「, broken front matter. Not part of
 * the source catalogue, so they carry their own codes and are always warnings.
 */
import type { DraftProblemCode, Finding, FixData } from "../check/finding";
import { msg } from "../check/messages";
import type { RuleContext } from "./ruleContext";

export const DRAFT_PROBLEM_CODES = [
  "citation-without-key",
  "citation-after-text",
  "citation-fullwidth",
  "citation-example-list",
  "unbalanced-quote",
  "front-matter-invalid",
] as const;

export function draftSyntaxFindings(ctx: RuleContext): Finding[] {
  const m = msg(ctx.locale);
  return ctx.draft.problems
    .filter((p) => (DRAFT_PROBLEM_CODES as readonly string[]).includes(p.code))
    .filter((p) => p.ifKnownKey === undefined || ctx.index.has(p.ifKnownKey))
    .map((p) => {
      const text = ctx.draft.text.slice(p.span.start, p.span.end);
      const fixes: FixData[] = [];
      if (p.code === "citation-after-text" && text.startsWith("@")) fixes.push({ kind: "replace-key", span: p.span, text: `[${text}]`, title: m.fixBracket(text.slice(1)) });
      else if (p.code === "citation-fullwidth" && p.fix) fixes.push({ kind: "replace-key", span: p.span, text: p.fix, title: m.fixAscii(p.fix) });
      else if (p.code === "citation-example-list" && p.fix) fixes.push({ kind: "replace-key", span: p.span, text: p.fix, title: m.fixAscii(p.fix) });
      return { code: p.code as DraftProblemCode, severity: "warning" as const, span: p.span, message: m.draftProblem(p.code, p.message), related: [], fixes };
    });
}
