/**
 * A finding: what a rule reports about a draft, as plain data (offsets, strings, codes). The LSP
 * layer turns findings into diagnostics and code actions; the CLI prints them.
 */
import type { DiagnosticCode } from "../diagnosticCodes";
import type { Severity, SourceLocation, Span } from "../model";

export type DraftProblemCode = "citation-without-key" | "citation-after-text" | "citation-fullwidth" | "citation-example-list" | "unbalanced-quote" | "front-matter-invalid";

/** What a quick fix needs: replace the span with `text` (the source's exact words, a key, a date…). */
export interface FixData {
  kind: "replace-quote" | "replace-citation" | "add-citation" | "replace-date" | "replace-number" | "replace-entity" | "replace-key";
  /** Draft span to replace (for add-citation: an empty span where the citation goes). */
  span: Span;
  text: string;
  /** A short title for the action, in the finding's language. */
  title: string;
}

export interface Finding {
  /** A catalogue code, or one of the draft-syntax codes (`citation-without-key`, …). */
  code: DiagnosticCode | DraftProblemCode;
  severity: Severity;
  /** Span in the draft text. */
  span: Span;
  message: string;
  /** The evidence in the corpus (source passages), for related information and navigation. */
  related: (SourceLocation & { message: string })[];
  fixes: FixData[];
}
