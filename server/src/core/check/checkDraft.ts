/**
 * The checker: parse the draft, analyse its prose, compute quote verdicts and claim alignments once,
 * run every rule over them, and apply the severity settings. Pure: no I/O, no LSP.
 */
import { pushAll } from "../arrays";
import { TimeSlicer } from "../cancellation";
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
import { alignClaims, alignSentenceClaims, type ClaimAlignment } from "./claimAlignment";
import { analyzeDraft, analyzeDraftAsync, type DraftAnalysis } from "./draftAnalysis";
import type { DraftMemo, MemoScope } from "./draftMemo";
import type { Finding } from "./finding";
import type { Locale } from "./messages";
import { quoteVerdict, quoteVerdicts, type QuoteVerdict } from "./quoteVerdicts";
import { backgroundTurn } from "../backgroundWork";

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

/** Katakana spelling variants (ラトコフ/ラットコフ) compare equal; so do names that differ by a title only. */
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
  const checkpoint = options.checkpoint ?? (() => {});
  const verdicts = quoteVerdicts(analysis, options.index, memo);
  checkpoint();
  const claims = alignClaims(analysis, options.index, sameAlias(analysis), memo);
  checkpoint();
  const rules = ruleSteps(analysis, options, verdicts, claims, memo);
  for (const step of rules.steps) step();
  return rules.finish();
}

/**
 * `runRules` for the server: the quotes are judged and the sentences aligned one at a time, yielding
 * to the event loop every `sliceMs` (right after a corpus change nothing is memoised yet, and a
 * draft's evidence against 10,000 articles takes a second or more), with `checkpoint` at every turn.
 */
async function runRulesAsync(analysis: DraftAnalysis, options: CheckOptions, sliceMs: number, memo?: MemoScope): Promise<Finding[]> {
  const checkpoint = options.checkpoint ?? (() => {});
  const slicer = new TimeSlicer(undefined, sliceMs, backgroundTurn);
  const turn = async () => {
    await slicer.tick();
    checkpoint();
  };
  const verdicts: QuoteVerdict[] = [];
  for (let i = 0; i < analysis.draft.quotes.length; i++) {
    verdicts.push(quoteVerdict(analysis, options.index, i, memo));
    await turn();
  }
  checkpoint();
  const claims: ClaimAlignment[] = [];
  const same = sameAlias(analysis);
  for (let i = 0; i < analysis.draft.sentences.length; i++) {
    const aligned = alignSentenceClaims(analysis, options.index, i, same, memo);
    if (aligned) claims.push(aligned);
    await turn();
  }
  checkpoint();
  const rules = ruleSteps(analysis, options, verdicts, claims, memo);
  for (const step of rules.steps) {
    step();
    await turn();
  }
  return rules.finish();
}

function sameAlias(analysis: DraftAnalysis): (a: string, b: string) => boolean {
  return (a, b) => a === b || analysis.aliases.same(a, b);
}

/** The rules as steps over the evidence (each adds its findings), and the sorted findings at the end. */
function ruleSteps(
  analysis: DraftAnalysis,
  options: CheckOptions,
  verdicts: QuoteVerdict[],
  claims: ClaimAlignment[],
  memo?: MemoScope,
): { steps: (() => void)[]; finish: () => Finding[] } {
  const settings = options.settings ?? SETTINGS_DEFAULTS;
  const { draft } = analysis;
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
  const steps: (() => void)[] = [];
  for (const rule of RULES) {
    const setting = settings.diagnostics[rule.code];
    if (setting === "off") continue;
    const severity = setting === "default" || !setting ? DEFAULT_SEVERITY[rule.code] : setting;
    steps.push(() => {
      for (const f of rule.run(ctx)) findings.push({ ...f, severity });
    });
  }
  const finish = () => {
    pushAll(findings, draftSyntaxFindings(ctx));
    return findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
  };
  return { steps, finish };
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
  const findings = await runRulesAsync(analysis, options, 15, memo);
  memo?.finish();
  return findings;
}

export function checkDraft(text: string, options: CheckOptions): Finding[] {
  return checkParsedDraft(parseDraft(text), options);
}

export { isDiagnosticCode };
