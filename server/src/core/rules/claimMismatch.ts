/**
 * Shared shape of the three claim rules: a draft mention whose slot in the aligned passage holds a
 * different value of the same kind. Each rule (dateMismatch, numberMismatch, entityMismatch) picks
 * its kind and words the message.
 */
import { MIN_CONTEXT, type ClaimAlignment, type MentionPair } from "../check/claimAlignment";
import type { Finding, FixData } from "../check/finding";
import type { DiagnosticCode } from "../diagnosticCodes";
import type { Span } from "../model";
import { finding, plainToDraft, type RuleContext } from "./ruleContext";
import { msg } from "../check/messages";

export function mismatchFindings<T extends Span & { text: string }>(
  ctx: RuleContext,
  code: DiagnosticCode,
  pick: (c: ClaimAlignment) => MentionPair<T>[],
  message: (draft: T, source: T, key: string) => string,
  fixKind: FixData["kind"],
  skip: (pair: MentionPair<T>) => boolean = () => false,
): Finding[] {
  const out: Finding[] = [];
  for (const claim of ctx.claims) {
    const passage = claim.passage;
    if (!passage) continue;
    for (const pair of pick(claim)) {
      if (pair.agrees || !pair.source || pair.context < MIN_CONTEXT || skip(pair)) continue;
      const span = plainToDraft(ctx, pair.sentence, pair.draft.start, pair.draft.end);
      const src = pair.source;
      const key = passage.source.meta.key;
      out.push(
        finding(
          code,
          span,
          message(pair.draft.mention, src, key),
          [
            {
              key,
              path: passage.source.meta.path,
              span: { start: src.start, end: src.end },
              text: passage.source.text.slice(passage.span.start, passage.span.end),
              message: msg(ctx.locale).evidence(key),
            },
          ],
          [{ kind: fixKind, span, text: src.text, title: msg(ctx.locale).fixReplace(src.text) }],
        ),
      );
    }
  }
  return out;
}
