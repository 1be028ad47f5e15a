/** What every rule receives: the parsed and analysed draft, the index, and the shared verdicts. */
import type { ClaimAlignment } from "../check/claimAlignment";
import type { DraftAnalysis } from "../check/draftAnalysis";
import type { Finding, FixData } from "../check/finding";
import type { Locale } from "../check/messages";
import type { MemoScope } from "../check/draftMemo";
import type { QuoteVerdict } from "../check/quoteVerdicts";
import type { DiagnosticCode } from "../diagnosticCodes";
import type { ParsedDraft } from "../draft/draftModel";
import type { CorpusIndex, SourceMatch } from "../index/corpusIndex";
import type { Span } from "../model";
import { msg } from "../check/messages";

export interface RuleContext {
  draft: ParsedDraft;
  analysis: DraftAnalysis;
  index: CorpusIndex;
  verdicts: QuoteVerdict[];
  claims: ClaimAlignment[];
  locale: Locale;
  /** Keys of the draft's reference library (no full text: cited, never checked). */
  library?: ReferenceKeys;
  /** Same person/place/organisation? (alias-aware) */
  sameEntity(a: string, b: string): boolean;
  /** The draft's memo for this check, when it has one (an open document): corpus look-ups a rule makes may be kept there. */
  memo?: MemoScope;
}

/** What the rules need of a reference library: its keys. */
export interface ReferenceKeys {
  has(key: string): boolean;
  /** Keys nearest to an unknown one (for suggestions), best first. */
  nearestKeys?(key: string, n: number): string[];
}

export interface Rule {
  code: DiagnosticCode;
  run(ctx: RuleContext): Finding[];
}

/** A finding with the default severity placeholder (the checker applies the settings). */
export function finding(code: DiagnosticCode, span: Span, message: string, related: Finding["related"] = [], fixes: FixData[] = []): Finding {
  return { code, severity: "warning", span, message, related, fixes };
}

/** Keys of the sources holding a verdict's matches, in match order, once per matches array (a wire quote has thousands). */
const keysMemo = new WeakMap<readonly SourceMatch[], string[]>();
export function matchKeys(matches: readonly SourceMatch[]): string[] {
  let keys = keysMemo.get(matches);
  if (!keys) {
    const seen = new Set<string>();
    for (const m of matches) seen.add(m.source.meta.key);
    keysMemo.set(matches, (keys = [...seen]));
  }
  return keys;
}

type Related = Finding["related"][number];
/** Evidence per match object: a verdict kept across checks keeps its matches, and a match's span is worked out once. */
const evidenceMemo = new WeakMap<SourceMatch, Partial<Record<Locale, Related>>>();

/** Related information pointing at a source match. */
export function evidence(ctx: RuleContext, m: SourceMatch): Related {
  let byLocale = evidenceMemo.get(m);
  if (!byLocale) evidenceMemo.set(m, (byLocale = {}));
  return { ...(byLocale[ctx.locale] ??= evidenceOf(ctx.locale, m)) };
}

function evidenceOf(locale: Locale, m: SourceMatch): Related {
  const sentence = m.source.sentences[m.sentence];
  return {
    key: m.source.meta.key,
    path: m.source.meta.path,
    span: m.span,
    text: sentence ? sentence.text : m.text,
    message: msg(locale).evidence(m.source.meta.key),
  };
}

/** Draft span of a mention given in sentence-plain offsets. */
export function plainToDraft(ctx: RuleContext, sentence: number, start: number, end: number): Span {
  const offs = ctx.draft.sentences[sentence].offsets;
  const s = offs[start];
  const last = offs[Math.max(start, end - 1)];
  const code = ctx.draft.text.charCodeAt(last);
  return { start: s, end: last + (code >= 0xd800 && code <= 0xdbff ? 2 : 1) };
}
