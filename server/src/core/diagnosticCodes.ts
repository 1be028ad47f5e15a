/**
 * The diagnostic catalogue (SPEC §5). Codes are a contract: the CLI prints them, tests and code
 * actions match on them, and `shutten.diagnostics.<code>` settings change their severity.
 */
import type { Severity } from "./model";

export const DIAGNOSTIC_CODES = [
  "unknown-source",
  "quote-mismatch",
  "quote-wrong-source",
  "quote-not-found",
  "speaker-mismatch",
  "date-mismatch",
  "number-mismatch",
  "entity-mismatch",
  "uncited-quote",
  "sources-disagree",
  "secondary-source",
] as const;

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

export const DEFAULT_SEVERITY: Record<DiagnosticCode, Severity> = {
  "unknown-source": "error",
  "quote-mismatch": "warning",
  "quote-wrong-source": "warning",
  "quote-not-found": "warning",
  "speaker-mismatch": "warning",
  "date-mismatch": "warning",
  "number-mismatch": "warning",
  "entity-mismatch": "warning",
  "uncited-quote": "information",
  "sources-disagree": "information",
  "secondary-source": "hint",
};

/** One-line descriptions, English and Japanese, for settings and documentation. */
export const CODE_DESCRIPTIONS: Record<DiagnosticCode, { en: string; ja: string }> = {
  "unknown-source": { en: "A citation key is in neither the corpus nor the bibliography.", ja: "引用キーがコーパスにも文献ファイルにもありません。" },
  "quote-mismatch": { en: "The cited source has a near match but not these exact words.", ja: "引用元に近い文言はあるが、一字一句は一致しません。" },
  "quote-wrong-source": { en: "The quote is not in the cited source(s) but in another corpus source.", ja: "引用は挙げた出典になく、別の出典にあります。" },
  "quote-not-found": { en: "A speech quote found nowhere in the corpus.", ja: "発言の引用がコーパスのどこにも見つかりません。" },
  "speaker-mismatch": { en: "The draft attributes the quote to someone other than the source does.", ja: "出典とは別の人物の発言とされています。" },
  "date-mismatch": { en: "A cited claim's date differs from the source passage's date.", ja: "記述の日付が出典の該当箇所と異なります。" },
  "number-mismatch": { en: "A cited claim's number differs for the same counter.", ja: "記述の数値が出典と異なります（同じ助数詞）。" },
  "entity-mismatch": { en: "A cited claim names a different person, place or organisation than the source passage.", ja: "記述の人物・場所・組織が出典の該当箇所と異なります。" },
  "uncited-quote": { en: "A quote the corpus holds, with no citation in its sentence.", ja: "コーパスにある引用ですが、出典が示されていません。" },
  "sources-disagree": { en: "The corpus itself disagrees on a fact the draft uses.", ja: "この記述に関してコーパス内の出典同士が食い違っています。" },
  "secondary-source": { en: "The cited passage is an aggregator quoting an original outlet.", ja: "引用箇所はまとめサイトが元の報道機関を引用したものです。" },
};

export function isDiagnosticCode(s: string): s is DiagnosticCode {
  return (DIAGNOSTIC_CODES as readonly string[]).includes(s);
}
