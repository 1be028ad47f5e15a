/**
 * The checker: parse the draft, analyse its prose, compute quote verdicts and claim alignments once,
 * run every rule over them, and apply the severity settings. Pure: no I/O, no LSP.
 */
import { pushAll } from "../arrays";
import { DEFAULT_SEVERITY, isDiagnosticCode } from "../diagnosticCodes";
import type { ParsedDraft } from "../draft/draftModel";
import { parseDraft } from "../draft/parseDraft";
import type { CorpusIndex } from "../index/corpusIndex";
import type { PartialDate } from "../model";
import { RULES } from "../rules";
import { draftSyntaxFindings } from "../rules/draftSyntax";
import type { ReferenceKeys, RuleContext } from "../rules/ruleContext";
import { SETTINGS_DEFAULTS, type ShuttenSettings } from "../settings";
import type { AliasTable } from "../text/entities";
import { normalizeForMatch } from "../text/normalize";
import type { Tokenizer } from "../text/tokenizer";
import { alignClaims } from "./claimAlignment";
import { analyzeDraft, analyzeDraftAsync, type DraftAnalysis } from "./draftAnalysis";
import type { DraftMemo, MemoScope } from "./draftMemo";
import type { Finding } from "./finding";
import type { Locale } from "./messages";
import { quoteVerdicts } from "./quoteVerdicts";

export interface CheckOptions {
  index: CorpusIndex;
  tokenizer: Tokenizer;
  aliases?: AliasTable;
  settings?: ShuttenSettings;
  locale?: Locale;
  /** The draft's reference library (bibliography files, inline references): keys known without full text. */
  library?: ReferenceKeys;
  /** Called between phases; throwing (e.g. a cancellation) stops the check. */
  checkpoint?: () => void;
  /** The draft's own memo (one per open document): what the previous check of this draft worked out is reused. */
  memo?: DraftMemo;
}

/** Katakana spelling variants (ウィトコフ/ウィットコフ) compare equal; so do names that differ by a title only. */
function foldName(s: string): string {
  return normalizeForMatch(s).replace(/[ッっーｰ・=＝\s]/g, "");
}

function draftReference(draft: ParsedDraft): PartialDate | null {
  const raw = draft.frontMatter?.date;
  const value = raw instanceof Date ? raw.toISOString() : typeof raw === "string" ? raw : null;
  const m = value?.match(/^(\d{4})-(\d{2})(?:-(\d{2}))?/);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: m[3] ? Number(m[3]) : null } : null;
}

/** Runs the rules over an analysed draft and applies the severity settings. */
function runRules(analysis: DraftAnalysis, options: CheckOptions, memo?: MemoScope): Finding[] {
  const settings = options.settings ?? SETTINGS_DEFAULTS;
  const checkpoint = options.checkpoint ?? (() => {});
  const { draft } = analysis;
  const verdicts = quoteVerdicts(analysis, options.index, memo);
  checkpoint();
  const claims = alignClaims(analysis, options.index, (a, b) => a === b || analysis.aliases.same(a, b), memo);
  checkpoint();
  const ctx: RuleContext = {
    draft,
    analysis,
    index: options.index,
    verdicts,
    claims,
    locale: options.locale ?? "en",
    library: options.library,
    sameEntity: (a, b) => a === b || foldName(a) === foldName(b) || analysis.aliases.same(a, b),
    memo,
  };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    const setting = settings.diagnostics[rule.code];
    if (setting === "off") continue;
    const severity = setting === "default" || !setting ? DEFAULT_SEVERITY[rule.code] : setting;
    for (const f of rule.run(ctx)) findings.push({ ...f, severity });
  }
  pushAll(findings, draftSyntaxFindings(ctx));
  return findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
}

/** A check's view of the draft's memo, if it has one: results from the same corpus and alias table only. */
const memoScope = (options: CheckOptions): MemoScope | undefined => options.memo?.begin(options.index, options.aliases ?? options.tokenizer);

export function checkParsedDraft(draft: ParsedDraft, options: CheckOptions): Finding[] {
  const memo = memoScope(options);
  const analysis = analyzeDraft(draft, { tokenizer: options.tokenizer, aliases: options.aliases, reference: draftReference(draft), memo });
  options.checkpoint?.();
  const findings = runRules(analysis, options, memo);
  memo?.finish();
  return findings;
}

/**
 * The same check for the language server: the analysis yields to the event loop every few
 * milliseconds, so completion and hover are answered while a long draft is checked, and
 * `checkpoint` (called at every turn) can abandon a check an edit has made stale.
 */
export async function checkDraftAsync(text: string, options: CheckOptions): Promise<Finding[]> {
  const draft = parseDraft(text);
  options.checkpoint?.();
  const memo = memoScope(options);
  const analysis = await analyzeDraftAsync(draft, { tokenizer: options.tokenizer, aliases: options.aliases, reference: draftReference(draft), memo }, 15, options.checkpoint);
  options.checkpoint?.();
  const findings = runRules(analysis, options, memo);
  memo?.finish();
  return findings;
}

export function checkDraft(text: string, options: CheckOptions): Finding[] {
  return checkParsedDraft(parseDraft(text), options);
}

export { isDiagnosticCode };
