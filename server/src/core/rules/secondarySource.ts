/**
 * `secondary-source`: the cited passage sits in an aggregator's excerpt of another outlet's article,
 * the excerpt that ends with the aggregator's `出典: URL` credit line; names that original.
 */
import { MIN_COVERAGE } from "../check/claimAlignment";
import type { Finding } from "../check/finding";
import { msg } from "../check/messages";
import type { IndexedSource, Span } from "../model";
import { finding, type Rule } from "./ruleContext";

/** Credit lines of curation sites: `さらに読む ⇒Outlet出典/画像元: https://…`. */
const CREDIT = /(?:⇒\s*)?([^\n⇒]*?)(?:出典|引用元|画像元)(?:\s*[/／]\s*画像元)?\s*[:：]\s*(https?:\/\/[^\s)）]+)/g;
/** How far after the passage a credit line may stand and still be this passage's. */
const CREDIT_REACH = 700;

interface Credit {
  at: number;
  outlet: string;
  url: string;
}

const creditCache = new WeakMap<IndexedSource, Credit[]>();

function creditsOf(source: IndexedSource): Credit[] {
  let credits = creditCache.get(source);
  if (!credits) {
    credits = [...source.text.matchAll(CREDIT)].map((m) => ({
      at: m.index ?? 0,
      outlet: (m[1] ?? "").replace(/^さらに読む\s*/, "").split(/[:：]/)[0].trim(),
      url: m[2],
    }));
    creditCache.set(source, credits);
  }
  return credits;
}

/** Paragraph markers of an aggregator's excerpt: summary bullets and the excerpt's dateline. */
const EXCERPT_LINE = /^\s*(?:[✅☑✔・•●■◆▶►※-]|公開日|配信日|更新日|\d{4}[/年.]\d{1,2}[/月.]\d{1,2})/u;

/**
 * The credit line that closes the excerpt holding `span`, if any. The excerpt is the run of bullet
 * or dateline paragraphs right above the credit line (plus the headline above them): the
 * aggregator's own commentary and paraphrase after a credit are not the original's words.
 */
export function creditFor(source: IndexedSource, span: Span): Credit | undefined {
  const credits = creditsOf(source);
  const next = credits.find((c) => c.at >= span.end);
  if (!next || next.at - span.end > CREDIT_REACH) return undefined;
  const text = source.text;
  // Walk up from the credit line over excerpt paragraphs until the span's line is reached.
  let lineStart = text.lastIndexOf("\n", next.at - 1) + 1;
  let headlineAllowed = true;
  while (lineStart > 0) {
    const prevEnd = lineStart - 1;
    const prevStart = text.lastIndexOf("\n", prevEnd - 1) + 1;
    const line = text.slice(prevStart, prevEnd);
    if (line.trim() === "") {
      lineStart = prevStart;
      continue;
    }
    const isExcerpt = EXCERPT_LINE.test(line);
    if (!isExcerpt) {
      if (!headlineAllowed) break;
      headlineAllowed = false; // one headline line above the bullets and dateline
    }
    lineStart = prevStart;
    if (span.start >= prevStart && span.start <= prevEnd) return next;
  }
  return undefined;
}

export const secondarySource: Rule = {
  code: "secondary-source",
  run(ctx) {
    const m = msg(ctx.locale);
    const out: Finding[] = [];
    const seen = new Set<string>();
    const report = (draftSpan: Span, source: IndexedSource, span: Span) => {
      const credit = creditFor(source, span);
      if (!credit) return;
      const id = `${ctx.draft.sentences.findIndex((s) => s.span.start <= draftSpan.start && draftSpan.start < s.span.end)}:${credit.url}`;
      if (seen.has(id)) return;
      seen.add(id);
      const original = credit.outlet ? `${credit.outlet} (${credit.url})` : credit.url;
      out.push(
        finding("secondary-source", draftSpan, m.secondarySource(source.meta.key, original), [
          { key: source.meta.key, path: source.meta.path, span: { start: credit.at, end: credit.at + credit.url.length }, text: source.text.slice(span.start, span.end), message: m.evidence(source.meta.key) },
        ]),
      );
    };
    for (const claim of ctx.claims) {
      if (!claim.passage || claim.passage.coverage < MIN_COVERAGE) continue;
      const s = ctx.draft.sentences[claim.sentence];
      const cites = s.citations.map((c) => ctx.draft.citations[c].span);
      for (const span of cites) report(span, claim.passage.source, claim.passage.span);
    }
    for (const v of ctx.verdicts) {
      if (v.verdict !== "exact") continue;
      for (const x of v.matches) report(v.quote.span, x.source, x.span);
    }
    return out;
  },
};
